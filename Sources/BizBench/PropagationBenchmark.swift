import BizPostgres
import BizSystem
import Glibc

/// `bizbench propagation`: how long a change committed to PostgreSQL takes to be answered by
/// every bizcached instance.
///
/// Creates its own businesses (names `propagation-bench <run> <phone> v<n>`, numbers from the
/// reserved range +15550990000 to +15550999999), makes every instance cache them, then
/// renames one business after another, each in its own transaction. Right after `COMMIT`
/// returns it `GET`s the business from every instance on one persistent connection each,
/// again as soon as each reply comes, until each answers the new name. An update's
/// propagation time is the latest instance's first new answer minus the commit time. The
/// businesses are deleted at the end, also after a failure; a killed run leaves them for the
/// next run to delete.
public enum PropagationBenchmark {
    /// Where the reserved numbers start in the bench key space: +15550990000.
    static let firstPhoneIndex = 990_000
    /// A run stops after this many updates in a row that did not propagate: every further
    /// one would most likely wait the whole timeout too.
    static let consecutiveTimeoutLimit = 20

    /// Benchmark business `index`'s number, E.164.
    static func phone(_ index: Int) -> String {
        KeySpace.phone(firstPhoneIndex + index)
    }

    /// Runs the benchmark. Updates that do not propagate in time are counted, not thrown.
    ///
    /// - Throws: ``PropagationError``: an instance or PostgreSQL cannot be reached or fails,
    ///   a reserved number is taken, an instance never answered a new business.
    public static func run(_ settings: PropagationSettings) throws(PropagationError) -> PropagationResult {
        var probes: [ProbeConnection] = []
        for path in settings.socketPaths {
            probes.append(try bench { () throws(BenchError) in try ProbeConnection(path: path, timeout: settings.timeout) })
        }
        let connection: PostgresConnection
        do {
            connection = try PostgresConnection(connectionString: settings.databaseURL)
        } catch {
            throw .database(error)
        }
        let run = String(getpid()) + "-" + String(MonotonicClock.nanoseconds() % 1_000_000_007, radix: 36)
        let businesses = try BenchBusinesses(
            connection: connection, run: run, phones: (0..<settings.phones).map(phone))
        let result: PropagationResult
        do {
            try warm(probes, businesses, timeout: settings.timeout)
            result = try measure(settings, probes, businesses)
        } catch {
            try? businesses.delete()
            throw error
        }
        try businesses.delete()
        return result
    }

    /// The bytes by which a reply shows the business named `name`: its JSON member.
    /// (Benchmark names hold nothing JSON escapes.)
    static func nameMember(_ name: String) -> [UInt8] {
        Array("\"name\":\"\(name)\"".utf8)
    }

    /// Drops every benchmark business from every instance's caches, then `GET`s it from each
    /// until the answer holds its first name, and once more, which answers from the cache.
    private static func warm(
        _ probes: [ProbeConnection], _ businesses: BenchBusinesses, timeout: Double
    ) throws(PropagationError) {
        for (index, phone) in businesses.phones.enumerated() {
            let member = String(decoding: nameMember(businesses.name(of: index, version: 0)), as: UTF8.self)
            let get = Array("GET \(phone)\n".utf8)
            for probe in probes {
                // Redis may hold a business an earlier run left behind.
                _ = try bench { () throws(BenchError) in try probe.roundTrip(Array("INVALIDATE \(phone)\n".utf8)) }
                let deadline = MonotonicClock.nanoseconds() + UInt64(timeout * 1e9)
                while true {
                    let reply = try bench { () throws(BenchError) in try probe.roundTrip(get) }
                    if reply.kind == .hit && reply.line.contains(member) { break }
                    if MonotonicClock.nanoseconds() >= deadline {
                        throw .notWarmed(instance: probe.path, phone: phone, lastReply: reply.line)
                    }
                    usleep(1000)
                }
                _ = try bench { () throws(BenchError) in try probe.roundTrip(get) }
            }
        }
    }

    /// `body`'s result, its failure as a ``PropagationError``.
    private static func bench<Result>(_ body: () throws(BenchError) -> Result) throws(PropagationError) -> Result {
        do {
            return try body()
        } catch {
            throw .bench(error)
        }
    }

    /// Makes the updates, one after another, and times each.
    private static func measure(
        _ settings: PropagationSettings, _ probes: [ProbeConnection], _ businesses: BenchBusinesses
    ) throws(PropagationError) -> PropagationResult {
        var result = PropagationResult(settings: settings)
        var versions = [Int](repeating: 0, count: businesses.phones.count)
        let timeout = UInt64(settings.timeout * 1e9)
        var timeoutsInARow = 0
        for update in 0..<settings.updates {
            let index = update % businesses.phones.count
            versions[index] += 1
            let name = businesses.name(of: index, version: versions[index])
            let request = Array("GET \(businesses.phones[index])\n".utf8)

            let commitSent = try businesses.rename(index, to: name)
            let committed = MonotonicClock.nanoseconds()
            result.commit.record(committed - commitSent)
            result.updatesMade += 1

            let seen = try bench { () throws(BenchError) in
                try awaitValue(nameMember(name), request: request, on: probes, until: committed + timeout, result: &result)
            }
            var latest: UInt64 = 0
            for (instance, time) in seen.enumerated() {
                if let time {
                    result.perInstance[instance].record(time - committed)
                    latest = max(latest, time - committed)
                } else {
                    result.perInstanceTimedOut[instance] += 1
                }
            }
            if seen.contains(nil) {
                result.timedOut += 1
                timeoutsInARow += 1
                if timeoutsInARow >= consecutiveTimeoutLimit { break }
            } else {
                result.propagation.record(latest)
                timeoutsInARow = 0
            }
        }
        return result
    }

    /// `GET`s `request` from every instance, each again as soon as it answers, until each has
    /// answered a business holding `member` or `deadline` passes. Returns, per instance, when
    /// its first such answer was read (nil: not before the deadline).
    private static func awaitValue(
        _ member: [UInt8], request: [UInt8], on probes: [ProbeConnection], until deadline: UInt64,
        result: inout PropagationResult
    ) throws(BenchError) -> [UInt64?] {
        var seen = [UInt64?](repeating: nil, count: probes.count)
        var waiting = probes.count
        var descriptors = probes.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
        for probe in probes { try probe.send(request) }
        result.polls += UInt64(probes.count)

        while waiting > 0 {
            let now = MonotonicClock.nanoseconds()
            guard now < deadline else { break }
            for instance in descriptors.indices {
                descriptors[instance].events = seen[instance] == nil ? Int16(POLLIN) : 0
                descriptors[instance].revents = 0
            }
            let milliseconds = Int32(min((deadline - now + 999_999) / 1_000_000, 1000))
            if poll(&descriptors, nfds_t(descriptors.count), milliseconds) < 0 {
                if errno == EINTR { continue }
                throw .system(SystemCallError("poll"))
            }
            for (instance, probe) in probes.enumerated() where seen[instance] == nil && descriptors[instance].revents != 0 {
                try probe.receiveAvailable()
                let answer = try probe.nextReply { reply, bytes in Self.classify(reply, in: bytes, member: member) }
                guard let answer else { continue }
                switch answer {
                case .newValue:
                    seen[instance] = MonotonicClock.nanoseconds()
                    waiting -= 1
                    continue
                case .oldValue:
                    break
                case .noBusiness(let line):
                    result.unexpectedReplies += 1
                    if result.firstUnexpectedReply == nil { result.firstUnexpectedReply = "\(probe.path): \(line)" }
                }
                try probe.send(request)
                result.polls += 1
            }
        }
        // A reply still on its way when the deadline passed must not be taken for the next one's.
        for probe in probes where probe.awaitingReply { try probe.awaitReply() }
        if result.firstTimeout == nil, let instance = seen.firstIndex(of: nil) {
            let reply = try probes[instance].roundTrip(request)
            result.firstTimeout = "\(probes[instance].path) still answered \(Self.nameMember(in: reply.line) ?? reply.line)"
        }
        return seen
    }

    /// The `"name":"..."` member of a business's JSON in `line`, if there is one.
    static func nameMember(in line: String) -> String? {
        let key = "\"name\":\""
        guard let start = line.firstRange(of: key) else { return nil }
        guard let end = line[start.upperBound...].firstIndex(of: "\"") else { return nil }
        return String(line[start.lowerBound...end])
    }

    /// What one reply to a `GET` of a just renamed business said.
    private enum Answer {
        /// The business with its new name.
        case newValue
        /// The business as it was before (or any other name).
        case oldValue
        /// `NOTFOUND` or an error: the business exists, so this is a fault.
        case noBusiness(String)
    }

    private static func classify(_ reply: ParsedReply, in bytes: UnsafeRawBufferPointer, member: [UInt8]) -> Answer {
        guard reply.kind == .hit else {
            return .noBusiness(String(decoding: bytes[0..<(reply.length - 1)], as: UTF8.self))
        }
        let value = UnsafeRawBufferPointer(rebasing: bytes[reply.valueStart..<(reply.valueStart + reply.valueCount)])
        return member.withUnsafeBytes { contains($0, in: value) } ? .newValue : .oldValue
    }

    /// Whether `needle` (not empty) occurs in `haystack`.
    static func contains(_ needle: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer) -> Bool {
        guard let first = needle.first else { return true }
        var start = 0
        while haystack.count - start >= needle.count, let offset = ReplyBytes.find(first, in: haystack, from: start) {
            guard haystack.count - offset >= needle.count else { return false }
            if memcmp(haystack.baseAddress! + offset, needle.baseAddress!, needle.count) == 0 { return true }
            start = offset + 1
        }
        return false
    }
}
