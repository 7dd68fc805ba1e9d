/// Where bizcached finds Redis, parsed from `REDIS_URL`.
///
/// Accepted forms: `redis://[[user]:password@]host[:port][/db]` and
/// `unix://[[user]:password@]/path/to/redis.sock[?db=N]`. The password is kept for `AUTH`
/// and never appears in `description`.
public struct RedisEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// How to reach the server.
    public enum Address: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    public var address: Address
    /// The database number to `SELECT`, 0 by default.
    public var database: Int
    public var username: String?
    public var password: String?

    public init(address: Address, database: Int = 0, username: String? = nil, password: String? = nil) {
        self.address = address
        self.database = database
        self.username = username
        self.password = password
    }

    /// The endpoint without its credentials, safe to log.
    public var description: String {
        switch address {
        case .tcp(let host, let port): "redis://\(host):\(port)/\(database)"
        case .unix(let path): "unix://\(path)?db=\(database)"
        }
    }

    /// Parses a `redis://` or `unix://` URL. User name and password may be percent-encoded;
    /// everything up to the last `@` before the host (or the socket path) is credentials.
    /// - Parameter settingName: the flag or variable the URL came from, for error messages.
    public init(url: String, settingName: String = "REDIS_URL") throws(ConfigurationError) {
        func bad(_ why: String) -> ConfigurationError { .invalidValue(name: settingName, reason: why) }
        let isUnix: Bool
        var rest: Substring
        if url.hasPrefix("redis://") {
            isUnix = false
            rest = url.dropFirst("redis://".count)
        } else if url.hasPrefix("unix://") {
            isUnix = true
            rest = url.dropFirst("unix://".count)
        } else {
            throw bad("must start with redis:// or unix://")
        }

        // Credentials first: a password may hold '?', '/' or '#'.
        var username: String?
        var password: String?
        let credentialsEnd = isUnix
            ? rest.indices.first { rest[$0] == "@" && rest[rest.index(after: $0)...].hasPrefix("/") }
            : rest.lastIndex(of: "@")
        if let at = credentialsEnd {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            let user: Substring
            let secret: Substring?
            if let colon = credentials.firstIndex(of: ":") {
                user = credentials[..<colon]
                secret = credentials[credentials.index(after: colon)...]
            } else {
                user = ""
                secret = credentials
            }
            guard let decodedUser = Self.percentDecoded(user), let decodedSecret = secret.map(Self.percentDecoded) ?? ""
            else { throw bad("credentials have a malformed %-escape") }
            username = decodedUser.isEmpty ? nil : decodedUser
            password = decodedSecret.isEmpty ? nil : decodedSecret
        }

        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var database = 0
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0] == "db" else { throw bad("unknown parameter '\(pair)'") }
            guard let number = Int(parts[1]), (0...15_999).contains(number) else { throw bad("db must be a number") }
            database = number
        }

        if isUnix {
            guard rest.hasPrefix("/"), rest.count > 1 else { throw bad("unix:// needs an absolute socket path") }
            self.init(address: .unix(path: String(rest)), database: database, username: username, password: password)
            return
        }

        var hostPort = rest
        if let slash = rest.firstIndex(of: "/") {
            hostPort = rest[..<slash]
            let db = rest[rest.index(after: slash)...]
            if !db.isEmpty {
                guard let number = Int(db), (0...15_999).contains(number) else { throw bad("db must be a number") }
                database = number
            }
        }
        var host = hostPort
        var port = 6379
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw bad("unclosed '[' in host") }
            host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let number = Int(after.dropFirst()) else { throw bad("bad port") }
                port = number
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = hostPort[..<colon]
            guard let number = Int(hostPort[hostPort.index(after: colon)...]) else { throw bad("bad port") }
            port = number
        }
        guard !host.isEmpty else { throw bad("missing host") }
        guard (1...65_535).contains(port) else { throw bad("port must be 1 to 65535") }
        self.init(address: .tcp(host: String(host), port: port), database: database, username: username, password: password)
    }

    /// Decodes `%XX` escapes; nil when an escape is malformed or the bytes are not UTF-8.
    private static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var input = Array(text.utf8)[...]
        while let byte = input.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard input.count >= 2, let value = UInt8(String(decoding: input.prefix(2), as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(value)
            input = input.dropFirst(2)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
