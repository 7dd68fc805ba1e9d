import BizCore
import BizPostgres
import Testing

@Suite struct BusinessAdminStoreTests {
    /// A row with every sortable value given, `updated_at` included.
    private struct Row {
        var name: String
        var publicPhone: String?
        var twilioPhone: String?
        var businessType: String?
        var tenDlcStatus: String?
        var updatedAt: String
    }

    /// Rows whose values sort alike under any collation, with ties in every column but the
    /// phones, and NULLs.
    private static let rows: [Row] = [
        Row(name: "delta", publicPhone: "+15550100004", twilioPhone: nil, businessType: "salon", tenDlcStatus: "approved", updatedAt: "2026-01-02"),
        Row(name: "Alpha", publicPhone: "+15550100001", twilioPhone: "+15550200003", businessType: nil, tenDlcStatus: nil, updatedAt: "2026-01-01"),
        Row(name: "alpha", publicPhone: nil, twilioPhone: "+15550200001", businessType: "plumber", tenDlcStatus: "pending", updatedAt: "2026-01-02"),
        Row(name: "charlie", publicPhone: "+15550100003", twilioPhone: "+15550200002", businessType: "plumber", tenDlcStatus: "approved", updatedAt: "2026-01-03"),
        Row(name: "BRAVO", publicPhone: "+15550100002", twilioPhone: nil, businessType: "salon", tenDlcStatus: "pending", updatedAt: "2026-01-01"),
        Row(name: "echo", publicPhone: nil, twilioPhone: nil, businessType: nil, tenDlcStatus: nil, updatedAt: "2026-01-03"),
    ]

    private func fixtureWithRows() throws -> (Fixture, ids: [String]) {
        let fixture = try Fixture()
        var ids: [String] = []
        for row in Self.rows {
            let settings = row.tenDlcStatus.map { #"{"tenDlcStatus": "\#($0)"}"# } ?? "{}"
            let inserted = try fixture.connection.query(
                """
                INSERT INTO businesses (name, public_phone, twilio_phone, business_type, custom_settings, updated_at)
                VALUES ($1, $2, $3, $4, $5::jsonb, $6::timestamptz) RETURNING id::text
                """,
                [row.name, row.publicPhone, row.twilioPhone, row.businessType, settings, row.updatedAt + "T00:00:00Z"])
            ids.append(try inserted.value(row: 0, column: "id"))
        }
        return (fixture, ids)
    }

    private func phone(_ text: String) throws -> PhoneNumber {
        try PhoneNumberParser().parse(text)
    }

    @Test(arguments: BusinessSortColumn.allCases, [false, true])
    func sortsByEveryColumnBothWaysWithTheIdBreakingTies(column: BusinessSortColumn, descending: Bool) throws {
        let (fixture, ids) = try fixtureWithRows()
        let store = BusinessAdminStore(connection: fixture.connection)

        func key(_ row: Row) -> String? {
            switch column {
            case .name: row.name.lowercased()
            case .publicPhone: row.publicPhone
            case .twilioPhone: row.twilioPhone
            case .businessType: row.businessType
            case .tenDlcStatus: row.tenDlcStatus
            case .updatedAt: row.updatedAt
            }
        }
        // PostgreSQL's defaults: NULLs last going up, first going down; ties by id the same way.
        let ascending = zip(Self.rows, ids).sorted { a, b in
            switch (key(a.0), key(b.0)) {
            case let (x?, y?) where x != y: x < y
            case (nil, _?): false
            case (_?, nil): true
            default: a.1 < b.1
            }
        }.map(\.1)
        let expected = descending ? Array(ascending.reversed()) : ascending

        // Pages in the second half are read from the far end: sizes that put the last page's
        // start before, at and past the middle, and a last page that is not full.
        for size in [1, 2, 4, 5, 6] {
            var seen: [String] = []
            for number in 1...((6 + size - 1) / size) {
                let page = try store.page(sortedBy: column, descending: descending, page: number, pageSize: size)
                #expect(page.totalCount == 6)
                seen += page.businesses.map(\.id)
            }
            #expect(seen == expected, "\(column) \(descending ? "descending" : "ascending"), \(size) per page")
        }
    }

    @Test func pagesEndWithAnEmptyPageThatStillCounts() throws {
        let (fixture, _) = try fixtureWithRows()
        let store = BusinessAdminStore(connection: fixture.connection)

        #expect(try store.page(sortedBy: .name, page: 1, pageSize: 4).businesses.count == 4)
        let last = try store.page(sortedBy: .name, page: 2, pageSize: 4)
        #expect(last.businesses.map(\.name) == ["delta", "echo"])
        #expect(last.totalCount == 6)
        let beyond = try store.page(sortedBy: .name, page: 3, pageSize: 4)
        #expect(beyond == BusinessPage(businesses: [], totalCount: 6))
        let none = try store.page(sortedBy: .name, page: 1, pageSize: 4, search: "zulu")
        #expect(none == BusinessPage(businesses: [], totalCount: 0))

        for (page, size) in [(0, 10), (-1, 10), (1, 0), (1, BusinessAdminStore.maximumPageSize + 1), (Int.max, 500)] {
            let error = #expect(throws: AdminStoreError.self) {
                try store.page(sortedBy: .name, page: page, pageSize: size)
            }
            guard case .invalidValue = error else {
                Issue.record("page \(page) of \(size): \(String(describing: error))")
                continue
            }
        }
    }

    @Test func pagesReturnWholeBusinesses() throws {
        let fixture = try Fixture()
        let id = try fixture.insertBusiness(
            name: "Acme", publicPhone: "+15550100001", twilioPhone: "+15550100002", businessType: "plumber",
            customSettings: #"{"tenDlcStatus": "approved"}"#)
        let store = BusinessAdminStore(connection: fixture.connection)
        let page = try store.page(sortedBy: .updatedAt, page: 1, pageSize: 10)
        #expect(page.businesses == [try store.business(id: id)])
        let business = try #require(page.businesses.first)
        #expect(business.twilioPhone == "+15550100002")
        #expect(business.businessType == "plumber")
        #expect(business.customSettingsJSON == #"{"tenDlcStatus": "approved"}"#)
    }

    @Test func searchFindsNamesCaseInsensitivelyAndLiterally() throws {
        let fixture = try Fixture()
        for name in ["100% Pure", "1000 Pure", "Acme_Plumbing", "AcmeXPlumbing", #"Back\slash"#, "Bakery"] {
            try fixture.insertBusiness(name: name)
        }
        let store = BusinessAdminStore(connection: fixture.connection)
        func names(_ search: String?) throws -> [String] {
            try store.page(sortedBy: .name, page: 1, pageSize: 50, search: search).businesses.map(\.name)
        }
        #expect(try names("ACME") == ["Acme_Plumbing", "AcmeXPlumbing"])
        #expect(try names("e_p") == ["Acme_Plumbing"])
        #expect(try names("0%") == ["100% Pure"])
        #expect(try names("%") == ["100% Pure"])
        #expect(try names(#"k\s"#) == [#"Back\slash"#])
        #expect(try names("ba") == [#"Back\slash"#, "Bakery"])
        #expect(try names("  ").count == 6)
        #expect(try names(nil).count == 6)
        #expect(try names("' OR 1=1 --").isEmpty)
    }

    @Test func searchFindsPhonesInEitherColumn() throws {
        let fixture = try Fixture()
        let a = try fixture.insertBusiness(name: "Acme", publicPhone: "+15550100001")
        let b = try fixture.insertBusiness(name: "Bakery", twilioPhone: "+15550100002")
        try fixture.insertBusiness(name: "Cafe 555")
        let store = BusinessAdminStore(connection: fixture.connection)
        func ids(_ search: String) throws -> [String] {
            let number = try? phone(search)
            return try store.page(sortedBy: .name, page: 1, pageSize: 50, search: search, phone: number).businesses.map(\.id)
        }
        #expect(try ids("(555) 010-0001") == [a])
        #expect(try ids("+1 555 010 0002") == [b])
        #expect(try ids("555.010.0009").isEmpty)
        // Digits are searched in names as well.
        #expect(try ids("555").count == 1)
        let page = try store.page(sortedBy: .name, page: 1, pageSize: 50, phone: try phone("5550100002"))
        #expect(page.businesses.map(\.id) == [b])
        #expect(page.totalCount == 1)
    }

    @Test func findsWhoUsesAPhone() throws {
        let fixture = try Fixture()
        let a = try fixture.insertBusiness(name: "A", publicPhone: "+15550100001", twilioPhone: "+15550100002")
        let b = try fixture.insertBusiness(name: "B", publicPhone: "+15550100003")
        let store = BusinessAdminStore(connection: fixture.connection)

        #expect(try store.phoneOwner(phone: phone("+15550100001"))?.id == a)
        #expect(try store.phoneOwner(phone: phone("+15550100002"), excluding: b)?.id == a)
        #expect(try store.phoneOwner(phone: phone("+15550100002"), excluding: a) == nil)
        #expect(try store.phoneOwner(phone: phone("+15550100009")) == nil)

        let onCreate = #expect(throws: AdminStoreError.self) {
            try store.create(BusinessDraft(name: "C", twilioPhone: "+15550100001"))
        }
        #expect(onCreate == .phoneInUse(phone: "+15550100001", businessID: a))
        #expect(onCreate?.description == "phone number +15550100001 is already used by business \(a)")
        let onUpdate = #expect(throws: AdminStoreError.self) {
            try store.update(id: b, to: BusinessDraft(name: "B", publicPhone: "+15550100003", twilioPhone: "+15550100002"))
        }
        #expect(onUpdate == .phoneInUse(phone: "+15550100002", businessID: a))
        // A business may keep its own numbers, in either column.
        let swapped = try store.update(id: a, to: BusinessDraft(name: "A", publicPhone: "+15550100002", twilioPhone: "+15550100001"))
        #expect(swapped.publicPhone == "+15550100002")
    }

    @Test func createsReadsUpdatesAndDeletes() throws {
        let fixture = try Fixture()
        let store = BusinessAdminStore(connection: fixture.connection)
        let created = try store.create(
            BusinessDraft(
                name: "Acme", publicPhone: "+15550100001", businessType: "plumber",
                customSettingsJSON: #"{"tenDlcStatus": "pending"}"#))
        #expect(created.name == "Acme")
        #expect(created.customSettingsJSON == #"{"tenDlcStatus": "pending"}"#)
        #expect(try store.business(id: created.id) == created)

        let updated = try store.update(id: created.id, to: BusinessDraft(name: "Acme 2", twilioPhone: "+15550100002"))
        #expect(updated.publicPhone == nil)
        #expect(updated.businessType == nil)
        #expect(updated.customSettingsJSON == "{}")
        #expect(try store.business(id: created.id) == updated)

        try store.delete(id: created.id)
        for id in [created.id, "00000000-0000-0000-0000-000000000000", "not-a-uuid", "'; DROP TABLE businesses; --"] {
            #expect(throws: AdminStoreError.notFound(id: id)) { try store.business(id: id) }
            #expect(throws: AdminStoreError.notFound(id: id)) { try store.update(id: id, to: BusinessDraft(name: "X")) }
            #expect(throws: AdminStoreError.notFound(id: id)) { try store.delete(id: id) }
        }
    }

    @Test(arguments: [
        BusinessDraft(name: "Bad phone", publicPhone: "5550100001"),
        BusinessDraft(name: "Bad phone", twilioPhone: "+1 555 010 0001"),
        BusinessDraft(name: "Not an object", customSettingsJSON: "[]"),
        BusinessDraft(name: "Not JSON", customSettingsJSON: "{"),
    ])
    func rejectsValuesTheTableDoesNotAccept(draft: BusinessDraft) throws {
        let fixture = try Fixture()
        let store = BusinessAdminStore(connection: fixture.connection)
        let error = #expect(throws: AdminStoreError.self) { try store.create(draft) }
        guard case .invalidValue = error else {
            Issue.record("\(draft.name): \(String(describing: error))")
            return
        }
        #expect(try store.page(sortedBy: .name, page: 1, pageSize: 10).totalCount == 0)
    }
}
