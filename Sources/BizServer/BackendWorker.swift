import BizCore
import BizPostgres
import BizRedis
import BizSystem

/// Answers the requests the LRU could not: Redis, then PostgreSQL, filling both caches.
/// Each worker runs on its own thread with its own connections, so blocking calls here
/// never hold up an event loop. A batch of jobs costs one pipelined Redis round trip for
/// all its lookups, one query per distinct number that Redis lacked, and one pipelined
/// round trip for the Redis writes and deletions.
final class BackendWorker {
    private let settings: LookupSettings
    private let redis: RedisTier?
    private let postgres: PostgresTier

    init(settings: LookupSettings, name: String) {
        self.settings = settings
        self.redis = settings.redis.map { RedisTier(endpoint: $0, workerName: name) }
        self.postgres = PostgresTier(connectionString: settings.databaseURL, workerName: name)
    }

    /// Runs a batch and posts every reply to its loop's mailbox.
    func run(_ batch: [BackendJob]) {
        var lookups: [PhoneNumber: [BackendJob]] = [:]
        var databaseLookups: [PhoneNumber: [BackendJob]] = [:]
        var invalidations: [BackendJob] = []
        for job in batch {
            switch job.kind {
            case .lookup(let phone): lookups[phone, default: []].append(job)
            case .lookupInDatabase(let phone): databaseLookups[phone, default: []].append(job)
            case .invalidate: invalidations.append(job)
            }
        }
        var replies = ReplyBatch()
        if !lookups.isEmpty { lookUp(lookups, consultingRedis: true, into: &replies) }
        if !databaseLookups.isEmpty { lookUp(databaseLookups, consultingRedis: false, into: &replies) }
        if !invalidations.isEmpty { invalidate(invalidations, into: &replies) }
        replies.post()
    }

    // MARK: Lookups

    private func lookUp(
        _ lookups: [PhoneNumber: [BackendJob]], consultingRedis: Bool, into replies: inout ReplyBatch
    ) {
        let phones = Array(lookups.keys)
        let cached = consultingRedis ? cachedValues(for: phones) : Array(repeating: nil, count: phones.count)
        var missing: [PhoneNumber] = []
        for (index, phone) in phones.enumerated() {
            guard let value = cached[index] else {
                missing.append(phone)
                continue
            }
            let reply = value.withUnsafeBytes { Reply.ok(jsonBytes: $0) }
            settings.cache.insert(reply, forKey: phone, now: MonotonicClock.nanoseconds())
            settings.stats.recordHit(.redis)
            for job in lookups[phone] ?? [] { replies.add(reply, for: job) }
        }
        guard !missing.isEmpty else { return }

        var fromDatabase: [(key: String, json: String)] = []
        for (phone, result) in zip(missing, postgres.businesses(withPhones: missing)) {
            let (reply, json) = answer(phone, result)
            if let json { fromDatabase.append((LookupSettings.redisKey(phone), json)) }
            for job in lookups[phone] ?? [] { replies.add(reply, for: job) }
        }
        storeInRedis(fromDatabase)
    }

    /// The valid cached JSON for each phone, nil where Redis has none (or is unreachable).
    private func cachedValues(for phones: [PhoneNumber]) -> [[UInt8]?] {
        let commands = phones.map { [Array("GET".utf8), Array(LookupSettings.redisKey($0).utf8)] }
        guard let redis, case .success(let values)? = redis.perform({ connection throws(RedisError) in
            try connection.pipeline(commands)
        }) else {
            return Array(repeating: nil, count: phones.count)
        }
        return zip(phones, values).map { phone, value in
            switch value {
            case .string(let bytes) where JSONSyntax.isSingleLineObject(bytes):
                return bytes
            case .null:
                return nil
            default:
                Log.warning("ignoring malformed cached value in redis", ["phone": phone.masked])
                return nil
            }
        }
    }

    /// The reply for a number Redis did not have, from PostgreSQL's answer, and the JSON to
    /// cache if a business was found.
    private func answer(_ phone: PhoneNumber, _ result: Result<[Business], PostgresError>) -> (reply: [UInt8], json: String?) {
        switch result {
        case .failure(let error):
            return (fail(.unavailable, "database unavailable", log: error.description), nil)
        case .success(let rows) where rows.count > 1:
            Log.warning("phone belongs to more than one business", ["phone": phone.masked])
            return (fail(.ambiguous, "more than one business has this number"), nil)
        case .success(let rows):
            guard let business = rows.first else {
                settings.stats.recordNotFound()
                return (Reply.notFound, nil)
            }
            let json = business.json
            let reply = Reply.ok(json: json)
            settings.cache.insert(reply, forKey: phone, now: MonotonicClock.nanoseconds())
            settings.stats.recordHit(.postgres)
            return (reply, json)
        }
    }

    /// Writes businesses read from PostgreSQL to Redis with the TTL, in one round trip.
    /// A failure only costs a later miss, so it is logged by the tier and otherwise ignored.
    private func storeInRedis(_ entries: [(key: String, json: String)]) {
        guard let redis, !entries.isEmpty else { return }
        let ttl = Array(String(settings.ttlSeconds).utf8)
        let commands = entries.map { [Array("SET".utf8), Array($0.key.utf8), Array($0.json.utf8), Array("EX".utf8), ttl] }
        _ = redis.perform { connection throws(RedisError) in try connection.pipeline(commands) }
    }

    // MARK: Invalidation

    /// Deletes the numbers' Redis keys, then drops their LRU entries again in case a lookup
    /// refilled them meanwhile.
    private func invalidate(_ jobs: [BackendJob], into replies: inout ReplyBatch) {
        let phones = jobs.compactMap { job -> PhoneNumber? in
            if case .invalidate(let phone) = job.kind { return phone }
            return nil
        }
        let commands = phones.map { [Array("DEL".utf8), Array(LookupSettings.redisKey($0).utf8)] }
        let deleted = redis?.perform { connection throws(RedisError) in try connection.pipeline(commands) }
        for phone in phones { settings.cache.removeValue(forKey: phone) }
        for (index, job) in jobs.enumerated() {
            switch deleted {
            case .success(let values)? where !Self.isError(values[index]):
                replies.add(Reply.ok, for: job)
            case nil where redis == nil:
                replies.add(Reply.ok, for: job)
            default:
                replies.add(fail(.unavailable, "redis unavailable"), for: job)
            }
        }
    }

    private static func isError(_ value: RedisValue) -> Bool {
        if case .error = value { return true }
        return false
    }

    private func fail(_ code: ErrorCode, _ message: String, log detail: String? = nil) -> [UInt8] {
        settings.stats.recordError(code)
        if let detail { Log.debug("lookup failed", ["code": code.rawValue, "error": detail]) }
        return Reply.error(ProtocolError(code, message))
    }
}

/// Replies gathered during one batch, posted to each loop's mailbox in one message list, so
/// a loop is woken once per batch rather than once per reply.
private struct ReplyBatch {
    private var byMailbox: [ObjectIdentifier: (mailbox: LoopMailbox, messages: [LoopMailbox.Message])] = [:]

    mutating func add(_ reply: [UInt8], for job: BackendJob) {
        let completion = BackendCompletion(connectionID: job.connectionID, sequence: job.sequence, reply: reply)
        byMailbox[ObjectIdentifier(job.mailbox), default: (job.mailbox, [])].messages.append(.completed(completion))
    }

    func post() {
        for (mailbox, messages) in byMailbox.values { mailbox.post(messages) }
    }
}
