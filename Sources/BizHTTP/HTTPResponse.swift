/// A complete response: status, headers and body. The server adds `Content-Length`,
/// `Date` and `Connection` itself, and sends no body to a `HEAD` request.
public struct HTTPResponse: Sendable, Equatable {
    /// The status code: 200, 404, …
    public let status: Int
    /// Headers in the order they are sent.
    public let headers: [Header]
    /// The body's bytes, sent with a `Content-Length`.
    public let body: [UInt8]

    /// One header line.
    public struct Header: Sendable, Equatable {
        /// Such as `Content-Type`.
        public let name: String
        /// One line of text: no CR or LF.
        public let value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(status: Int, headers: [Header] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A UTF-8 text response of `contentType` (`text/plain; charset=utf-8` unless given).
    public static func text(
        _ text: String, status: Int = 200, contentType: String = "text/plain; charset=utf-8", headers: [Header] = []
    ) -> HTTPResponse {
        HTTPResponse(status: status, headers: [Header("Content-Type", contentType)] + headers, body: Array(text.utf8))
    }

    /// 404 with a one-line explanation.
    public static let notFound = text("not found\n", status: 404)

    /// 405, naming the methods the resource allows in `Allow`.
    public static func methodNotAllowed(allowed: [String]) -> HTTPResponse {
        text("method not allowed\n", status: 405, headers: [Header("Allow", allowed.joined(separator: ", "))])
    }
}
