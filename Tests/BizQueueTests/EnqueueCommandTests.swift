import BizPostgres
import BizQueue
import BizTestSupport
import Dispatch
import Foundation
import Synchronization
import Testing

/// `bizqueue enqueue` and the administrative commands, run as a user would.
@Suite struct EnqueueCommandTests {
    @Test func enqueuePrintsTheIdAndStoresNormalizedNumbers() throws {
        let fixture = try QueueFixture()
        let result = try fixture.run(["enqueue", "--to", "(555) 010-0001", "--from", "555.010.0002", "--body", "Table for 2 is ready"])
        #expect(result.status == 0, "\(result.output)")
        let id = try #require(Int64(result.output.trimmingCharacters(in: .whitespacesAndNewlines)))
        let job = try #require(try fixture.store().job(id))
        #expect(job.toNumber == "+15550100001" && job.fromNumber == "+15550100002")
        #expect(job.status == .pending && job.maxAttempts == 3)
    }

    @Test(arguments: [
        (["--to", "+15550100001", "--body", "x"], "sender"),
        (["--to", "call me", "--from", "+15550100002", "--body", "x"], "recipient"),
        (["--to", "+15550100001", "--from", "+15550100002", "--body", ""], "empty"),
        (["--to", "+15550100001", "--from", "+15550100002", "--body", String(repeating: "é", count: 1601)], "1600"),
        (["--to", "+15550100001", "--from", "+15550100002", "--messaging-service", "MG" + String(repeating: "a", count: 32), "--body", "x"], "not both"),
        (["--to", "+15550100001", "--from", "+15550100001", "--body", "x"], "also the sender"),
    ])
    func enqueueRefusesBadJobsClearly(_ arguments: [String], _ mention: String) throws {
        let fixture = try QueueFixture()
        let result = try fixture.run(["enqueue"] + arguments)
        #expect(result.status == 64)
        #expect(result.output.lowercased().contains(mention), "\(result.output)")
        #expect(try fixture.counts()[.pending] == 0)
    }

    @Test func aTimeThePostgresCannotReadIsRefused() throws {
        let fixture = try QueueFixture()
        let result = try fixture.run(["enqueue", "--to", "+15550100001", "--from", "+15550100002", "--body", "x", "--at", "next tuesday-ish"])
        #expect(result.status == 65, "\(result.output)")
        #expect(try fixture.counts()[.pending] == 0)
    }

    @Test func concurrentEnqueuesWithOneIdempotencyKeyMakeOneJob() throws {
        let fixture = try QueueFixture()
        let outputs = Mutex<[String]>([])
        let arguments = ["enqueue", "--to", "+15550100001", "--from", "+15550100002", "--body", "once", "--idempotency-key", "order-17"]
        let executable = try BuildProducts.path(of: "bizqueue")
        let environment = fixture.environment
        DispatchQueue.concurrentPerform(iterations: 12) { _ in
            let result = try? ChildProcess.run(executable, arguments, environment: environment)
            outputs.withLock { $0.append("\(result?.status ?? -1) \(result?.output.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")") }
        }
        let printed = Set(outputs.withLock { $0 })
        #expect(printed.count == 1, "\(printed)")
        #expect(printed.first?.hasPrefix("0 ") == true)
        #expect(try fixture.counts()[.pending] == 1)
    }

    @Test func jsonLinesGoInAndABadLineIsReportedByNumber() throws {
        let fixture = try QueueFixture()
        let lines = """
            {"to": "+15550100001", "from": "+15550100002", "body": "first"}
            {"to": "+15550100001", "body": "no sender"}
            not json
            {"to": "555 010 0003", "messaging_service": "MG\(String(repeating: "b", count: 32))", "body": "third", "idempotency_key": "k3"}
            """
        let result = try fixture.run(["enqueue", "--jsonl"], stdin: lines + "\n")
        #expect(result.status == 65)
        #expect(result.output.contains("line 2:"), "\(result.output)")
        #expect(result.output.contains("line 3:"))
        #expect(result.output.contains("2 of 4 lines were not queued"))
        #expect(try fixture.counts()[.pending] == 2)
    }

    @Test func statusListRetryCancelPrune() throws {
        let fixture = try QueueFixture()
        try fixture.insertJobs(3)
        try fixture.database.connect().execute("UPDATE sms_queue SET status = 'failed', last_error_code = 21211 WHERE body = 'text 1'")
        var result = try fixture.run(["status"])
        #expect(result.status == 0)
        #expect(result.output.contains("pending 2") && result.output.contains("failed 1"), "\(result.output)")
        result = try fixture.run(["list", "--status", "failed"])
        #expect(result.output.contains("error=21211") && result.output.contains("+1555***"), "\(result.output)")
        #expect(!result.output.contains("+15550200001"), "a recipient's number in full")
        let failedID = try #require(try fixture.store().list(status: .failed, limit: 1).first?.id)
        #expect(try fixture.run(["retry", String(failedID)]).status == 0)
        #expect(try fixture.run(["retry", String(failedID)]).status == 1)
        #expect(try fixture.run(["cancel", String(failedID)]).status == 0)
        #expect(try fixture.run(["cancel", "999999"]).status == 1)
        #expect(try fixture.run(["list", "--status", "nonsense"]).status == 64)
        result = try fixture.run(["prune", "--older-than", "0s"])
        #expect(result.status == 0 && result.output.contains("deleted 1"), "\(result.output)")
    }
}
