/// What `SessionTable.lookUp(_:now:)` found for a cookie's token.
public enum SessionLookup: Equatable, Sendable {
    /// A live session, its idle time restarted.
    case active(AdminSession)
    /// The session was idle too long and is now removed: the page asks to sign in again,
    /// and the HTTP layer closes what it kept for the session.
    case expired(AdminSession)
    /// No session has this token (never had, signed out, or dropped long ago).
    case unknown

    /// The session when it is active.
    public var activeSession: AdminSession? {
        if case .active(let session) = self { session } else { nil }
    }
}
