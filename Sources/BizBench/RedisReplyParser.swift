/// Redis (RESP2) replies to `GET`: `$<len>\r\n<bytes>\r\n` is a hit, `$-1\r\n` a miss,
/// `-ERR ...\r\n` an error, as are the other single-line types (`+...`, `:...`). Arrays, bad
/// lengths and missing terminators break the stream.
public enum RedisReplyParser: ReplyParser {
    /// Header lines longer than this break the stream.
    static let maximumLineLength = 64 << 10
    /// Bulk strings longer than this break the stream.
    public static let maximumValueLength = 512 << 20

    /// The reply at the start of `bytes`.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> ReplyParseResult {
        guard bytes.count > 0 else { return .incomplete }
        guard let newline = ReplyBytes.find(0x0A, in: bytes, from: 1) else {
            return bytes.count > maximumLineLength ? .invalid : .incomplete
        }
        guard bytes[newline - 1] == 0x0D else { return .invalid }
        let headerEnd = newline - 1
        switch bytes[0] {
        case UInt8(ascii: "$"):
            if headerEnd == 3 && ReplyBytes.has("-1", in: bytes, at: 1) {
                return .reply(ParsedReply(kind: .miss, length: newline + 1))
            }
            guard let valueCount = ReplyBytes.decimal(in: bytes, from: 1, to: headerEnd),
                valueCount <= maximumValueLength
            else { return .invalid }
            let valueStart = newline + 1
            let length = valueStart + valueCount + 2
            guard bytes.count >= length else { return .incomplete }
            guard bytes[length - 2] == 0x0D, bytes[length - 1] == 0x0A else { return .invalid }
            return .reply(ParsedReply(kind: .hit, length: length, valueStart: valueStart, valueCount: valueCount))
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: ":"):
            return .reply(ParsedReply(kind: .error, length: newline + 1))
        default:
            return .invalid
        }
    }
}
