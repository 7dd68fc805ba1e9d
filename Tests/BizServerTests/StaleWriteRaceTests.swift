import BizClient
import BizTestSupport
import Foundation
import Glibc
import Synchronization
import Testing

/// A lookup that read a row just before an update commits must not cache that row after
/// the invalidation passed, on any instance.
@Suite struct StaleWriteRaceTests {
    @Test func afterFiveHundredRacingUpdatesEveryInstanceAnswersTheLastCommittedValue() throws {
        // One backend worker per instance: misses queue up into bigger batches, which
        // widens the gap between a query's snapshot and the cache write that follows it.
        let fixture = try ServerFixture(arguments: ["--backend-workers", "1", "--query-timeout", "10"])
        let other = try fixture.secondDaemon(arguments: ["--backend-workers", "1", "--query-timeout", "10"])
        let daemons = [fixture.daemon, other]
        let phones = (0..<20).map { "+155507000\(String(format: "%02d", $0))" }
        var ids: [String] = []
        for (index, phone) in phones.enumerated() {
            ids.append(try fixture.insertBusiness(name: "p\(index)-v0", publicPhone: phone))
        }

        // 8 readers per instance hammer the 20 numbers while the updates commit.
        let stop = Atomic<Bool>(false)
        let failures = Mutex<[String]>([])
        let readers = DispatchGroup()
        for daemon in daemons {
            for reader in 0..<8 {
                let client = UncheckedBox(try daemon.client())
                DispatchQueue.global().async(group: readers) {
                    var index = reader
                    while !stop.load(ordering: .relaxed) {
                        index = (index &* 7 &+ 3) % phones.count
                        do {
                            let reply = try client.value.request("GET \(phones[index])")
                            if businessName(in: reply)?.hasPrefix("p\(index)-v") != true {
                                failures.withLock { $0.append("\(phones[index]): \(reply)") }
                            }
                        } catch {
                            failures.withLock { $0.append("\(error)") }
                            return
                        }
                    }
                }
            }
        }

        let writer = try fixture.database.connect()
        var last = phones.indices.map { "p\($0)-v0" }
        for update in 1...500 {
            let index = (update &* 13) % phones.count
            last[index] = "p\(index)-v\(update)"
            try writer.query("UPDATE businesses SET name = $1 WHERE id = $2::uuid", [last[index], ids[index]])
        }
        let committed = Date()

        // Within 1 s every instance answers the last value for every number...
        let checkers = try daemons.map { try $0.client() }
        let requests = phones.map { "GET \($0)" }
        func wrongAnswers() throws -> [String] {
            var wrong: [String] = []
            for (instance, checker) in checkers.enumerated() {
                for (index, reply) in try checker.pipeline(requests).enumerated() where businessName(in: reply) != last[index] {
                    wrong.append("instance \(instance) \(phones[index]): \(businessName(in: reply) ?? "\(reply)") not \(last[index])")
                }
            }
            return wrong
        }
        var wrong = try wrongAnswers()
        while !wrong.isEmpty && Date().timeIntervalSince(committed) < 1 {
            usleep(10_000)
            wrong = try wrongAnswers()
        }
        let elapsed = Date().timeIntervalSince(committed)
        #expect(wrong.isEmpty, "\(elapsed) s after the last commit: \(wrong.prefix(5))")
        // ... and keeps answering it while the readers go on.
        for _ in 0..<5 {
            usleep(200_000)
            let wrong = try wrongAnswers()
            #expect(wrong.isEmpty, "went back to an old value: \(wrong.prefix(5))")
        }
        stop.store(true, ordering: .relaxed)
        readers.wait()
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0.prefix(5) })")
        print("converged \(Int(elapsed * 1000)) ms after the last of 500 updates")
    }
}
