import BizCore
import BizHTTP
import BizPostgres

/// The businesses pages: the list, the forms, deleting.
extension AdminApplication {
    /// `GET /`: the page of the table the query asks for. A page past the end shows the
    /// last page; the links then point at the page shown.
    func list(_ request: HTTPRequest, session: AdminSession) -> HTTPResponse {
        var fields: [String: String] = [:]
        for (name, value) in request.query { fields[name] = value }
        var query = BusinessListQuery(fields: fields)
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
                    pagination: pagination))
        }
    }

    /// `GET /businesses/<id>/edit`.
    func editForm(id: String, session: AdminSession) -> HTTPResponse {
        withStore(session) { store throws(AdminStoreError) in
            let business = try store.business(id: id)
            return Layout.response(BusinessFormPage.render(session: session, form: BusinessForm(business: business), businessID: id))
        }
    }

    /// `GET /businesses/<id>/delete`: asks first.
    func deleteConfirmation(id: String, session: AdminSession) -> HTTPResponse {
        withStore(session) { store throws(AdminStoreError) in
            Layout.response(DeleteConfirmationPage.render(session: session, business: try store.business(id: id)))
        }
    }

    /// `POST /businesses` (`id` nil) and `POST /businesses/<id>`: validates the form, checks
    /// that its phones are no other business's, and saves; the form comes back (422) with
    /// each error beside its field. Whether the role may save is PostgreSQL's to say.
    func save(fields: [String: String], id: String?, session: AdminSession) -> HTTPResponse {
        var form = BusinessForm(fields: fields)
        func invalid(_ form: BusinessForm) -> HTTPResponse {
            Layout.response(BusinessFormPage.render(session: session, form: form, businessID: id), status: 422)
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
            return Layout.redirect(to: AdminPaths.list)
        }
    }

    /// `POST /businesses/<id>/delete`.
    func delete(id: String, session: AdminSession) -> HTTPResponse {
        withStore(session) { store throws(AdminStoreError) in
            try store.delete(id: id)
            return Layout.redirect(to: AdminPaths.list)
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
