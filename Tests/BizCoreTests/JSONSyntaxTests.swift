import BizCore
import Foundation
import Testing

@Suite("JSONSyntax")
struct JSONSyntaxTests {
    @Test(
        "Single-line objects are accepted",
        arguments: [
            "{}", #"{"a":1}"#, #"{"a": [1, -2.5e+3, true, false, null, "x\"y\\z\u00e9"], "b": {"c": {}}}"#,
            #"{"tz": "America/Chicago"}"#, #"{"emoji":"☕"}"#, #"{"a":0,"b":-0.0,"c":1E9}"#,
        ])
    func accepts(_ text: String) {
        #expect(JSONSyntax.isSingleLineObject(text))
        #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8))) is [String: Any])
    }

    @Test(
        "Anything else is rejected",
        arguments: [
            "", "[]", "1", "\"x\"", "null", " {}", "{} ", "{", "}", #"{"a":"}"#, #"{"a":1},{"b":2}"#,
            "{\"a\":\n1}", "{\"a\":1}\n", #"{"a":01}"#, #"{"a":1.}"#, #"{"a":tru}"#, #"{'a':1}"#,
            #"{"a":1,}"#, #"{a:1}"#, "{\"a\":\"\u{01}\"}", #"{"a":"\q"}"#, #"{"a":"\u12"}"#, #"{"a" 1}"#,
            #"{"a":[1,2}"#, #"{"a":-}"#,
        ])
    func rejects(_ text: String) {
        #expect(!JSONSyntax.isSingleLineObject(text))
    }

    @Test("Nesting deeper than 64 levels is rejected rather than recursing without bound")
    func depthLimit() {
        let shallow = "{\"a\":" + String(repeating: "[", count: 60) + String(repeating: "]", count: 60) + "}"
        let deep = "{\"a\":" + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        #expect(JSONSyntax.isSingleLineObject(shallow))
        #expect(!JSONSyntax.isSingleLineObject(deep))
    }

    @Test("Agrees with Foundation on random mutations of a valid object")
    func agreesWithFoundation() {
        var generator = SeededGenerator(seed: 7)
        let base = Array(#"{"a":[1,2.5,{"b":null}],"c":"d\"e","f":true}"#.utf8)
        let alphabet = Array(#"{}[]:,"\ 0123456789.eE+-truefalsn"#.utf8)
        for _ in 0..<5_000 {
            var bytes = base
            let position = Int.random(in: 0..<bytes.count, using: &generator)
            bytes[position] = alphabet[Int.random(in: 0..<alphabet.count, using: &generator)]
            let foundation = (try? JSONSerialization.jsonObject(with: Data(bytes))) is [String: Any]
            let ours = JSONSyntax.isSingleLineObject(bytes)
            #expect(ours == foundation, "\(String(decoding: bytes, as: UTF8.self))")
            if ours != foundation { return }
        }
    }

    @Test("Objects typed across lines are objects; single-line checks still refuse them")
    func multiLineObjects() {
        let typed = "\r\n{\n  \"timezone\": \"America/Chicago\",\r\n  \"hours\": [9, 17]\n}\n"
        #expect(JSONSyntax.isObject(typed))
        #expect(!JSONSyntax.isSingleLineObject(typed))
        #expect(JSONSyntax.isObject("{}") && JSONSyntax.isObject(" {} "))
        for text in ["", "[]", "{} {}", "{\n", "{\"a\":\"line\nbreak\"}", "null"] {
            #expect(!JSONSyntax.isObject(text), "\(text)")
        }
    }
}
