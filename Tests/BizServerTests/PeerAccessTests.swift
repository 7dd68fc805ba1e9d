import BizTestSupport
import Foundation
import Glibc
import Testing

/// Who may ask: the socket's group, and an allow-list checked with SO_PEERCRED, tested with
/// a second user (`nobody`) through setpriv.
@Suite struct PeerAccessTests {
    /// Runs `bizctl ping` as nobody:nogroup against `daemon`; returns status and output.
    private func pingAsNobody(_ daemon: DaemonProcess) throws -> (status: Int32, output: String) {
        // nobody must be able to reach the socket and run a copy of bizctl.
        chmod(daemon.directory, 0o755)
        let bizctl = daemon.directory + "/bizctl"
        if !FileManager.default.fileExists(atPath: bizctl) {
            // Copied by cp, not by this process: a file this process had open for writing
            // could be inherited by a child another test spawns, and exec would fail (ETXTBSY).
            let copy = try ChildProcess.run("/bin/cp", [try BuildProducts.path(of: "bizctl"), bizctl])
            #expect(copy.status == 0, "\(copy.output)")
            chmod(bizctl, 0o755)
        }
        return try ChildProcess.run(
            ChildProcess.lookUp("setpriv"),
            ["--reuid=65534", "--regid=65534", "--clear-groups", bizctl, "--socket", daemon.socketPath, "ping"],
            environment: [:])
    }

    private func database() throws -> PostgresTestDatabase {
        let database = try PostgresTestDatabase()
        _ = try database.applyMigrations()
        return database
    }

    @Test func theSocketGroupLetsItsMembersConnect() throws {
        let database = try database()
        let daemon = try DaemonProcess(arguments: ["--database-url", database.url, "--socket-group", "65534"])
        var status = stat()
        #expect(stat(daemon.socketPath, &status) == 0)
        #expect(status.st_gid == 65534)
        #expect(status.st_mode & 0o777 == 0o660)
        let result = try pingAsNobody(daemon)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output == "PONG\n")
    }

    @Test func aUserOutsideTheAllowListIsDenied() throws {
        let database = try database()
        let daemon = try DaemonProcess(arguments: [
            "--database-url", database.url, "--socket-group", "65534", "--allow-users", "4242",
        ])
        let result = try pingAsNobody(daemon)
        #expect(result.status == 69)
        #expect(result.output.contains("DENIED"))
        // Root (this test) is always allowed, and the refusal is counted.
        let errors = try daemon.stats()["errors"] as? [String: Any]
        #expect(errors?["DENIED"] as? Int == 1)
        #expect(daemon.log.contains("refused a client"))
    }

    @Test func anAllowedGroupMayAsk() throws {
        let database = try database()
        let daemon = try DaemonProcess(arguments: [
            "--database-url", database.url, "--socket-group", "65534", "--allow-users", "4242",
            "--allow-groups", "65534",
        ])
        let result = try pingAsNobody(daemon)
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func anUnknownUserNameIsAUsageError() throws {
        let result = try ChildProcess.run(
            try BuildProducts.path(of: "bizcached"),
            ["--database-url", "dbname=unused", "--allow-users", "no-such-user-here"], environment: [:])
        #expect(result.status == 64)
        #expect(result.output.contains("no user named 'no-such-user-here'"))
    }
}
