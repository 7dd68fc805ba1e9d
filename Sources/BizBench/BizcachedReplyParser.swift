/// Replies of bizcached to `GET`: `OK <json>\n` is a hit, `NOTFOUND\n` a miss, `ERR ...\n`
/// (and any other line, such as a bare `OK`) an error.
public enum BizcachedReplyParser: ReplyParser {
    /// Longer lines are taken as a broken stream.
    public static let maximumLineLength = 16 << 20

    /// The reply at the start of `bytes`.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> ReplyParseResult {
        guard let newline = ReplyBytes.find(0x0A, in: bytes, from: 0) else {
            return bytes.count > maximumLineLength ? .invalid : .incomplete
        }
        let length = newline + 1
        if newline > 3 && ReplyBytes.has("OK ", in: bytes, at: 0) {
            return .reply(ParsedReply(kind: .hit, length: length, valueStart: 3, valueCount: newline - 3))
        }
        if newline == 8 && ReplyBytes.has("NOTFOUND", in: bytes, at: 0) {
            return .reply(ParsedReply(kind: .miss, length: length))
        }
        return .reply(ParsedReply(kind: .error, length: length))
    }
}
