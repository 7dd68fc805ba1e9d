import BizPostgres

/// A LOGIN role in `biz_admin` or `biz_viewer` with a unique name, for one test. Roles
/// belong to the whole cluster, which the tests share: call `drop(after:)` or `drop()` when
/// done.
public struct TemporaryLoginRole {
    /// The password of roles made `withPassword`. The shared test cluster trusts its socket,
    /// so PostgreSQL does not check it there.
    public static let password = "correct horse battery staple"

    /// The role's name: `biztest_person_` and random hex digits.
    public let name: String
    private let administrator: PostgresConnection

    /// Creates the role as a member of `group`, without password unless `withPassword`;
    /// `SET ROLE` switches a superuser connection to it, and a connection may log in as it.
    public init(in group: String, on database: PostgresTestDatabase, withPassword: Bool = false) throws {
        name = "biztest_person_" + String(UInt64.random(in: .min ... .max), radix: 16)
        administrator = try database.connectAdministrator()
        let password = withPassword ? " PASSWORD '\(Self.password)'" : ""
        try administrator.execute(
            "CREATE ROLE \(name) LOGIN\(password) IN ROLE \(try administrator.quoteIdentifier(group))")
    }

    /// Makes `connection` act as this role, under its grants and row level security.
    public func assume(on connection: PostgresConnection) throws {
        try connection.execute("SET ROLE \(name)")
    }

    /// Drops the role; `connection` first goes back to its own role.
    public func drop(after connection: PostgresConnection) {
        _ = try? connection.execute("RESET ROLE")
        drop()
    }

    /// Drops the role.
    public func drop() {
        _ = try? administrator.execute("DROP ROLE IF EXISTS \(name)")
    }
}
