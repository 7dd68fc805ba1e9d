import BizCore
import Testing

@Suite struct ReplyTests {
    private func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    @Test("Fixed replies")
    func fixed() {
        #expect(text(Reply.pong) == "PONG\n")
        #expect(text(Reply.ok) == "OK\n")
        #expect(text(Reply.notFound) == "NOTFOUND\n")
        #expect(text(Reply.bye) == "BYE\n")
    }

    @Test("OK with JSON is 'OK <json>\\n'")
    func okJSON() {
        #expect(text(Reply.ok(json: #"{"id":"b1"}"#)) == "OK {\"id\":\"b1\"}\n")
        #expect(text(Reply.ok(json: "{}")) == "OK {}\n")
        #expect(Reply.ok(json: "") == Array("OK \n".utf8))
    }

    @Test("OK with JSON keeps non-ASCII bytes exactly")
    func okJSONUnicode() {
        let json = #"{"name":"Café ☕ 🍰"}"#
        let bytes = Reply.ok(json: json)
        #expect(bytes == Array("OK ".utf8) + Array(json.utf8) + [0x0A])
    }

    @Test("OK with a business's JSON")
    func okBusiness() {
        let business = Business(
            id: "b1", name: "Acme", publicPhone: "+15550100001", twilioPhone: nil, businessType: nil,
            customSettingsJSON: "{}", createdAt: "c", updatedAt: "u")
        let bytes = Reply.ok(json: business.json)
        #expect(bytes.last == 0x0A)
        #expect(bytes.filter { $0 == 0x0A }.count == 1)
        #expect(text(bytes).hasPrefix("OK {\"id\":\"b1\""))
    }

    @Test(
        "Errors are 'ERR <CODE> <message>\\n'",
        arguments: [
            (ErrorCode.badRequest, "BADREQ"), (.badPhone, "BADPHONE"), (.tooLong, "TOOLONG"), (.ambiguous, "AMBIGUOUS"),
            (.unavailable, "UNAVAILABLE"), (.busy, "BUSY"), (.denied, "DENIED"), (.internal, "INTERNAL"),
        ])
    func errorForm(_ code: ErrorCode, _ spelled: String) {
        #expect(text(Reply.error(ProtocolError(code, "some reason"))) == "ERR \(spelled) some reason\n")
    }

    @Test("An empty message still has the space after the code")
    func emptyMessage() {
        #expect(text(Reply.error(ProtocolError(.internal, ""))) == "ERR INTERNAL \n")
    }

    @Test("Line feeds and carriage returns in a message become spaces")
    func lineBreaksReplaced() {
        #expect(text(Reply.error(ProtocolError(.unavailable, "redis\ndown"))) == "ERR UNAVAILABLE redis down\n")
        #expect(text(Reply.error(ProtocolError(.unavailable, "redis\rdown"))) == "ERR UNAVAILABLE redis down\n")
        #expect(text(Reply.error(ProtocolError(.unavailable, "\nredis\n\ndown\n"))) == "ERR UNAVAILABLE  redis  down \n")
    }

    @Test("A CRLF pair in a message does not break the reply line")
    func crlfReplaced() {
        // "\r\n" is a single Character in Swift; the reply must still be exactly one line.
        let bytes = Reply.error(ProtocolError(.unavailable, "connection refused\r\nretrying"))
        #expect(bytes.filter { $0 == 0x0A }.count == 1, "reply was \(text(bytes).debugDescription)")
        #expect(!bytes.contains(0x0D))
        #expect(bytes.last == 0x0A)
    }

    @Test("Whatever the message, the error reply is exactly one line")
    func alwaysOneLine() {
        var generator = SeededGenerator(seed: 2028)
        let pieces = ["a", " ", "\n", "\r", "\r\n", "é", "☕", "\t", "\u{2028}", "\n\u{301}", "\u{0}"]
        var broken: [String] = []
        for _ in 0..<2_000 {
            let message = (0..<Int.random(in: 0...12, using: &generator))
                .map { _ in pieces.randomElement(using: &generator)! }.joined()
            let bytes = Reply.error(ProtocolError(.internal, message))
            let oneLine = bytes.last == 0x0A && bytes.dropLast().allSatisfy { $0 != 0x0A && $0 != 0x0D }
            if !oneLine || !bytes.starts(with: Array("ERR INTERNAL ".utf8)) { broken.append(message) }
        }
        let brokenCount = broken.count
        #expect(brokenCount == 0, "for example \(broken.first.map(Self.escaped) ?? "")")
    }

    @Test("A line feed followed by a combining mark is still replaced")
    func lineFeedThenCombining() {
        #expect(text(Reply.error(ProtocolError(.internal, "a\n\u{301}b"))) == "ERR INTERNAL a \u{301}b\n")
    }

    private static func escaped(_ text: String) -> String {
        "\"" + text.unicodeScalars.map { $0.escaped(asASCII: true) }.joined() + "\""
    }

    @Test("Other text in a message is kept")
    func messageKept() {
        let message = "not a phone number: only digits, an optional leading '+' and the separators ' -.()/' are allowed"
        #expect(text(Reply.error(ProtocolError(.badPhone, message))) == "ERR BADPHONE \(message)\n")
        #expect(text(Reply.error(ProtocolError(.internal, "Café ☕\t"))) == "ERR INTERNAL Café ☕\t\n")
    }
}
