import BizCore
import Testing

@Suite struct JSONMemberReaderTests {
    @Test func findsAStringMemberAfterOthersOfAnyKind() {
        let json = #"{"n":-1.5e3,"o":{"text":"nested"},"a":[1,"x",{}],"b":true,"z":null,"text":"found"}"#
        #expect(JSONMemberReader.string("text", in: json) == "found")
        #expect(JSONMemberReader.string("missing", in: json) == nil)
        #expect(JSONMemberReader.string("n", in: json) == nil)  // not a string
    }

    @Test(arguments: [
        (#"{"t":"a\"b\\c\/d"}"#, "a\"b\\c/d"), (#"{"t":"l1\nl2\tt\r\b\f"}"#, "l1\nl2\tt\r\u{08}\u{0C}"),
        (#"{"t":"\u00e9\u2028"}"#, "é\u{2028}"), (#"{"t":"\ud83d\ude00"}"#, "😀"), (#"{"t":"☕"}"#, "☕"),
        (#" { "t" : "" } "#, ""),
    ])
    func decodesEscapes(_ json: String, _ value: String) {
        #expect(JSONMemberReader.string("t", in: json) == value)
    }

    @Test(arguments: [
        "", "[]", #""t""#, "{}", #"{"t":"unterminated}"#, #"{"t":"\q"}"#, #"{"t":"\ud83d"}"#, #"{"t":"\u12G4"}"#,
        "{\"t\":\"raw\u{01}\"}", #"{"a" 1,"t":"x"}"#, #"{"a":,"t":"x"}"#,
    ])
    func refusesWhatIsNotAnObjectWithThatString(_ json: String) {
        #expect(JSONMemberReader.string("t", in: json) == nil)
    }
}
