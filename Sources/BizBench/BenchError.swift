import BizSystem

/// Why a bizbench command could not do its work.
public enum BenchError: Error, CustomStringConvertible {
    /// A server's socket could not be reached (exit status 69).
    case cannotConnect(SystemCallError)
    /// A system call failed on an open connection.
    case system(SystemCallError)
    /// The server closed the connection.
    case connectionClosed(String)
    /// The server sent something that is not a reply.
    case protocolViolation(String)

    /// The reason, for an `error: ...` line.
    public var description: String {
        switch self {
        case .cannotConnect(let error): "cannot connect: \(error)"
        case .system(let error): error.description
        case .connectionClosed(let what): "\(what) closed the connection"
        case .protocolViolation(let what): "protocol violation: \(what)"
        }
    }
}
