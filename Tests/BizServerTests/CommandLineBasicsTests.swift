import BizCore
import BizTestSupport
import Testing

/// What every program answers before it does anything: `--version` and `--help`, each
/// exiting 0 without needing a database or any other setting.
@Suite struct CommandLineBasicsTests {
    static let programs = ["bizcached", "bizctl", "bizqueue", "biz10dlc", "bizbench"]

    @Test(arguments: programs)
    func versionPrintsTheProgramAndItsVersion(program: String) throws {
        let result = try ChildProcess.run(try BuildProducts.path(of: program), ["--version"], environment: [:])
        #expect(result.status == 0)
        #expect(result.output == "\(program) \(BizcachedVersion.current)\n")
    }

    @Test(arguments: programs)
    func helpPrintsUsage(program: String) throws {
        let result = try ChildProcess.run(try BuildProducts.path(of: program), ["--help"], environment: [:])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.hasPrefix("usage: \(program)"), "\(result.output)")
        #expect(result.output.contains("--version"), "the help mentions --version")
    }

    @Test(arguments: [
        ("bizcached", []), ("bizctl", []), ("bizqueue", ["status"]), ("biz10dlc", ["sync"]), ("bizbench", ["run"]),
    ])
    func anUnknownOptionIsAUsageError(program: String, command: [String]) throws {
        let result = try ChildProcess.run(
            try BuildProducts.path(of: program), command + ["--no-such-option"], environment: [:])
        #expect(result.status == 64, "\(result.output)")
        #expect(result.output.contains("--no-such-option"), "\(result.output)")
    }
}
