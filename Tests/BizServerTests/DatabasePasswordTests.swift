import BizTestSupport
import Foundation
import Glibc
import Testing

/// The database password reaches bizcached and its tools as a systemd credential
/// (`$CREDENTIALS_DIRECTORY/database-password`), never in a connection string or on a
/// command line, and never shows up in what they print.
@Suite struct DatabasePasswordTests {
    private static let role = "bizpassword"
    private static let password = "Corr3ct-Horse-battery"

    /// A private cluster where `role` must give its password over the socket.
    private func clusterRequiringAPassword() throws -> (PostgresServerProcess, url: String) {
        let cluster = try PostgresServerProcess()
        let administrator = try cluster.connectAdministrator()
        try administrator.execute("CREATE ROLE \(Self.role) LOGIN PASSWORD '\(Self.password)'")
        // The role owns the schema but may not create roles: an administrator makes the
        // admin UI's group roles (migration 0005) beforehand.
        try administrator.execute("CREATE ROLE biz_admin NOLOGIN; CREATE ROLE biz_viewer NOLOGIN")
        try administrator.execute("ALTER DATABASE \(cluster.databaseName) OWNER TO \(Self.role)")
        try cluster.requirePassword(of: [Self.role])
        let url = cluster.url.replacingOccurrences(of: "user=\(PostgresServerProcess.superuser)", with: "user=\(Self.role)")
        return (cluster, url)
    }

    /// A credentials folder as systemd's `LoadCredential=` makes it.
    private func credentials(_ secret: String) throws -> String {
        let directory = NSTemporaryDirectory() + "bizcred-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        try (secret + "\n").write(toFile: directory + "/database-password", atomically: true, encoding: .utf8)
        return directory
    }

    @Test func toolsReadThePasswordFromTheCredential() throws {
        let (cluster, url) = try clusterRequiringAPassword()
        _ = cluster
        let bizctl = try BuildProducts.path(of: "bizctl")
        let good = try credentials(Self.password)
        let bad = try credentials("not-the-password")
        defer { try? FileManager.default.removeItem(atPath: good); try? FileManager.default.removeItem(atPath: bad) }

        let without = try ChildProcess.run(bizctl, ["migrate", "--database-url", url], environment: [:])
        #expect(without.status == 69, "\(without.output)")

        let wrong = try ChildProcess.run(bizctl, ["migrate", "--database-url", url], environment: ["CREDENTIALS_DIRECTORY": bad])
        #expect(wrong.status == 69)
        #expect(wrong.output.contains("password authentication failed"), "\(wrong.output)")
        #expect(!wrong.output.contains("not-the-password"))

        let migrated = try ChildProcess.run(bizctl, ["migrate", "--database-url", url], environment: ["CREDENTIALS_DIRECTORY": good])
        #expect(migrated.status == 0, "\(migrated.output)")
        #expect(migrated.output.contains("applied"))
        #expect(!migrated.output.contains(Self.password))

        let bizqueue = try BuildProducts.path(of: "bizqueue")
        let status = try ChildProcess.run(bizqueue, ["status", "--database-url", url], environment: ["DATABASE_PASSWORD_FILE": good + "/database-password"])
        #expect(status.status == 0, "\(status.output)")
    }

    @Test func theDaemonConnectsWithTheCredential() throws {
        let (cluster, url) = try clusterRequiringAPassword()
        _ = cluster
        let good = try credentials(Self.password)
        defer { try? FileManager.default.removeItem(atPath: good) }
        let migrated = try ChildProcess.run(
            try BuildProducts.path(of: "bizctl"), ["migrate", "--database-url", url], environment: ["CREDENTIALS_DIRECTORY": good])
        try #require(migrated.status == 0, "\(migrated.output)")
        let daemon = try DaemonProcess(arguments: ["--database-url", url], environment: ["CREDENTIALS_DIRECTORY": good])
        #expect(try daemon.request("GET +15550700001") == .notFound, "PostgreSQL answered: \(daemon.log)")
        #expect(!daemon.log.contains(Self.password))
    }
}
