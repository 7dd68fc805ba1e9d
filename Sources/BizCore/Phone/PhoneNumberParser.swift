/// Turns a phone number as people write it into E.164.
///
/// Accepted forms, with the default country calling code 1:
/// `+1 (555) 010-0001`, `+15550100001`, `15550100001`, `5550100001`, `555.010.0001`,
/// `00 44 20 7946 0958` (international prefix). Separators are spaces, tabs, `-`, `.`, `(`, `)`
/// and `/`; anything else (letters, commas, quotes) is rejected, so the result is always
/// safe to use as a key. Numbers in country code 1 must have exactly ten national digits
/// with an area code starting 2 to 9; other numbers must have 7 to 15 digits in all.
public struct PhoneNumberParser: Sendable {
    /// The longest input accepted, separators included.
    public static let maximumLength = 64

    /// The country calling code assumed for numbers written without `+` or `00`.
    public let defaultCountryCode: CountryCallingCode

    public init(defaultCountryCode: CountryCallingCode = .northAmerica) {
        self.defaultCountryCode = defaultCountryCode
    }

    /// Parses a number given as UTF-8 bytes.
    public func parse(_ bytes: some Collection<UInt8>) throws(PhoneNumberError) -> PhoneNumber {
        try Array(bytes).withUnsafeBytes { buffer in
            Result { () throws(PhoneNumberError) in try parse(buffer) }
        }.get()
    }

    /// Parses a number given as UTF-8 bytes in memory: the form the server's hot path uses,
    /// concrete so that callers in other modules run specialized code.
    public func parse(_ bytes: UnsafeRawBufferPointer) throws(PhoneNumberError) -> PhoneNumber {
        guard bytes.count <= Self.maximumLength else { throw .tooLong }
        var digits: UInt64 = 0
        var digitCount = 0
        var sawPlus = false
        var leadingZeros = 0  // zeros before the first non-zero digit, for '00' and trunk '0'
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if digits == 0 && byte == UInt8(ascii: "0") {
                    leadingZeros += 1
                    continue
                }
                digitCount += 1
                guard digitCount <= 15 else { throw .invalidLength }
                digits = digits * 10 + UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "+"):
                guard !sawPlus, digitCount == 0, leadingZeros == 0 else { throw .invalidCharacter }
                sawPlus = true
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "/"):
                continue
            default:
                throw .invalidCharacter
            }
        }
        guard digitCount > 0 else { throw leadingZeros > 0 ? .invalidLength : .empty }

        let international: Bool
        switch (sawPlus, leadingZeros) {
        case (true, 0): international = true
        case (true, _): throw .invalidCharacter  // "+0..." has no country code
        case (false, 2): international = true  // "00" international prefix
        case (false, 0), (false, 1): international = false  // national, maybe with trunk '0'
        default: throw .invalidLength
        }

        if international {
            return try validated(digits: digits, count: digitCount)
        }
        let code = defaultCountryCode
        if code.value == 1 {
            // NANP: ten national digits, or eleven with the leading country code 1.
            if digitCount == 11 && leadingZeros == 0 && digits / 10_000_000_000 == 1 {
                return try validated(digits: digits, count: digitCount)
            }
            guard digitCount == 10, leadingZeros == 0 else { throw .invalidLength }
        }
        var full = UInt64(code.value)
        for _ in 0..<digitCount { full *= 10 }
        return try validated(digits: full + digits, count: digitCount + code.digitCount)
    }

    /// Parses a number given as text.
    public func parse(_ text: some StringProtocol) throws(PhoneNumberError) -> PhoneNumber {
        try parse(text.utf8)
    }

    private func validated(digits: UInt64, count: Int) throws(PhoneNumberError) -> PhoneNumber {
        guard (7...15).contains(count) else { throw .invalidLength }
        var leading = digits
        for _ in 0..<(count - 1) { leading /= 10 }
        if leading == 1 {
            guard count == 11 else { throw .invalidLength }
            let areaCodeFirstDigit = (digits / 1_000_000_000) % 10
            guard areaCodeFirstDigit >= 2 else { throw .invalidAreaCode }
        }
        return PhoneNumber(uncheckedDigits: digits)
    }
}
