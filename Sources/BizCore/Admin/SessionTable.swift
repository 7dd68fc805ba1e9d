import Synchronization

/// The admin pages' signed-in sessions, by cookie token; shared by the HTTP server's threads.
///
/// Sessions end when idle longer than `idleTimeout` (every lookup restarts the idle time),
/// on sign-out, or when the table is full and a new session pushes out the least recently
/// used one. Sessions that end other than by `lookUp` are returned to the caller, which
/// closes the database connection it keeps for each.
///
/// Times are the caller's monotonic clock in nanoseconds. Tokens are looked up by their
/// first 16 digits and then compared in full in constant time, so that response times tell
/// nothing about the rest of a token.
public final class SessionTable: Sendable {
    /// Idle time after which a session ends: 30 minutes.
    public static let defaultIdleTimeout: UInt64 = 30 * 60 * 1_000_000_000
    /// The most sessions kept by default.
    public static let defaultCapacity = 256

    /// Idle time after which a session ends, in nanoseconds.
    public let idleTimeout: UInt64
    /// The most sessions kept at once.
    public let capacity: Int

    private let sessions = Mutex<[Substring: AdminSession]>([:])

    public init(idleTimeout: UInt64 = defaultIdleTimeout, capacity: Int = defaultCapacity) {
        self.idleTimeout = idleTimeout
        self.capacity = max(1, capacity)
    }

    /// The number of sessions kept, expired ones not yet removed included.
    public var count: Int {
        sessions.withLock { $0.count }
    }

    /// Starts a session for `role` with new tokens from `generator` (cryptographically secure
    /// in production). `ended` are the sessions removed to make room: expired ones first,
    /// then the least recently used when the table is still full.
    public func create(
        role: String, now: UInt64, using generator: inout some RandomNumberGenerator
    ) -> (session: AdminSession, ended: [AdminSession]) {
        let session = AdminSession(
            token: SessionToken.generate(using: &generator), csrfToken: SessionToken.generate(using: &generator),
            role: role, canWrite: false, createdAt: now, lastUsedAt: now)
        let ended = sessions.withLock { sessions in
            var ended: [AdminSession] = []
            if sessions.count >= capacity {
                ended = Self.removeExpired(from: &sessions, now: now, idleTimeout: idleTimeout)
            }
            while sessions.count >= capacity, let oldest = sessions.min(by: { $0.value.lastUsedAt < $1.value.lastUsedAt }) {
                sessions[oldest.key] = nil
                ended.append(oldest.value)
            }
            sessions[Self.key(session.token)] = session
            return ended
        }
        return (session, ended)
    }

    /// The session whose token the cookie carries. An active session's idle time restarts.
    public func lookUp(_ token: String, now: UInt64) -> SessionLookup {
        guard SessionToken.isWellFormed(token) else { return .unknown }
        return sessions.withLock { sessions in
            let key = Self.key(token)
            guard var session = sessions[key], ConstantTime.equals(session.token, token) else { return .unknown }
            if Self.isExpired(session, now: now, idleTimeout: idleTimeout) {
                sessions[key] = nil
                return .expired(session)
            }
            session.lastUsedAt = max(session.lastUsedAt, now)
            sessions[key] = session
            return .active(session)
        }
    }

    /// Records whether the session's role may change businesses; false when there is no such
    /// session.
    @discardableResult
    public func setCanWrite(_ canWrite: Bool, for token: String) -> Bool {
        sessions.withLock { sessions in
            let key = Self.key(token)
            guard var session = sessions[key], ConstantTime.equals(session.token, token) else { return false }
            session.canWrite = canWrite
            sessions[key] = session
            return true
        }
    }

    /// Ends the session (sign-out); returns it, or nil when there was none.
    @discardableResult
    public func remove(_ token: String) -> AdminSession? {
        sessions.withLock { sessions in
            let key = Self.key(token)
            guard let session = sessions[key], ConstantTime.equals(session.token, token) else { return nil }
            sessions[key] = nil
            return session
        }
    }

    /// Ends every session idle longer than `idleTimeout`, for a periodic sweep; returns them.
    public func removeExpired(now: UInt64) -> [AdminSession] {
        sessions.withLock { Self.removeExpired(from: &$0, now: now, idleTimeout: idleTimeout) }
    }

    private static func key(_ token: String) -> Substring {
        token.prefix(16)
    }

    private static func isExpired(_ session: AdminSession, now: UInt64, idleTimeout: UInt64) -> Bool {
        now > session.lastUsedAt && now - session.lastUsedAt > idleTimeout
    }

    private static func removeExpired(
        from sessions: inout [Substring: AdminSession], now: UInt64, idleTimeout: UInt64
    ) -> [AdminSession] {
        let expired = sessions.filter { isExpired($0.value, now: now, idleTimeout: idleTimeout) }
        for key in expired.keys { sessions[key] = nil }
        return Array(expired.values)
    }
}
