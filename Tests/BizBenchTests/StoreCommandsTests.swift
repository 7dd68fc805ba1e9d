import BizBench
import BizCore
import Testing

@Suite struct StoreCommandsTests {
    @Test("Redis SET is a binary-safe RESP multibulk without expiry")
    func redisSet() {
        let value = Array("{\"a\":\"x\r\ny\"}".utf8)
        let command = value.withUnsafeBytes { StoreCommands.redisSet(index: 42, value: $0) }
        let expected = "*3\r\n$3\r\nSET\r\n$21\r\nbusiness:+15550000042\r\n$\(value.count)\r\n{\"a\":\"x\r\ny\"}\r\n"
        #expect(String(decoding: command, as: UTF8.self) == expected)
    }

    @Test("memcached set with flags 0 and no expiry")
    func memcachedSet() {
        let value = Array("{\"a\":1}".utf8)
        let command = value.withUnsafeBytes { StoreCommands.memcachedSet(index: 7, value: $0) }
        #expect(String(decoding: command, as: UTF8.self) == "set business:+15550000007 0 0 7\r\n{\"a\":1}\r\n")
    }

    @Test("Synthetic values: the asked size, valid one-line JSON, the phone in quotes", arguments: [1, 300, 1000])
    func synthetic(size: Int) {
        let business = SyntheticBusiness(size: size)
        let value = business.value(index: 42)
        #expect(value.count == business.length)
        if size >= 300 { #expect(value.count == size) }
        #expect(JSONSyntax.isSingleLineObject(value))
        #expect(AnswerCheck.containsQuotedPhone(value, index: 42))
        #expect(!AnswerCheck.containsQuotedPhone(value, index: 43))
        let text = String(decoding: value, as: UTF8.self)
        #expect(text.hasPrefix(#"{"id":"00000000-0000-4000-8000-000000000042","name":"Business 0000042"#))
        #expect(text.contains(#""public_phone":"+15550000042","twilio_phone":null"#))
        #expect(business.value(index: 9_999_999).count == value.count)
    }
}
