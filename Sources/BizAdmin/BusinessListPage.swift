import BizCore

/// The businesses table: search, page size, sortable headers, one row per business with its
/// actions (for roles that can write), and the links between pages.
enum BusinessListPage {
    /// The page of `businesses` in the view `query`; `notice` says what a form just did.
    static func render(
        session: AdminSession, query: BusinessListQuery, businesses: [Business], pagination: Pagination,
        notice: ListNotice? = nil
    ) -> HTMLText {
        var content = HTMLText.element("h1", text: "Businesses")
        if let notice {
            content.append(HTMLText.element("p", ["class": "notice", "role": "status"], text: notice.message))
        }
        content.append(toolbar(session: session, query: query))
        content.append(table(session: session, query: query, businesses: businesses))
        content.append(pages(query: query, pagination: pagination))
        return Layout.document(title: "Businesses", session: session, content: content)
    }

    /// The search box, the page size choice and, for writers, "New business". Both forms
    /// keep the rest of the view in hidden fields.
    private static func toolbar(session: AdminSession, query: BusinessListQuery) -> HTMLText {
        let search = HTMLText.element(
            "form", ["method": "get", "action": AdminPaths.list, "role": "search"],
            hidden(["sort": query.sortColumn.rawValue, "dir": query.sortDirection.rawValue, "size": String(query.pageSize)])
                + HTMLText.element(
                    "input", ["type": "search", "name": "q", "value": query.search, "placeholder": "Name or phone",
                              "aria-label": "Search by name or phone"])
                + HTMLText.element("button", ["type": "submit"], text: "Search"))
        var options = HTMLText()
        for size in BusinessListQuery.pageSizes {
            options.append(
                HTMLText.element("option", ["value": String(size), "selected": size == query.pageSize ? "" : nil], text: String(size)))
        }
        var keep = ["sort": query.sortColumn.rawValue, "dir": query.sortDirection.rawValue]
        if !query.search.isEmpty { keep["q"] = query.search }
        let size = HTMLText.element(
            "form", ["method": "get", "action": AdminPaths.list],
            hidden(keep)
                + HTMLText.element("label", ["for": "size"], text: "Rows per page")
                + HTMLText.element("select", ["id": "size", "name": "size"], options)
                + HTMLText.element("button", ["type": "submit"], text: "Show"))
        var tools = search + size
        if session.canWrite {
            tools.append(HTMLText.element("a", ["href": AdminPaths.fromView(AdminPaths.newBusiness, query)], text: "New business"))
        }
        return HTMLText.element("div", ["class": "toolbar"], tools)
    }

    private static func hidden(_ fields: [String: String]) -> HTMLText {
        var html = HTMLText()
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            html.append(HTMLText.element("input", ["type": "hidden", "name": name, "value": value]))
        }
        return html
    }

    private static func table(session: AdminSession, query: BusinessListQuery, businesses: [Business]) -> HTMLText {
        var headers = HTMLText()
        for column in BusinessListColumn.allCases {
            let arrow = query.arrow(for: column)
            let sort: String? = arrow == nil ? nil : (query.sortDirection == .ascending ? "ascending" : "descending")
            let label = column.title + (arrow.map { " " + $0 } ?? "")
            headers.append(
                HTMLText.element(
                    "th", ["scope": "col", "aria-sort": sort],
                    HTMLText.element("a", ["href": AdminPaths.list(query.sorted(by: column))], text: label)))
        }
        if session.canWrite { headers.append(HTMLText.element("th", ["scope": "col"], text: "Actions")) }
        var rows = HTMLText()
        for business in businesses {
            var cells = HTMLText()
            for column in BusinessListColumn.allCases {
                cells.append(HTMLText.element("td", text: value(of: column, in: business)))
            }
            if session.canWrite {
                cells.append(
                    HTMLText.element(
                        "td", [:],
                        HTMLText.element("a", ["href": AdminPaths.fromView(AdminPaths.edit(business.id), query)], text: "Edit")
                            + HTMLText(markup: " ")
                            + HTMLText.element(
                                "a", ["href": AdminPaths.fromView(AdminPaths.delete(business.id), query)], text: "Delete")))
            }
            rows.append(HTMLText.element("tr", [:], cells))
        }
        if businesses.isEmpty {
            rows = HTMLText.element(
                "tr", [:],
                HTMLText.element("td", ["colspan": String(BusinessListColumn.allCases.count + 1)], text: "No businesses match."))
        }
        return HTMLText.element(
            "table", [:],
            HTMLText.element("thead", [:], HTMLText.element("tr", [:], headers)) + HTMLText.element("tbody", [:], rows))
    }

    /// What a cell of `column` shows; empty values show as a dash.
    static func value(of column: BusinessListColumn, in business: Business) -> String {
        let text: String? =
            switch column {
            case .name: business.name
            case .publicPhone: business.publicPhone
            case .twilioPhone: business.twilioPhone
            case .businessType: business.businessType
            case .tenDLC: JSONMemberReader.string("tenDlcStatus", in: business.customSettingsJSON)
            // 2026-12-03T20:11:14.123456Z → 2026-12-03 20:11 UTC
            case .updated:
                business.updatedAt.count >= 16
                    ? String(business.updatedAt.prefix(16).map { $0 == "T" ? " " : $0 }) + " UTC" : business.updatedAt
            }
        guard let text, !text.isEmpty else { return "—" }
        return text
    }

    /// First, previous, "Page X of Y", next, last: links where they lead somewhere.
    private static func pages(query: BusinessListQuery, pagination: Pagination) -> HTMLText {
        func link(_ title: String, _ page: Int?) -> HTMLText {
            guard let page else { return HTMLText.element("span", ["aria-disabled": "true"], text: title) }
            return HTMLText.element("a", ["href": AdminPaths.list(query.atPage(page))], text: title)
        }
        let nav =
            link("« First", pagination.hasPrevious ? 1 : nil) + link("‹ Previous", pagination.previousPage)
            + HTMLText.element("span", text: pagination.text)
            + link("Next ›", pagination.nextPage) + link("Last »", pagination.hasNext ? pagination.pageCount : nil)
            + HTMLText.element("span", text: pagination.totalRows == 1 ? "1 business" : "\(pagination.totalRows) businesses")
        return HTMLText.element("nav", ["class": "pages", "aria-label": "Pages"], nav)
    }
}
