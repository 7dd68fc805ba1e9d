/// What the business table shows: its sort, page, page size and search, read from and
/// written back to the page's URL query so that a link reproduces the view.
///
/// Reading is lenient, since the query comes from links people copy and edit: an unknown
/// `sort` means the default sort (name ascending), an unknown `dir` ascending, a `page` that
/// is not a whole number of at least 1 means page 1, a `size` other than 10, 20, 30, 40 or
/// 50 means 20. A page past the end is `Pagination`'s to clamp, since only the row count
/// tells where the end is.
public struct BusinessListQuery: Equatable, Sendable {
    /// The page sizes offered.
    public static let pageSizes = [10, 20, 30, 40, 50]
    /// The page size when none (or one not offered) is asked for.
    public static let defaultPageSize = 20
    /// The longest search kept, in characters; longer searches are cut.
    public static let maximumSearchLength = 100

    public var sortColumn: BusinessListColumn
    public var sortDirection: SortDirection
    /// The page asked for, from 1.
    public var page: Int
    /// One of `pageSizes`.
    public var pageSize: Int
    /// The search text, trimmed and at most `maximumSearchLength` characters; empty for none.
    public var search: String
    /// The search read as a phone number, when it is one: the store matches it against both
    /// phone columns, besides matching `search` against names.
    public var searchPhone: PhoneNumber?

    /// The first page of all businesses by name.
    public init() {
        sortColumn = .name
        sortDirection = .ascending
        page = 1
        pageSize = Self.defaultPageSize
        search = ""
        searchPhone = nil
    }

    /// Reads `sort`, `dir`, `page`, `size` and `q` from a decoded query; other names are
    /// ignored. `phoneParser` reads `q` as a phone, as bizcached reads requests.
    public init(fields: [String: String], phoneParser: PhoneNumberParser = PhoneNumberParser()) {
        self.init()
        if let sort = fields["sort"].flatMap(BusinessListColumn.init(rawValue:)) {
            sortColumn = sort
            sortDirection = fields["dir"].flatMap(SortDirection.init(rawValue:)) ?? .ascending
        }
        if let page = fields["page"].flatMap({ Int($0) }), page >= 1 {
            self.page = page
        }
        if let size = fields["size"].flatMap({ Int($0) }), Self.pageSizes.contains(size) {
            pageSize = size
        }
        setSearch(fields["q"] ?? "", phoneParser: phoneParser)
    }

    /// Reads the query part of a URL (without `?`); a query that cannot be decoded at all
    /// shows the default view.
    public init(queryString: String, phoneParser: PhoneNumberParser = PhoneNumberParser()) {
        let fields = (try? FormURLEncoding.decode(queryString, limit: 4096)) ?? [:]
        self.init(fields: fields, phoneParser: phoneParser)
    }

    /// Sets `search` (trimmed and cut to length) and `searchPhone`.
    public mutating func setSearch(_ text: String, phoneParser: PhoneNumberParser = PhoneNumberParser()) {
        search = String(text.trimmingWhitespace().prefix(Self.maximumSearchLength))
        searchPhone = search.isEmpty ? nil : try? phoneParser.parse(search)
    }

    /// The query for the URL, with every parameter, percent-encoded:
    /// `sort=name&dir=asc&page=1&size=20&q=acme`. `q` is left out when there is no search.
    public var queryString: String {
        var pairs: [(name: String, value: String)] = [
            ("sort", sortColumn.rawValue), ("dir", sortDirection.rawValue),
            ("page", String(page)), ("size", String(pageSize)),
        ]
        if !search.isEmpty { pairs.append(("q", search)) }
        return FormURLEncoding.encode(pairs)
    }

    /// The view a click on `column`'s header leads to: the sorted column flips direction,
    /// another column starts ascending; either way back to page 1, same size and search.
    public func sorted(by column: BusinessListColumn) -> BusinessListQuery {
        var query = self
        query.sortDirection = column == sortColumn ? sortDirection.reversed : .ascending
        query.sortColumn = column
        query.page = 1
        return query
    }

    /// The arrow to show beside `column`'s header: ▲ or ▼ for the sorted column, nil for others.
    public func arrow(for column: BusinessListColumn) -> String? {
        column == sortColumn ? sortDirection.arrow : nil
    }

    /// The same view at another page.
    public func atPage(_ page: Int) -> BusinessListQuery {
        var query = self
        query.page = max(1, page)
        return query
    }

    /// The same view with another page size, from page 1; sizes not offered mean the default.
    public func withPageSize(_ size: Int) -> BusinessListQuery {
        var query = self
        query.pageSize = Self.pageSizes.contains(size) ? size : Self.defaultPageSize
        query.page = 1
        return query
    }
}
