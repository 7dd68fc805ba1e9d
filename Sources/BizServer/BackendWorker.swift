import BizCore
import BizPostgres
import BizRedis
import BizSystem

/// Answers the requests the LRU could not: Redis, then PostgreSQL, filling both caches.
/// Each worker runs on its own thread with its own connections, so blocking calls here
/// never hold up an event loop.
final class BackendWorker {
    private let settings: LookupSettings
    private let redis: RedisTier?
    private let postgres: PostgresTier

    init(settings: LookupSettings, name: String) {
        self.settings = settings
        self.redis = settings.redis.map { RedisTier(endpoint: $0, workerName: name) }
        self.postgres = PostgresTier(connectionString: settings.databaseURL, workerName: name)
    }

    func run(_ job: BackendJob) {
        switch job.kind {
        case .lookup(let phone): job.complete(with: lookup(phone))
        case .invalidate(let phone): job.complete(with: invalidate(phone))
        }
    }

    /// The reply to `GET phone` after an L1 miss.
    func lookup(_ phone: PhoneNumber) -> [UInt8] {
        let key = LookupSettings.redisKey(phone)
        if let cached = redis?.perform({ connection throws(RedisError) in try connection.get(key) }),
            case .success(let value?) = cached
        {
            if Self.isBusinessJSON(value) {
                let reply = Reply.ok(json: String(decoding: value, as: UTF8.self))
                settings.cache.insert(reply, forKey: phone, now: MonotonicClock.nanoseconds())
                settings.stats.recordHit(.redis)
                return reply
            }
            Log.warning("ignoring malformed cached value in redis", ["key": key])
        }

        switch postgres.businesses(withPhone: phone) {
        case .failure(let error):
            return fail(.unavailable, "database unavailable", log: error.description)
        case .success(let rows) where rows.count > 1:
            Log.warning("phone belongs to more than one business", ["phone": phone.e164])
            return fail(.ambiguous, "more than one business has this number")
        case .success(let rows):
            guard let business = rows.first else {
                settings.stats.recordNotFound()
                return Reply.notFound
            }
            let json = business.json
            _ = redis?.perform { connection throws(RedisError) in
                try connection.set(key, value: Array(json.utf8), expireSeconds: settings.ttlSeconds)
            }
            let reply = Reply.ok(json: json)
            settings.cache.insert(reply, forKey: phone, now: MonotonicClock.nanoseconds())
            settings.stats.recordHit(.postgres)
            return reply
        }
    }

    /// The reply to `INVALIDATE phone` when Redis is configured: the key is deleted, and the
    /// LRU entry dropped again in case a lookup refilled it meanwhile.
    func invalidate(_ phone: PhoneNumber) -> [UInt8] {
        let key = LookupSettings.redisKey(phone)
        let deleted = redis?.perform { connection throws(RedisError) in try connection.delete([key]) }
        settings.cache.removeValue(forKey: phone)
        switch deleted {
        case .success?: return Reply.ok
        case .failure(let error)?: return fail(.unavailable, "redis unavailable", log: error.description)
        case nil: return redis == nil ? Reply.ok : fail(.unavailable, "redis unavailable")
        }
    }

    private func fail(_ code: ErrorCode, _ message: String, log detail: String? = nil) -> [UInt8] {
        settings.stats.recordError(code)
        if let detail { Log.debug("lookup failed", ["code": code.rawValue, "error": detail]) }
        return Reply.error(ProtocolError(code, message))
    }

    /// A cached value is used only if it is one line holding one JSON object; anything else
    /// (written by another program, truncated) is ignored and refetched.
    static func isBusinessJSON(_ value: [UInt8]) -> Bool {
        JSONSyntax.isSingleLineObject(value)
    }
}
