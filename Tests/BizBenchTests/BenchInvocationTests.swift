import BizBench
import BizCore
import Testing

@Suite struct BenchInvocationTests {
    private func parse(_ line: String) throws -> BenchCommand {
        try BenchInvocation.parse(line.split(separator: " ").map(String.init))
    }

    private func run(_ line: String) throws -> RunSettings {
        guard case .run(let settings) = try parse(line) else {
            Issue.record("not a run: \(line)")
            throw ConfigurationError.missing(name: "run")
        }
        return settings
    }

    @Test("run: defaults")
    func runDefaults() throws {
        let settings = try run("run --socket /tmp/s --protocol redis")
        #expect(settings.socketPath == "/tmp/s")
        #expect(settings.benchProtocol == .redis)
        #expect(settings.connections == 50)
        #expect(settings.pipeline == 1)
        #expect(settings.duration == 5)
        #expect(settings.warmup == 1)
        #expect(settings.keys == 100_000)
        #expect(settings.distribution == .uniform)
        #expect(!settings.json)
        #expect(!settings.busyPoll)
        #expect(settings.redisFormat == .multibulk)
    }

    @Test("run: every option")
    func runOptions() throws {
        let settings = try run(
            "run --socket=/s --protocol redis --connections 8 --pipeline=16 --duration 2.5 --warmup 0 --redis-format inline "
                + "--keys 1000 --distribution zipf --json --busy-poll")
        #expect(settings.benchProtocol == .redis)
        #expect(settings.redisFormat == .inline)
        #expect(settings.connections == 8)
        #expect(settings.pipeline == 16)
        #expect(settings.duration == 2.5)
        #expect(settings.warmup == 0)
        #expect(settings.keys == 1000)
        #expect(settings.distribution == .zipf)
        #expect(settings.json)
        #expect(settings.busyPoll)
    }

    @Test(
        "run: bad arguments are usage errors",
        arguments: [
            "run --protocol redis",
            "run --socket /s",
            "run --socket /s --protocol http",
            "run --socket /s --protocol redis --connections 0",
            "run --socket /s --protocol redis --connections many",
            "run --socket /s --protocol redis --pipeline 0",
            "run --socket /s --protocol redis --duration 0",
            "run --socket /s --protocol redis --duration -1",
            "run --socket /s --protocol redis --duration nan",
            "run --socket /s --protocol redis --warmup -1",
            "run --socket /s --protocol redis --keys 0",
            "run --socket /s --protocol redis --keys 10000001",
            "run --socket /s --protocol redis --distribution pareto",
            "run --socket /s --protocol redis --verbose",
            "run --socket /s --protocol redis extra",
            "run --socket /s --protocol redis --from /x",
            "run --socket /s --protocol redis --redis-format resp3",
            "run --socket /s --protocol memcached --redis-format inline",
            "run --socket",
            "walk --socket /s",
            "",
            "-v",
        ])
    func runErrors(line: String) {
        #expect(throws: ConfigurationError.self) { try parse(line) }
    }

    @Test("The largest key space is ten million phones")
    func keyLimit() throws {
        #expect(try run("run --socket /s --protocol bizcached --keys 10000000").keys == 10_000_000)
    }

    @Test("fill: sources and targets")
    func fill() throws {
        guard case .fill(let settings) = try parse("fill --from /b --redis /r --memcached /m --keys 10") else {
            Issue.record("not a fill")
            return
        }
        #expect(settings.bizcachedSocket == "/b")
        #expect(settings.redisSocket == "/r")
        #expect(settings.memcachedSocket == "/m")
        #expect(settings.keys == 10)
        guard case .fill(let redisOnly) = try parse("fill --from /b --redis /r") else {
            Issue.record("not a fill")
            return
        }
        #expect(redisOnly.memcachedSocket == nil)
        #expect(redisOnly.keys == 100_000)
        // With no cache to fill, fill only warms bizcached.
        guard case .fill(let warmOnly) = try parse("fill --from /b --keys 1000000") else {
            Issue.record("not a fill")
            return
        }
        #expect(warmOnly.redisSocket == nil && warmOnly.memcachedSocket == nil)
        #expect(warmOnly.keys == 1_000_000)
    }

    @Test(
        "fill and synth: bad arguments are usage errors",
        arguments: [
            "fill --redis /r",
            "fill --from",
            "fill --from /b --redis /r --keys -5",
            "fill --from /b --redis /r --protocol redis",
            "synth --redis /r --keys 10",
            "synth --redis /r --value-size 10",
            "synth --keys 10 --value-size 300",
            "synth --redis /r --keys 10 --value-size 0",
            "synth --redis /r --keys 10 --value-size 2000000",
            "synth --redis= --keys 10 --value-size 300",
        ])
    func loadErrors(line: String) {
        #expect(throws: ConfigurationError.self) { try parse(line) }
    }

    @Test("synth: keys and value size")
    func synth() throws {
        guard case .synth(let settings) = try parse("synth --redis /r --keys 1000000 --value-size 300") else {
            Issue.record("not a synth")
            return
        }
        #expect(settings.redisSocket == "/r")
        #expect(settings.memcachedSocket == nil)
        #expect(settings.keys == 1_000_000)
        #expect(settings.valueSize == 300)
    }

    @Test("--help, for bizbench and for each command, even beside bad options")
    func help() throws {
        #expect(try parse("--help") == .help(nil))
        #expect(try parse("-h") == .help(nil))
        #expect(try parse("run --help") == .help(.run))
        #expect(try parse("fill --help --keys 0") == .help(.fill))
        #expect(try parse("synth --help") == .help(.synth))
        for subcommand in [nil] + BenchSubcommand.allCases.map(Optional.some) {
            #expect(BenchInvocation.usage(subcommand).hasPrefix("usage: bizbench"))
        }
    }

    @Test("Errors name the offending option")
    func messages() {
        #expect(throws: ConfigurationError.missing(name: "--socket")) { try parse("run --protocol redis") }
        #expect(throws: ConfigurationError.unknownOption("--verbose")) {
            try parse("run --socket /s --protocol redis --verbose")
        }
    }
}
