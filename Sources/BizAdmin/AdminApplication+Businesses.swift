import BizCore
import BizHTTP
import BizPostgres

/// The businesses pages: the list, the forms, deleting.
extension AdminApplication {
    /// `GET /`: the page of the table the query asks for. A page past the end shows the
    /// last page; the links then point at the page shown.
    func list(_ request: HTTPRequest, session: AdminSession) -> HTTPResponse {
        var query = listView(of: request)
        let notice = request.queryValue(ListNotice.parameterName).flatMap(ListNotice.init(rawValue:))
        // Far past any real end; keeps the store's OFFSET from overflowing.
        query.page = min(query.page, Int(Int32.max) / query.pageSize)
        return withStore(session) { store throws(AdminStoreError) in
            func fetch(_ page: Int) throws(AdminStoreError) -> BusinessPage {
                try store.page(
                    sortedBy: query.sortColumn.storeColumn, descending: query.sortDirection == .descending, page: page,
                    pageSize: query.pageSize, search: query.search.isEmpty ? nil : query.search, phone: query.searchPhone)
            }
            var page = try fetch(query.page)
            var pagination = Pagination(totalRows: page.totalCount, pageSize: query.pageSize, requestedPage: query.page)
            if pagination.page != query.page {
                page = try fetch(pagination.page)
                pagination = Pagination(totalRows: page.totalCount, pageSize: query.pageSize, requestedPage: pagination.page)
            }
            return Layout.response(
                BusinessListPage.render(
                    session: session, query: query.atPage(pagination.page), businesses: page.businesses,
                    pagination: pagination, notice: notice))
        }
    }

    /// The list view a request names in its query (`sort`, `dir`, `page`, `size`, `q`):
    /// the list's own, or the one a form page was opened from and returns to.
    func listView(of request: HTTPRequest) -> BusinessListQuery {
        var fields: [String: String] = [:]
        for (name, value) in request.query { fields[name] = value }
        return BusinessListQuery(fields: fields)
    }

    /// The list view a form came from, carried in its hidden `view` field.
    func listView(of fields: [String: String]) -> BusinessListQuery {
        BusinessListQuery(queryString: fields[Layout.viewFieldName] ?? "")
    }

    /// `GET /businesses/<id>/edit`.
    func editForm(id: String, view: BusinessListQuery, session: AdminSession) -> HTTPResponse {
        withStore(session) { store throws(AdminStoreError) in
            let business = try store.business(id: id)
            return Layout.response(
                BusinessFormPage.render(session: session, form: BusinessForm(business: business), businessID: id, view: view))
        }
    }

    /// `GET /businesses/<id>/delete`: asks first.
    func deleteConfirmation(id: String, view: BusinessListQuery, session: AdminSession) -> HTTPResponse {
        withStore(session) { store throws(AdminStoreError) in
            Layout.response(DeleteConfirmationPage.render(session: session, business: try store.business(id: id), view: view))
        }
    }

    /// `POST /businesses` (`id` nil) and `POST /businesses/<id>`: validates the form, checks
    /// that its phones are no other business's, and saves, then shows the list view the form
    /// came from; the form comes back (422) with each error beside its field. Whether the
    /// role may save is PostgreSQL's to say.
    func save(fields: [String: String], id: String?, session: AdminSession) -> HTTPResponse {
        var form = BusinessForm(fields: fields)
        let view = listView(of: fields)
        func invalid(_ form: BusinessForm) -> HTTPResponse {
            Layout.response(BusinessFormPage.render(session: session, form: form, businessID: id, view: view), status: 422)
        }
        guard let input = form.validate() else { return invalid(form) }
        let phones: [(BusinessFormField, PhoneNumber?)] = [(.publicPhone, input.publicPhone), (.twilioPhone, input.twilioPhone)]
        return withStore(session) { store throws(AdminStoreError) in
            var taken = false
            for case let (field, phone?) in phones {
                if let owner = try store.phoneOwner(phone: phone, excluding: id) {
                    form.addError("Already used by another business: \(owner.name).", to: field)
                    taken = true
                }
            }
            if taken { return invalid(form) }
            let draft = BusinessDraft(input)
            do throws(AdminStoreError) {
                if let id { try store.update(id: id, to: draft) } else { try store.create(draft) }
            } catch {
                // Another session took the number since the check above.
                guard case .phoneInUse(let phone, _) = error else { throw error }
                for case let (field, number?) in phones where number.e164 == phone {
                    form.addError("Already used by another business.", to: field)
                }
                return invalid(form)
            }
            return Layout.redirect(to: AdminPaths.list(view, notice: id == nil ? .created : .saved))
        }
    }

    /// `POST /businesses/<id>/delete`, then the list view the confirmation came from.
    func delete(id: String, fields: [String: String], session: AdminSession) -> HTTPResponse {
        withStore(session) { store throws(AdminStoreError) in
            try store.delete(id: id)
            return Layout.redirect(to: AdminPaths.list(listView(of: fields), notice: .deleted))
        }
    }
}

extension BusinessListColumn {
    /// The store's sort for this column of the table.
    var storeColumn: BusinessSortColumn {
        switch self {
        case .name: .name
        case .publicPhone: .publicPhone
        case .twilioPhone: .twilioPhone
        case .businessType: .businessType
        case .tenDLC: .tenDlcStatus
        case .updated: .updatedAt
        }
    }
}

extension BusinessDraft {
    /// The draft of a valid form's values, phones in E.164.
    init(_ input: BusinessInput) {
        self.init(
            name: input.name, publicPhone: input.publicPhone?.e164, twilioPhone: input.twilioPhone?.e164,
            businessType: input.businessType, customSettingsJSON: input.customSettingsJSON)
    }
}
