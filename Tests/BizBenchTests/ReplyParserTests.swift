@testable import BizBench
import Testing

/// Feeds `stream` to a parser `chunk` bytes at a time, as a connection would, and returns
/// the replies found (with their value bytes), or nil once the parser says the stream is broken.
private func replies<Parser: ReplyParser>(
    _ parser: Parser.Type, _ stream: [UInt8], chunk: Int
) -> (replies: [(ReplyKind, [UInt8])], leftover: Int)? {
    var buffer: [UInt8] = []
    var found: [(ReplyKind, [UInt8])] = []
    var offset = 0
    while offset < stream.count {
        let end = min(stream.count, offset + chunk)
        buffer += stream[offset..<end]
        offset = end
        while true {
            let result = buffer.withUnsafeBytes { Parser.parse($0) }
            guard case .reply(let reply) = result else {
                if result == .invalid { return nil }
                break
            }
            let value = Array(buffer[reply.valueStart..<(reply.valueStart + reply.valueCount)])
            found.append((reply.kind, value))
            buffer.removeFirst(reply.length)
        }
    }
    return (found, buffer.count)
}

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

private func parseOne<Parser: ReplyParser>(_ parser: Parser.Type, _ text: String) -> ReplyParseResult {
    bytes(text).withUnsafeBytes { Parser.parse($0) }
}

@Suite struct ReplyParserTests {
    /// A value with a CR LF inside (binary-safe protocols must not stop there).
    static let json = "{\"id\":\"x\",\"name\":\"A \r\n B\",\"public_phone\":\"+15550000042\"}"
    static let chunks = [1, 2, 3, 7, 64, 1 << 20]

    @Test("bizcached: hit, miss and error, byte by byte and in chunks", arguments: chunks)
    func bizcached(chunk: Int) throws {
        let json = #"{"id":"x","public_phone":"+15550000042"}"#
        let stream = bytes("OK \(json)\nNOTFOUND\nERR BADPHONE not a phone\nOK\nPONG\nOK {\"a\":1}\n")
        let parsed = try #require(replies(BizcachedReplyParser.self, stream, chunk: chunk))
        #expect(parsed.leftover == 0)
        #expect(parsed.replies.map(\.0) == [.hit, .miss, .error, .error, .error, .hit])
        #expect(parsed.replies[0].1 == bytes(json))
        #expect(parsed.replies[5].1 == bytes(#"{"a":1}"#))
    }

    @Test("bizcached: a partial line is incomplete")
    func bizcachedIncomplete() {
        #expect(parseOne(BizcachedReplyParser.self, "") == .incomplete)
        #expect(parseOne(BizcachedReplyParser.self, "OK {\"a\"") == .incomplete)
        #expect(parseOne(BizcachedReplyParser.self, "NOTFOUN") == .incomplete)
        #expect(parseOne(BizcachedReplyParser.self, "NOTFOUND\n") == .reply(ParsedReply(kind: .miss, length: 9)))
    }

    @Test("Redis: bulk hit, nil miss, error, with \\r\\n inside a value", arguments: chunks)
    func redis(chunk: Int) throws {
        let value = bytes(Self.json)
        let stream = bytes("$\(value.count)\r\n") + value + bytes("\r\n$-1\r\n-ERR wrong\r\n$0\r\n\r\n+OK\r\n:1\r\n")
        let parsed = try #require(replies(RedisReplyParser.self, stream, chunk: chunk))
        #expect(parsed.leftover == 0)
        #expect(parsed.replies.map(\.0) == [.hit, .miss, .error, .hit, .error, .error])
        #expect(parsed.replies[0].1 == value)
        #expect(parsed.replies[3].1 == [])
    }

    @Test("Redis: the value's own \\r\\n does not end it early")
    func redisEmbeddedTerminator() {
        let text = "$6\r\na\r\nb\r\n\r\n"
        #expect(parseOne(RedisReplyParser.self, String(text.dropLast(2))) == .incomplete)
        #expect(
            parseOne(RedisReplyParser.self, text)
                == .reply(ParsedReply(kind: .hit, length: 12, valueStart: 4, valueCount: 6)))
    }

    @Test("Redis: broken streams are invalid")
    func redisInvalid() {
        #expect(parseOne(RedisReplyParser.self, "*1\r\n$1\r\na\r\n") == .invalid)
        #expect(parseOne(RedisReplyParser.self, "$abc\r\n") == .invalid)
        #expect(parseOne(RedisReplyParser.self, "$3\r\nabcXY") == .invalid)
        #expect(parseOne(RedisReplyParser.self, "$3\nabc\r\n") == .invalid)
        #expect(parseOne(RedisReplyParser.self, "hello\r\n") == .invalid)
        #expect(parseOne(RedisReplyParser.self, "$") == .incomplete)
        #expect(parseOne(RedisReplyParser.self, "$3\r\nab") == .incomplete)
    }

    @Test("memcached: VALUE hit (with and without cas), END miss, errors", arguments: chunks)
    func memcached(chunk: Int) throws {
        let value = bytes(Self.json)
        let stream = bytes("VALUE business:+15550000042 0 \(value.count)\r\n") + value + bytes("\r\nEND\r\n")
            + bytes("END\r\nSERVER_ERROR out of memory\r\nCLIENT_ERROR bad\r\nERROR\r\n")
            + bytes("VALUE k 5 3 77\r\nabc\r\nEND\r\n")
        let parsed = try #require(replies(MemcachedReplyParser.self, stream, chunk: chunk))
        #expect(parsed.leftover == 0)
        #expect(parsed.replies.map(\.0) == [.hit, .miss, .error, .error, .error, .hit])
        #expect(parsed.replies[0].1 == value)
        #expect(parsed.replies[5].1 == bytes("abc"))
    }

    @Test("memcached: broken streams are invalid")
    func memcachedInvalid() {
        #expect(parseOne(MemcachedReplyParser.self, "VALUE k 0 3\r\nabcEND\r\n\r\n") == .invalid)
        #expect(parseOne(MemcachedReplyParser.self, "VALUE k 0\r\n") == .invalid)
        #expect(parseOne(MemcachedReplyParser.self, "VALUE k 0 x\r\nabc\r\nEND\r\n") == .invalid)
        #expect(parseOne(MemcachedReplyParser.self, "STORED\r\n") == .invalid)
        #expect(parseOne(MemcachedReplyParser.self, "END\n") == .invalid)
        #expect(parseOne(MemcachedReplyParser.self, "ERRORS\r\n") == .invalid)
        #expect(parseOne(MemcachedReplyParser.self, "VALUE k 0 3\r\nabc\r\nEN") == .incomplete)
    }
}
