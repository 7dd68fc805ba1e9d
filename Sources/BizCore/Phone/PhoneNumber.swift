/// A telephone number in E.164 form: a country calling code and subscriber number,
/// at most 15 digits, written `+<digits>`.
///
/// The digits are kept as one integer, so a `PhoneNumber` hashes and compares without
/// touching the heap: it is the key of every cache tier. No E.164 number starts with 0,
/// so the integer is unambiguous.
public struct PhoneNumber: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The digits of the number, country calling code first.
    public let digits: UInt64

    /// The number as `+<digits>`, the form stored in the database and in Redis keys.
    public var e164: String { "+" + String(digits) }

    public var description: String { e164 }

    /// The number with the middle digits hidden, for logs: `+1555***0001`. At most four
    /// digits show at each end, and always fewer than half of them in all.
    public var masked: String {
        let text = String(digits)
        let shown = min(4, (text.count - 3) / 2)
        return "+" + text.prefix(shown) + "***" + text.suffix(shown)
    }

    /// Accepts only the canonical form `+<7 to 15 digits>`, as stored in the database.
    public init?(e164 text: some StringProtocol) {
        guard let number = try? PhoneNumberParser(defaultCountryCode: .northAmerica)
            .parse(Array(text.utf8)), number.e164 == text
        else { return nil }
        self = number
    }

    init(uncheckedDigits digits: UInt64) {
        self.digits = digits
    }

    public static func < (lhs: PhoneNumber, rhs: PhoneNumber) -> Bool {
        lhs.e164 < rhs.e164
    }
}
