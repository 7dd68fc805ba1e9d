import BizCore

/// How an `AdminApplication` reaches the database and keeps its sessions.
public struct AdminSettings: Sendable {
    /// The database: a libpq connection string or URI without the person's role; the role
    /// and password typed at sign-in are added to it.
    public var databaseURL: String
    /// Idle time after which a session ends, in nanoseconds.
    public var sessionIdleTimeout: UInt64
    /// Whether cookies are `Secure` (the pages are served over TLS).
    public var secureCookies: Bool
    /// How long a sign-in waits for PostgreSQL to accept the role.
    public var connectTimeout: Duration
    /// The host names requests may name; others are refused with 421.
    public var allowedHosts: HostAllowList

    public init(
        databaseURL: String, sessionIdleTimeout: UInt64 = SessionTable.defaultIdleTimeout, secureCookies: Bool = false,
        connectTimeout: Duration = .seconds(5), allowedHosts: HostAllowList = HostAllowList()
    ) {
        self.databaseURL = databaseURL
        self.sessionIdleTimeout = sessionIdleTimeout
        self.secureCookies = secureCookies
        self.connectTimeout = connectTimeout
        self.allowedHosts = allowedHosts
    }
}
