/// The host names a server on loopback answers for, read from each request's `Host`
/// header.
///
/// A page on any web site can make a browser send requests to `127.0.0.1`: if that site's
/// own name resolves to 127.0.0.1 (DNS rebinding), the browser even lets the page read the
/// answers, since they come from the page's own origin. Such requests still carry the
/// site's name in `Host`, so a server that answers only for its own names is out of reach.
/// The loopback names are always allowed; a proxy's public names are added.
public struct HostAllowList: Sendable, Equatable {
    /// The names allowed whatever the configuration.
    public static let loopbackNames: Set<String> = ["localhost", "127.0.0.1", "::1"]

    /// Every allowed name, lowercased, without a port or a trailing dot.
    public let names: Set<String>

    /// The loopback names and `extraNames` (host names as `hostName(_:)` returns them).
    public init(extraNames: [String] = []) {
        names = Self.loopbackNames.union(extraNames)
    }

    /// Whether a request with this `Host` header value may be answered. A request without
    /// one (HTTP/1.0, or an HTTP/1.1 client that leaves it out) may: browsers always send
    /// it, so its absence is not a browser. When a request repeats the header, the server
    /// passes the last one here; a browser never repeats it.
    public func allows(hostHeader: String?) -> Bool {
        guard let hostHeader else { return true }
        guard let host = Self.host(ofHeader: hostHeader) else { return false }
        return names.contains(host)
    }

    /// The host of a `Host` header (`name`, `name:port`, `[v6]:port`), lowercased without
    /// a trailing dot; nil when it is not a host name or address.
    public static func host(ofHeader value: String) -> String? {
        var text = Substring(value)
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let rest = text[text.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && rest.dropFirst().allSatisfy(\.isASCIIDigit)) else { return nil }
            let address = text[text.index(after: text.startIndex)..<close]
            guard !address.isEmpty, address.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
            return address.lowercased()
        }
        if let colon = text.lastIndex(of: ":") {
            guard text[text.index(after: colon)...].allSatisfy(\.isASCIIDigit) else { return nil }
            text = text[..<colon]
        }
        return hostName(String(text))
    }

    /// `name` as an allowed host name (lowercased, without a trailing dot), or nil when it
    /// is not a DNS name or IPv4 address (letters, digits, `-` and `.`, no empty label).
    public static func hostName(_ name: String) -> String? {
        var lowered = name.lowercased()
        if lowered.hasSuffix(".") { lowered.removeLast() }
        guard !lowered.isEmpty, lowered.utf8.count <= 253 else { return nil }
        let labels = lowered.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            guard !label.isEmpty, label.utf8.count <= 63, !label.hasPrefix("-"), !label.hasSuffix("-"),
                label.unicodeScalars.allSatisfy({ ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "-" })
            else { return nil }
        }
        return lowered
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
