import BizPostgres
import Synchronization

/// The PostgreSQL connection of each signed-in session, by session token: opened at sign-in
/// with the person's role, closed when the session ends. One request at a time uses a
/// session's connection; requests of other sessions go on at once.
final class SessionConnections: Sendable {
    /// One session's connection behind its own lock.
    private final class Slot: Sendable {
        let connection: Mutex<PostgresConnection>
        init(_ connection: sending PostgresConnection) {
            self.connection = Mutex(connection)
        }
    }

    private let slots = Mutex<[String: Slot]>([:])

    /// Keeps `connection` for the session with `token`.
    func add(_ connection: sending PostgresConnection, for token: String) {
        let slot = Slot(connection)
        slots.withLock { $0[token] = slot }
    }

    /// Closes the session's connection (once a request still using it is done).
    func remove(_ token: String) {
        _ = slots.withLock { $0.removeValue(forKey: token) }
    }

    /// The number of connections kept.
    var count: Int { slots.withLock { $0.count } }

    /// Runs `body` with the session's connection, under the session's lock; nil when the
    /// session has no connection.
    func withConnection<Value: Sendable>(
        _ token: String, _ body: (PostgresConnection) -> Value
    ) -> Value? {
        guard let slot = slots.withLock({ $0[token] }) else { return nil }
        return slot.connection.withLock { connection in body(connection) }
    }
}
