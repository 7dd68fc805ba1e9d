/// Random tokens for admin sessions and their CSRF protection: 32 bytes from the caller's
/// generator, as 64 lowercase hexadecimal digits, which need no escaping in a cookie, a URL
/// or an HTML attribute.
///
/// The generator must be cryptographically secure in production: `SystemRandomNumberGenerator`
/// (`getrandom` on Linux). Tests pass a seeded one to get the same tokens on every run.
public enum SessionToken {
    /// Random bytes in a token.
    public static let byteCount = 32
    /// Characters in a token.
    public static let length = byteCount * 2

    /// A new token.
    public static func generate(using generator: inout some RandomNumberGenerator) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(byteCount)
        while bytes.count < byteCount {
            let word = generator.next()
            for shift in stride(from: 0, to: 64, by: 8) where bytes.count < byteCount {
                bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift)))
            }
        }
        return hex(bytes)
    }

    /// The bytes as lowercase hexadecimal digits, two per byte.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".unicodeScalars)
        var text = String.UnicodeScalarView()
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(text)
    }

    /// Whether `text` has the form of a token: 64 lowercase hexadecimal digits.
    public static func isWellFormed(_ text: some StringProtocol) -> Bool {
        text.utf8.count == length
            && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
