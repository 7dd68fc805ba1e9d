import BizPostgres
import BizTestSupport

/// A fresh database with the package's migrations applied, and a connection to it.
struct Fixture {
    let database: PostgresTestDatabase
    let connection: PostgresConnection

    init() throws {
        database = try PostgresTestDatabase()
        try database.applyMigrations()
        connection = try database.connect()
    }

    /// Inserts a business and returns its id.
    @discardableResult
    func insertBusiness(
        name: String = "Acme Plumbing", publicPhone: String? = nil, twilioPhone: String? = nil,
        businessType: String? = nil, customSettings: String = "{}"
    ) throws -> String {
        let rows = try connection.query(
            """
            INSERT INTO businesses (name, public_phone, twilio_phone, business_type, custom_settings)
            VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING id::text
            """,
            [name, publicPhone, twilioPhone, businessType, customSettings])
        return try rows.value(row: 0, column: "id")
    }

}
