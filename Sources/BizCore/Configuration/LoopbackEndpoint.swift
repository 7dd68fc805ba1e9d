/// A TCP address on this host's loopback interface (`127.0.0.1:9464`, `[::1]:9464`,
/// `localhost:9464`), where a program serves its Prometheus metrics over HTTP.
///
/// Only loopback is accepted: metrics are for a scraper on the same host (or a proxy in
/// front of it), never for the network at large.
public struct LoopbackEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// A numeric IPv4 or IPv6 loopback address, without brackets.
    public let host: String
    public let port: UInt16

    /// Whether `host` is an IPv6 address.
    public var isIPv6: Bool { host.contains(":") }

    /// `127.0.0.1:9464` or `[::1]:9464`.
    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Parses `HOST:PORT`; `settingName` names the flag or variable in errors.
    public init(_ text: String, settingName: String) throws(ConfigurationError) {
        let reason = "expected a loopback address and port such as 127.0.0.1:9464 or [::1]:9464"
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw .invalidValue(name: settingName, reason: reason)
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw .invalidValue(name: settingName, reason: reason) }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard let port = UInt16(portText), port > 0 else {
            throw .invalidValue(name: settingName, reason: "expected a port from 1 to 65535 in '\(text)'")
        }
        switch host {
        case "localhost":
            self.host = "127.0.0.1"
        case "::1", "0:0:0:0:0:0:0:1":
            self.host = "::1"
        default:
            let parts = host.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4, parts[0] == "127", parts.allSatisfy({ UInt8($0) != nil }) else {
                throw .invalidValue(name: settingName, reason: "'\(host)' is not a loopback address; " + reason)
            }
            self.host = String(host)
        }
        self.port = port
    }
}
