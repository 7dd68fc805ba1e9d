/// One RESP2 reply, copied out of hiredis into Swift memory.
public enum RedisValue: Equatable, Sendable {
    /// A bulk string, binary-safe.
    case string([UInt8])
    /// A simple status reply such as `OK` or `PONG`.
    case status(String)
    /// An integer reply.
    case integer(Int)
    /// A multi-bulk reply.
    case array([RedisValue])
    /// A null bulk string or null array (for example `GET` of a missing key).
    case null
    /// An error reply such as `WRONGTYPE Operation against a key holding the wrong kind of value`.
    case error(String)

    /// A short, content-free description of the reply's shape, for error messages.
    var shape: String {
        switch self {
        case .string(let bytes): "bulk string of \(bytes.count) bytes"
        case .status(let status): "status '\(status)'"
        case .integer(let value): "integer \(value)"
        case .array(let elements): "array of \(elements.count) elements"
        case .null: "null"
        case .error(let message): "error '\(message)'"
        }
    }
}
