import BizPostgres
import Foundation

/// A test could not get a PostgreSQL database.
public struct PostgresTestDatabaseError: Error, CustomStringConvertible {
    /// What is missing and how to get it.
    public let description: String

    /// An error with `description`.
    public init(_ description: String) {
        self.description = description
    }
}

/// A fresh, empty database on the test server, dropped again when the value goes away.
///
/// Reads `BIZ_TEST_PGHOST` (socket directory or host name), `BIZ_TEST_PGUSER` (a superuser
/// or a role allowed to create databases) and optionally `BIZ_TEST_PGPORT`, which
/// `scripts/services` exports. Without them, `init` throws: tests that need PostgreSQL fail
/// rather than skip.
public final class PostgresTestDatabase {
    /// The database's name, `biztest_` and 16 random hex digits.
    public let name: String
    /// A libpq `key=value` string for the database: `host=... user=... dbname=...`.
    public let connectionString: String
    /// The same database as a `postgresql://` URI, for code that reads `DATABASE_URL`.
    public let url: String

    private let adminConnectionString: String
    private var isDropped = false

    /// Creates the database.
    public init() throws {
        let environment = ProcessInfo.processInfo.environment
        func required(_ variable: String) throws -> String {
            guard let value = environment[variable], !value.isEmpty else {
                throw PostgresTestDatabaseError(
                    "\(variable) is not set: run the tests through scripts/test, which starts PostgreSQL")
            }
            return value
        }
        let host = try required("BIZ_TEST_PGHOST")
        let user = try required("BIZ_TEST_PGUSER")
        let port = environment["BIZ_TEST_PGPORT"].flatMap { $0.isEmpty ? nil : $0 }

        name = "biztest_" + String(UInt64.random(in: .min ... .max), radix: 16)
        var server = "host=\(Self.quoted(host)) user=\(Self.quoted(user))"
        if let port { server += " port=\(Self.quoted(port))" }
        adminConnectionString = server + " dbname=postgres"
        connectionString = server + " dbname=\(name)"
        let allowed = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))
        func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text }
        url = "postgresql:///\(name)?host=\(encoded(host))&user=\(encoded(user))"
            + (port.map { "&port=\(encoded($0))" } ?? "")

        let admin = try PostgresConnection(connectionString: adminConnectionString)
        try admin.execute("CREATE DATABASE \(name)")
    }

    deinit {
        try? drop()
    }

    /// Opens a new connection to the database.
    public func connect() throws -> PostgresConnection {
        try PostgresConnection(connectionString: connectionString)
    }

    /// Opens a new connection to the server's `postgres` database as the same user, for
    /// statements that act on this database from outside (`ALTER DATABASE`,
    /// `pg_terminate_backend`).
    public func connectAdministrator() throws -> PostgresConnection {
        try PostgresConnection(connectionString: adminConnectionString)
    }

    /// Applies the package's migrations (or those of `migrator`) on a new connection.
    @discardableResult
    public func applyMigrations(_ migrator: Migrator = Migrator()) throws -> [Migration] {
        try migrator.apply(on: connect())
    }

    /// Drops the database, ending any session still connected to it. Safe to call twice.
    public func drop() throws {
        guard !isDropped else { return }
        try connectAdministrator().execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        isDropped = true
    }

    /// A libpq `key=value` value in single quotes, with `\` and `'` escaped.
    private static func quoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}
