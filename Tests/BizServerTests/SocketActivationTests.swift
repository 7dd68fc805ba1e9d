import BizClient
import BizCore
import BizTestSupport
import Foundation
import Glibc
import Testing

/// Started by systemd socket activation, bizcached serves the socket it inherits.
@Suite struct SocketActivationTests {
    @Test func servesTheInheritedSocketAndLeavesItsFileAlone() throws {
        let database = try PostgresTestDatabase()
        _ = try database.applyMigrations()
        try database.connect().execute(
            "INSERT INTO businesses (name, public_phone) VALUES ('Activated', '+15550100020')")

        // systemd-socket-activate binds the socket, waits for the first client, then execs
        // bizcached with LISTEN_FDS=1 and the socket as descriptor 3.
        let daemon = try DaemonProcess(
            arguments: ["--database-url", database.url],
            launcher: [ChildProcess.lookUp("systemd-socket-activate"), "-l", "{socket}"])

        guard case .ok(let json?) = try daemon.request("GET 5550100020") else {
            Issue.record("no answer on the inherited socket:\n\(daemon.log)")
            return
        }
        #expect(json.contains("\"Activated\""))
        #expect(daemon.log.contains("activated=yes"))
        #expect(daemon.terminate() == 0)
        // The socket belongs to systemd: the daemon does not remove it.
        #expect(access(daemon.socketPath, F_OK) == 0)
    }
}
