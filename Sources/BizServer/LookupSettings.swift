import BizCore
import Dispatch

/// What the lookup path needs to know and share, read-only or thread-safe, given to every
/// loop, worker and listener.
struct LookupSettings: Sendable {
    let cache: ShardedLRUCache<PhoneNumber, [UInt8]>
    /// The settings below, as a reload last set them.
    let tunables: CacheTunables
    var l1Capacity: Int { tunables.l1CapacityEntries }
    var ttlSeconds: Int { tunables.ttlSeconds }
    /// Seconds a `NOTFOUND` stays cached; 0: not cached.
    var negativeTTLSeconds: Int { tunables.negativeTTLSeconds }
    /// Seconds past the TTL a business may be served while PostgreSQL fails; 0: never.
    var staleIfErrorSeconds: Int { tunables.staleIfErrorSeconds }
    /// How long a PostgreSQL connect or query may take.
    var queryTimeout: Duration { tunables.queryTimeout }
    let redis: RedisEndpoint?
    let databaseURL: String
    let stats: ServerStats
    let parser: RequestParser
    /// Who may connect, when restricted.
    let peerPolicy: PeerPolicy?
    /// Advanced by every invalidation, so that a lookup that read a value before it does
    /// not cache that value after it.
    let generations: GenerationTable
    /// Lookups of a number being fetched wait for that fetch instead of starting another.
    let flights: SingleFlight<PhoneNumber, ReplyAddress>
    /// The Redis connection that receives this process's key invalidations.
    let tracking: TrackingState
    /// When each event loop last went round.
    let heartbeats: LoopHeartbeats
    /// Signalled once, when PostgreSQL first answers (the change listener's LISTEN).
    let databaseAnswered: DispatchSemaphore

    /// The prefix of every cached business's Redis key: `business:<E.164>`.
    static let redisKeyPrefix: StaticString = "business:"
    /// The prefix of the longer-lived copy served while PostgreSQL fails.
    static let staleRedisKeyPrefix = "business-stale:"
    /// What a Redis key holds for a number no business has (business JSON starts with `{`).
    static let notFoundMarker: [UInt8] = Array("NOTFOUND".utf8)

    /// The Redis key of a number's cached business JSON.
    static func redisKey(_ phone: PhoneNumber) -> String { "\(redisKeyPrefix)" + phone.e164 }

    /// The Redis key of a number's stale-if-error copy.
    static func staleRedisKey(_ phone: PhoneNumber) -> String { staleRedisKeyPrefix + phone.e164 }

    /// The number a `business:<E.164>` key is for, nil for other keys.
    static func phone(inRedisKey key: [UInt8]) -> PhoneNumber? {
        let prefix = "\(redisKeyPrefix)".utf8
        guard key.count > prefix.count, key.starts(with: prefix) else { return nil }
        return PhoneNumber(e164: String(decoding: key.dropFirst(prefix.count), as: UTF8.self))
    }

    /// Nanoseconds an LRU entry lives: the TTL for a business, the negative TTL for `NOTFOUND`.
    func lruTimeToLive(negative: Bool) -> UInt64 {
        UInt64(negative ? negativeTTLSeconds : ttlSeconds) * 1_000_000_000
    }

    /// Caches a reply in the LRU unless the number was invalidated after `generation` was
    /// read; a `NOTFOUND` only when negative caching is on.
    func remember(_ reply: [UInt8], for phone: PhoneNumber, readAt generation: UInt64, now: UInt64) {
        let negative = reply == Reply.notFound
        guard !negative || negativeTTLSeconds > 0 else { return }
        cache.insert(reply, forKey: phone, now: now, timeToLive: lruTimeToLive(negative: negative)) {
            generations.generation(of: phone) == generation
        }
    }

    /// Drops numbers from the LRU and makes in-flight lookups of them skip caching.
    func forget(_ phones: some Sequence<PhoneNumber>) {
        for phone in phones {
            generations.advance(phone)
            cache.removeValue(forKey: phone)
        }
    }

    /// Drops the whole LRU, for when invalidations may have been missed.
    func forgetEverything() {
        generations.advanceAll()
        cache.removeAll()
    }
}

/// Where a reply goes: a request of one connection of one event loop.
struct ReplyAddress: Sendable {
    let mailbox: LoopMailbox
    /// Which connection asked (its loop-unique id, not its descriptor, which may be reused).
    let connectionID: UInt64
    /// The request's position in that connection's reply order.
    let sequence: UInt64
}
