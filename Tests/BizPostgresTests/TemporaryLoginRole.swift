import BizPostgres
import BizTestSupport

/// A LOGIN role in `biz_admin` or `biz_viewer` with a unique name, for one test. Roles
/// belong to the whole cluster, which the tests share: call `drop()` when done.
struct TemporaryLoginRole {
    let name: String
    private let administrator: PostgresConnection

    /// Creates the role as a member of `group`, without password (the shared test cluster
    /// trusts its socket); `SET ROLE` switches a superuser connection to it.
    init(in group: String, on database: PostgresTestDatabase) throws {
        name = "biztest_person_" + String(UInt64.random(in: .min ... .max), radix: 16)
        administrator = try database.connectAdministrator()
        try administrator.execute("CREATE ROLE \(name) LOGIN IN ROLE \(try administrator.quoteIdentifier(group))")
    }

    /// Makes `connection` act as this role, under its grants and row level security.
    func assume(on connection: PostgresConnection) throws {
        try connection.execute("SET ROLE \(name)")
    }

    /// Drops the role; `connection` first goes back to its own role.
    func drop(after connection: PostgresConnection) {
        _ = try? connection.execute("RESET ROLE")
        _ = try? administrator.execute("DROP ROLE IF EXISTS \(name)")
    }
}
