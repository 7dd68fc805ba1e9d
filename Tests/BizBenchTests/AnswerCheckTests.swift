import BizBench
import Testing

@Suite struct AnswerCheckTests {
    private func check(_ value: String, _ index: Int) -> Bool {
        AnswerCheck.containsQuotedPhone(Array(value.utf8), index: index)
    }

    @Test("A value holding the requested phone in quotes is right")
    func right() {
        #expect(check(#"{"id":"a","public_phone":"+15550000042","twilio_phone":null}"#, 42))
        #expect(check(#"{"public_phone":"+15559999999","twilio_phone":"+15550000000"}"#, 0))
        #expect(check(#""+15559999999""#, 9_999_999))
        #expect(check(#"{"name":"+1 a + b","twilio_phone":"+15550001234"}"#, 1234))
    }

    @Test("Another phone, an unquoted phone or a longer number is wrong")
    func wrong() {
        #expect(!check(#"{"public_phone":"+15550000043"}"#, 42))
        #expect(!check(#"{"public_phone":+15550000042}"#, 42))
        #expect(!check(#"{"public_phone":"+155500000421"}"#, 42))
        #expect(!check(#"{"public_phone":"+25550000042"}"#, 42))
        #expect(!check(#"{"public_phone":"+1555000004"}"#, 42))
        #expect(!check("", 42))
        #expect(!check("+15550000042", 42))
        #expect(!check(#""+15550000042"#, 42))
    }
}
