/// A reply line as a client reads it (the inverse of `Reply`).
public enum ServerReply: Equatable, Sendable {
    /// `OK` with its payload (the JSON after `OK `), or nil for a bare `OK`.
    case ok(String?)
    case notFound
    case pong
    case bye
    /// `ERR <CODE> <message>`; `code` is nil for a code this client does not know.
    case error(code: ErrorCode?, rawCode: String, message: String)

    /// Parses one reply line without its `\n`. Returns nil for a line that is not a reply.
    public init?(line: some StringProtocol) {
        let line = line.hasSuffix("\r") ? Substring(line.dropLast()) : Substring(line)
        switch line {
        case "OK": self = .ok(nil)
        case "NOTFOUND": self = .notFound
        case "PONG": self = .pong
        case "BYE": self = .bye
        case _ where line.hasPrefix("OK "):
            self = .ok(String(line.dropFirst(3)))
        case _ where line.hasPrefix("ERR "):
            let rest = line.dropFirst(4)
            let code = rest.prefix(while: { $0 != " " })
            let message = rest.dropFirst(code.count).drop(while: { $0 == " " })
            guard !code.isEmpty else { return nil }
            self = .error(code: ErrorCode(rawValue: String(code)), rawCode: String(code), message: String(message))
        default:
            return nil
        }
    }
}
