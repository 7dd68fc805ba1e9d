import BizCore
import BizRedis
import BizSystem
import Glibc

/// Drops LRU entries when their Redis keys change, whoever changed them: another bizcached
/// instance, an operator, or Redis itself (expiry, eviction, `FLUSHALL`).
///
/// Redis's server-assisted client-side caching: this thread's connection subscribes to
/// `__redis__:invalidate`, and the event loops' connections turn tracking on with
/// `REDIRECT` to its client id (`TrackingState`). Redis then sends here the name of every
/// key a loop read that has since changed. When this connection is lost, invalidations may
/// have been missed: the LRU is emptied, lookups stop using Redis until a new subscription
/// is in place, and the LRU is emptied again once it is.
final class RedisTrackingListener {
    /// The channel Redis publishes invalidations on for RESP2 clients.
    static let channel = "__redis__:invalidate"

    private let settings: LookupSettings
    private let endpoint: RedisEndpoint
    private var health: BackendHealth

    init(settings: LookupSettings, endpoint: RedisEndpoint) {
        self.settings = settings
        self.endpoint = endpoint
        self.health = BackendHealth(
            backend: .redis, workerName: "tracking", whileDown: "answering from the LRU and PostgreSQL only",
            stats: settings.stats)
    }

    /// Listens forever, resubscribing with backoff. `firstAttemptDone` is called once,
    /// when the first subscription succeeded or failed.
    func run(firstAttemptDone: @escaping () -> Void) {
        var firstAttemptDone: (() -> Void)? = firstAttemptDone
        while true {
            guard health.mayConnect else {
                usleep(100_000)
                continue
            }
            do {
                let connection = try subscribe()
                firstAttemptDone?()
                firstAttemptDone = nil
                try listen(on: connection)
            } catch {
                firstAttemptDone?()
                firstAttemptDone = nil
                if settings.tracking.current.clientID != nil {
                    settings.tracking.lost()
                    settings.forgetEverything()
                }
                health.failed(error)
            }
        }
    }

    private func subscribe() throws(RedisError) -> RedisConnection {
        let connection = try RedisConnection(endpoint: endpoint)
        guard case .integer(let clientID) = try connection.command("CLIENT", "ID") else {
            throw .unexpectedReply("CLIENT ID did not return an integer")
        }
        switch try connection.command("SUBSCRIBE", Self.channel) {
        case .array(let reply) where reply.first == .string(Array("subscribe".utf8)): break
        case .error(let message): throw .server(message)
        default: throw .unexpectedReply("SUBSCRIBE was not confirmed")
        }
        // What the loops cached under an earlier subscription may have missed its invalidation.
        settings.forgetEverything()
        settings.tracking.subscribed(clientID: clientID)
        health.connected(to: endpoint.description + " tracking invalidations")
        return connection
    }

    /// Handles invalidation messages until the connection fails.
    private func listen(on connection: RedisConnection) throws(RedisError) {
        while true {
            guard let message = try connection.nextReply(waitingAtMost: .seconds(1)) else { continue }
            guard case .array(let parts) = message, parts.count == 3, parts[0] == .string(Array("message".utf8)) else {
                continue
            }
            switch parts[2] {
            case .array(let keys):
                var phones: [PhoneNumber] = []
                for case .string(let key) in keys {
                    if let phone = LookupSettings.phone(inRedisKey: key) { phones.append(phone) }
                }
                settings.forget(phones)
                settings.stats.recordInvalidations(phones.count, from: .redis)
            case .null:
                // FLUSHALL or FLUSHDB: every key is gone.
                settings.forgetEverything()
            default:
                continue
            }
        }
    }
}
