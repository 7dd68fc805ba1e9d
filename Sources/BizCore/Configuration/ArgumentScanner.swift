/// Splits command-line arguments into `--name value` / `--name=value` options and
/// positional words, for the executables' small argument grammars.
///
/// `--` ends the options; everything after it is positional.
public struct ArgumentScanner: Sendable {
    /// Options in the order given, without their leading `--`.
    public private(set) var options: [(name: String, value: String?)] = []
    /// Words that are not options.
    public private(set) var positionals: [String] = []

    /// - Parameters:
    ///   - arguments: the arguments without the program name.
    ///   - valueOptions: options that take a value (`--socket PATH`); all others are flags.
    public init(_ arguments: [String], valueOptions: Set<String>) throws(ConfigurationError) {
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            if argument == "--" {
                positionals += remaining
                break
            }
            guard argument.hasPrefix("--") else {
                if argument.hasPrefix("-") && argument.count > 1 && argument != "-h" {
                    throw .unknownOption(argument)
                }
                if argument == "-h" { options.append(("help", nil)) } else { positionals.append(argument) }
                continue
            }
            let body = argument.dropFirst(2)
            if let equals = body.firstIndex(of: "=") {
                let name = String(body[..<equals])
                guard valueOptions.contains(name) else { throw .unknownOption("--" + name) }
                options.append((name, String(body[body.index(after: equals)...])))
            } else if valueOptions.contains(String(body)) {
                guard let value = remaining.popFirst() else { throw .missing(name: "a value for --\(body)") }
                options.append((String(body), value))
            } else {
                options.append((String(body), nil))
            }
        }
    }

    /// The last value given for a value option.
    public func value(_ name: String) -> String? {
        options.last(where: { $0.name == name })?.value
    }

    /// Every value given for a value option that may be repeated, in order.
    public func values(_ name: String) -> [String] {
        options.compactMap { $0.name == name ? $0.value : nil }
    }

    /// Whether a flag was given.
    public func flag(_ name: String) -> Bool {
        options.contains { $0.name == name && $0.value == nil }
    }

    /// Whether the arguments ask only for the version: `--version` before any `--`.
    /// Checked before anything else is parsed, so it works whatever else is wrong.
    public static func asksForVersion(_ arguments: [String]) -> Bool {
        (arguments.firstIndex(of: "--") .map { arguments[..<$0] } ?? arguments[...]).contains("--version")
    }

    /// Throws for the first option that is not in `known`.
    public func rejectUnknown(_ known: Set<String>) throws(ConfigurationError) {
        if let unknown = options.first(where: { !known.contains($0.name) }) {
            throw .unknownOption("--" + unknown.name)
        }
    }
}
