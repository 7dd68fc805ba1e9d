/// memcached text-protocol replies to a one-key `get`:
/// `VALUE <key> <flags> <bytes> [<cas>]\r\n<data>\r\nEND\r\n` is a hit, `END\r\n` a miss,
/// `ERROR`, `CLIENT_ERROR ...` and `SERVER_ERROR ...` lines are errors. Anything else breaks
/// the stream.
public enum MemcachedReplyParser: ReplyParser {
    /// Header lines longer than this break the stream.
    static let maximumLineLength = 64 << 10
    /// Values longer than this break the stream.
    public static let maximumValueLength = 512 << 20

    /// The reply at the start of `bytes`.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> ReplyParseResult {
        guard let newline = ReplyBytes.find(0x0A, in: bytes, from: 0) else {
            return bytes.count > maximumLineLength ? .invalid : .incomplete
        }
        guard newline > 0, bytes[newline - 1] == 0x0D else { return .invalid }
        let headerEnd = newline - 1
        if ReplyBytes.has("VALUE ", in: bytes, at: 0) {
            guard let valueCount = lengthField(bytes, headerEnd: headerEnd), valueCount <= maximumValueLength else {
                return .invalid
            }
            let valueStart = newline + 1
            let length = valueStart + valueCount + 7  // "\r\nEND\r\n"
            guard bytes.count >= length else { return .incomplete }
            guard ReplyBytes.has("\r\nEND\r\n", in: bytes, at: valueStart + valueCount) else { return .invalid }
            return .reply(ParsedReply(kind: .hit, length: length, valueStart: valueStart, valueCount: valueCount))
        }
        if headerEnd == 3 && ReplyBytes.has("END", in: bytes, at: 0) {
            return .reply(ParsedReply(kind: .miss, length: newline + 1))
        }
        if ReplyBytes.has("SERVER_ERROR", in: bytes, at: 0) || ReplyBytes.has("CLIENT_ERROR", in: bytes, at: 0)
            || (ReplyBytes.has("ERROR", in: bytes, at: 0) && (headerEnd == 5 || bytes[5] == 0x20))
        {
            return .reply(ParsedReply(kind: .error, length: newline + 1))
        }
        return .invalid
    }

    /// The `<bytes>` field of a `VALUE` line ending at `headerEnd`: the fourth word.
    private static func lengthField(_ bytes: UnsafeRawBufferPointer, headerEnd: Int) -> Int? {
        var word = 0
        var offset = 0
        while offset < headerEnd {
            while offset < headerEnd && bytes[offset] == 0x20 { offset += 1 }
            guard offset < headerEnd else { break }
            let start = offset
            while offset < headerEnd && bytes[offset] != 0x20 { offset += 1 }
            if word == 3 { return ReplyBytes.decimal(in: bytes, from: start, to: offset) }
            word += 1
        }
        return nil
    }
}
