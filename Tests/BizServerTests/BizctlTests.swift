import BizTestSupport
import Foundation
import Testing

/// bizctl against a running daemon: output and sysexits.h exit codes.
@Suite struct BizctlTests {
    private func bizctl(_ arguments: [String], socket: String? = nil, environment: [String: String] = [:]) throws
        -> (status: Int32, output: String)
    {
        var environment = environment
        if let socket { environment["BIZCACHED_SOCKET"] = socket }
        return try ChildProcess.run(try BuildProducts.path(of: "bizctl"), arguments, environment: environment)
    }

    @Test func lookupPrintsTheBusinessAndExitsZero() throws {
        let fixture = try ServerFixture(withRedis: false)
        let id = try fixture.insertBusiness(name: "Via bizctl", publicPhone: "+15550100030")
        let result = try bizctl(["lookup", "+1 (555) 010-0030"], socket: fixture.daemon.socketPath)
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        #expect(object?["id"] as? String == id)
    }

    @Test func exitCodesFollowSysexits() throws {
        let fixture = try ServerFixture(withRedis: false)
        let socket = fixture.daemon.socketPath

        let notFound = try bizctl(["lookup", "5559990000"], socket: socket)
        #expect(notFound.status == 1)
        #expect(notFound.output.hasPrefix("error: "))

        let badPhone = try bizctl(["lookup", "abc"], socket: socket)
        #expect(badPhone.status == 69)
        #expect(badPhone.output.contains("BADPHONE"))

        for usage in [["lookup"], ["frobnicate"], ["lookup", "1", "2"], ["ping", "extra"], ["--bogus", "ping"], []] {
            let result = try bizctl(usage, socket: socket)
            #expect(result.status == 64, "bizctl \(usage)")
            #expect(result.output.hasPrefix("error: "), "bizctl \(usage)")
        }
        let injected = try bizctl(["lookup", "5550100001\nQUIT"], socket: socket)
        #expect(injected.status == 64)

        let unreachable = try bizctl(["--socket", fixture.daemon.directory + "/nobody.sock", "ping"])
        #expect(unreachable.status == 69)
        #expect(unreachable.output.hasPrefix("error: cannot reach bizcached"))
    }

    @Test func pingStatsAndInvalidate() throws {
        let fixture = try ServerFixture()
        let socket = fixture.daemon.socketPath
        #expect(try bizctl(["ping"], socket: socket) == (0, "PONG\n"))
        let stats = try bizctl(["--socket", socket, "stats"])
        #expect(stats.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(stats.output.utf8)) as? [String: Any]
        #expect(object?["hits"] is [String: Any])
        #expect(try bizctl(["invalidate", "555-010-0001"], socket: socket) == (0, "OK\n"))
    }

    @Test func everyCommandHasHelp() throws {
        for command in ["lookup", "ping", "stats", "invalidate", "migrate"] {
            let result = try bizctl([command, "--help"])
            #expect(result.status == 0)
            #expect(result.output.hasPrefix("usage: bizctl"))
        }
        let general = try bizctl(["--help"])
        #expect(general.status == 0)
        #expect(general.output.contains("migrate"))
    }

    @Test func migrateAppliesTheSchemaOnceAndReportsAnUnreachableDatabase() throws {
        let database = try PostgresTestDatabase()
        let first = try bizctl(["migrate"], environment: ["DATABASE_URL": database.url])
        #expect(first.status == 0)
        #expect(first.output.contains("applied 1"))
        let second = try bizctl(["migrate", "--database-url", database.url])
        #expect(second == (0, "schema is up to date\n"))
        let tables = try database.connect().query(
            "SELECT count(*)::text AS n FROM information_schema.tables WHERE table_name = 'businesses'")
        #expect(tables[0, "n"] == "1")

        let unreachable = try bizctl(["migrate", "--database-url", "host=/nonexistent dbname=x password=pw-secret"])
        #expect(unreachable.status == 69)
        #expect(!unreachable.output.contains("pw-secret"))
        #expect(try bizctl(["migrate"]).status == 64)
    }
}
