import BizCore
import BizPostgres
import BizTestSupport
import Testing

/// Migration 0006 on databases shaped like the ones it meets in production.
@Suite struct AdminListIndexesMigrationTests {
    @Test func buildsTheTrigramIndexWhenPgTrgmLivesInAnotherSchema() throws {
        let database = try PostgresTestDatabase()
        let connection = try database.connect()
        // Supabase's layout: extensions in their own schema, not on the search path.
        try connection.execute("CREATE SCHEMA extensions; CREATE EXTENSION pg_trgm SCHEMA extensions")

        try Migrator().apply(on: connection)

        let definition = try connection.query(
            "SELECT pg_get_indexdef('public.businesses_name_trigram_idx'::regclass) AS definition")
        #expect(try definition.value(row: 0, column: "definition").contains("extensions.gin_trgm_ops"))

        try connection.query(
            "INSERT INTO businesses (name, public_phone) VALUES ($1, $2)", ["Harbor Bakery", "+15550100001"])
        let page = try BusinessAdminStore(connection: connection).page(
            sortedBy: .name, page: 1, pageSize: 10, search: "BAKER")
        #expect(page.businesses.map(\.name) == ["Harbor Bakery"])
    }

    @Test func rowsFromBeforeTheMigrationGetTheirStatusWithoutCountingAsChanged() throws {
        let database = try PostgresTestDatabase()
        let connection = try database.connect()
        let migrations = try Migration.embedded()
        try Migrator(migrations: migrations.filter { $0.version < 6 }).apply(on: connection)
        try connection.query(
            "INSERT INTO businesses (name, custom_settings, updated_at) VALUES ($1, $2::jsonb, $3::timestamptz), ($4, '{}', $3::timestamptz)",
            ["Registered", #"{"tenDlcStatus": "registered"}"#, "2026-01-01T00:00:00Z", "Unknown"])
        try connection.listen("business_changed")

        try Migrator().apply(on: connection)

        let rows = try connection.query(
            "SELECT name, ten_dlc_status, updated_at = '2026-01-01T00:00:00Z' AS unchanged FROM businesses ORDER BY name")
        #expect(rows.rows == [["Registered", "registered", "t"], ["Unknown", nil, "t"]])
        #expect(try connection.notifications().isEmpty)
    }

    @Test func theStatusColumnFollowsCustomSettingsWhateverAWriteSays() throws {
        let database = try PostgresTestDatabase()
        let connection = try database.connect()
        try Migrator().apply(on: connection)
        func status() throws -> String? {
            try connection.query("SELECT ten_dlc_status FROM businesses").rows.first?.first ?? nil
        }

        try connection.query(
            "INSERT INTO businesses (name, custom_settings, ten_dlc_status) VALUES ($1, $2::jsonb, 'forged')",
            ["Harbor Bakery", #"{"tenDlcStatus": "campaign_pending"}"#])
        #expect(try status() == "campaign_pending")
        try connection.execute(#"UPDATE businesses SET custom_settings = custom_settings || '{"tenDlcStatus": "registered"}'"#)
        #expect(try status() == "registered")
        try connection.execute("UPDATE businesses SET ten_dlc_status = 'forged'")
        #expect(try status() == "registered")
        try connection.execute("UPDATE businesses SET custom_settings = '{}'")
        #expect(try status() == nil)
    }

    @Test func wholeRowCopiesOfBusinessesGoBackIn() throws {
        let database = try PostgresTestDatabase()
        let connection = try database.connect()
        try Migrator().apply(on: connection)
        try connection.query(
            "INSERT INTO businesses (name, public_phone, custom_settings) VALUES ($1, $2, $3::jsonb)",
            ["Harbor Bakery", "+15550100001", #"{"tenDlcStatus": "registered"}"#])

        // A backup restored row by row, or a tool that upserts the row it read with SELECT *,
        // writes every column back: none may be one PostgreSQL refuses to be written.
        try connection.execute(
            """
            CREATE TEMP TABLE saved AS SELECT * FROM businesses;
            DELETE FROM businesses;
            INSERT INTO businesses SELECT * FROM saved;
            INSERT INTO businesses SELECT * FROM saved ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name;
            """)
        let restored = try connection.query("SELECT name, ten_dlc_status FROM businesses")
        #expect(restored.rows == [["Harbor Bakery", "registered"]])
    }
}
