/// Why a Redis call failed.
///
/// No case ever carries the password: messages come from hiredis, from the server (which
/// does not echo credentials) or from `RedisEndpoint.description`.
public enum RedisError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The connection (or its `AUTH`-less handshake, such as `SELECT`) could not be set up.
    case connectFailed(String)
    /// An I/O error, end of file or timeout: the connection is unusable from now on.
    case connectionLost(String)
    /// The server answered with an error reply (for example `WRONGTYPE ...`);
    /// the connection is still usable.
    case server(String)
    /// `AUTH` was refused, or the server demanded it and none was configured.
    case authenticationFailed(String)
    /// The server answered with a reply of a type the call did not expect.
    case unexpectedReply(String)

    public var description: String {
        switch self {
        case .connectFailed(let message): "cannot connect to Redis: \(message)"
        case .connectionLost(let message): "lost the Redis connection: \(message)"
        case .server(let message): "Redis error: \(message)"
        case .authenticationFailed(let message): "Redis authentication failed: \(message)"
        case .unexpectedReply(let message): "unexpected Redis reply: \(message)"
        }
    }
}
