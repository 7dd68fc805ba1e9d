/// What a handler is told of a request: method, path, query, headers and body.
public struct HTTPRequest: Sendable, Equatable {
    /// `GET`, `HEAD`, `POST`, … as the client sent it.
    public let method: String
    /// The path without the query string, such as `/metrics`.
    public let path: String
    /// The query string's arguments in order, percent-decoded (`+` as a space).
    public let query: [(name: String, value: String)]
    /// Header fields by lowercased name; a repeated field keeps its last value.
    public let headers: [String: String]
    /// The body as received (at most `HTTPServer.Limits.maximumBodyBytes`).
    public let body: [UInt8]

    public init(
        method: String, path: String, query: [(name: String, value: String)] = [], headers: [String: String] = [:],
        body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The header `name` (any case), if sent.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The last value of the query argument `name`, if given.
    public func queryValue(_ name: String) -> String? { query.last { $0.name == name }?.value }

    public static func == (left: HTTPRequest, right: HTTPRequest) -> Bool {
        left.method == right.method && left.path == right.path && left.headers == right.headers
            && left.body == right.body && left.query.elementsEqual(right.query) { $0 == $1 }
    }
}
