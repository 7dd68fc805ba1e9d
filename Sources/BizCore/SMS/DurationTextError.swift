/// Why a text is not a duration `DurationText` accepts.
public enum DurationTextError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing was given.
    case empty
    /// Not digits followed by at most one of `s`, `m`, `h`, `d` (the text as given).
    case invalid(String)
    /// Longer than `DurationText.maximumSeconds` (the text as given).
    case tooLong(String)

    public var description: String {
        switch self {
        case .empty:
            "empty duration: expected a whole number with an optional unit s, m, h or d (30s, 5m, 2h, 7d)"
        case .invalid(let text):
            "invalid duration '\(text)': expected a whole number with an optional unit s, m, h or d (30s, 5m, 2h, 7d)"
        case .tooLong(let text):
            "duration '\(text)' is too long: at most 100 years"
        }
    }
}
