/// Where a page of the business table falls among all matching rows.
///
/// The requested page is clamped: below 1 means page 1, past the end means the last page, so
/// a stale link (rows deleted since) still shows rows. With no rows there is one empty page.
public struct Pagination: Equatable, Sendable {
    /// The matching rows, on all pages.
    public let totalRows: Int
    /// Rows per page, at least 1.
    public let pageSize: Int
    /// The page shown, from 1 to `pageCount`.
    public let page: Int
    /// The number of pages, at least 1.
    public let pageCount: Int

    public init(totalRows: Int, pageSize: Int, requestedPage: Int) {
        self.totalRows = max(0, totalRows)
        self.pageSize = max(1, pageSize)
        pageCount = max(1, (self.totalRows + self.pageSize - 1) / self.pageSize)
        page = min(max(1, requestedPage), pageCount)
    }

    /// The rows to skip before the page: the query's `OFFSET`.
    public var offset: Int { (page - 1) * pageSize }

    /// Whether "first" and "previous" lead anywhere.
    public var hasPrevious: Bool { page > 1 }
    /// Whether "next" and "last" lead anywhere.
    public var hasNext: Bool { page < pageCount }

    /// The page "previous" leads to, if any.
    public var previousPage: Int? { hasPrevious ? page - 1 : nil }
    /// The page "next" leads to, if any.
    public var nextPage: Int? { hasNext ? page + 1 : nil }

    /// "Page X of Y".
    public var text: String { "Page \(page) of \(pageCount)" }
}
