import BizBench
import BizCore
import Testing

@Suite struct PropagationInvocationTests {
    private func parse(_ line: String, environment: [String: String] = [:]) throws -> BenchCommand {
        try BenchInvocation.parse(line.split(separator: " ").map(String.init), environment: environment)
    }

    private func propagation(_ line: String, environment: [String: String] = [:]) throws -> PropagationSettings {
        guard case .propagation(let settings) = try parse(line, environment: environment) else {
            Issue.record("not a propagation: \(line)")
            throw ConfigurationError.missing(name: "propagation")
        }
        return settings
    }

    @Test("propagation: defaults, one --socket per instance in the order given")
    func defaults() throws {
        let settings = try propagation("propagation --socket /a --socket /b --database-url dbname=x")
        #expect(settings.socketPaths == ["/a", "/b"])
        #expect(settings.databaseURL == "dbname=x")
        #expect(settings.updates == 1000)
        #expect(settings.phones == 20)
        #expect(settings.timeout == 5)
        #expect(!settings.json)
    }

    @Test("propagation: every option")
    func options() throws {
        let settings = try propagation(
            "propagation --socket=/a --socket /b --socket /c --database-url postgres:///db --updates 50 --phones=10000 "
                + "--timeout 0.5 --json")
        #expect(settings.socketPaths == ["/a", "/b", "/c"])
        #expect(settings.databaseURL == "postgres:///db")
        #expect(settings.updates == 50)
        #expect(settings.phones == 10_000)
        #expect(settings.timeout == 0.5)
        #expect(settings.json)
    }

    @Test("propagation: --database-url wins over DATABASE_URL, which is the default")
    func databaseURL() throws {
        let environment = ["DATABASE_URL": "dbname=environment"]
        #expect(try propagation("propagation --socket /a", environment: environment).databaseURL == "dbname=environment")
        #expect(
            try propagation("propagation --socket /a --database-url dbname=flag", environment: environment).databaseURL
                == "dbname=flag")
    }

    @Test(
        "propagation: bad arguments are usage errors",
        arguments: [
            "propagation --database-url dbname=x",
            "propagation --socket /a",
            "propagation --socket= --database-url dbname=x",
            "propagation --socket /a --socket= --database-url dbname=x",
            "propagation --socket /a --database-url=",
            "propagation --socket /a --database-url dbname=x --updates 0",
            "propagation --socket /a --database-url dbname=x --updates 1000001",
            "propagation --socket /a --database-url dbname=x --phones 0",
            "propagation --socket /a --database-url dbname=x --phones 10001",
            "propagation --socket /a --database-url dbname=x --timeout 0",
            "propagation --socket /a --database-url dbname=x --timeout soon",
            "propagation --socket /a --database-url dbname=x --protocol bizcached",
            "propagation --socket /a --database-url dbname=x extra",
            "propagation --socket",
        ])
    func errors(line: String) {
        #expect(throws: ConfigurationError.self) { try parse(line) }
    }

    @Test("Errors name the missing option")
    func messages() {
        #expect(throws: ConfigurationError.missing(name: "--socket")) {
            try parse("propagation --database-url dbname=x")
        }
        #expect(throws: ConfigurationError.missing(name: "--database-url or DATABASE_URL")) {
            try parse("propagation --socket /a")
        }
    }

    @Test("--help for propagation, even beside bad options")
    func help() throws {
        #expect(try parse("propagation --help") == .help(.propagation))
        #expect(try parse("propagation --help --updates 0") == .help(.propagation))
        #expect(BenchInvocation.usage(.propagation).hasPrefix("usage: bizbench propagation"))
        #expect(BenchInvocation.usage(nil).contains("propagation"))
    }
}
