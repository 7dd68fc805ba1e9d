/// A piece of HTML whose every value from outside has been escaped: the only thing the admin
/// pages write into a response body.
///
/// Text enters through `init(escaping:)`, which escapes `&`, `<`, `>`, `"` and `'`, so the same
/// result is safe as element content and as a quoted attribute value: a business named
/// `<script>alert(1)</script>` shows as those characters, never as a script. Markup written in
/// the program enters through `init(markup:)`, whose argument is a `StaticString` so that no
/// runtime value can be passed off as markup. `element(_:_:_:)` builds an element whose
/// attribute values are escaped.
public struct HTMLText: Sendable, Equatable, CustomStringConvertible {
    /// The HTML, ready to send.
    public private(set) var markup: String

    /// No HTML at all.
    public init() {
        markup = ""
    }

    /// `text` escaped, to show as it is.
    public init(escaping text: some StringProtocol) {
        markup = Self.escape(text)
    }

    /// Markup written in the program, sent unchanged.
    public init(markup: StaticString) {
        self.markup = markup.description
    }

    public var description: String { markup }

    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by character references.
    public static func escape(_ text: some StringProtocol) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// The element `<tag attribute="value" ...>content</tag>`; attribute values are escaped.
    /// An attribute whose value is nil is left out; one whose value is empty is written bare
    /// (`<option selected>`). Void elements (`input`, `br`, `meta`, `link`) get no end tag.
    public static func element(
        _ tag: StaticString,
        _ attributes: KeyValuePairs<StaticString, String?> = [:],
        _ content: HTMLText = HTMLText()
    ) -> HTMLText {
        var markup = "<\(tag)"
        for (name, value) in attributes {
            guard let value else { continue }
            markup += value.isEmpty ? " \(name)" : " \(name)=\"\(escape(value))\""
        }
        markup += ">"
        if !voidElements.contains(tag.description) {
            markup += content.markup + "</\(tag)>"
        }
        return HTMLText(unchecked: markup)
    }

    /// `text` escaped inside the element `tag`.
    public static func element(
        _ tag: StaticString,
        _ attributes: KeyValuePairs<StaticString, String?> = [:],
        text: some StringProtocol
    ) -> HTMLText {
        element(tag, attributes, HTMLText(escaping: text))
    }

    /// Appends `other`.
    public mutating func append(_ other: HTMLText) {
        markup += other.markup
    }

    /// The two pieces one after the other.
    public static func + (lhs: HTMLText, rhs: HTMLText) -> HTMLText {
        HTMLText(unchecked: lhs.markup + rhs.markup)
    }

    private init(unchecked markup: String) {
        self.markup = markup
    }

    private static let voidElements: Set<String> = ["input", "br", "meta", "link", "hr", "img"]
}
