import BizCore
import Testing

@Suite("Pagination")
struct PaginationTests {
    @Test("A middle page has every link")
    func middle() {
        let pages = Pagination(totalRows: 95, pageSize: 20, requestedPage: 3)
        #expect(pages.page == 3 && pages.pageCount == 5 && pages.offset == 40)
        #expect(pages.hasPrevious && pages.hasNext && pages.previousPage == 2 && pages.nextPage == 4)
        #expect(pages.text == "Page 3 of 5")
    }

    @Test("Page 0 and negative pages show the first page")
    func belowFirst() {
        for requested in [0, -1, Int.min] {
            let pages = Pagination(totalRows: 95, pageSize: 20, requestedPage: requested)
            #expect(pages.page == 1 && pages.offset == 0 && !pages.hasPrevious && pages.previousPage == nil && pages.hasNext)
        }
    }

    @Test("A page past the end shows the last page")
    func pastEnd() {
        for requested in [6, 1000, Int.max] {
            let pages = Pagination(totalRows: 95, pageSize: 20, requestedPage: requested)
            #expect(pages.page == 5 && pages.offset == 80 && pages.hasPrevious && !pages.hasNext && pages.nextPage == nil)
            #expect(pages.text == "Page 5 of 5")
        }
    }

    @Test("No rows is one empty page")
    func empty() {
        let pages = Pagination(totalRows: 0, pageSize: 10, requestedPage: 7)
        #expect(pages.page == 1 && pages.pageCount == 1 && pages.offset == 0 && !pages.hasPrevious && !pages.hasNext)
        #expect(pages.text == "Page 1 of 1")
    }

    @Test("Exact multiples do not add an empty page")
    func exactMultiple() {
        #expect(Pagination(totalRows: 40, pageSize: 20, requestedPage: 1).pageCount == 2)
        #expect(Pagination(totalRows: 41, pageSize: 20, requestedPage: 1).pageCount == 3)
    }

    @Test("Sizes and counts below their least are raised")
    func degenerate() {
        let pages = Pagination(totalRows: -5, pageSize: 0, requestedPage: 2)
        #expect(pages.totalRows == 0 && pages.pageSize == 1 && pages.page == 1)
    }
}
