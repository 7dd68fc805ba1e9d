/// Why an HTTP server could not start.
public enum HTTPServerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The address could not be bound or listened on (in use, not on this host, …).
    case cannotListen(address: String, reason: String)

    public var description: String {
        switch self {
        case .cannotListen(let address, let reason): "cannot serve HTTP on \(address): \(reason)"
        }
    }
}
