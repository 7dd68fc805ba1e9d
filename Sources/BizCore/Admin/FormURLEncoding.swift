/// `application/x-www-form-urlencoded`, as browsers send forms and write URL queries.
///
/// Decoding reads `+` as a space and `%XX` as a byte, and requires the result to be UTF-8.
/// A name without `=` has the empty value; empty pieces (`a=1&&b=2`) are skipped. A name
/// given twice is refused rather than resolved either way: the admin forms never repeat a
/// name, so a repeated one is a forged or broken request, and picking one value would hide
/// that.
public enum FormURLEncoding {
    /// The largest body `decode` reads by default: the business form with a generous
    /// `custom_settings`.
    public static let defaultLimit = 64 * 1024

    /// The fields of a form body or query string (without its `?`), by name.
    public static func decode(
        _ bytes: some Collection<UInt8>,
        limit: Int = defaultLimit
    ) throws(FormDecodingError) -> [String: String] {
        guard bytes.count <= limit else { throw .tooLarge(limit: limit) }
        var fields: [String: String] = [:]
        for piece in Array(bytes).split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = piece.firstIndex(of: UInt8(ascii: "="))
            let name = try component(piece[..<(equals ?? piece.endIndex)])
            let value = try equals.map { equals throws(FormDecodingError) in try component(piece[(equals + 1)...]) } ?? ""
            guard fields.updateValue(value, forKey: name) == nil else { throw .duplicateField(name) }
        }
        return fields
    }

    /// `decode` for text, such as the query of a request's URL.
    public static func decode(_ text: String, limit: Int = defaultLimit) throws(FormDecodingError) -> [String: String] {
        try decode(text.utf8, limit: limit)
    }

    /// The pairs as a query string, in the given order: bytes other than ASCII letters,
    /// digits and `-._~` percent-encoded, spaces as `+`.
    public static func encode(_ pairs: [(name: String, value: String)]) -> String {
        pairs.map { encodeComponent($0.name) + "=" + encodeComponent($0.value) }.joined(separator: "&")
    }

    /// One name or value percent-encoded, spaces as `+`.
    public static func encodeComponent(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                encoded += "+"
            default:
                encoded += "%" + String(hexDigits[Int(byte >> 4)]) + String(hexDigits[Int(byte & 0x0F)])
            }
        }
        return encoded
    }

    private static let hexDigits: [Character] = Array("0123456789ABCDEF")

    private static func component(_ bytes: ArraySlice<UInt8>) throws(FormDecodingError) -> String {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "+"):
                decoded.append(UInt8(ascii: " "))
                index += 1
            case UInt8(ascii: "%"):
                guard index + 2 < bytes.endIndex,
                    let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
                else { throw .invalidPercentEncoding }
                decoded.append(high << 4 | low)
                index += 3
            default:
                decoded.append(byte)
                index += 1
            }
        }
        guard let text = String(validating: decoded, as: UTF8.self) else { throw .invalidUTF8 }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
