import BizCore
import BizPostgres
import BizRedis
import BizSystem

/// Answers what the LRU and Redis could not, from PostgreSQL, and deletes Redis keys for
/// `INVALIDATE`. Each worker runs on its own thread with its own connections, so blocking
/// calls here never hold up an event loop. A batch of jobs costs one pipelined PostgreSQL
/// round trip for all its numbers.
///
/// When PostgreSQL fails, a number cached within the stale-if-error window is still
/// answered, from the LRU or from Redis's stale copy; others get `ERR UNAVAILABLE`.
final class BackendWorker {
    private let settings: LookupSettings
    private let redis: RedisTier?
    private let postgres: PostgresTier

    init(settings: LookupSettings, name: String) {
        self.settings = settings
        self.redis = settings.redis.map { RedisTier(endpoint: $0, workerName: name, stats: settings.stats) }
        self.postgres = PostgresTier(
            connectionString: settings.databaseURL, timeLimit: { [tunables = settings.tunables] in tunables.queryTimeout },
            workerName: name, stats: settings.stats)
    }

    /// Runs a batch and posts every reply to its loop's mailbox.
    func run(_ batch: [BackendJob]) {
        var fetches: [PhoneNumber: Fetch] = [:]
        var invalidations: [(PhoneNumber, ReplyAddress)] = []
        for job in batch {
            switch job {
            case .fetch(let phone, let generation, let leader, let startedAt):
                fetches[phone] = Fetch(generation: generation, leader: leader, startedAt: startedAt)
            case .invalidate(let phone, let address): invalidations.append((phone, address))
            }
        }
        var replies = ReplyBatch()
        if !fetches.isEmpty { fetch(fetches, into: &replies) }
        if !invalidations.isEmpty { invalidate(invalidations, into: &replies) }
        replies.post()
    }

    // MARK: Lookups

    /// A number to look up, for the flight a loop leads.
    private struct Fetch {
        let generation: UInt64
        let leader: LoopMailbox
        /// When the request that started the flight was read (monotonic ns).
        let startedAt: UInt64
    }

    private func fetch(_ fetches: [PhoneNumber: Fetch], into replies: inout ReplyBatch) {
        let phones = Array(fetches.keys)
        settings.stats.recordPostgresLookups(phones.count)
        var failed: [(PhoneNumber, startedAt: UInt64)] = []
        let results = postgres.businesses(withPhones: phones)
        let answeredAt = MonotonicClock.nanoseconds()
        for (phone, result) in zip(phones, results) {
            guard let fetch = fetches[phone] else { continue }
            let generation = fetch.generation
            switch result {
            case .failure(let error):
                Log.debug("lookup failed", ["phone": phone.masked, "error": error.description])
                failed.append((phone, fetch.startedAt))
            case .success(let rows) where rows.count > 1:
                Log.warning("phone belongs to more than one business", ["phone": phone.masked])
                settings.stats.recordPostgresAnswer(.ambiguous, nanoseconds: answeredAt &- fetch.startedAt)
                replies.finishFlight(of: phone, with: fail(.ambiguous, "more than one business has this number"), settings: settings)
            case .success(let rows):
                let reply: [UInt8]
                let value: [UInt8]
                if let business = rows.first {
                    let json = business.json
                    reply = Reply.ok(json: json)
                    value = Array(json.utf8)
                } else {
                    reply = Reply.notFound
                    value = LookupSettings.notFoundMarker
                }
                let isNegative = rows.isEmpty
                settings.stats.recordPostgresAnswer(isNegative ? .notFound : .hit, nanoseconds: answeredAt &- fetch.startedAt)
                settings.remember(reply, for: phone, readAt: generation, now: MonotonicClock.nanoseconds())
                replies.finishFlight(of: phone, with: reply, settings: settings)
                if settings.redis != nil && (!isNegative || settings.negativeTTLSeconds > 0) {
                    replies.add(
                        .fill(RedisFill(phone: phone, generation: generation, value: value, isNegative: isNegative)),
                        to: fetch.leader)
                }
            }
        }
        if !failed.isEmpty { answerStale(failed, into: &replies) }
    }

    /// Answers numbers PostgreSQL could not look up from copies past their TTL, within the
    /// stale-if-error window: the LRU first, then Redis's stale copies; the rest get
    /// `ERR UNAVAILABLE`.
    private func answerStale(_ phones: [(PhoneNumber, startedAt: UInt64)], into replies: inout ReplyBatch) {
        var remaining: [(PhoneNumber, startedAt: UInt64)] = []
        let now = MonotonicClock.nanoseconds()
        for (phone, startedAt) in phones {
            if settings.staleIfErrorSeconds > 0, let (value, _) = settings.cache.staleValue(forKey: phone, now: now),
                value != Reply.notFound
            {
                answer(phone, .stale, with: value, startedAt: startedAt, into: &replies)
            } else {
                remaining.append((phone, startedAt))
            }
        }
        guard !remaining.isEmpty else { return }
        let copies = settings.staleIfErrorSeconds > 0 ? staleCopies(of: remaining.map(\.0)) : [:]
        for (phone, startedAt) in remaining {
            if let json = copies[phone] {
                answer(phone, .stale, with: json.withUnsafeBytes { Reply.ok(jsonBytes: $0) }, startedAt: startedAt, into: &replies)
            } else {
                answer(phone, .error, with: fail(.unavailable, "database unavailable"), startedAt: startedAt, into: &replies)
            }
        }
    }

    /// Answers a flight that PostgreSQL could not, counting how.
    private func answer(
        _ phone: PhoneNumber, _ result: ServerStats.LookupResult, with reply: [UInt8], startedAt: UInt64,
        into replies: inout ReplyBatch
    ) {
        settings.stats.recordPostgresAnswer(result, nanoseconds: MonotonicClock.nanoseconds() &- startedAt)
        replies.finishFlight(of: phone, with: reply, settings: settings)
    }

    /// The valid stale copies Redis holds, in one round trip; empty when Redis is unreachable.
    private func staleCopies(of phones: [PhoneNumber]) -> [PhoneNumber: [UInt8]] {
        let commands = phones.map { [Array("GET".utf8), Array(LookupSettings.staleRedisKey($0).utf8)] }
        guard let redis, case .success(let values)? = redis.perform({ connection throws(RedisError) in
            try connection.pipeline(commands)
        }) else { return [:] }
        var copies: [PhoneNumber: [UInt8]] = [:]
        for (phone, value) in zip(phones, values) {
            if case .string(let bytes) = value, JSONSyntax.isSingleLineObject(bytes) { copies[phone] = bytes }
        }
        return copies
    }

    // MARK: Invalidation

    /// Deletes the numbers' Redis keys (this instance's LRU was already cleared by the
    /// loop; the others drop theirs when Redis reports the deletion), then forgets them
    /// here again in case a lookup refilled the LRU meanwhile.
    private func invalidate(_ jobs: [(PhoneNumber, ReplyAddress)], into replies: inout ReplyBatch) {
        let commands = jobs.map { phone, _ in
            ["DEL", LookupSettings.redisKey(phone), LookupSettings.staleRedisKey(phone)].map { Array($0.utf8) }
        }
        let deleted = redis?.perform { connection throws(RedisError) in try connection.pipeline(commands) }
        settings.forget(jobs.map(\.0))
        for (index, (_, address)) in jobs.enumerated() {
            switch deleted {
            case .success(let values)? where !Self.isError(values[index]):
                replies.add(Reply.ok, for: address)
            case nil where redis == nil:
                replies.add(Reply.ok, for: address)
            default:
                replies.add(fail(.unavailable, "redis unavailable"), for: address)
            }
        }
    }

    private static func isError(_ value: RedisValue) -> Bool {
        if case .error = value { return true }
        return false
    }

    private func fail(_ code: ErrorCode, _ message: String) -> [UInt8] {
        settings.stats.recordError(code)
        return Reply.error(ProtocolError(code, message))
    }
}
