import BizCore
import BizTestSupport
import Foundation
import Glibc
import Testing

/// The `bizadmin` executable: serves the pages over HTTP on loopback or a Unix socket,
/// within its limits, and stops on SIGTERM.
@Suite struct BizadminProcessTests {
    /// Opens the sign-in page and posts it with `role` and `password` through `send`.
    private static func signIn(
        role: String, password: String, _ send: (String, String, [(String, String)], String?) throws -> LoopbackHTTPClient.Response
    ) throws -> LoopbackHTTPClient.Response {
        let page = try send("GET", "/login", [], nil)
        let token = try #require(page.cookie("bizadmin_login"), "no sign-in cookie: \(page.headerLines)")
        let form = FormURLEncoding.encode([("csrf", token), ("role", role), ("password", password)])
        return try send(
            "POST", "/login",
            [("Cookie", "bizadmin_login=\(token)"), ("Content-Type", "application/x-www-form-urlencoded")], form)
    }

    @Test func servesTheSignInPageOverHTTPAndStopsOnSIGTERM() throws {
        let database = try PostgresTestDatabase()
        let port = try LoopbackHTTPClient.freePort()
        let bizadmin = try BizadminProcess(
            ["--listen", "127.0.0.1:\(port)", "--threads", "2"], databaseURL: database.connectionString
        ) { try LoopbackHTTPClient.request("GET", "/login", port: port) }
        let page = try LoopbackHTTPClient.request("GET", "/login", port: port)
        #expect(page.status == 200)
        #expect(page.body.contains("Sign in") && page.body.contains("name=\"password\""))
        #expect(page.cookie("bizadmin_login") != nil)
        let css = try LoopbackHTTPClient.request("GET", "/static/admin.css", port: port)
        #expect(css.status == 200 && css.headers["content-type"] == "text/css; charset=utf-8")
        let list = try LoopbackHTTPClient.request("GET", "/", port: port)
        #expect(list.status == 303 && list.headers["location"] == "/login")

        #expect(bizadmin.stop() == 0, "\(bizadmin.process.output)")
    }

    @Test func onAUnixSocketItAnswersTheProxysHostWithinItsLimitsAndRemovesTheSocket() throws {
        let database = try PostgresTestDatabase()
        var template = Array("/tmp/bizadmin-test.XXXXXX".utf8CString)
        let folder = String(cString: try #require(mkdtemp(&template)))
        defer { rmdir(folder) }
        let socket = folder + "/bizadmin.sock"
        let bizadmin = try BizadminProcess(
            ["--listen", socket, "--allow-host", "admin.example.com"], databaseURL: database.connectionString
        ) { try LoopbackHTTPClient.request("GET", "/login", unixSocket: socket) }
        var status = stat()
        #expect(stat(socket, &status) == 0 && status.st_mode & 0o777 == 0o660)

        let proxied = try LoopbackHTTPClient.request("GET", "/login", unixSocket: socket, headers: [("Host", "admin.example.com")])
        #expect(proxied.status == 200 && proxied.body.contains("Sign in"))
        let rebound = try LoopbackHTTPClient.request("GET", "/login", unixSocket: socket, headers: [("Host", "rebind.example")])
        #expect(rebound.status == 421)

        // A body over the 64 KiB limit is refused before it is read into a form.
        let huge = "role=" + String(repeating: "a", count: 100 * 1024)
        let refused = try LoopbackHTTPClient.request(
            "POST", "/login", unixSocket: socket, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: huge)
        #expect(refused.status == 413)

        // A client that never finishes its request is disconnected (after 10 s).
        let held = try LoopbackHTTPClient.connect(unixSocket: socket, timeout: 30)
        defer { close(held) }
        let started = ContinuousClock.now
        try LoopbackHTTPClient.send("GET /login HTTP/1.1\r\nHost: localhost\r\n", on: held)
        #expect(try LoopbackHTTPClient.readToEnd(held).isEmpty)
        #expect(ContinuousClock.now - started < .seconds(25))
        #expect(try LoopbackHTTPClient.request("GET", "/login", unixSocket: socket).status == 200, "still serving")

        #expect(bizadmin.stop() == 0, "\(bizadmin.process.output)")
        #expect(access(socket, F_OK) != 0, "the socket file is left behind")
    }

    @Test func signInIsCheckedByPostgreSQLAndNoPasswordIsPrinted() throws {
        let cluster = try PostgresServerProcess()
        try cluster.applyMigrations()
        let administrator = try cluster.connect()
        let password = "Alice-s3cret-Pass", wrong = "not-Alices-Pass"
        try administrator.execute(
            """
            CREATE ROLE alice LOGIN PASSWORD '\(password)' IN ROLE biz_admin;
            INSERT INTO businesses (name, public_phone) VALUES ('Acme Plumbing', '+15550100001');
            """)
        try cluster.requirePassword(of: ["alice"])

        let port = try LoopbackHTTPClient.freePort()
        let bizadmin = try BizadminProcess(
            ["--listen", "127.0.0.1:\(port)"], databaseURL: "host='\(cluster.socketDirectory)' dbname=\(cluster.databaseName)"
        ) { try LoopbackHTTPClient.request("GET", "/login", port: port) }
        let send = { (method: String, path: String, headers: [(String, String)], body: String?) in
            try LoopbackHTTPClient.request(method, path, port: port, headers: headers, body: body)
        }

        let failed = try Self.signIn(role: "alice", password: wrong, send)
        #expect(failed.status == 401 && failed.body.contains("Sign-in failed"))
        #expect(failed.cookie("bizadmin_session") ?? "" == "")
        #expect(!failed.body.contains(wrong))

        let signedIn = try Self.signIn(role: "alice", password: password, send)
        #expect(signedIn.status == 303, "\(signedIn.body)")
        let session = try #require(signedIn.cookie("bizadmin_session"))
        let list = try LoopbackHTTPClient.request("GET", "/", port: port, headers: [("Cookie", "bizadmin_session=\(session)")])
        #expect(list.status == 200 && list.body.contains(">Acme Plumbing<") && list.body.contains("Signed in as alice"))

        #expect(bizadmin.stop() == 0)
        let output = bizadmin.process.output
        #expect(!output.contains(password) && !output.contains(wrong), "\(output)")
    }
}
