/// A signed-in user of the admin pages, as `SessionTable` keeps them. The password is not
/// here: the HTTP layer keeps a PostgreSQL connection opened with it, under `token`.
public struct AdminSession: Equatable, Sendable {
    /// The secret in the session cookie.
    public let token: String
    /// The secret every form of this session carries; see `acceptsCSRFToken(_:)`.
    public let csrfToken: String
    /// The PostgreSQL role signed in as.
    public let role: String
    /// Whether the role may change businesses; false until the HTTP layer has asked the
    /// database and called `SessionTable.setCanWrite(_:for:)`.
    public internal(set) var canWrite: Bool
    /// When the session began, in the caller's clock (nanoseconds).
    public let createdAt: UInt64
    /// When the session was last used, in the caller's clock (nanoseconds).
    public internal(set) var lastUsedAt: UInt64

    /// Whether `submitted`, the CSRF token a form sent, is this session's; compared in
    /// constant time. A missing token is refused.
    public func acceptsCSRFToken(_ submitted: String?) -> Bool {
        guard let submitted else { return false }
        return ConstantTime.equals(submitted, csrfToken)
    }
}
