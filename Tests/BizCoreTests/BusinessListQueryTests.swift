import BizCore
import Testing

@Suite("BusinessListQuery")
struct BusinessListQueryTests {
    @Test("No parameters: first page of 20 by name ascending")
    func defaults() {
        let query = BusinessListQuery(queryString: "")
        #expect(query == BusinessListQuery())
        #expect(query.sortColumn == .name && query.sortDirection == .ascending)
        #expect(query.page == 1 && query.pageSize == 20 && query.search.isEmpty && query.searchPhone == nil)
    }

    @Test("Every parameter is read")
    func reads() {
        let query = BusinessListQuery(queryString: "sort=ten_dlc&dir=desc&page=3&size=50&q=+Acme+Plumbing+")
        #expect(query.sortColumn == .tenDLC && query.sortDirection == .descending)
        #expect(query.page == 3 && query.pageSize == 50 && query.search == "Acme Plumbing")
    }

    @Test(
        "Pages that are not whole numbers of at least 1 mean page 1",
        arguments: ["page=0", "page=-3", "page=abc", "page=", "page=1.5", "page=99999999999999999999999"])
    func badPage(_ text: String) {
        #expect(BusinessListQuery(queryString: text).page == 1)
    }

    @Test("Sizes not offered mean 20", arguments: ["size=1000", "size=abc", "size=0", "size=-10", "size=15", "size="])
    func badSize(_ text: String) {
        #expect(BusinessListQuery(queryString: text).pageSize == 20)
    }

    @Test("Every offered size is kept", arguments: BusinessListQuery.pageSizes)
    func goodSize(_ size: Int) {
        #expect(BusinessListQuery(queryString: "size=\(size)").pageSize == size)
    }

    @Test("An unknown sort means the default sort, whatever the direction")
    func badSort() {
        let query = BusinessListQuery(queryString: "sort=id;drop&dir=desc")
        #expect(query.sortColumn == .name && query.sortDirection == .ascending)
        #expect(BusinessListQuery(queryString: "sort=updated&dir=sideways").sortDirection == .ascending)
    }

    @Test("A query that cannot be decoded shows the default view")
    func undecodable() {
        #expect(BusinessListQuery(queryString: "q=%zz&page=4") == BusinessListQuery())
    }

    @Test("The search is trimmed and cut to 100 characters")
    func searchLength() {
        let query = BusinessListQuery(fields: ["q": "  " + String(repeating: "é", count: 150) + "\n"])
        #expect(query.search == String(repeating: "é", count: 100))
    }

    @Test(
        "A search written as a phone in any form is read as that phone",
        arguments: ["+1 (555) 010-0001", "555.010.0001", "15550100001", "5550100001"])
    func phoneSearch(_ text: String) {
        #expect(BusinessListQuery(fields: ["q": text]).searchPhone?.e164 == "+15550100001")
    }

    @Test("A search that is not a phone has no phone")
    func nameSearch() {
        #expect(BusinessListQuery(fields: ["q": "Acme"]).searchPhone == nil)
        #expect(BusinessListQuery(fields: ["q": "555"]).searchPhone == nil)
        let london = BusinessListQuery(fields: ["q": "020 7946 0958"], phoneParser: PhoneNumberParser(defaultCountryCode: CountryCallingCode("44")!))
        #expect(london.searchPhone?.e164 == "+442079460958")
    }

    @Test("The query string reproduces the view")
    func roundTrip() {
        let query = BusinessListQuery(queryString: "sort=public_phone&dir=desc&page=2&size=10&q=Caf%C3%A9+%26+Bar")
        #expect(query.queryString == "sort=public_phone&dir=desc&page=2&size=10&q=Caf%C3%A9+%26+Bar")
        #expect(BusinessListQuery(queryString: query.queryString) == query)
        #expect(BusinessListQuery().queryString == "sort=name&dir=asc&page=1&size=20")
    }

    @Test("Clicking the sorted column flips it; another column starts ascending; both go to page 1")
    func sortToggling() {
        let query = BusinessListQuery(queryString: "sort=name&dir=asc&page=4&size=30&q=acme")
        let flipped = query.sorted(by: .name)
        #expect(flipped.sortColumn == .name && flipped.sortDirection == .descending && flipped.page == 1)
        #expect(flipped.pageSize == 30 && flipped.search == "acme")
        #expect(flipped.sorted(by: .name).sortDirection == .ascending)
        let other = flipped.sorted(by: .updated)
        #expect(other.sortColumn == .updated && other.sortDirection == .ascending)
    }

    @Test("Only the sorted column has an arrow")
    func arrows() {
        let query = BusinessListQuery(queryString: "sort=twilio_phone&dir=desc")
        #expect(query.arrow(for: .twilioPhone) == "▼")
        #expect(query.sorted(by: .twilioPhone).arrow(for: .twilioPhone) == "▲")
        #expect(BusinessListColumn.allCases.filter { query.arrow(for: $0) != nil } == [.twilioPhone])
    }

    @Test("Page and size links keep the rest of the view")
    func pageLinks() {
        let query = BusinessListQuery(queryString: "sort=updated&dir=desc&page=2&q=x")
        #expect(query.atPage(5).queryString == "sort=updated&dir=desc&page=5&size=20&q=x")
        #expect(query.atPage(0).page == 1)
        #expect(query.withPageSize(40).queryString == "sort=updated&dir=desc&page=1&size=40&q=x")
        #expect(query.withPageSize(1000).pageSize == 20)
    }

    @Test("Column headers and query names")
    func columns() {
        #expect(BusinessListColumn.allCases.map(\.rawValue) == ["name", "public_phone", "twilio_phone", "business_type", "ten_dlc", "updated"])
        #expect(BusinessListColumn.allCases.map(\.title) == ["Name", "Public phone", "Twilio phone", "Business type", "10DLC", "Updated"])
    }
}
