import BizCore
import Testing

@Suite struct ArgumentScannerTests {
    let valueOptions: Set<String> = ["socket", "ttl", "name"]

    private func scan(_ arguments: [String]) throws -> ArgumentScanner {
        try ArgumentScanner(arguments, valueOptions: valueOptions)
    }

    private func options(_ scanner: ArgumentScanner) -> [String] {
        scanner.options.map { "\($0.name)=\($0.value ?? "<flag>")" }
    }

    @Test("Nothing to scan")
    func empty() throws {
        let scanner = try scan([])
        #expect(scanner.options.isEmpty)
        #expect(scanner.positionals.isEmpty)
        #expect(scanner.value("socket") == nil)
        #expect(!scanner.flag("help"))
    }

    @Test("A repeated value option gives every value in order; value() gives the last")
    func repeatedValues() throws {
        let scanner = try scan(["--name", "a", "--ttl", "1", "--name=b"])
        #expect(scanner.values("name") == ["a", "b"])
        #expect(scanner.value("name") == "b")
        #expect(scanner.values("socket").isEmpty)
    }

    @Test("Value options take the next word or the text after '='")
    func values() throws {
        let scanner = try scan(["--socket", "/tmp/s", "--ttl=5", "--name=a=b", "--name="])
        #expect(options(scanner) == ["socket=/tmp/s", "ttl=5", "name=a=b", "name="])
        #expect(scanner.value("socket") == "/tmp/s")
        #expect(scanner.value("ttl") == "5")
        #expect(scanner.value("name") == "")
        #expect(scanner.positionals.isEmpty)
    }

    @Test("The next word is the value even if it looks like an option")
    func valueLooksLikeOption() throws {
        let scanner = try scan(["--name", "--ttl", "--ttl", "-x"])
        #expect(scanner.value("name") == "--ttl")
        #expect(scanner.value("ttl") == "-x")
    }

    @Test("The last value given wins")
    func lastWins() throws {
        let scanner = try scan(["--ttl", "1", "--ttl=2", "--ttl", "3"])
        #expect(scanner.value("ttl") == "3")
        #expect(scanner.options.count == 3)
    }

    @Test("Other options are flags, kept in order")
    func flags() throws {
        let scanner = try scan(["--verbose", "--ttl", "5", "--help", "--dry-run"])
        #expect(options(scanner) == ["verbose=<flag>", "ttl=5", "help=<flag>", "dry-run=<flag>"])
        #expect(scanner.flag("verbose"))
        #expect(scanner.flag("help"))
        #expect(scanner.flag("dry-run"))
        #expect(!scanner.flag("ttl"))  // a value option given a value is not a flag
        #expect(!scanner.flag("quiet"))
        #expect(scanner.value("verbose") == nil)
    }

    @Test("-h is --help")
    func shortHelp() throws {
        let scanner = try scan(["-h"])
        #expect(scanner.flag("help"))
        #expect(scanner.positionals.isEmpty)
    }

    @Test("Words that are not options are positional; a lone '-' too")
    func positionals() throws {
        let scanner = try scan(["get", "--ttl", "5", "+15550100001", "-", ""])
        #expect(scanner.positionals == ["get", "+15550100001", "-", ""])
        #expect(scanner.value("ttl") == "5")
    }

    @Test("'--' ends the options")
    func doubleDash() throws {
        let scanner = try scan(["--ttl", "5", "--", "--socket", "x", "-h", "--"])
        #expect(scanner.positionals == ["--socket", "x", "-h", "--"])
        #expect(scanner.value("socket") == nil)
        #expect(!scanner.flag("help"))
        #expect(scanner.value("ttl") == "5")
    }

    @Test("'--' as the value of a value option is a value, not the end of options")
    func doubleDashAsValue() throws {
        let scanner = try scan(["--name", "--", "--ttl", "1"])
        #expect(scanner.value("name") == "--")
        #expect(scanner.value("ttl") == "1")
    }

    @Test("Single-dash options other than -h are unknown", arguments: ["-x", "-v", "-hh", "-help", "-1", "-é", "-socket"])
    func singleDash(_ argument: String) {
        #expect(throws: ConfigurationError.unknownOption(argument)) { try scan([argument]) }
    }

    @Test("'=' on an option that takes no value is an unknown option")
    func equalsOnFlag() {
        #expect(throws: ConfigurationError.unknownOption("--help")) { try scan(["--help=yes"]) }
        #expect(throws: ConfigurationError.unknownOption("--bogus")) { try scan(["--bogus=1"]) }
        #expect(throws: ConfigurationError.unknownOption("--")) { try scan(["--=x"]) }
    }

    @Test("A value option at the end without its value")
    func missingValue() {
        #expect(throws: ConfigurationError.missing(name: "a value for --socket")) { try scan(["--socket"]) }
        #expect(throws: ConfigurationError.missing(name: "a value for --ttl")) { try scan(["--name", "x", "--ttl"]) }
    }

    @Test("rejectUnknown throws for the first option not known")
    func rejectUnknown() throws {
        let scanner = try scan(["--ttl", "5", "--verbose", "--quiet"])
        #expect(throws: ConfigurationError.unknownOption("--verbose")) { try scanner.rejectUnknown(["ttl", "socket"]) }
        #expect(throws: ConfigurationError.unknownOption("--quiet")) { try scanner.rejectUnknown(["ttl", "verbose"]) }
        #expect(throws: Never.self) { try scanner.rejectUnknown(["ttl", "verbose", "quiet"]) }
        #expect(throws: Never.self) { try scan(["x", "y"]).rejectUnknown([]) }
    }

    @Test("ConfigurationError descriptions")
    func descriptions() {
        #expect(ConfigurationError.invalidValue(name: "--ttl", reason: "too big").description == "invalid --ttl: too big")
        #expect(ConfigurationError.missing(name: "DATABASE_URL").description == "DATABASE_URL is required")
        #expect(ConfigurationError.unknownOption("-x").description == "unknown option '-x'")
    }
}

@Suite struct VersionRequestTests {
    @Test func versionIsAskedBeforeAnyDoubleDash() {
        #expect(ArgumentScanner.asksForVersion(["--version"]))
        #expect(ArgumentScanner.asksForVersion(["lookup", "--socket", "/x", "--version"]))
        #expect(!ArgumentScanner.asksForVersion(["--", "--version"]))
        #expect(!ArgumentScanner.asksForVersion(["version"]))
        #expect(!ArgumentScanner.asksForVersion([]))
    }
}
