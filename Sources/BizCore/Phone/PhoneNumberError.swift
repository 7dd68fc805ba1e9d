/// Why a text is not a phone number.
public enum PhoneNumberError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing but separators, or nothing at all.
    case empty
    /// Longer than any written phone number may be.
    case tooLong
    /// A character that is neither a digit nor a separator (` `, `-`, `.`, `(`, `)`, `/`),
    /// or a `+` that is not the first character.
    case invalidCharacter
    /// Too few or too many digits for E.164 or for the country's numbering plan.
    case invalidLength
    /// A North American number whose area code starts with 0 or 1.
    case invalidAreaCode

    public var description: String {
        switch self {
        case .empty: "no digits"
        case .tooLong: "longer than 64 characters"
        case .invalidCharacter: "only digits, an optional leading '+' and the separators ' -.()/' are allowed"
        case .invalidLength: "wrong number of digits for an E.164 number"
        case .invalidAreaCode: "a North American area code cannot start with 0 or 1"
        }
    }
}
