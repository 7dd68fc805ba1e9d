import BizCore
import BizPostgres
import BizRedis
import BizSystem
import Glibc

/// Drops cached businesses as soon as PostgreSQL reports that they changed.
///
/// A trigger on `businesses` sends `NOTIFY business_changed` with the affected numbers
/// (old and new, comma-separated). This thread keeps its own PostgreSQL connection
/// LISTENing, and for each notification drops the numbers from the LRU and deletes their
/// Redis keys (which tells the other instances through Redis as well). After
/// (re)connecting it empties the LRU: notifications sent while it was not listening are
/// lost, so nothing cached before can be trusted. (At start-up the LRU is kept: it can
/// only hold what was fetched in the moment before the first LISTEN.)
final class DatabaseChangeListener {
    /// The channel the trigger notifies.
    static let channel = "business_changed"

    private let settings: LookupSettings
    private let redis: RedisTier?
    private var health: BackendHealth
    private var hasListened = false

    init(settings: LookupSettings) {
        self.settings = settings
        self.redis = settings.redis.map { RedisTier(endpoint: $0, workerName: "invalidation", stats: settings.stats) }
        self.health = BackendHealth(
            backend: .postgres, workerName: "invalidation", whileDown: "cached entries change only when they expire",
            stats: settings.stats)
    }

    /// Listens forever, reconnecting with backoff.
    func run() {
        while true {
            guard health.mayConnect, let connection = connect() else {
                usleep(100_000)
                continue
            }
            listen(on: connection)
        }
    }

    private func connect() -> PostgresConnection? {
        do {
            let connection = try PostgresConnection(connectionString: settings.databaseURL)
            try connection.listen(Self.channel)
            health.connected(to: connection.serverDescription + " listening")
            if hasListened { settings.forgetEverything() } else { settings.databaseAnswered.signal() }
            hasListened = true
            return connection
        } catch {
            health.failed(error)
            return nil
        }
    }

    /// Handles notifications until the connection fails.
    private func listen(on connection: PostgresConnection) {
        while true {
            var descriptor = pollfd(fd: connection.socketDescriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 1000)
            if ready < 0 && errno != EINTR { break }
            do {
                let notifications = try connection.notifications()
                if !notifications.isEmpty { invalidate(notifications) }
            } catch {
                health.failed(error)
                return
            }
        }
    }

    private func invalidate(_ notifications: [PostgresNotification]) {
        var phones = Set<PhoneNumber>()
        for notification in notifications where notification.channel == Self.channel {
            for entry in notification.payload.split(separator: ",") {
                if let phone = PhoneNumber(e164: entry) { phones.insert(phone) }
            }
        }
        guard !phones.isEmpty else { return }
        settings.stats.recordInvalidations(phones.count, from: .database)
        settings.forget(phones)
        let commands = phones.map { phone in
            ["DEL", LookupSettings.redisKey(phone), LookupSettings.staleRedisKey(phone)].map { Array($0.utf8) }
        }
        _ = redis?.perform { connection throws(RedisError) in try connection.pipeline(commands) }
        Log.debug("invalidated changed businesses", ["numbers": String(phones.count)])
    }
}
