/// A failure talking to PostgreSQL.
///
/// Messages come from libpq and the server with any password removed; they never contain
/// the connection string.
public enum PostgresError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A connection could not be opened (or re-opened): bad address, refused, bad credentials,
    /// or an invalid connection string.
    case connectionFailed(String)
    /// An open connection broke: the server went away or terminated the session.
    /// The connection must be reset or replaced before it is used again.
    case connectionLost(String)
    /// The server did not answer in time (a connection or query time limit ran out). The
    /// connection that timed out is unusable.
    case timedOut(String)
    /// The server rejected a statement. `sqlState` is the five-character SQLSTATE code,
    /// for example `23505` for a unique violation.
    case queryFailed(sqlState: String, message: String)
    /// The server answered with something the caller cannot use: an unexpected NULL,
    /// a missing column, a result kind that is not supported.
    case unexpectedResult(String)

    /// SQLSTATE `23505`: a row would duplicate a unique key.
    public var isUniqueViolation: Bool { sqlState == "23505" }
    /// SQLSTATE `23514`: a row would break a CHECK constraint.
    public var isCheckViolation: Bool { sqlState == "23514" }
    /// SQLSTATE `23503`: a row refers to a row that does not exist.
    public var isForeignKeyViolation: Bool { sqlState == "23503" }

    /// True when the server did not answer in time.
    public var isTimeout: Bool {
        if case .timedOut = self { true } else { false }
    }

    /// The SQLSTATE code of a rejected statement, nil for other failures.
    public var sqlState: String? {
        if case .queryFailed(let sqlState, _) = self { sqlState } else { nil }
    }

    /// True when the connection is unusable and must be reset or replaced.
    public var isConnectionProblem: Bool {
        switch self {
        case .connectionFailed, .connectionLost, .timedOut: true
        case .queryFailed, .unexpectedResult: false
        }
    }

    /// One line for logs and people, without secrets.
    public var description: String {
        switch self {
        case .connectionFailed(let message): "cannot connect to PostgreSQL: \(message)"
        case .connectionLost(let message): "connection to PostgreSQL lost: \(message)"
        case .timedOut(let message): "PostgreSQL did not answer in time: \(message)"
        case .queryFailed(let sqlState, let message): "PostgreSQL error \(sqlState): \(message)"
        case .unexpectedResult(let message): "unexpected answer from PostgreSQL: \(message)"
        }
    }
}
