import BizCore
import Testing

@Suite struct ServerReplyTests {
    @Test(
        "Every reply form",
        arguments: [
            ("OK", ServerReply.ok(nil)),
            ("OK {}", .ok("{}")),
            (#"OK {"id":"b1","name":"A B"}"#, .ok(#"{"id":"b1","name":"A B"}"#)),
            ("OK ", .ok("")),
            ("NOTFOUND", .notFound),
            ("PONG", .pong),
            ("BYE", .bye),
            ("ERR BADPHONE not a phone number: no digits", .error(code: .badPhone, rawCode: "BADPHONE", message: "not a phone number: no digits")),
            ("ERR INTERNAL ", .error(code: .internal, rawCode: "INTERNAL", message: "")),
            ("ERR INTERNAL", .error(code: .internal, rawCode: "INTERNAL", message: "")),
            ("ERR SHRUG who knows", .error(code: nil, rawCode: "SHRUG", message: "who knows")),
            ("ERR badreq lower", .error(code: nil, rawCode: "badreq", message: "lower")),
        ])
    func forms(_ line: String, _ reply: ServerReply) {
        #expect(ServerReply(line: line) == reply)
        #expect(ServerReply(line: line + "\r") == reply)
        #expect(ServerReply(line: Substring(line)) == reply)
    }

    @Test(
        "Lines that are not replies",
        arguments: ["", "ok", "Ok {}", "OKAY", "PONG now", "pong", "NOT FOUND", "BYE ", "ERR", "ERR ", "ERR  BADREQ x", "ERRBADREQ",
                    "ERR\tBADREQ x", " OK", "\r", "OK\r\r", "HELLO"])
    func notReplies(_ line: String) {
        #expect(ServerReply(line: line) == nil)
    }

    @Test("Every encoded reply reads back as itself")
    func inverseOfReply() {
        func read(_ bytes: [UInt8]) -> ServerReply? {
            #expect(bytes.last == 0x0A)
            return ServerReply(line: String(decoding: bytes.dropLast(), as: UTF8.self))
        }
        #expect(read(Reply.ok) == .ok(nil))
        #expect(read(Reply.pong) == .pong)
        #expect(read(Reply.notFound) == .notFound)
        #expect(read(Reply.bye) == .bye)
        #expect(read(Reply.ok(json: #"{"a":"b c"}"#)) == .ok(#"{"a":"b c"}"#))
        for code in ErrorCode.allCases {
            let reply = read(Reply.error(ProtocolError(code, "it went wrong: twice")))
            #expect(reply == .error(code: code, rawCode: code.rawValue, message: "it went wrong: twice"))
        }
    }

    @Test("A message's inner spaces are kept")
    func messageSpaces() {
        #expect(ServerReply(line: "ERR UNAVAILABLE redis  down ") == .error(code: .unavailable, rawCode: "UNAVAILABLE", message: "redis  down "))
    }
}
