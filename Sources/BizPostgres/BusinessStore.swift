import BizCore

/// Reads businesses from the `businesses` table.
///
/// Holds a connection it does not own exclusively: like the connection, a store belongs to
/// one thread at a time. The look-up statement is prepared on first use in each session,
/// and again after ``PostgresConnection/reset()``.
public struct BusinessStore {
    /// The connection the store queries.
    public let connection: PostgresConnection

    /// The name of the prepared look-up statement in each session.
    public static let statementName = "bizcached_businesses_by_phone"

    /// At most two rows: callers treat a second one as an ambiguous number.
    static let lookupSQL = """
        SELECT id::text AS id, name, public_phone, twilio_phone, business_type,
               custom_settings::text AS custom_settings,
               to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at,
               to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS updated_at
          FROM public.businesses
         WHERE public_phone = $1 OR twilio_phone = $1
         LIMIT 2
        """

    /// A store reading through `connection`.
    public init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// The businesses (none, one, or two when the data is ambiguous) whose public or Twilio
    /// number is `phone`.
    ///
    /// - Throws: ``PostgresError``; ``PostgresError/unexpectedResult(_:)`` when a row lacks
    ///   a value the `businesses` table requires.
    public func businesses(withPhone phone: PhoneNumber) throws(PostgresError) -> [Business] {
        let rows: PostgresRows
        do throws(PostgresError) {
            rows = try lookUp(phone)
        } catch where error.sqlState == "26000" {
            // The session lost the statement (DISCARD ALL, a pooler): prepare it again, once.
            rows = try lookUp(phone)
        }
        var businesses: [Business] = []
        for row in 0..<rows.count {
            businesses.append(try Self.business(in: rows, row: row))
        }
        return businesses
    }

    /// The businesses for each of `phones`, looked up in one pipelined round trip; each
    /// number gets its own result, as ``businesses(withPhone:)`` would give it.
    public func businesses(withPhones phones: [PhoneNumber]) throws(PostgresError) -> [Result<[Business], PostgresError>] {
        if !connection.isPrepared(Self.statementName) {
            try connection.prepare(name: Self.statementName, sql: Self.lookupSQL)
        }
        var results = try connection.queryPreparedPipelined(name: Self.statementName, phones.map { [$0.e164] })
        if !connection.isPrepared(Self.statementName) {
            // The session lost the statement (DISCARD ALL, a pooler): prepare it again, once.
            try connection.prepare(name: Self.statementName, sql: Self.lookupSQL)
            results = try connection.queryPreparedPipelined(name: Self.statementName, phones.map { [$0.e164] })
        }
        return results.map { result in
            result.flatMap { rows in
                Result { () throws(PostgresError) in
                    try (0..<rows.count).map { row throws(PostgresError) in try Self.business(in: rows, row: row) }
                }
            }
        }
    }

    private func lookUp(_ phone: PhoneNumber) throws(PostgresError) -> PostgresRows {
        if !connection.isPrepared(Self.statementName) {
            try connection.prepare(name: Self.statementName, sql: Self.lookupSQL)
        }
        return try connection.queryPrepared(name: Self.statementName, [phone.e164])
    }

    static func business(in rows: PostgresRows, row: Int) throws(PostgresError) -> Business {
        Business(
            id: try rows.value(row: row, column: "id"),
            name: try rows.value(row: row, column: "name"),
            publicPhone: rows[row, "public_phone"],
            twilioPhone: rows[row, "twilio_phone"],
            businessType: rows[row, "business_type"],
            customSettingsJSON: try rows.value(row: row, column: "custom_settings"),
            createdAt: try rows.value(row: row, column: "created_at"),
            updatedAt: try rows.value(row: row, column: "updated_at"))
    }
}
