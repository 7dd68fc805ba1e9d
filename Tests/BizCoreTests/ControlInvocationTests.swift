import BizCore
import Testing

@Suite struct ControlInvocationTests {
    private func parse(_ arguments: [String], environment: [String: String] = [:]) throws(ConfigurationError) -> ControlInvocation {
        try ControlInvocation.parse(arguments: arguments, environment: environment)
    }

    private func error(_ arguments: [String], environment: [String: String] = [:]) -> ConfigurationError? {
        do {
            _ = try parse(arguments, environment: environment)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Commands

    @Test(
        "Each command",
        arguments: [
            (["lookup", "+1 (555) 010-0001"], ControlInvocation.Action.lookup(phone: "+1 (555) 010-0001")),
            (["invalidate", "5550100001"], .invalidate(phone: "5550100001")),
            (["ping"], .ping),
            (["stats"], .stats),
            (["metrics"], .metrics),
            (["--socket", "/tmp/s", "ping"], .ping),
            (["ping", "--timeout", "2"], .ping),
            (["--", "lookup", "-5550100001"], .lookup(phone: "-5550100001")),
        ])
    func commands(_ arguments: [String], _ action: ControlInvocation.Action) throws {
        #expect(try parse(arguments).action == action)
    }

    @Test("migrate needs a database URL, from the flag or the environment")
    func migrate() throws {
        #expect(error(["migrate"]) == .missing(name: "--database-url or DATABASE_URL"))
        #expect(error(["migrate"], environment: ["DATABASE_URL": ""]) == .missing(name: "--database-url or DATABASE_URL"))
        #expect(error(["migrate", "--database-url="]) == .missing(name: "--database-url or DATABASE_URL"))
        let fromFlag = try parse(["migrate", "--database-url", "postgres:///flag"], environment: ["DATABASE_URL": "postgres:///env"])
        #expect(fromFlag.action == .migrate)
        #expect(fromFlag.databaseURL == "postgres:///flag")
        let fromEnvironment = try parse(["migrate"], environment: ["DATABASE_URL": "postgres:///env"])
        #expect(fromEnvironment.databaseURL == "postgres:///env")
    }

    @Test("Commands other than migrate do not need a database")
    func noDatabaseNeeded() throws {
        let invocation = try parse(["ping"])
        #expect(invocation.databaseURL == nil)
    }

    // MARK: Socket and timeout

    @Test("Socket: flag, then BIZCACHED_SOCKET, then the default")
    func socket() throws {
        #expect(try parse(["ping"]).socketPath == DaemonConfiguration.defaultSocketPath)
        #expect(try parse(["ping"], environment: ["BIZCACHED_SOCKET": ""]).socketPath == DaemonConfiguration.defaultSocketPath)
        #expect(try parse(["ping"], environment: ["BIZCACHED_SOCKET": "/env.sock"]).socketPath == "/env.sock")
        #expect(try parse(["--socket", "/flag.sock", "ping"], environment: ["BIZCACHED_SOCKET": "/env.sock"]).socketPath == "/flag.sock")
        #expect(try parse(["ping", "--socket=/eq.sock"]).socketPath == "/eq.sock")
    }

    @Test("Timeout: 5 seconds unless given, within (0, 3600]")
    func timeout() throws {
        #expect(try parse(["ping"]).timeout == 5)
        #expect(try parse(["ping", "--timeout", "0.25"]).timeout == 0.25)
        #expect(try parse(["--timeout=3600", "ping"]).timeout == 3600)
        #expect(try parse(["--timeout", "1e2", "ping"]).timeout == 100)
    }

    @Test("Invalid timeouts", arguments: ["0", "-1", "3600.5", "abc", "", "nan", "inf", "5s"])
    func invalidTimeout(_ value: String) {
        #expect(error(["ping", "--timeout", value]) == .invalidValue(name: "--timeout", reason: "expected seconds between 0 and 3600"))
    }

    // MARK: Help

    @Test("Help for bizctl as a whole, or for one command")
    func help() throws {
        #expect(try parse(["--help"]).action == .help(nil))
        #expect(try parse(["-h"]).action == .help(nil))
        #expect(try parse(["lookup", "--help"]).action == .help(.lookup))
        #expect(try parse(["--help", "migrate"]).action == .help(.migrate))
        #expect(try parse(["invalidate", "-h"]).action == .help(.invalidate))
        // Help wins over a missing phone or database.
        #expect(try parse(["lookup", "--help"]).databaseURL == nil)
    }

    @Test("The overall usage names every command")
    func usage() {
        let usage = ControlInvocation.usage(nil)
        #expect(usage.hasPrefix("usage: bizctl "))
        for command in ControlInvocation.Subcommand.allCases {
            #expect(usage.contains("\n  \(command.rawValue) "), "no line for \(command)")
        }
        #expect(usage.contains(DaemonConfiguration.defaultSocketPath))
        #expect(ControlInvocation.Subcommand.allCases.map(\.rawValue) == ["lookup", "ping", "stats", "metrics", "invalidate", "migrate"])
    }

    @Test("Each command's usage shows its synopsis", arguments: ControlInvocation.Subcommand.allCases)
    func commandUsage(_ command: ControlInvocation.Subcommand) {
        let usage = ControlInvocation.usage(command)
        #expect(usage.hasPrefix("usage: bizctl "))
        #expect(usage.contains(command.rawValue))
        #expect(usage.hasSuffix("\n"))
        #expect(usage != ControlInvocation.usage(nil))
    }

    // MARK: Errors

    @Test("No command")
    func noCommand() {
        #expect(error([]) == .missing(name: "a command"))
        #expect(error(["--socket", "/s"]) == .missing(name: "a command"))
        #expect(error([])?.description == "a command is required")
    }

    @Test("Unknown commands and options", arguments: [
        (["frobnicate"], ConfigurationError.invalidValue(name: "command", reason: "unknown command 'frobnicate'")),
        (["LOOKUP", "5550100001"], .invalidValue(name: "command", reason: "unknown command 'LOOKUP'")),
        (["ping", "--verbose"], .unknownOption("--verbose")),
        (["-x", "ping"], .unknownOption("-x")),
        (["ping", "--socket"], .missing(name: "a value for --socket")),
    ])
    func unknown(_ arguments: [String], _ expected: ConfigurationError) {
        #expect(error(arguments) == expected)
    }

    @Test("lookup and invalidate take exactly one phone", arguments: [["lookup"], ["lookup", "555", "0100001"], ["invalidate"], ["invalidate", "a", "b"]])
    func phoneCount(_ arguments: [String]) {
        #expect(error(arguments) == .invalidValue(name: arguments[0], reason: "expected exactly one PHONE argument"))
    }

    @Test("ping, stats, metrics and migrate take no arguments", arguments: ["ping", "stats", "metrics", "migrate"])
    func extraArguments(_ command: String) {
        #expect(
            error([command, "now"], environment: ["DATABASE_URL": "db"])
                == .invalidValue(name: command, reason: "unexpected argument 'now'"))
    }

    @Test("A phone with a line break is refused", arguments: ["555\n0100001", "5550100001\r", "555\n", "\r5550100001"])
    func lineBreakInPhone(_ phone: String) {
        #expect(error(["lookup", phone]) == .invalidValue(name: "PHONE", reason: "a phone number cannot contain a line break"))
        #expect(error(["invalidate", phone]) == .invalidValue(name: "PHONE", reason: "a phone number cannot contain a line break"))
    }

    @Test("A phone with a CRLF pair is refused, so it cannot smuggle a second request")
    func crlfInPhone() {
        // "\r\n" is one Character in Swift, equal to neither "\r" nor "\n".
        #expect(
            error(["lookup", "5550100001\r\nINVALIDATE 5550100002"])
                == .invalidValue(name: "PHONE", reason: "a phone number cannot contain a line break"))
    }
}
