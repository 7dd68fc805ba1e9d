import BizCore
import Testing

@Suite struct AdminInvocationTests {
    private let environment = ["DATABASE_URL": "host=/run/postgresql dbname=bizcached"]

    @Test func defaultsServeLoopbackPort8080WithThirtyMinuteSessions() throws {
        let invocation = try AdminInvocation.parse(arguments: [], environment: environment)
        #expect(invocation.listen.description == "127.0.0.1:8080")
        #expect(invocation.databaseURL == "host=/run/postgresql dbname=bizcached")
        #expect(invocation.sessionIdleTimeout == 1800)
        #expect(invocation.threads == 4)
        #expect(!invocation.behindTLS)
        #expect(!invocation.showsHelp)
    }

    @Test func flagsOverrideTheDefaultsAndTheEnvironment() throws {
        let invocation = try AdminInvocation.parse(
            arguments: [
                "--listen", "[::1]:9000", "--database-url", "dbname=other", "--session-idle-timeout", "5m", "--behind-tls",
                "--threads=8",
            ],
            environment: environment)
        #expect(invocation.listen.description == "[::1]:9000")
        #expect(invocation.databaseURL == "dbname=other")
        #expect(invocation.sessionIdleTimeout == 300)
        #expect(invocation.behindTLS)
        #expect(invocation.threads == 8)
    }

    @Test func listensOnAUnixSocketGivenAnAbsolutePath() throws {
        let invocation = try AdminInvocation.parse(
            arguments: ["--listen", "/run/bizadmin/bizadmin.sock"], environment: environment)
        #expect(invocation.listen == .unixSocket(path: "/run/bizadmin/bizadmin.sock"))
        #expect(invocation.listen.description == "unix:/run/bizadmin/bizadmin.sock")
    }

    @Test func allowedHostsAreRepeatableAndNormalized() throws {
        let invocation = try AdminInvocation.parse(
            arguments: ["--allow-host", "Admin.Example.com", "--allow-host=admin.internal."], environment: environment)
        #expect(invocation.allowedHosts == ["admin.example.com", "admin.internal"])
        #expect(try AdminInvocation.parse(arguments: [], environment: environment).allowedHosts.isEmpty)
    }

    @Test func helpNeedsNoDatabase() throws {
        #expect(try AdminInvocation.parse(arguments: ["--help"], environment: [:]).showsHelp)
    }

    @Test func badValuesAreRefused() {
        let cases: [([String], [String: String])] = [
            ([], [:]),
            (["--listen", "0.0.0.0:8080"], environment),
            (["--listen", "127.0.0.1"], environment),
            (["--listen", "bizadmin.sock"], environment),
            (["--listen", "/run/bizadmin/"], environment),
            (["--listen", "/" + String(repeating: "s", count: 120)], environment),
            (["--allow-host", "admin.example.com:443"], environment),
            (["--allow-host", "*.example.com"], environment),
            (["--allow-host"], environment),
            (["--threads", "0"], environment),
            (["--threads", "many"], environment),
            (["--session-idle-timeout", "soon"], environment),
            (["--session-idle-timeout", "0"], environment),
            (["--frobnicate"], environment),
            (["extra"], environment),
        ]
        for (arguments, environment) in cases {
            #expect(throws: ConfigurationError.self, "\(arguments)") {
                try AdminInvocation.parse(arguments: arguments, environment: environment)
            }
        }
    }
}
