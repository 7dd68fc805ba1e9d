/// A configuration file such as `/etc/bizcached/bizcached.conf`: one `name = value` per
/// line, names being the long option names without `--`.
///
///     # comments run to the end of the line when `#` starts it
///     database-url = host=/run/postgresql dbname=app
///     l1-capacity = 50000
///     log-level = "info"
///
/// Blank lines and lines starting with `#` are ignored. Spaces around the name and value
/// are trimmed; a value may be wrapped in double quotes to keep leading or trailing spaces
/// (nothing inside is unescaped). Each name may appear once. Parsing is pure: the caller
/// reads the file.
public struct ConfigurationFile: Sendable, Equatable {
    /// One setting and the line it came from (1-based).
    public struct Entry: Sendable, Equatable {
        public let value: String
        public let line: Int

        public init(value: String, line: Int) {
            self.value = value
            self.line = line
        }
    }

    /// Where the text came from, for messages.
    public let path: String
    /// Settings by name.
    public let entries: [String: Entry]

    /// Parses `text`; every error names `path` and the line.
    /// - Parameter knownNames: the names a file may set; any other is an error.
    public init(path: String, text: String, knownNames: Set<String>) throws(ConfigurationError) {
        self.path = path
        var entries: [String: Entry] = [:]
        var lineNumber = 0
        // "\r\n" is one Character in Swift: split on it too, for files written on Windows.
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            let line = Self.trimmed(rawLine)
            if line.isEmpty || line.hasPrefix("#") { continue }
            func fail(_ reason: String) -> ConfigurationError {
                .inFile(path: path, line: lineNumber, reason: reason)
            }
            guard let equals = line.firstIndex(of: "=") else {
                // The line itself is not repeated: it may be a mistyped secret.
                throw fail("expected 'name = value'")
            }
            var name = Self.trimmed(line[..<equals])
            if name.hasPrefix("--") { name = name.dropFirst(2) }
            guard !name.isEmpty else { throw fail("a setting name is missing before '='") }
            guard knownNames.contains(String(name)) else {
                throw fail("unknown setting '\(Self.excerpt(name))'")
            }
            if let earlier = entries[String(name)] {
                throw fail("'\(name)' is already set on line \(earlier.line)")
            }
            var value = Self.trimmed(line[line.index(after: equals)...])
            if value.hasPrefix("\"") {
                guard value.count >= 2, value.hasSuffix("\"") else { throw fail("the value of '\(name)' has no closing quote") }
                value = value.dropFirst().dropLast()
            }
            entries[String(name)] = Entry(value: String(value), line: lineNumber)
        }
        self.entries = entries
    }

    /// The value set for `name`, if any.
    public subscript(name: String) -> Entry? { entries[name] }

    private static func trimmed(_ text: Substring) -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isSpace($0) }) else { return text[text.endIndex...] }
        let last = text.lastIndex(where: { !isSpace($0) })!
        return text[first...last]
    }

    /// Enough of a line to recognize it, without echoing a long (possibly secret) value.
    private static func excerpt(_ text: Substring) -> String {
        text.count <= 40 ? String(text) : String(text.prefix(40)) + "…"
    }
}
