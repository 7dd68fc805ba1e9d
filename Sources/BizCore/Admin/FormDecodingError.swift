/// Why a form body or URL query cannot be read. Thrown by `FormURLEncoding.decode`.
public enum FormDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The body has more than `limit` bytes.
    case tooLarge(limit: Int)
    /// A `%` not followed by two hexadecimal digits.
    case invalidPercentEncoding
    /// The decoded bytes are not UTF-8.
    case invalidUTF8
    /// The field appears more than once; the forms never send a name twice.
    case duplicateField(String)

    public var description: String {
        switch self {
        case .tooLarge(let limit): "the form is larger than \(limit) bytes"
        case .invalidPercentEncoding: "a '%' is not followed by two hexadecimal digits"
        case .invalidUTF8: "the form is not valid UTF-8"
        case .duplicateField(let name): "the field '\(name)' appears more than once"
        }
    }
}
