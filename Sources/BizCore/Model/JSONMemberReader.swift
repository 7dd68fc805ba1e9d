/// Reads one string member of a JSON object without building the rest: what a client of
/// the protocol needs to unwrap a reply such as `METRICS`'s, without a JSON library.
public enum JSONMemberReader {
    /// The decoded value of the top-level member `name` of `object`, or nil when the text is
    /// not a JSON object, has no such member, or that member is not a string.
    public static func string(_ name: String, in object: some Collection<UInt8>) -> String? {
        var scanner = JSONSyntax.Scanner(bytes: Array(object))
        scanner.skipSpace()
        guard scanner.consume(UInt8(ascii: "{")) else { return nil }
        scanner.skipSpace()
        if scanner.consume(UInt8(ascii: "}")) { return nil }
        while true {
            scanner.skipSpace()
            guard let key = scanner.decodedString() else { return nil }
            scanner.skipSpace()
            guard scanner.consume(UInt8(ascii: ":")) else { return nil }
            scanner.skipSpace()
            if key == name { return scanner.peek == UInt8(ascii: "\"") ? scanner.decodedString() : nil }
            guard scanner.value(depth: 1) else { return nil }
            scanner.skipSpace()
            guard scanner.consume(UInt8(ascii: ",")) else { return nil }
        }
    }

    /// `string(_:in:)` for text.
    public static func string(_ name: String, in object: String) -> String? {
        string(name, in: object.utf8)
    }
}

extension JSONSyntax.Scanner {
    /// Reads a string literal and returns its value, escapes decoded (surrogate pairs
    /// included); nil when it is not a valid string literal.
    mutating func decodedString() -> String? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        var bytes: [UInt8] = []
        while let byte = peek {
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(validating: bytes, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escaped = peek else { return nil }
                position += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escaped)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    guard let scalar = unicodeEscape() else { return nil }
                    bytes += Array(String(Character(scalar)).utf8)
                default:
                    return nil
                }
            case 0x00..<0x20:
                return nil
            default:
                bytes.append(byte)
            }
        }
        return nil
    }

    /// The scalar of a `\u` escape whose `\u` was just read, with its low surrogate's escape
    /// when it is a high surrogate.
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let unit = hexQuad() else { return nil }
        guard (0xD800..<0xDC00).contains(unit) else { return Unicode.Scalar(unit) }
        guard consume(UInt8(ascii: "\\")), consume(UInt8(ascii: "u")), let low = hexQuad(), (0xDC00..<0xE000).contains(low)
        else { return nil }
        return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
    }

    private mutating func hexQuad() -> UInt32? {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek else { return nil }
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }
}
