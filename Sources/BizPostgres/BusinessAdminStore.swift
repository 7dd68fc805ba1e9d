import BizCore

/// Lists, reads, creates, changes and deletes businesses for the admin UI.
///
/// The connection should be logged in as the person using the UI, a member of `biz_admin`
/// or `biz_viewer` (migration 0005): PostgreSQL's grants and row level security decide what
/// they may see and do, and a refusal comes back as ``AdminStoreError/permissionDenied(_:)``.
/// Every value travels as a bound parameter; sorting uses a fixed SQL expression per
/// ``BusinessSortColumn``. Like its connection, a store belongs to one thread at a time.
public struct BusinessAdminStore {
    /// The connection the store works through.
    public let connection: PostgresConnection

    /// The largest page ``page(sortedBy:descending:page:pageSize:search:phone:)`` returns.
    public static let maximumPageSize = 500

    /// The columns of a business, as ``BusinessStore`` reads them.
    static let columns = """
        id::text AS id, name, public_phone, twilio_phone, business_type,
        custom_settings::text AS custom_settings,
        to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at,
        to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS updated_at
        """

    /// Matches every row when neither `$1` (a LIKE pattern) nor `$2` (an E.164 number) is
    /// given; otherwise rows whose name matches `$1` case-insensitively or that use `$2` in
    /// either column. `lower(name) LIKE lower($1)` rather than ILIKE: the trigram index of
    /// migration 0006 is on `lower(name)`, and a scan that cannot use it (a pattern under
    /// three characters) lowercases faster than ILIKE compares.
    static let searchCondition = #"""
        (($1::text IS NULL AND $2::text IS NULL)
         OR lower(name) LIKE lower($1) ESCAPE '\'
         OR public_phone = $2 OR twilio_phone = $2)
        """#

    /// A store working through `connection`.
    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    // MARK: Listing

    /// One page of businesses, sorted by `column` with the id breaking ties, and how many
    /// match in all. Count and page come from one statement, so they agree.
    ///
    /// - Parameters:
    ///   - column: the column to sort by; NULLs come last ascending and first descending.
    ///   - descending: sorts from the largest value down.
    ///   - page: the page number, from 1; past the last page the page is empty but
    ///     ``BusinessPage/totalCount`` is still right.
    ///   - pageSize: 1 to ``maximumPageSize`` businesses per page.
    ///   - search: text to find in names, case-insensitively and literally (`%` and `_`
    ///     are no wildcards); nil or blank: no name search.
    ///   - phone: the search text as a phone number, when it is one (normalized as
    ///     bizcached does): businesses using it in either column match too.
    /// - Throws: ``AdminStoreError/invalidValue(_:)`` for a bad page or page size.
    public func page(
        sortedBy column: BusinessSortColumn, descending: Bool = false, page: Int, pageSize: Int,
        search: String? = nil, phone: PhoneNumber? = nil
    ) throws(AdminStoreError) -> BusinessPage {
        guard page >= 1 else { throw .invalidValue("page must be at least 1, not \(page)") }
        guard (1...Self.maximumPageSize).contains(pageSize) else {
            throw .invalidValue("page size must be between 1 and \(Self.maximumPageSize), not \(pageSize)")
        }
        let (offset, overflow) = (page - 1).multipliedReportingOverflow(by: pageSize)
        guard !overflow else { throw .invalidValue("page \(page) is out of range") }
        let forward = descending ? "DESC" : "ASC", backward = descending ? "ASC" : "DESC"
        // One statement, so that the count and the page agree. The count comes first and
        // the page joins it, so a page past the end still gives one row carrying the count.
        //
        // The page is found in two steps: the ids of its rows by walking the (sort key, id)
        // index (migration 0006) past the rows before it, then the rows themselves by id, so
        // that the skipped rows are never read in full. Pages in the second half are walked
        // from the far end: only one of the two branches runs (its condition on the count is
        // checked once), and the last page costs what the first does. The LIMIT around both
        // branches tells the planner that only a page's worth of ids comes out.
        //
        // ORDER BY names sort_key and sort_id: a bare `id` or `updated_at` would mean the
        // text columns of the select list, which no index serves.
        let keys = "\(column.sqlExpression) AS sort_key, id AS sort_id FROM public.businesses WHERE \(Self.searchCondition)"
        let sql = """
            SELECT total.n::text AS total_count, business.*
              FROM (SELECT count(*) AS n FROM public.businesses WHERE \(Self.searchCondition)) AS total
              LEFT JOIN LATERAL (
                    SELECT * FROM (
                        (SELECT \(keys) AND $4 <= total.n / 2
                          ORDER BY sort_key \(forward), sort_id \(forward)
                          LIMIT $3 OFFSET $4)
                        UNION ALL
                        (SELECT \(keys) AND $4 > total.n / 2
                          ORDER BY sort_key \(backward), sort_id \(backward)
                          LIMIT greatest(least($3, total.n - $4), 0) OFFSET greatest(total.n - $4 - $3, 0))
                    ) AS either_end LIMIT $3) AS page ON true
              LEFT JOIN LATERAL (
                    SELECT \(Self.columns) FROM public.businesses WHERE id = page.sort_id) AS business ON true
             ORDER BY page.sort_key \(forward), page.sort_id \(forward)
            """
        let rows = try run(sql, [Self.likePattern(search), phone?.e164, String(pageSize), String(offset)])
        do throws(PostgresError) {
            let total = try rows.value(row: 0, column: "total_count")
            guard let totalCount = Int(total) else { throw .unexpectedResult("count '\(total)' is not a number") }
            var businesses: [Business] = []
            for row in 0..<rows.count where rows[row, "id"] != nil {
                businesses.append(try BusinessStore.business(in: rows, row: row))
            }
            return BusinessPage(businesses: businesses, totalCount: totalCount)
        } catch {
            throw .database(error)
        }
    }

    /// `%text%` for LIKE with `\`, `%` and `_` escaped; nil for nil or blank text.
    static func likePattern(_ search: String?) -> String? {
        guard let search, !search.allSatisfy(\.isWhitespace) else { return nil }
        var escaped = ""
        for character in search {
            if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
            escaped.append(character)
        }
        return "%" + escaped + "%"
    }

    // MARK: One business

    /// The business with id `id`.
    ///
    /// - Throws: ``AdminStoreError/notFound(id:)`` when there is none, `id` is no UUID,
    ///   or the role may not see it.
    public func business(id: String) throws(AdminStoreError) -> Business {
        guard Self.isUUID(id) else { throw .notFound(id: id) }
        let rows = try run("SELECT \(Self.columns) FROM public.businesses WHERE id = $1::uuid", [id])
        guard !rows.isEmpty else { throw .notFound(id: id) }
        return try Self.business(in: rows)
    }

    /// The business, other than the one with id `excludedID`, that uses `phone` as its
    /// public or its Twilio number; nil when none does. For checking a form before it is
    /// saved; ``create(_:)`` and ``update(id:to:)`` check again.
    public func phoneOwner(phone: PhoneNumber, excluding excludedID: String? = nil) throws(AdminStoreError) -> Business? {
        let excluded = excludedID.flatMap { Self.isUUID($0) ? $0 : nil }
        let rows = try run(
            """
            SELECT \(Self.columns) FROM public.businesses
             WHERE (public_phone = $1 OR twilio_phone = $1) AND ($2::uuid IS NULL OR id <> $2::uuid)
             ORDER BY id
             LIMIT 1
            """,
            [phone.e164, excluded])
        return rows.isEmpty ? nil : try Self.business(in: rows)
    }

    /// Inserts a business made of `draft` and returns it as stored.
    ///
    /// - Throws: ``AdminStoreError/phoneInUse(phone:businessID:)`` when another business has
    ///   one of its numbers, ``AdminStoreError/invalidValue(_:)`` for values the table
    ///   rejects, ``AdminStoreError/permissionDenied(_:)`` for a role that may not insert.
    @discardableResult
    public func create(_ draft: BusinessDraft) throws(AdminStoreError) -> Business {
        let rows = try run(
            """
            INSERT INTO public.businesses (name, public_phone, twilio_phone, business_type, custom_settings)
            VALUES ($1, $2, $3, $4, $5::jsonb)
            RETURNING \(Self.columns)
            """,
            [draft.name, draft.publicPhone, draft.twilioPhone, draft.businessType, draft.customSettingsJSON],
            phones: draft, excluding: nil)
        return try Self.business(in: rows)
    }

    /// Replaces the values of the business with id `id` by those of `draft` and returns it
    /// as stored (with a new `updated_at`).
    ///
    /// - Throws: as ``create(_:)``, and ``AdminStoreError/notFound(id:)`` when there is no
    ///   such business.
    @discardableResult
    public func update(id: String, to draft: BusinessDraft) throws(AdminStoreError) -> Business {
        guard Self.isUUID(id) else { throw .notFound(id: id) }
        let rows = try run(
            """
            UPDATE public.businesses
               SET name = $2, public_phone = $3, twilio_phone = $4, business_type = $5, custom_settings = $6::jsonb
             WHERE id = $1::uuid
            RETURNING \(Self.columns)
            """,
            [id, draft.name, draft.publicPhone, draft.twilioPhone, draft.businessType, draft.customSettingsJSON],
            phones: draft, excluding: id)
        guard !rows.isEmpty else { throw .notFound(id: id) }
        return try Self.business(in: rows)
    }

    /// Deletes the business with id `id`; its queued texts keep no link to it and its
    /// tasks go with it (the foreign keys of migrations 0003 and 0004).
    ///
    /// - Throws: ``AdminStoreError/notFound(id:)`` when there is no such business,
    ///   ``AdminStoreError/permissionDenied(_:)`` for a role that may not delete.
    public func delete(id: String) throws(AdminStoreError) {
        guard Self.isUUID(id) else { throw .notFound(id: id) }
        let rows = try run("DELETE FROM public.businesses WHERE id = $1::uuid", [id])
        guard rows.affectedRowCount == 1 else { throw .notFound(id: id) }
    }

    // MARK: Helpers

    /// Runs `sql`, turning failures into ``AdminStoreError``. A unique violation that does
    /// not name the holder (a concurrent insert hit a UNIQUE index first) is completed by
    /// looking up who uses one of `draft`'s numbers.
    private func run(
        _ sql: String, _ parameters: [String?], phones draft: BusinessDraft? = nil, excluding id: String? = nil
    ) throws(AdminStoreError) -> PostgresRows {
        do throws(PostgresError) {
            return try connection.query(sql, parameters)
        } catch {
            let sorted = AdminStoreError(error)
            if case .invalidValue = sorted, error.isUniqueViolation, let draft {
                let parser = PhoneNumberParser()
                for case let text? in [draft.publicPhone, draft.twilioPhone] {
                    guard let phone = try? parser.parse(text),
                        let owner = try? phoneOwner(phone: phone, excluding: id)
                    else { continue }
                    throw .phoneInUse(phone: phone.e164, businessID: owner.id)
                }
            }
            throw sorted
        }
    }

    private static func business(in rows: PostgresRows) throws(AdminStoreError) -> Business {
        do throws(PostgresError) {
            return try BusinessStore.business(in: rows, row: 0)
        } catch {
            throw .database(error)
        }
    }

    /// True for the text form of a UUID: 8-4-4-4-12 hexadecimal digits.
    static func isUUID(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        guard utf8.count == 36 else { return false }
        for (index, byte) in utf8.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                guard byte.isHexDigit else { return false }
            }
        }
        return true
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
