import BizBench
import Testing

@Suite struct PropagationResultTests {
    private func result(propagation: [UInt64], timedOut: Int = 0) -> PropagationResult {
        var result = PropagationResult(settings: PropagationSettings(socketPaths: ["/a", "/b"], databaseURL: "dbname=x"))
        for nanoseconds in propagation { result.propagation.record(nanoseconds) }
        result.updatesMade = propagation.count + timedOut
        result.timedOut = timedOut
        return result
    }

    @Test("Exit status 0 only when every update propagated and something was measured")
    func exitStatus() {
        #expect(result(propagation: [1_000_000]).exitStatus == 0)
        #expect(result(propagation: [1_000_000], timedOut: 1).exitStatus == 1)
        #expect(result(propagation: []).exitStatus == 1)
        var unexpected = result(propagation: [1_000_000])
        unexpected.unexpectedReplies = 1
        #expect(unexpected.exitStatus == 1)
    }

    @Test("JSON: milliseconds with three digits, the counts, never the database URL")
    func json() {
        let line = result(propagation: [2_000_000, 2_000_000, 2_000_000], timedOut: 1).jsonLine
        #expect(line.hasPrefix("{\"instances\":2,\"updates\":4,\"phones\":20,\"timeout_s\":5.000,\"propagated\":3,\"timed_out\":1,"))
        #expect(line.contains("\"p50_ms\":2.000"))
        #expect(line.contains("\"max_ms\":2.000"))
        #expect(!line.contains("dbname"))
    }

    @Test("The report names each instance and the updates that did not propagate")
    func humanReadable() {
        let text = result(propagation: [1_500_000], timedOut: 2).humanReadable
        #expect(text.contains("propagated  1 of 3 within 5.0 s   timed out 2"))
        #expect(text.contains("p50 1.500"))
        #expect(text.contains("/a\n") && text.contains("/b\n"))
        #expect(!text.contains("dbname"))
    }
}
