import BizTestSupport
import Foundation
import Glibc
import Testing

/// The `bizadmin` executable: serves the pages over HTTP and stops on SIGTERM.
@Suite struct BizadminProcessTests {
    @Test func servesTheSignInPageOverHTTPAndStopsOnSIGTERM() throws {
        let database = try PostgresTestDatabase()
        let port = try LoopbackHTTPClient.freePort()
        let output = NSTemporaryDirectory() + "bizadmin-\(port).log"
        defer { unlink(output) }
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = database.connectionString
        let process = try ChildProcess(
            try BuildProducts.path(of: "bizadmin"), ["--listen", "127.0.0.1:\(port)", "--threads", "2"],
            environment: environment, outputPath: output)
        var response: LoopbackHTTPClient.Response?
        for _ in 0..<100 where response == nil {
            response = try? LoopbackHTTPClient.request("GET", "/login", port: port)
            if response == nil { usleep(50_000) }
        }
        let page = try #require(response, "bizadmin did not answer: \(process.output)")
        #expect(page.status == 200)
        #expect(page.body.contains("Sign in") && page.body.contains("name=\"password\""))
        #expect(page.headers["set-cookie"]?.hasPrefix("bizadmin_login=") == true)
        let css = try LoopbackHTTPClient.request("GET", "/static/admin.css", port: port)
        #expect(css.status == 200 && css.headers["content-type"] == "text/css; charset=utf-8")
        let list = try LoopbackHTTPClient.request("GET", "/", port: port)
        #expect(list.status == 303 && list.headers["location"] == "/login")

        process.signal(SIGTERM)
        #expect(process.wait(seconds: 10) == 0, "\(process.output)")
    }
}
