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

    /// Parses a `redis://` or `unix://` URL.
    public init(url: String) throws(ConfigurationError) {
        func bad(_ why: String) -> ConfigurationError { .invalidValue(name: "REDIS_URL", reason: why) }
        let scheme: String
        var rest: Substring
        if url.hasPrefix("redis://") {
            scheme = "redis"
            rest = url.dropFirst("redis://".count)
        } else if url.hasPrefix("unix://") {
            scheme = "unix"
            rest = url.dropFirst("unix://".count)
        } else {
            throw bad("must start with redis:// or unix://")
        }

        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                let user = credentials[..<colon]
                username = user.isEmpty ? nil : String(user)
                password = String(credentials[credentials.index(after: colon)...])
            } else {
                password = String(credentials)
            }
        }

        var database = 0
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0] == "db" else { throw bad("unknown parameter '\(pair)'") }
            guard let number = Int(parts[1]), (0...15_999).contains(number) else {
                throw bad("db must be a number")
            }
            database = number
        }

        if scheme == "unix" {
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
}
