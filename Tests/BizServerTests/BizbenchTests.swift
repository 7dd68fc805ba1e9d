import BizTestSupport
import Foundation
import Testing

/// bizbench against a real daemon: it runs, gets answers, and counts no errors. Speed is
/// measured by scripts/bench, never asserted here.
@Suite struct BizbenchTests {
    @Test func runsForASecondAgainstADaemonWithoutErrors() throws {
        let fixture = try ServerFixture()
        try fixture.database.connect().execute("""
            INSERT INTO businesses (name, public_phone)
            SELECT 'Bench ' || i, '+1555' || lpad(i::text, 7, '0') FROM generate_series(0, 99) AS i
            """)
        let result = try ChildProcess.run(try BuildProducts.path(of: "bizbench"), [
            "run", "--socket", fixture.daemon.socketPath, "--protocol", "bizcached", "--connections", "4",
            "--pipeline", "4", "--duration", "1", "--warmup", "0", "--keys", "100", "--json",
        ])
        #expect(result.status == 0, "\(result.output)")
        let line = try #require(result.output.split(separator: "\n").first { $0.hasPrefix("{") })
        let report = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect((report["requests"] as? Int ?? 0) > 100)
        #expect(report["hits"] as? Int == report["requests"] as? Int)
        #expect(report["errors"] as? Int == 0)
        #expect(report["wrong"] as? Int == 0)
        #expect((report["p99_us"] as? Double ?? 0) > 0)
        #expect(try fixture.daemon.hits("l1") > 0)
    }

    @Test func countsWrongAnswers() throws {
        // The phones bizbench asks for belong to businesses whose JSON is served from Redis
        // under other numbers' keys: every answer is a wrong one.
        let fixture = try ServerFixture()
        let redis = try #require(fixture.redis)
        for index in 0..<10 {
            let phone = "+1555" + String(repeating: "0", count: 6) + String(index)
            try redis.cli("SET", "business:\(phone)", #"{"id":"x","public_phone":"+19999999999"}"#)
        }
        let result = try ChildProcess.run(try BuildProducts.path(of: "bizbench"), [
            "run", "--socket", fixture.daemon.socketPath, "--protocol", "bizcached", "--connections", "1",
            "--duration", "0.5", "--warmup", "0", "--keys", "10", "--json",
        ])
        #expect(result.status == 1)
        let line = try #require(result.output.split(separator: "\n").first { $0.hasPrefix("{") })
        let report = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect((report["wrong"] as? Int ?? 0) > 0)
    }
}
