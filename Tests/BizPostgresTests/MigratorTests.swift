import BizPostgres
import BizTestSupport
import Dispatch
import Synchronization
import Testing

@Suite struct MigratorTests {
    @Test func embeddedMigrationsAreNamedAndOrdered() throws {
        let migrations = try Migration.embedded()
        #expect(migrations.first?.identifier == "0001_businesses")
        #expect(migrations.map(\.version) == migrations.map(\.version).sorted())
        #expect(migrations.allSatisfy { !$0.sql.isEmpty })
    }

    @Test func appliesOnceAndRecordsVersions() throws {
        let database = try PostgresTestDatabase()
        let connection = try database.connect()
        let embedded = try Migration.embedded()

        let first = try Migrator().apply(on: connection)
        #expect(first == embedded)
        let second = try Migrator().apply(on: connection)
        #expect(second.isEmpty)

        let recorded = try connection.query(
            "SELECT version::text, name, applied_at IS NOT NULL AS stamped FROM schema_migrations ORDER BY version")
        #expect(recorded.rows == embedded.map { [String($0.version), $0.name, "t"] })
        #expect(try connection.query("SELECT to_regclass('public.businesses') IS NOT NULL AS ok")[0, "ok"] == "t")
    }

    @Test(arguments: [
        "0002_add_index.sql": Migration(version: 2, name: "add_index", sql: "SELECT 1"),
        "10000_big-number.sql": Migration(version: 10_000, name: "big-number", sql: "SELECT 1"),
    ])
    func parsesFileNames(fileName: String, expected: Migration) throws {
        #expect(try Migration(fileName: fileName, sql: "SELECT 1") == expected)
    }

    @Test(arguments: [
        "1_short.sql", "0001.sql", "0001_.sql", "abcd_name.sql", "0001_name.txt", "0000_zero.sql",
        "0001_bad name.sql", "0001_semi;colon.sql", "_0001_name.sql", "０００１_fullwidth.sql",
    ])
    func rejectsBadFileNames(fileName: String) {
        #expect(throws: MigrationError.invalidFileName(fileName)) {
            try Migration(fileName: fileName, sql: "SELECT 1")
        }
    }

    @Test func rejectsDuplicateVersions() throws {
        let database = try PostgresTestDatabase()
        let migrator = Migrator(migrations: [
            Migration(version: 1, name: "a", sql: "SELECT 1"), Migration(version: 1, name: "b", sql: "SELECT 1"),
        ])
        #expect(throws: MigrationError.duplicateVersion(1)) { try migrator.apply(on: database.connect()) }
    }

    @Test func failedMigrationRollsBackAndNamesItself() throws {
        let database = try PostgresTestDatabase()
        let connection = try database.connect()
        let good = Migration(version: 1, name: "first", sql: "CREATE TABLE first (a int);")
        let broken = Migration(version: 2, name: "broken", sql: "CREATE TABLE second (a int); SELECT nope FROM first;")

        let error = #expect(throws: MigrationError.self) {
            try Migrator(migrations: [broken, good]).apply(on: connection)
        }
        guard case .migrationFailed(2, "broken", .queryFailed("42703", let message))? = error else {
            Issue.record("unexpected error \(String(describing: error))")
            return
        }
        #expect(message.contains("nope"))
        #expect(error?.description.contains("migration 0002_broken failed") == true)
        #expect(try connection.query("SELECT to_regclass('second') IS NULL AS gone")[0, "gone"] == "t")
        #expect(try connection.query("SELECT version FROM schema_migrations").rows == [["1"]])

        // The connection is usable again, and a fixed migration goes in.
        let fixed = Migration(version: 2, name: "broken", sql: "CREATE TABLE second (a int);")
        #expect(try Migrator(migrations: [good, fixed]).apply(on: connection) == [fixed])
    }

    @Test func concurrentMigratorsApplyEachMigrationOnce() throws {
        let database = try PostgresTestDatabase()
        let connectionString = database.connectionString
        let outcomes = Mutex<[Result<Int, MigrationError>]>([])
        DispatchQueue.concurrentPerform(iterations: 3) { _ in
            let outcome: Result<Int, MigrationError>
            do {
                let connection = try PostgresConnection(connectionString: connectionString)
                outcome = .success(try Migrator().apply(on: connection).count)
            } catch let error as MigrationError {
                outcome = .failure(error)
            } catch {
                outcome = .failure(.bookkeepingFailed(.connectionFailed("\(error)")))
            }
            outcomes.withLock { $0.append(outcome) }
        }
        let counts = try outcomes.withLock { try $0.map { try $0.get() } }
        #expect(counts.reduce(0, +) == (try Migration.embedded()).count)
    }
}
