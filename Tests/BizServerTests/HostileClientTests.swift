import BizBench
import BizClient
import BizCore
import BizSystem
import BizTestSupport
import Dispatch
import Foundation
import Glibc
import Synchronization
import Testing

/// Bad input never hurts another client: random bytes, stray NULs and invalid UTF-8,
/// unfinished lines and floods of over-long data each get their documented reply (or the
/// documented close), while a well-behaved client on the same daemon keeps getting right
/// answers, and the daemon gives its memory and descriptors back.
@Suite struct HostileClientTests {
    /// The one business the fixtures hold, and the number the well-behaved client asks for.
    static let targetPhone = "+15550170001"
    static let targetForms = ["+1 (555) 017-0001", "5550170001", "15550170001", "555.017.0001", "+15550170001"]

    // MARK: Fuzz

    @Test func oneHundredThousandRandomLinesGetDocumentedRepliesAndDoNotDisturbAnotherClient() throws {
        let started = Date()
        // The subject is bad input, not slow backends: on a loaded machine the default
        // 1 s query timeout could turn a slow lookup into UNAVAILABLE.
        let fixture = try ServerFixture(arguments: ["--query-timeout", "10"])
        try fixture.insertBusiness(
            name: "Hostile Target", publicPhone: Self.targetPhone, type: "locksmith", settings: #"{"tz":"UTC"}"#)
        let pid = try #require(fixture.daemon.child.pid)
        let socketPath = fixture.daemon.socketPath
        guard case .ok(let json?) = try fixture.daemon.request("GET \(Self.targetPhone)") else {
            Issue.record("the target business is not served")
            return
        }
        let target = FuzzTarget(phone: try PhoneNumberParser().parse(Self.targetPhone), reply: "OK " + json)

        // The well-behaved client runs from before the warm-up until after the fuzz.
        let wellBehaved = WellBehavedClient(socketPath: socketPath, expectedReply: target.reply)
        wellBehaved.start()
        defer { wellBehaved.stop() }

        // Warm-up: the allocator and the daemon's buffers reach their working size.
        let failures = FuzzFailureLog()
        let warmUp = Self.fuzz(socketPath: socketPath, seed: 0xB12C_AC4E_0000_0000, threads: 4, linesPerThread: 5_000,
                               target: target, failures: failures)
        try waitForConnections(2, on: fixture)  // the well-behaved client and the STATS asker
        usleep(300_000)
        let rssBefore = try residentKilobytes(of: pid)
        let descriptorsBefore = try (0..<5).map { _ in
            usleep(50_000)
            return try descriptorCount(of: pid)
        }.min()!

        let fuzzStarted = Date()
        let tally = Self.fuzz(socketPath: socketPath, seed: 0xB12C_AC4E_0000_0100, threads: 4, linesPerThread: 25_000,
                              target: target, failures: failures)
        let fuzzSeconds = Date().timeIntervalSince(fuzzStarted)

        // After: the well-behaved client keeps being served for a moment longer.
        let servedDuringFuzz = wellBehaved.rounds
        usleep(300_000)
        for _ in 0..<100 where wellBehaved.rounds <= servedDuringFuzz + 1 { usleep(50_000) }
        #expect(wellBehaved.rounds > servedDuringFuzz + 1, "the well-behaved client stopped getting answers after the fuzz")
        wellBehaved.stop()

        #expect(failures.messages == [], "fuzz replies that break the protocol (first \(FuzzFailureLog.kept) shown)")
        #expect(wellBehaved.failures == [], "the well-behaved client got wrong answers")
        #expect(tally.lines == 100_000)
        #expect(tally.replies + tally.discarded == tally.lines, "every line but those after a close got one reply")
        #expect(tally.tooLong > 100 && tally.reconnects >= tally.tooLong, "the fuzz did send over-long lines")
        #expect(wellBehaved.rounds > 50, "the well-behaved client was served only \(wellBehaved.rounds) times")

        // Memory: what the fuzz allocated is given back (or reused), not accumulated.
        try waitForConnections(1, on: fixture)
        var rssAfterSamples: [Int] = []
        for _ in 0..<5 {
            usleep(200_000)
            rssAfterSamples.append(try residentKilobytes(of: pid))
        }
        let rssAfter = rssAfterSamples.min()!
        #expect(Double(rssAfter) <= 1.2 * Double(rssBefore), "VmRSS grew from \(rssBefore) kB to \(rssAfter) kB")

        // Descriptors: the fuzz connections are all closed again (the well-behaved client's too by now).
        var descriptorsAfter = Int.max
        for _ in 0..<50 where descriptorsAfter > descriptorsBefore {
            usleep(100_000)
            descriptorsAfter = try descriptorCount(of: pid)
        }
        #expect(descriptorsAfter <= descriptorsBefore, "descriptors: \(descriptorsBefore) before, \(descriptorsAfter) after")

        // The daemon counted exactly the over-long lines it was sent, and no fault of its own.
        let stats = try fixture.daemon.stats()
        let errors = try #require(stats["errors"] as? [String: Any])
        #expect(errors["TOOLONG"] as? Int == warmUp.tooLong + tally.tooLong)
        #expect(errors["INTERNAL"] as? Int == 0)
        #expect(errors["UNAVAILABLE"] as? Int == 0)
        #expect(fixture.daemon.child.poll() == nil, "the daemon exited")
        #expect(try fixture.daemon.request("PING") == .pong)

        print("""
            HostileClientTests fuzz: \(tally.lines) lines (\(tally.bytes) bytes) in \(String(format: "%.2f", fuzzSeconds)) s, \
            \(tally.tooLong) TOOLONG, \(tally.byes) BYE, \(tally.reconnects) reconnects, replies \(tally.byKind); \
            VmRSS \(rssBefore) kB before, \(rssAfter) kB after (samples \(rssAfterSamples)); \
            fds \(descriptorsBefore) before, \(descriptorsAfter) after; well-behaved client \(wellBehaved.rounds) rounds, \
            max latency \(String(format: "%.1f", wellBehaved.maxLatency * 1000)) ms (\(wellBehaved.slowest)); \
            test \(String(format: "%.1f", Date().timeIntervalSince(started))) s
            """)
        if wellBehaved.maxLatency > 1 {
            print("HostileClientTests fuzz: daemon log apart from debug lines:\n"
                + fixture.daemon.log.split(separator: "\n").filter { !$0.contains("level=debug") }.suffix(40).joined(separator: "\n"))
        }
    }

    /// Sends `threads × linesPerThread` random lines over `threads` concurrent connections,
    /// checking every reply against what the protocol says it must be.
    private static func fuzz(
        socketPath: String, seed: UInt64, threads: Int, linesPerThread: Int, target: FuzzTarget, failures: FuzzFailureLog
    ) -> FuzzTally {
        let total = LockedValue(FuzzTally())
        let group = DispatchGroup()
        for thread in 0..<threads {
            let threadSeed = seed &+ UInt64(thread)
            runOnNewThread(group) {
                let tally = FuzzRunner(
                    socketPath: socketPath, seed: threadSeed, count: linesPerThread, target: target, failures: failures
                ).run()
                total.withLock { $0.add(tally) }
            }
        }
        group.wait()
        return total.withLock { $0 }
    }

    // MARK: Specific cases

    /// NUL bytes and bytes that are not UTF-8 (or not ASCII) anywhere in a line: rejected
    /// with the documented code, never truncated into a valid request, and the connection
    /// keeps working. (`GET \x00` and `\xff\xfe` alone are in protocol/vectors/.)
    @Test func strayNULAndNonUTF8BytesAreRejectedAndTheConnectionStaysUsable() throws {
        let fixture = try ServerFixture()
        try fixture.insertBusiness(name: "Hostile Target", publicPhone: Self.targetPhone)
        let cases: [(bytes: [UInt8], code: ErrorCode, what: String)] = [
            (Array("GET +15550170001".utf8) + [0x00], .badPhone, "NUL after a valid number (C-string truncation)"),
            (Array("GET +1555017".utf8) + [0x00] + Array("0001".utf8), .badPhone, "NUL inside a number"),
            ([0x00] + Array("GET +15550170001".utf8), .badRequest, "NUL before the verb"),
            (Array("GET".utf8) + [0x00] + Array(" +15550170001".utf8), .badRequest, "NUL right after the verb"),
            (Array("GET".utf8) + [0x00, 0x20] + Array("+15550170001".utf8), .badRequest, "NUL between verb and space"),
            (Array("PI".utf8) + [0x00] + Array("NG".utf8), .badRequest, "NUL inside PING"),
            (Array("PING".utf8) + [0x00], .badRequest, "NUL after PING"),
            (Array("PING ".utf8) + [0x00], .badRequest, "PING with a NUL argument"),
            ([0x00], .badRequest, "a lone NUL"),
            ([0x00, 0x0D], .badRequest, "a NUL and CR"),
            (Array("INVALIDATE +15550170001".utf8) + [0x00], .badPhone, "NUL after an INVALIDATE number"),
            (Array("GET +1555017".utf8) + [0xC3, 0x28] + Array("0001".utf8), .badPhone, "invalid UTF-8 inside a number"),
            (Array("GET +15550170001".utf8) + [0xFF], .badPhone, "a 0xFF byte after a valid number"),
            (Array("GET +15550170001".utf8) + [0xFF, 0x0D], .badPhone, "0xFF then CR after a valid number"),
            (Array("GET +1555017000".utf8) + [0xC0, 0xB1], .badPhone, "an overlong encoding of the digit 1"),
            (Array("GET +1555017000".utf8) + [0xEF, 0xBC, 0x91], .badPhone, "a full-width digit 1 (U+FF11)"),
            (Array("GET +1555017000".utf8) + [0xD9, 0xA1], .badPhone, "an Arabic-Indic digit 1 (U+0661)"),
            (Array("GET +1555017000".utf8) + [0xED, 0xA0, 0x80], .badPhone, "a UTF-16 surrogate encoded in UTF-8"),
            (Array("GET +1 555\u{00A0}017 0001".utf8), .badPhone, "a no-break space as separator"),
            ([0xEF, 0xBB, 0xBF] + Array("GET +15550170001".utf8), .badRequest, "a byte order mark before the verb"),
            (Array("G".utf8) + [0xC3, 0x89] + Array("T +15550170001".utf8), .badRequest, "a non-ASCII letter in the verb"),
            ([0xC7, 0xB5] + Array("ET +15550170001".utf8), .badRequest, "a verb starting with a non-ASCII letter"),
            (Array("GET +15550170001".utf8) + [0x0D, 0x0D], .badPhone, "two CRs: only one is ignored"),
            (Array("GET\t+15550170001".utf8), .badRequest, "a tab instead of the space after the verb"),
            (Array("FROBNICATE +15550170001".utf8), .badRequest, "an unknown verb with a valid number"),
            (Array("GETS +15550170001".utf8), .badRequest, "a known verb with a letter more"),
            (Array("QUITE".utf8), .badRequest, "QUIT with a letter more does not quit"),
            (Array("SET business:+15550170001 x".utf8), .badRequest, "a Redis command"),
            (Array("GET /etc/passwd".utf8), .badPhone, "a path"),
            (Array("GET +15550170001; DROP TABLE businesses".utf8), .badPhone, "SQL after a number"),
            (Array("GET %2B15550170001".utf8), .badPhone, "URL encoding"),
            (Array(repeating: UInt8(ascii: "9"), count: 65).withPrefix("GET "), .badPhone, "a 65-digit argument"),
        ]
        let client = try fixture.daemon.client()
        let expectedJSONPrefix = "OK {\"id\":\""
        for (bytes, code, what) in cases {
            // The bad line and a good request behind it, in one write.
            try client.sendRaw(bytes + [0x0A] + Array("GET \(Self.targetPhone)\n".utf8))
            let reply = try client.readLine()
            guard case .error(let got?, _, let message) = ServerReply(line: reply) else {
                Issue.record("\(what): expected ERR \(code.rawValue), got '\(reply.prefix(120))'")
                _ = try client.readLine()
                continue
            }
            #expect(got == code, "\(what): expected ERR \(code.rawValue), got '\(reply.prefix(120))'")
            #expect(reply.utf8.allSatisfy { (0x20...0x7E).contains($0) }, "\(what): the reply echoes raw bytes: \(Array(reply.utf8))")
            #expect(!message.contains("\u{0}"))
            let next = try client.readLine()
            #expect(next.hasPrefix(expectedJSONPrefix) && next.contains("\"Hostile Target\""), "\(what): then '\(next.prefix(80))'")
        }
        #expect(try client.request("PING") == .pong)
        // Every case was counted as the error it is; nothing was an INTERNAL fault.
        let errors = try #require(try fixture.daemon.stats()["errors"] as? [String: Any])
        #expect(errors["BADPHONE"] as? Int == cases.filter { $0.code == .badPhone }.count)
        #expect(errors["BADREQ"] as? Int == cases.filter { $0.code == .badRequest }.count)
        #expect(errors["INTERNAL"] as? Int == 0)
    }

    /// A line that stops before its end, with requests before it in the same write and with
    /// Redis configured: the complete requests are answered, the stalled connection is closed
    /// about one timeout later, and another client is served throughout.
    @Test func aLineThatNeverEndsIsClosedAfterTheIdleTimeoutAndOthersAreServed() throws {
        let fixture = try ServerFixture(arguments: ["--idle-timeout", "1"])
        try fixture.insertBusiness(name: "Hostile Target", publicPhone: Self.targetPhone)
        let other = try fixture.daemon.client()
        #expect(try fixture.lookup(Self.targetPhone)?["name"] as? String == "Hostile Target")

        var stalled: [BizcachedClient] = []
        let openings: [[UInt8]] = [
            Array("PING\nGET +1555017".utf8),  // a request, then half of one
            Array("GET +15550170001\nGET +15550170001\r".utf8),  // a CR, but no LF
            [0x00, 0xFF, 0x00],  // garbage without an end
            Array(repeating: UInt8(ascii: "7"), count: 1024),  // exactly the limit, unfinished
        ]
        for opening in openings {
            let client = try fixture.daemon.client(timeout: 6)
            try client.sendRaw(opening)
            stalled.append(client)
        }
        let started = Date()
        #expect(try stalled[0].readLine() == "PONG")
        #expect(try stalled[1].readLine().contains("\"Hostile Target\""))

        // While they wait to be cut off, the other client is served as usual.
        while Date().timeIntervalSince(started) < 0.8 {
            #expect(try other.request("GET \(Self.targetPhone)") != .notFound)
            #expect(try other.request("PING") == .pong)
            usleep(50_000)
        }
        for (index, client) in stalled.enumerated() {
            #expect(client.readsEndOfFile(), "stalled client \(index) was not closed")
        }
        let elapsed = Date().timeIntervalSince(started)
        // One second of timeout plus at most one sweep interval, with slack for a busy host.
        #expect(elapsed >= 0.9 && elapsed < 4.5, "closed after \(elapsed) s")
        #expect(try other.request("PING") == .pong)
        // `other` and the STATS connection itself; closed connections may take a moment to
        // be noticed on a busy host.
        #expect(try eventually(within: 5) { try fixture.daemon.stats()["connections"] as? Int == 2 })
        #expect(fixture.daemon.log.contains("left a request unfinished"))
    }

    /// A line sent one byte at a time, each byte before the timeout runs out, has still been
    /// left unfinished for longer than the timeout: PROTOCOL.md closes "a connection that
    /// leaves a request line unfinished for the server's idle timeout", and the README a
    /// client "that leaves a request line unfinished that long".
    @Test func aLineDripFedFasterThanTheTimeoutIsStillClosedOnceItHasTakenLonger() throws {
        let fixture = try ServerFixture(arguments: ["--idle-timeout", "1"])
        let other = try fixture.daemon.client()
        let dripper = try RawLineConnection(socketPath: fixture.daemon.socketPath)
        let started = Date()
        var lastByte = started
        var longestGap = 0.0
        var closed = false
        var sent = 0
        // A byte every 200 ms, never a line end, for up to 5 s: a daemon that closes lines
        // left unfinished for 1 s (checked once a second) has closed this one after about 2 s.
        while !closed && Date().timeIntervalSince(started) < 5 {
            if dripper.send([UInt8(ascii: "5")]) != nil {
                closed = true
                break
            }
            sent += 1
            longestGap = max(longestGap, Date().timeIntervalSince(lastByte))
            lastByte = Date()
            usleep(200_000)
            #expect(try other.request("PING") == .pong)
            closed = dripper.isClosedByPeer()
        }
        let elapsed = Date().timeIntervalSince(started)
        #expect(closed, """
            a request line dripped for \(String(format: "%.1f", elapsed)) s (\(sent) bytes, at most \
            \(String(format: "%.2f", longestGap)) s apart) was never closed by a daemon with --idle-timeout 1
            """)
        #expect(try other.request("PING") == .pong)
    }

    /// Several clients pour megabytes without a line end (and many over-long lines) at the
    /// daemon at once: each gets `ERR TOOLONG` and a close, the daemon does not buffer their
    /// data, and another client's lookups go on, quickly.
    @Test func floodsOfOverLongDataGetTooLongAndACloseWhileAnotherClientIsServed() throws {
        let fixture = try ServerFixture()
        try fixture.insertBusiness(name: "Hostile Target", publicPhone: Self.targetPhone)
        let pid = try #require(fixture.daemon.child.pid)
        let socketPath = fixture.daemon.socketPath
        #expect(try fixture.lookup(Self.targetPhone)?["name"] as? String == "Hostile Target")
        let rssBefore = try residentKilobytes(of: pid)

        guard case .ok(let json?) = try fixture.daemon.request("GET \(Self.targetPhone)") else {
            Issue.record("the target business is not served")
            return
        }
        let wellBehaved = WellBehavedClient(socketPath: socketPath, expectedReply: "OK " + json)
        wellBehaved.start()
        defer { wellBehaved.stop() }
        for _ in 0..<200 where wellBehaved.rounds == 0 { usleep(10_000) }

        // Each flooder: a few good requests, then 8 MiB without a line end, written without
        // reading; then it reads what it got.
        let flooders = 6
        let outcomes = LockedValue<[String]>([])
        let group = DispatchGroup()
        for index in 0..<flooders {
            runOnNewThread(group) {
                outcomes.withLock { $0.append(Self.flood(socketPath: socketPath, index: index)) }
            }
        }
        // Meanwhile, repeated waves of clients sending many over-long *lines* in one write.
        let roundsBeforeFlood = wellBehaved.rounds
        let floodStarted = Date()
        var waves = 0
        while group.wait(timeout: .now()) == .timedOut || waves < 20 || Date().timeIntervalSince(floodStarted) < 2 {
            let connection = try RawLineConnection(socketPath: socketPath)
            var payload = Array("PING\n".utf8)
            for _ in 0..<200 { payload += Array(repeating: UInt8(ascii: "1"), count: 1500) + [0x0A] }
            _ = connection.send(payload)
            #expect(connection.readLine() == .line(Array("PONG".utf8)))
            guard case .line(let line) = connection.readLine(), String(decoding: line, as: UTF8.self).hasPrefix("ERR TOOLONG ")
            else {
                Issue.record("wave \(waves): no ERR TOOLONG")
                break
            }
            let end = connection.readLine()
            #expect(end == .closed("end of file") || end == .closed(String(cString: strerror(ECONNRESET))),
                    "wave \(waves): \(end)")
            waves += 1
            usleep(5_000)
        }
        group.wait()
        let roundsDuringFlood = wellBehaved.rounds - roundsBeforeFlood
        wellBehaved.stop()

        let results = outcomes.withLock { $0 }
        #expect(results.count == flooders)
        for result in results { #expect(result == "ok", "\(result)") }
        #expect(wellBehaved.failures == [], "the well-behaved client got wrong answers")
        #expect(roundsDuringFlood > 0, "the well-behaved client was not served while the floods ran")
        #expect(wellBehaved.maxLatency < 1, "a request of the well-behaved client took \(wellBehaved.maxLatency) s")

        try waitForConnections(1, on: fixture)
        let errors = try #require(try fixture.daemon.stats()["errors"] as? [String: Any])
        #expect(errors["TOOLONG"] as? Int == flooders + waves)
        usleep(300_000)
        let rssAfter = try residentKilobytes(of: pid)
        // 48 MiB were poured at it; it must not have kept them.
        #expect(rssAfter < rssBefore + 16 * 1024, "VmRSS \(rssBefore) kB before, \(rssAfter) kB after")
        print("""
            HostileClientTests flood: \(flooders) flooders × 8 MiB, \(waves) waves of 200 over-long lines; \
            VmRSS \(rssBefore) kB before, \(rssAfter) kB after; well-behaved client \(wellBehaved.rounds) rounds, \
            \(roundsDuringFlood) during the floods, max latency \(String(format: "%.1f", wellBehaved.maxLatency * 1000)) ms
            """)
    }

    /// One flooder's run; "ok" or what went wrong.
    private static func flood(socketPath: String, index: Int) -> String {
        guard let connection = try? RawLineConnection(socketPath: socketPath) else { return "flooder \(index): cannot connect" }
        var head = Array("PING\nGET \(targetPhone)\n".utf8)
        head += Array(repeating: UInt8(ascii: "A"), count: 64 * 1024)
        var sendError = connection.send(head)
        var sent = head.count
        let block = [UInt8](repeating: UInt8(ascii: index.isMultiple(of: 2) ? "B" : "9"), count: 256 * 1024)
        while sendError == nil && sent < 8 << 20 {
            sendError = connection.send(block)
            sent += block.count
        }
        // The server stops reading after TOOLONG and closes: the writes must fail, not block.
        guard sendError != nil else { return "flooder \(index): 8 MiB accepted without the connection being closed" }
        var replies: [String] = []
        while case .line(let line) = connection.readLine() { replies.append(String(decoding: line, as: UTF8.self)) }
        guard replies.count == 3, replies[0] == "PONG", replies[1].contains("\"Hostile Target\""),
            replies[2].hasPrefix("ERR TOOLONG ")
        else { return "flooder \(index): replies \(replies.map { $0.prefix(60) })" }
        return "ok"
    }

    // MARK: Helpers

    /// Waits up to 5 s until the daemon has `count` connections, the asking one included.
    private func waitForConnections(_ count: Int, on fixture: ServerFixture) throws {
        var open = -1
        for _ in 0..<100 {
            open = try fixture.daemon.stats()["connections"] as? Int ?? -1
            if open == count { return }
            usleep(50_000)
        }
        Issue.record("the daemon still has \(open) connections, expected \(count)")
    }
}

// MARK: - Fuzz machinery

/// The business the fuzz may find, and its exact reply line.
private struct FuzzTarget: Sendable {
    let phone: PhoneNumber
    let reply: String
}

/// What the protocol says the reply to a line must be.
private enum FuzzExpectation: Hashable, Sendable {
    case pong, bye, bareOK, statsOK, notFound, target, tooLong
    case error(ErrorCode)

    var closesConnection: Bool { self == .bye || self == .tooLong }

    var name: String {
        switch self {
        case .error(let code): code.rawValue
        default: "\(self)"
        }
    }
}

/// Counts from one or more fuzz runs.
private struct FuzzTally: Sendable {
    var lines = 0
    var bytes = 0
    var replies = 0
    /// Lines after a line that closes the connection (none: chunks end there).
    var discarded = 0
    var tooLong = 0
    var byes = 0
    var reconnects = 0
    var byKind: [String: Int] = [:]

    mutating func add(_ other: FuzzTally) {
        lines += other.lines
        bytes += other.bytes
        replies += other.replies
        discarded += other.discarded
        tooLong += other.tooLong
        byes += other.byes
        reconnects += other.reconnects
        byKind.merge(other.byKind, uniquingKeysWith: +)
    }
}

/// The first few protocol violations seen, from any thread.
private final class FuzzFailureLog: Sendable {
    static let kept = 20
    private let state = Mutex<[String]>([])

    func record(_ message: String) {
        state.withLock { if $0.count < Self.kept { $0.append(message) } }
    }

    var messages: [String] { state.withLock { $0 } }
}

/// One fuzz connection's run: generate the lines, send them in chunks of up to 1000 (a chunk
/// ends after a line that makes the server close), read and check each reply.
private struct FuzzRunner {
    static let chunkSize = 1000

    let socketPath: String
    let seed: UInt64
    let count: Int
    let target: FuzzTarget
    let failures: FuzzFailureLog

    func run() -> FuzzTally {
        var factory = FuzzLineFactory(seed: seed, target: target.phone)
        let oracle = RequestParser()
        var lines: [[UInt8]] = []
        var expectations: [FuzzExpectation] = []
        lines.reserveCapacity(count)
        for index in 0..<count {
            let (line, constructed) = factory.make()
            let expected = Self.expectation(of: line, oracle: oracle, target: target.phone)
            if let constructed, constructed != expected {
                failures.record("seed 0x\(String(seed, radix: 16)) line \(index): built to be \(constructed.name), the parser says \(expected.name): \(hexDump(line))")
            }
            lines.append(line)
            expectations.append(expected)
        }

        var tally = FuzzTally()
        tally.lines = count
        var connection: RawLineConnection?
        var index = 0
        while index < count {
            if connection == nil {
                do {
                    connection = try RawLineConnection(socketPath: socketPath)
                } catch {
                    failures.record("seed 0x\(String(seed, radix: 16)): cannot connect: \(error)")
                    tally.discarded += count - index
                    return tally
                }
                tally.reconnects += 1
            }
            guard let open = connection else { break }
            var end = index
            var payload: [UInt8] = []
            while end < count && end - index < Self.chunkSize {
                payload += lines[end]
                payload.append(0x0A)
                end += 1
                if expectations[end - 1].closesConnection { break }
            }
            tally.bytes += payload.count
            if let error = open.send(payload) {
                failures.record("seed 0x\(String(seed, radix: 16)) lines \(index)..<\(end): send failed: \(error)")
                tally.discarded += count - index
                return tally
            }
            for number in index..<end {
                let expected = expectations[number]
                switch open.readLine() {
                case .line(let reply):
                    tally.replies += 1
                    tally.byKind[expected.name, default: 0] += 1
                    if let problem = Self.check(reply, expected, target) {
                        failures.record("seed 0x\(String(seed, radix: 16)) line \(number) \(hexDump(lines[number])): \(problem)")
                    }
                case .closed(let why):
                    failures.record("seed 0x\(String(seed, radix: 16)) line \(number) \(hexDump(lines[number])): no reply (\(why)), expected \(expected.name)")
                    tally.discarded += end - number
                    connection = nil
                    break
                }
                if connection == nil { break }
            }
            let last = expectations[end - 1]
            if last.closesConnection, let open = connection {
                if last == .tooLong { tally.tooLong += 1 } else { tally.byes += 1 }
                switch open.readLine() {
                case .line(let extra):
                    failures.record("seed 0x\(String(seed, radix: 16)) line \(end - 1): a line after \(last.name): \(hexDump(extra))")
                case .closed(let why):
                    if why != "end of file" && why != String(cString: strerror(ECONNRESET)) {
                        failures.record("seed 0x\(String(seed, radix: 16)) line \(end - 1): not closed after \(last.name): \(why)")
                    }
                }
                connection = nil
            }
            index = end
        }
        return tally
    }

    /// The reply the protocol requires, from the package's own request parser (the framing,
    /// CR handling and length limit are what is under test here) and the one business.
    static func expectation(of line: [UInt8], oracle: RequestParser, target: PhoneNumber) -> FuzzExpectation {
        if line.count > 1024 { return .tooLong }
        switch oracle.parse(line) {
        case .failure(let error): return .error(error.code)
        case .success(.get(let phone)): return phone == target ? .target : .notFound
        case .success(.invalidate): return .bareOK
        case .success(.ping): return .pong
        case .success(.stats), .success(.metrics): return .statsOK  // both answer `OK <json object>`
        case .success(.quit): return .bye
        }
    }

    /// What is wrong with `reply` (without its `\n`), or nil.
    static func check(_ reply: [UInt8], _ expected: FuzzExpectation, _ target: FuzzTarget) -> String? {
        guard let text = String(validating: reply, as: UTF8.self) else { return "reply is not UTF-8: \(hexDump(reply))" }
        if !text.hasPrefix("OK {"), !reply.allSatisfy({ (0x20...0x7E).contains($0) }) {
            return "reply holds bytes that are not printable ASCII: \(hexDump(reply))"
        }
        guard let parsed = ServerReply(line: text) else { return "not a protocol reply: '\(text.prefix(100))'" }
        let matches: Bool
        switch expected {
        case .pong: matches = parsed == .pong
        case .bye: matches = parsed == .bye
        case .bareOK: matches = parsed == .ok(nil)
        case .notFound: matches = parsed == .notFound
        case .target: matches = text == target.reply
        case .statsOK:
            matches = text.hasPrefix("OK {") && text.hasSuffix("}")
                && (try? JSONSerialization.jsonObject(with: Data(text.dropFirst(3).utf8))) is [String: Any]
        case .tooLong:
            if case .error(.tooLong?, _, _) = parsed { matches = true } else { matches = false }
        case .error(let code):
            if case .error(let got?, _, _) = parsed { matches = got == code } else { matches = false }
        }
        return matches ? nil : "expected \(expected.name), got '\(text.prefix(100))'"
    }
}

/// Makes random request lines (never containing LF): random bytes of every kind, NULs, CRs,
/// bytes >= 0x80, real and mangled verbs, real and broken numbers, lengths 0...1100.
private struct FuzzLineFactory {
    var random: FuzzRandom
    let target: PhoneNumber
    /// A few numbers nobody has, reused so that they reach Redis and PostgreSQL but stay few.
    let absentPhones = (0..<50).map { "+1555019\(String(format: "%04d", $0 * 7))" }

    init(seed: UInt64, target: PhoneNumber) {
        random = FuzzRandom(seed: seed)
        self.target = target
    }

    /// A line, and the reply it was built to get when the construction alone decides it.
    mutating func make() -> ([UInt8], FuzzExpectation?) {
        let roll = random.below(1000)
        switch roll {
        case 0..<200:
            return (randomBytes(count: random.below(65)), nil)
        case 200..<260:
            return (randomBytes(count: 65 + random.below(960)), nil)
        case 260..<265:
            return (randomBytes(count: 1025 + random.below(76)), .tooLong)
        case 265..<270:
            // Around the limit: a CR before the LF counts toward the 1024 bytes.
            let count = [1022, 1023, 1024, 1025, 1026][random.below(5)]
            var bytes = Array(mangledVerb("GET").utf8) + [0x20]
            while bytes.count < count { bytes.append(UInt8(ascii: "0") + UInt8(random.below(10))) }
            if random.below(2) == 0 { bytes[count - 1] = 0x0D }
            return (bytes, count > 1024 ? .tooLong : nil)
        case 270..<470:
            let verbs = ["GET", "INVALIDATE", "PING", "STATS", "HELLO", "GETX", "SET", "DEL", "G", "", "INVALID", "PONG"]
            let separators: [[UInt8]] = [[0x20], [0x20, 0x20], [0x09], [0x00], [], [0x20, 0x00], [0x0D, 0x20]]
            var bytes = Array(mangledVerb(verbs[random.below(verbs.count)]).utf8)
            bytes += separators[random.below(separators.count)]
            bytes += random.below(3) == 0 ? randomBytes(count: random.below(40)) : phoneLikeBytes()
            return (bytes, nil)
        case 470..<620:
            // A number with a byte no number may hold, anywhere in it: always BADPHONE.
            var phone = phoneLikeBytes()
            let forbidden: [UInt8] = [0x00, 0x0D, 0x80, 0xC3, 0xFF, 0xFE, UInt8(ascii: "a"), UInt8(ascii: "x"),
                                      UInt8(ascii: ","), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: ";"),
                                      UInt8(ascii: "*"), UInt8(ascii: "%"), 0x7F, 0x1B, 0x0B, 0x0C]
            let bad = random.below(4) == 0 ? UInt8(0x80 + random.below(128)) : forbidden[random.below(forbidden.count)]
            phone.insert(bad, at: random.below(phone.count + 1))
            if phone.last == 0x0D { phone.append(UInt8(ascii: "1")) }  // a final CR would be ignored
            let verb = random.below(5) == 0 ? "INVALIDATE" : "GET"
            return (Array((mangledVerb(verb) + " ").utf8) + phone, .error(.badPhone))
        case 620..<720:
            // A first byte no verb starts with: always BADREQ.
            let starts: [UInt8] = Array("aAbBcCdDeEfFhHjJkKlLmMnNoOrRtTuUvVwWxXyYzZ0123456789#!@-_+".utf8)
                + [0x00, 0x01, 0x09, 0x1F, 0x7F, 0x80, 0xC3, 0xEF, 0xFF]
            var bytes = [starts[random.below(starts.count)]]
            bytes += randomBytes(count: random.below(12)).filter { $0 != 0x20 }
            if random.below(2) == 0 { bytes += [0x20] + randomBytes(count: random.below(30)) }
            if bytes.count == 1 && bytes[0] == 0x0D { bytes.append(0x41) }
            return (bytes, .error(.badRequest))
        case 720..<800:
            let forms = HostileClientTests.targetForms + ["1-555-017-0001", "001 555 017 0001", "+1\t555\t0170001", "(555)017-0001"]
            var bytes = Array((mangledVerb("GET") + " " + forms[random.below(forms.count)]).utf8)
            if random.below(3) == 0 { bytes.append(0x0D) }
            return (bytes, .target)
        case 800..<820:
            return (Array((mangledVerb("GET") + " " + absentPhones[random.below(absentPhones.count)]).utf8), .notFound)
        case 820..<840:
            let phone = random.below(4) == 0 ? HostileClientTests.targetPhone : absentPhones[random.below(absentPhones.count)]
            return (Array((mangledVerb("INVALIDATE") + " " + phone).utf8), .bareOK)
        case 840..<900:
            switch random.below(4) {
            case 0: return (Array((mangledVerb("PING") + " ").utf8) + randomBytes(count: random.below(10)), .error(.badRequest))
            case 1: return (Array(mangledVerb("PING").utf8) + [0x0D], .pong)
            default: return (Array(mangledVerb("PING").utf8), .pong)
            }
        case 900..<910:
            return random.below(2) == 0
                ? (Array(mangledVerb("STATS").utf8), .statsOK)
                : (Array((mangledVerb("STATS") + " all").utf8), .error(.badRequest))
        case 910..<912:
            return (Array(mangledVerb("QUIT").utf8) + (random.below(2) == 0 ? [0x0D] : []), .bye)
        default:
            // Invalid or unexpected UTF-8 first: overlong forms, surrogates, lone continuation
            // bytes, a byte order mark before a real request.
            let openers: [[UInt8]] = [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0x80], [0xBF, 0xBF], [0xF8, 0x88, 0x80, 0x80, 0x80],
                                      [0xEF, 0xBB, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xFE], [0xC1, 0xBF]]
            var bytes = openers[random.below(openers.count)]
            bytes += random.below(2) == 0 ? Array("GET \(HostileClientTests.targetPhone)".utf8) : randomBytes(count: random.below(200))
            return (bytes, .error(.badRequest))
        }
    }

    /// `verb` in a random mix of upper and lower case.
    private mutating func mangledVerb(_ verb: String) -> String {
        String(verb.map { random.below(3) == 0 ? Character($0.lowercased()) : $0 })
    }

    /// Digits, separators and `+`: something a phone number might be, mostly.
    private mutating func phoneLikeBytes() -> [UInt8] {
        let alphabet = Array("0123456789012345678901234567890123456789 -.()/+\t".utf8)
        return (0..<random.below(41)).map { _ in alphabet[random.below(alphabet.count)] }
    }

    static let controlBytes: [UInt8] = (1...31).filter { $0 != 0x0A } + [0x7F]

    /// Any byte but LF, weighted toward the interesting ones.
    private mutating func randomBytes(count: Int) -> [UInt8] {
        (0..<count).map { _ in
            switch random.below(100) {
            case 0..<25: UInt8(ascii: "0") + UInt8(random.below(10))
            case 25..<35: Array(" -.()/+\t".utf8)[random.below(8)]
            case 35..<50: (random.below(2) == 0 ? UInt8(ascii: "a") : UInt8(ascii: "A")) + UInt8(random.below(26))
            case 50..<56: 0x00
            case 56..<61: 0x0D
            case 61..<76: UInt8(0x80 + random.below(128))
            case 76..<82: Self.controlBytes[random.below(Self.controlBytes.count)]
            default: UInt8(0x20 + random.below(95))
            }
        }
    }
}

/// The same lines for the same seed, so a failure can be replayed.
private typealias FuzzRandom = SplitMix64

extension SplitMix64 {
    /// A number in 0..<bound.
    fileprivate mutating func below(_ bound: Int) -> Int { next(below: bound) }
}

/// A client that asks for the target business and PINGs, one request at a time, on its own
/// thread, until stopped; it records wrong answers and its slowest request.
private final class WellBehavedClient: Sendable {
    private let socketPath: String
    private let expectedReply: String
    private let state = Mutex(State())
    private let stopping = Atomic<Bool>(false)
    private let done = DispatchGroup()

    private struct State {
        var rounds = 0
        var failures: [String] = []
        var maxLatency = 0.0
        var slowest = ""
        var started = false
    }

    init(socketPath: String, expectedReply: String) {
        self.socketPath = socketPath
        self.expectedReply = expectedReply
    }

    var rounds: Int { state.withLock { $0.rounds } }
    var failures: [String] { state.withLock { $0.failures } }
    /// The slowest single request, in seconds.
    var maxLatency: Double { state.withLock { $0.maxLatency } }
    /// The slowest request, when it was sent (UTC) and its reply.
    var slowest: String { state.withLock { $0.slowest } }

    func start() {
        state.withLock { $0.started = true }
        runOnNewThread(done) { [self] in run() }
    }

    /// Stops the loop and waits for it (safe to call twice).
    func stop() {
        stopping.store(true, ordering: .relaxed)
        if state.withLock({ $0.started }) { done.wait() }
    }

    private func run() {
        let client: BizcachedClient
        do {
            client = try BizcachedClient(socketPath: socketPath, timeout: 10)
        } catch {
            state.withLock { $0.failures.append("cannot connect: \(error)") }
            return
        }
        var round = 0
        while !stopping.load(ordering: .relaxed) {
            let form = HostileClientTests.targetForms[round % HostileClientTests.targetForms.count]
            let requests = ["GET \(form)", "PING", "GET +15550189999"]
            for request in requests {
                let sentAt = Date()
                let started = DispatchTime.now().uptimeNanoseconds
                let reply: ServerReply
                do {
                    reply = try client.request(request)
                } catch {
                    state.withLock { $0.failures.append("round \(round) '\(request)': \(error)") }
                    return
                }
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                let correct: Bool
                switch request {
                case "PING": correct = reply == .pong
                case "GET +15550189999": correct = reply == .notFound
                default:
                    if case .ok(let json?) = reply { correct = "OK " + json == expectedReply } else { correct = false }
                }
                state.withLock {
                    if seconds > $0.maxLatency {
                        $0.maxLatency = seconds
                        $0.slowest = "'\(request)' sent at \(sentAt.formatted(.iso8601.time(includingFractionalSeconds: true))) "
                            + "took \(String(format: "%.3f", seconds)) s: \(String(describing: reply).prefix(60))"
                    }
                    if !correct && $0.failures.count < 20 { $0.failures.append("round \(round) '\(request)': \(reply)") }
                }
            }
            round += 1
            state.withLock { $0.rounds = round }
        }
    }
}

/// A raw client connection: bytes out as they are, reply lines in, and how it ended.
private final class RawLineConnection {
    enum Read: Equatable {
        case line([UInt8])
        /// "end of file", or the error text (`strerror`) that ended the connection.
        case closed(String)
    }

    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var scratch = [UInt8](repeating: 0, count: 64 * 1024)

    init(socketPath: String, timeout: Double = 10) throws {
        descriptor = try UnixSocket.connect(path: socketPath)
        UnixSocket.setTimeout(descriptor, seconds: timeout)
    }

    deinit { Glibc.close(descriptor) }

    /// Whether the peer has closed the connection (end of file or an error is waiting),
    /// without blocking and without consuming a reply.
    func isClosedByPeer() -> Bool {
        var descriptorPoll = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptorPoll, 1, 0) == 1 else { return false }
        if descriptorPoll.revents & Int16(POLLHUP | POLLERR) != 0 { return true }
        var byte: UInt8 = 0
        return recv(descriptor, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) <= 0
    }

    /// Sends everything; nil, or the error that stopped it.
    func send(_ bytes: [UInt8]) -> String? {
        do {
            try bytes.withUnsafeBytes { try UnixSocket.sendAll(descriptor, $0) }
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// The next line without its `\n`, or how the connection ended (a timeout is "timed out").
    func readLine() -> Read {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                let line = Array(buffer[start..<newline])
                start = newline + 1
                if start == buffer.count {
                    buffer.removeAll(keepingCapacity: true)
                    start = 0
                }
                return .line(line)
            }
            let count = scratch.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                if start > 0 {
                    buffer.removeFirst(start)
                    start = 0
                }
                buffer += scratch[0..<count]
            } else if count == 0 {
                return .closed("end of file")
            } else if errno != EINTR {
                return .closed(errno == EAGAIN ? "timed out" : String(cString: strerror(errno)))
            }
        }
    }
}

/// Runs `body` on a new thread of its own (not a dispatch worker: these block on sockets),
/// entering `group` until it returns.
private func runOnNewThread(_ group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
    group.enter()
    let thread = Thread {
        body()
        group.leave()
    }
    thread.start()
}

/// The process's resident memory, from /proc/<pid>/status, in kB.
private func residentKilobytes(of pid: pid_t) throws -> Int {
    let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
    guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
        let value = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap({ Int($0) })
    else { throw ChildProcess.Failure("no VmRSS in /proc/\(pid)/status") }
    return value
}

/// How many descriptors the process has open.
private func descriptorCount(of pid: pid_t) throws -> Int {
    try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
}

/// The first bytes of a line in hex, for failure messages that can be replayed.
private func hexDump(_ bytes: [UInt8]) -> String {
    let shown = bytes.prefix(48).map { String(format: "%02x", $0) }.joined()
    return "[\(bytes.count) bytes: \(shown)\(bytes.count > 48 ? "…" : "")]"
}

extension Array where Element == UInt8 {
    fileprivate func withPrefix(_ prefix: String) -> [UInt8] { Array(prefix.utf8) + self }
}

/// A value behind a lock, shareable with the threads that update it.
private final class LockedValue<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        mutex.withLock { body(&$0) }
    }
}
