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
        let restored = try connection.query("SELECT name, custom_settings ->> 'tenDlcStatus' AS status FROM businesses")
        #expect(restored.rows == [["Harbor Bakery", "registered"]])
    }
}
