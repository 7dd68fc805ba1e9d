/// Builds one line of JSON object text with keys in the order they are added.
///
/// Small and allocation-light on purpose: it runs once per business fetched from
/// PostgreSQL and for every `STATS` reply.
public struct JSONObjectWriter: Sendable {
    private var text = "{"
    private var isEmpty = true

    public init() {}

    /// Adds a string member, or `null` for nil.
    public mutating func add(_ key: String, string value: String?) {
        appendKey(key)
        if let value { Self.appendQuoted(value, to: &text) } else { text += "null" }
    }

    /// Adds an integer member.
    public mutating func add(_ key: String, integer value: some BinaryInteger) {
        appendKey(key)
        text += String(value)
    }

    /// Adds a boolean member.
    public mutating func add(_ key: String, bool value: Bool) {
        appendKey(key)
        text += value ? "true" : "false"
    }

    /// Adds a member whose value is JSON object text made elsewhere (PostgreSQL's `jsonb`
    /// output, or another writer's `finish()`). Text that is not exactly one single-line JSON
    /// object (see `JSONSyntax`) is replaced by `{}`, so the result stays one line of JSON.
    public mutating func add(_ key: String, rawObject value: String) {
        appendKey(key)
        text += JSONSyntax.isSingleLineObject(value) ? value : "{}"
    }

    /// Closes the object and returns its text.
    public mutating func finish() -> String {
        text += "}"
        return text
    }

    private mutating func appendKey(_ key: String) {
        if !isEmpty { text += "," }
        isEmpty = false
        Self.appendQuoted(key, to: &text)
        text += ":"
    }

    /// Appends `value` as a JSON string literal, escaping quotes, backslashes and control characters.
    public static func appendQuoted(_ value: String, to text: inout String) {
        text += "\""
        // Most values need no escape at all: append them whole.
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == 0xE2 }) {
            text += value
            text += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "\u{2028}": text += "\\u2028"
            case "\u{2029}": text += "\\u2029"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
