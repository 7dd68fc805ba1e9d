/// What a handler is told of a request: its method and path. Bodies, query strings and
/// headers are not passed on (nothing served here needs them yet).
public struct HTTPRequest: Sendable, Equatable {
    /// `GET`, `HEAD`, `POST`, … as the client sent it.
    public let method: String
    /// The path without the query string, such as `/metrics`.
    public let path: String

    public init(method: String, path: String) {
        self.method = method
        self.path = path
    }
}
