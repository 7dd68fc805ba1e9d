import BizBench
import BizCore
import BizSystem
import Glibc

// bizbench: a load generator for bizcached, Redis and memcached. Parses arguments, wires the
// parts of BizBench together, prints reports. Exit codes follow sysexits.h.

let exitFailed: Int32 = 1, exitUsage: Int32 = 64, exitUnavailable: Int32 = 69

func fail(_ message: String, _ status: Int32) -> Never {
    ProcessEnvironment.printError(message)
    exit(status)
}

if ArgumentScanner.asksForVersion(Array(CommandLine.arguments.dropFirst())) {
    print("bizbench \(BizcachedVersion.current)")
    exit(0)
}

/// The exit status for an error that stopped a command.
func status(of error: BenchError) -> Int32 {
    if case .cannotConnect = error { return exitUnavailable }
    return exitFailed
}

/// "redis and memcached", "redis" or "memcached": the caches a fill or synth writes to.
func cacheNames(redis: String?, memcached: String?) -> String {
    [redis.map { _ in "redis" }, memcached.map { _ in "memcached" }].compactMap { $0 }.joined(separator: " and ")
}

let command: BenchCommand
do {
    command = try BenchInvocation.parse(
        Array(CommandLine.arguments.dropFirst()), environment: ProcessEnvironment.variables)
} catch {
    fail("\(error)\nTry 'bizbench --help'.", exitUsage)
}
signal(SIGPIPE, SIG_IGN)

switch command {
case .help(let subcommand):
    print(BenchInvocation.usage(subcommand), terminator: "")

case .run(let settings):
    ResourceLimits.raiseOpenFileLimit()
    let result: RunResult
    do {
        result = try LoadRunner.run(settings)
    } catch {
        fail(error.description, status(of: error))
    }
    print(settings.json ? result.jsonLine : result.humanReadable, terminator: settings.json ? "\n" : "")
    if result.connectionsLost > 0 {
        ProcessEnvironment.printError(
            "\(result.connectionsLost) of \(settings.connections) connections lost: "
                + result.lossReasons.joined(separator: "; "))
    }
    exit(result.exitStatus)

case .fill(let settings):
    let outcome: FillOutcome
    do {
        outcome = try Filler.fill(settings)
    } catch {
        fail(error.description, status(of: error))
    }
    let targets = cacheNames(redis: settings.redisSocket, memcached: settings.memcachedSocket)
    let meanSize = DecimalText.fixed(outcome.meanValueSize, fractionDigits: 1)
    if targets.isEmpty {
        print("fetched \(outcome.found) of \(settings.keys) phones from bizcached; mean value size \(meanSize) bytes")
    } else {
        print("filled \(outcome.filled) of \(settings.keys) phones into \(targets); mean value size \(meanSize) bytes")
    }
    if outcome.exitStatus != 0 {
        ProcessEnvironment.printError(
            "\(outcome.notFound) not found, \(outcome.lookupErrors) lookup errors, \(outcome.storeFailures) store failures"
                + (outcome.firstProblem.map { " (first: \($0))" } ?? ""))
    }
    exit(outcome.exitStatus)

case .synth(let settings):
    let outcome: SynthOutcome
    do {
        outcome = try Synthesizer.synthesize(settings)
    } catch {
        fail(error.description, status(of: error))
    }
    let targets = cacheNames(redis: settings.redisSocket, memcached: settings.memcachedSocket)
    print("stored \(outcome.stored) synthetic values of \(outcome.valueLength) bytes in \(targets)")
    if outcome.exitStatus != 0 {
        ProcessEnvironment.printError(
            "\(outcome.failures) store failures" + (outcome.firstProblem.map { " (first: \($0))" } ?? ""))
    }
    exit(outcome.exitStatus)

case .propagation(let settings):
    let result: PropagationResult
    do {
        result = try PropagationBenchmark.run(settings)
    } catch {
        fail(error.description, error.isUnavailable ? exitUnavailable : exitFailed)
    }
    print(settings.json ? result.jsonLine : result.humanReadable, terminator: settings.json ? "\n" : "")
    if result.timedOut > 0 || result.unexpectedReplies > 0 {
        ProcessEnvironment.printError(
            "\(result.timedOut) of \(result.updatesMade) updates did not reach every instance within "
                + "\(DecimalText.fixed(settings.timeout, fractionDigits: 1)) s; \(result.unexpectedReplies) unexpected replies")
    }
    exit(result.exitStatus)
}
