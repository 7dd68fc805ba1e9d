/// Checks JSON text against the grammar of RFC 8259 without building any values: enough to
/// know that text from outside (a Redis value, a database column) can be embedded in a reply
/// without breaking it. Linear time; nesting limited to 64 levels.
public enum JSONSyntax {
    /// Whether `bytes` are exactly one JSON object from its `{` to its `}`, on one line: no
    /// raw CR or LF even between tokens, nothing before or after it.
    public static func isSingleLineObject(_ bytes: some Collection<UInt8>) -> Bool {
        var scanner = Scanner(bytes: Array(bytes))
        guard scanner.peek == UInt8(ascii: "{"), scanner.value(depth: 0) else { return false }
        return scanner.isAtEnd
    }

    /// `isSingleLineObject` for text.
    public static func isSingleLineObject(_ text: String) -> Bool {
        isSingleLineObject(text.utf8)
    }

    /// Whether `bytes` are exactly one JSON object, with any JSON whitespace (line breaks
    /// included) before, inside and after it: what a person may type into a text area.
    public static func isObject(_ bytes: some Collection<UInt8>) -> Bool {
        var scanner = Scanner(bytes: Array(bytes), allowsLineBreaks: true)
        scanner.skipSpace()
        guard scanner.peek == UInt8(ascii: "{"), scanner.value(depth: 0) else { return false }
        scanner.skipSpace()
        return scanner.isAtEnd
    }

    /// `isObject` for text.
    public static func isObject(_ text: String) -> Bool {
        isObject(text.utf8)
    }

    /// A position in JSON text; `JSONMemberReader` walks objects with it too.
    struct Scanner {
        let bytes: [UInt8]
        var position = 0
        /// Whether CR and LF count as whitespace between tokens, as RFC 8259 allows.
        var allowsLineBreaks = false

        var isAtEnd: Bool { position == bytes.count }
        var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipSpace() {
            while let byte = peek, byte == 0x20 || byte == 0x09 || (allowsLineBreaks && (byte == 0x0A || byte == 0x0D)) {
                position += 1
            }
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            position += 1
            return true
        }

        mutating func value(depth: Int) -> Bool {
            guard depth < 64 else { return false }
            skipSpace()
            guard let byte = peek else { return false }
            switch byte {
            case UInt8(ascii: "{"): return object(depth: depth)
            case UInt8(ascii: "["): return array(depth: depth)
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number()
            default: return false
            }
        }

        mutating func object(depth: Int) -> Bool {
            position += 1
            skipSpace()
            if consume(UInt8(ascii: "}")) { return true }
            while true {
                skipSpace()
                guard string() else { return false }
                skipSpace()
                guard consume(UInt8(ascii: ":")), value(depth: depth + 1) else { return false }
                skipSpace()
                if consume(UInt8(ascii: "}")) { return true }
                guard consume(UInt8(ascii: ",")) else { return false }
            }
        }

        mutating func array(depth: Int) -> Bool {
            position += 1
            skipSpace()
            if consume(UInt8(ascii: "]")) { return true }
            while true {
                guard value(depth: depth + 1) else { return false }
                skipSpace()
                if consume(UInt8(ascii: "]")) { return true }
                guard consume(UInt8(ascii: ",")) else { return false }
            }
        }

        mutating func string() -> Bool {
            guard consume(UInt8(ascii: "\"")) else { return false }
            while let byte = peek {
                position += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return true
                case UInt8(ascii: "\\"):
                    guard let escaped = peek else { return false }
                    position += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                        UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        continue
                    case UInt8(ascii: "u"):
                        for _ in 0..<4 {
                            guard let hex = peek, hex.isHexDigit else { return false }
                            position += 1
                        }
                    default:
                        return false
                    }
                case 0x00..<0x20:
                    return false
                default:
                    continue
                }
            }
            return false
        }

        mutating func number() -> Bool {
            _ = consume(UInt8(ascii: "-"))
            if !consume(UInt8(ascii: "0")) {
                guard digits() else { return false }
            }
            if consume(UInt8(ascii: ".")) {
                guard digits() else { return false }
            }
            if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
                if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
                guard digits() else { return false }
            }
            return true
        }

        mutating func digits() -> Bool {
            let start = position
            while let byte = peek, byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") { position += 1 }
            return position > start
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let expected = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
            guard bytes.count - position >= expected.count,
                bytes[position..<(position + expected.count)].elementsEqual(expected)
            else { return false }
            position += expected.count
            return true
        }
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }
}
