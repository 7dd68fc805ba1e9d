import BizBench
import Foundation
import Testing

@Suite struct RunResultTests {
    private func sample() -> RunResult {
        var settings = RunSettings(socketPath: "/tmp/s", benchProtocol: .redis)
        settings.connections = 50
        settings.pipeline = 16
        var result = RunResult(settings: settings)
        result.measuredNanoseconds = 2_000_000_000
        result.requests = 300_001
        result.hits = 300_000
        result.misses = 1
        for value in UInt64(1)...1000 { result.latency.record(value * 1000) }
        return result
    }

    @Test("The JSON line has exactly the agreed keys, in order, with numbers")
    func json() throws {
        let line = sample().jsonLine
        #expect(!line.contains("\n"))
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "protocol", "connections", "pipeline", "duration_s", "requests", "requests_per_s", "p50_us", "p99_us",
                "p999_us", "max_us", "hits", "misses", "errors", "wrong",
            ])
        #expect(line.hasPrefix(#"{"protocol":"redis","connections":50,"pipeline":16,"duration_s":2.000,"requests":300001,"#))
        #expect(object["requests_per_s"] as? Double == 150_000.5)
        #expect(abs((object["p50_us"] as? Double ?? 0) - 500) <= 5)
        #expect(object["max_us"] as? Double == 1000)
        #expect(object["wrong"] as? Int == 0)
    }

    @Test("The human-readable block names every figure")
    func human() {
        let text = sample().humanReadable
        for word in ["requests/s", "p50", "p99", "p99.9", "max", "hits 300000", "misses 1", "errors 0", "wrong 0"] {
            #expect(text.contains(word), "missing \(word)")
        }
    }

    @Test("Exit status: 1 for errors, wrong answers or nothing completed")
    func exitStatus() {
        var result = sample()
        #expect(result.exitStatus == 0)
        result.errors = 1
        #expect(result.exitStatus == 1)
        result = sample()
        result.wrong = 1
        #expect(result.exitStatus == 1)
        result = sample()
        result.requests = 0
        #expect(result.exitStatus == 1)
    }

    @Test("Fixed decimals")
    func decimals() {
        #expect(DecimalText.fixed(1234.5678, fractionDigits: 1) == "1234.6")
        #expect(DecimalText.fixed(0.004, fractionDigits: 2) == "0.00")
        #expect(DecimalText.fixed(2, fractionDigits: 3) == "2.000")
        #expect(DecimalText.fixed(-1.25, fractionDigits: 1) == "-1.3")
        #expect(DecimalText.fixed(.nan, fractionDigits: 1) == "0")
        #expect(DecimalText.fixed(7.0, fractionDigits: 0) == "7")
    }
}
