/// Where an HTTP server listens: a loopback address and port, or a Unix socket path (for a
/// proxy on the same host, with the socket file's permissions deciding who may connect).
public enum HTTPListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// A numeric loopback address and port.
    case loopback(LoopbackEndpoint)
    /// A Unix stream socket at an absolute path.
    case unixSocket(path: String)

    /// The longest path a `sockaddr_un` holds, without its terminating NUL.
    public static let maximumPathBytes = 107

    /// Parses `HOST:PORT` or an absolute path (`/run/bizadmin/bizadmin.sock`);
    /// `settingName` names the flag or variable in errors.
    public init(_ text: String, settingName: String) throws(ConfigurationError) {
        guard text.hasPrefix("/") else {
            self = .loopback(try LoopbackEndpoint(text, settingName: settingName))
            return
        }
        guard text.utf8.count <= Self.maximumPathBytes else {
            throw .invalidValue(
                name: settingName, reason: "a Unix socket path may have at most \(Self.maximumPathBytes) bytes")
        }
        guard !text.hasSuffix("/"), !text.utf8.contains(0) else {
            throw .invalidValue(name: settingName, reason: "'\(text)' is not a socket file path")
        }
        self = .unixSocket(path: text)
    }

    /// `127.0.0.1:8080`, `[::1]:8080` or `unix:/run/bizadmin/bizadmin.sock`.
    public var description: String {
        switch self {
        case .loopback(let endpoint): endpoint.description
        case .unixSocket(let path): "unix:" + path
        }
    }
}
