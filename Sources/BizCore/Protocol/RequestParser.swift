/// Parses one request line (without its `\n`; a trailing `\r` is ignored) into a `Command`.
///
/// Verbs are ASCII and case-insensitive. `GET` and `INVALIDATE` take the rest of the line
/// after exactly one space as the phone number, so `GET +1 (555) 010-0001` works.
public struct RequestParser: Sendable {
    public let phoneParser: PhoneNumberParser

    public init(phoneParser: PhoneNumberParser = PhoneNumberParser()) {
        self.phoneParser = phoneParser
    }

    /// Parses a line given as bytes.
    public func parse(_ line: some Collection<UInt8>) -> Result<Command, ProtocolError> {
        Array(line).withUnsafeBytes { parse($0) }
    }

    /// Parses a line in memory: the form the server's hot path uses, concrete so that
    /// callers in other modules run specialized code.
    public func parse(_ line: UnsafeRawBufferPointer) -> Result<Command, ProtocolError> {
        var end = line.endIndex
        if end > line.startIndex, line[end - 1] == UInt8(ascii: "\r") {
            end -= 1
        }
        let body = UnsafeRawBufferPointer(rebasing: line[line.startIndex..<end])
        guard !body.isEmpty else { return .failure(ProtocolError(.badRequest, "empty request line")) }

        let space = body.firstIndex(of: UInt8(ascii: " "))
        let verb = UnsafeRawBufferPointer(rebasing: body[body.startIndex..<(space ?? body.endIndex)])
        let argument = space.map { UnsafeRawBufferPointer(rebasing: body[($0 + 1)...]) }

        switch Verb(verb) {
        case .get:
            return phone(argument, verb: "GET").map(Command.get)
        case .invalidate:
            return phone(argument, verb: "INVALIDATE").map(Command.invalidate)
        case .ping:
            return argument == nil ? .success(.ping) : .failure(noArguments("PING"))
        case .stats:
            return argument == nil ? .success(.stats) : .failure(noArguments("STATS"))
        case .metrics:
            return argument == nil ? .success(.metrics) : .failure(noArguments("METRICS"))
        case .quit:
            return argument == nil ? .success(.quit) : .failure(noArguments("QUIT"))
        case nil:
            return .failure(ProtocolError(.badRequest, "unknown verb '\(Self.printable(verb))'"))
        }
    }

    private func phone(_ argument: UnsafeRawBufferPointer?, verb: String) -> Result<PhoneNumber, ProtocolError> {
        guard let argument else {
            return .failure(ProtocolError(.badRequest, "\(verb) takes one phone number"))
        }
        do {
            return .success(try phoneParser.parse(argument))
        } catch {
            return .failure(ProtocolError(.badPhone, "not a phone number: \(error)"))
        }
    }

    private func noArguments(_ verb: String) -> ProtocolError {
        ProtocolError(.badRequest, "\(verb) takes no arguments")
    }

    /// A short, safe rendering of client bytes for an error message.
    private static func printable(_ bytes: some Collection<UInt8>) -> String {
        let shown = bytes.prefix(16).map { (0x21...0x7E).contains($0) ? Character(Unicode.Scalar($0)) : "?" }
        return String(shown) + (bytes.count > 16 ? "..." : "")
    }
}

/// The verbs of the protocol, matched without regard to ASCII case and without allocating.
private enum Verb {
    case get, invalidate, ping, stats, metrics, quit

    private static let table: [(name: StaticString, verb: Verb)] = [
        ("GET", .get), ("PING", .ping), ("STATS", .stats), ("QUIT", .quit), ("INVALIDATE", .invalidate),
        ("METRICS", .metrics),
    ]

    init?(_ bytes: UnsafeRawBufferPointer) {
        for entry in Self.table where Self.matches(bytes, entry.name) {
            self = entry.verb
            return
        }
        return nil
    }

    /// Whether `bytes` spell `name` (upper-case ASCII) in any case.
    private static func matches(_ bytes: UnsafeRawBufferPointer, _ name: StaticString) -> Bool {
        guard bytes.count == name.utf8CodeUnitCount else { return false }
        var index = 0
        for byte in bytes {
            // Setting bit 5 turns an ASCII upper-case letter into lower case; `name` is all letters.
            guard byte | 0x20 == name.utf8Start[index] | 0x20 else { return false }
            index += 1
        }
        return true
    }
}
