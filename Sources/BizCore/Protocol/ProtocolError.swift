/// A request that gets an `ERR` reply instead of an answer.
public struct ProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: ErrorCode
    /// One line of text for the client, never containing a newline.
    public let message: String

    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue) \(message)" }
}
