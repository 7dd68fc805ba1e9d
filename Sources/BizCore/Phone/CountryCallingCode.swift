/// An ITU country calling code (1 to 3 digits, not starting with 0), used for numbers
/// written without one: `555 010 0001` with code 1 is `+15550100001`.
public struct CountryCallingCode: Hashable, Sendable, CustomStringConvertible {
    /// The code's digits, for example `1` or `44`.
    public let value: UInt16
    /// How many digits the code has.
    let digitCount: Int

    /// North America (NANP), the default.
    public static let northAmerica = CountryCallingCode(uncheckedValue: 1)

    /// Parses `1`, `+1`, `44` or `+44`; nil for anything else.
    public init?(_ text: some StringProtocol) {
        var body = Substring(text)
        if body.hasPrefix("+") { body = body.dropFirst() }
        guard (1...3).contains(body.count), body.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            body.first != "0", let value = UInt16(body)
        else { return nil }
        self.init(uncheckedValue: value)
    }

    private init(uncheckedValue value: UInt16) {
        self.value = value
        self.digitCount = String(value).count
    }

    public var description: String { "+\(value)" }
}
