import BizCore
import BizRedis
import BizSystem

/// An event loop's own non-blocking Redis connection: every L1 miss found while handling
/// one wake-up goes out in one pipelined write, and replies are matched to the commands
/// in order. No thread hand-off on the Redis path.
///
/// The connection has client-side caching tracking on, redirected to this process's
/// tracking listener (`TrackingState`) with `NOLOOP`: a key this connection read is
/// reported when anyone else changes it, but not when this connection writes it, which is
/// why the values found in PostgreSQL are written back here (`enqueueFill`).
///
/// When Redis is down (or no tracking listener is subscribed), lookups go to the backend
/// pool instead, which answers from PostgreSQL; the link reconnects after a backoff.
final class LoopRedisLink {
    /// A command whose reply Redis has not sent yet.
    enum Pending {
        /// `GET` for a lookup; `generation` was read before it was sent.
        case lookup(PhoneNumber, generation: UInt64)
        /// `SET` of a value found in PostgreSQL.
        case fill(PhoneNumber, generation: UInt64)
        /// `CLIENT TRACKING`: an error means lookups must not use this connection.
        case tracking
        /// A reply nobody waits for (`PTTL`, `DEL`, the stale copy's `SET`).
        case ignored
    }

    /// What a reply means for the loop.
    enum Answer {
        /// A lookup's value: business JSON, the not-found marker, or nil when Redis has
        /// no usable value. `startedAt`: when the lookup was queued (monotonic ns).
        case lookup(PhoneNumber, generation: UInt64, value: UnsafeRawBufferPointer?, startedAt: UInt64)
        /// A fill was written.
        case filled(PhoneNumber, generation: UInt64)
    }

    /// How long the oldest command may wait for Redis before the link is given up on.
    static let replyTimeout: UInt64 = 1_000_000_000

    private let endpoint: RedisEndpoint
    private let tracking: TrackingState
    private(set) var pipeline: RedisPipeline?
    /// The tracking epoch this connection registered in.
    private var registeredEpoch: UInt64?
    private var waiting = FIFOQueue<(pending: Pending, queuedAt: UInt64)>()
    private var health: BackendHealth
    /// Commands queued but not yet all written.
    private(set) var hasUnwritten = false

    /// Whether commands are waiting for replies.
    var hasWaiting: Bool { !waiting.isEmpty }

    /// Whether the oldest waiting command has waited longer than `replyTimeout` at `now`.
    func isOverdue(now: UInt64) -> Bool {
        guard let oldest = waiting.first else { return false }
        return now &- oldest.queuedAt > Self.replyTimeout
    }

    init(endpoint: RedisEndpoint, tracking: TrackingState, loopName: String, stats: ServerStats) {
        self.endpoint = endpoint
        self.tracking = tracking
        self.health = BackendHealth(backend: .redis, workerName: loopName, whileDown: "answering from PostgreSQL", stats: stats)
    }

    /// A connected pipeline whose tracking redirects to the current subscriber, connecting
    /// if a retry is due; nil while Redis is down or no subscriber listens. `register` is
    /// called with a new connection's descriptor.
    func connectedPipeline(now: UInt64, register: (Int32) -> Bool) -> RedisPipeline? {
        let (subscriber, epoch) = tracking.current
        guard let subscriber else { return nil }
        if pipeline == nil {
            guard health.mayConnect else { return nil }
            do {
                let connection = try RedisPipeline(endpoint: endpoint)
                guard register(connection.socketDescriptor) else {
                    health.failed("cannot watch the connection")
                    return nil
                }
                pipeline = connection
                registeredEpoch = nil
                health.connected(to: endpoint.description)
            } catch {
                health.failed(error)
                return nil
            }
        }
        guard let pipeline else { return nil }
        if registeredEpoch != epoch {
            // In order on the connection: the lookups that follow are tracked.
            pipeline.append(["CLIENT", "TRACKING", "on", "REDIRECT", String(subscriber), "NOLOOP"].map { Array($0.utf8) })
            expect(.tracking, now: now)
            registeredEpoch = epoch
        }
        return pipeline
    }

    /// Queues `GET business:<phone>` for a lookup.
    func enqueueLookup(_ phone: PhoneNumber, generation: UInt64, on pipeline: RedisPipeline, now: UInt64) {
        var key: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // 32 bytes: "business:+" and 15 digits fit
        withUnsafeMutableBytes(of: &key) { buffer in
            let length = Self.writeKey(phone, into: buffer)
            pipeline.appendGet(key: UnsafeRawBufferPointer(rebasing: buffer[0..<length]))
        }
        expect(.lookup(phone, generation: generation), now: now)
    }

    /// Queues the writes of a value found in PostgreSQL: the key with its TTL, the stale
    /// copy with the TTL plus the stale-if-error window (businesses only), then a `PTTL`
    /// that tracks the key again (this connection's own write ended its tracking).
    func enqueueFill(_ fill: RedisFill, settings: LookupSettings, on pipeline: RedisPipeline, now: UInt64) {
        let key = Array(LookupSettings.redisKey(fill.phone).utf8)
        let ttl = fill.isNegative ? settings.negativeTTLSeconds : settings.ttlSeconds
        pipeline.append([Array("SET".utf8), key, fill.value, Array("EX".utf8), Array(String(ttl).utf8)])
        expect(.fill(fill.phone, generation: fill.generation), now: now)
        if !fill.isNegative && settings.staleIfErrorSeconds > 0 {
            let staleTTL = String(settings.ttlSeconds + settings.staleIfErrorSeconds)
            pipeline.append([
                Array("SET".utf8), Array(LookupSettings.staleRedisKey(fill.phone).utf8), fill.value,
                Array("EX".utf8), Array(staleTTL.utf8),
            ])
            expect(.ignored, now: now)
        }
        pipeline.append([Array("PTTL".utf8), key])
        expect(.ignored, now: now)
    }

    /// Queues `DEL` of a number's keys.
    func enqueueDelete(_ phone: PhoneNumber, on pipeline: RedisPipeline, now: UInt64) {
        pipeline.append(["DEL", LookupSettings.redisKey(phone), LookupSettings.staleRedisKey(phone)].map { Array($0.utf8) })
        expect(.ignored, now: now)
    }

    private func expect(_ pending: Pending, now: UInt64) {
        waiting.append((pending, now))
        hasUnwritten = true
    }

    /// Writes what is queued; returns false when the link failed (see `fail`).
    func flush() -> Bool {
        guard let pipeline, hasUnwritten else { return true }
        do {
            hasUnwritten = try !pipeline.flush()
            return true
        } catch {
            return false
        }
    }

    /// Parses the replies that have arrived and calls `answer` for those the loop acts on.
    /// Returns false when the link failed, or must not be used (tracking was refused).
    func readReplies(_ answer: (Answer) -> Void) -> Bool {
        guard let pipeline else { return true }
        var trackingRefused = false
        do {
            try pipeline.readReplies { reply in
                guard let entry = waiting.popFirst() else { return }
                switch entry.pending {
                case .lookup(let phone, let generation):
                    answer(.lookup(
                        phone, generation: generation, value: Self.usableValue(reply, phone: phone), startedAt: entry.queuedAt))
                case .fill(let phone, let generation):
                    if case .error(let message) = reply { Log.debug("redis refused a write", ["error": message]) }
                    answer(.filled(phone, generation: generation))
                case .tracking:
                    if case .error(let message) = reply {
                        Log.error("redis refused CLIENT TRACKING; not using redis", ["error": message])
                        trackingRefused = true
                    }
                case .ignored:
                    break
                }
            }
        } catch {
            return false
        }
        return !trackingRefused
    }

    /// A `GET` reply's value when it is business JSON or the not-found marker.
    private static func usableValue(_ reply: RedisPipeline.ReplyView, phone: PhoneNumber) -> UnsafeRawBufferPointer? {
        switch reply {
        case .string(let value) where JSONSyntax.isSingleLineObject(value) || value.elementsEqual(LookupSettings.notFoundMarker):
            return value
        case .null:
            return nil
        case .error(let message):
            // LOADING, MISCONF and the like: PostgreSQL answers instead.
            Log.debug("redis answered an error", ["error": message])
            return nil
        default:
            Log.debug("ignoring malformed cached value in redis", ["phone": phone.masked])
            return nil
        }
    }

    /// Drops the connection after a failure and returns the lookups still waiting for it.
    func fail(_ reason: String) -> [(phone: PhoneNumber, generation: UInt64, startedAt: UInt64)] {
        pipeline = nil
        registeredEpoch = nil
        hasUnwritten = false
        health.failed(reason)
        var orphans: [(phone: PhoneNumber, generation: UInt64, startedAt: UInt64)] = []
        while let entry = waiting.popFirst() {
            if case .lookup(let phone, let generation) = entry.pending { orphans.append((phone, generation, entry.queuedAt)) }
        }
        return orphans
    }

    /// Writes the number's Redis key (`LookupSettings.redisKey`) into `buffer` without
    /// allocating; returns its length.
    private static func writeKey(_ phone: PhoneNumber, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let prefix = LookupSettings.redisKeyPrefix
        buffer.copyMemory(from: UnsafeRawBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount))
        buffer[prefix.utf8CodeUnitCount] = UInt8(ascii: "+")
        let prefixLength = prefix.utf8CodeUnitCount + 1
        var digits = phone.digits
        var count = 0
        var scratch = digits
        repeat {
            count += 1
            scratch /= 10
        } while scratch > 0
        for offset in stride(from: prefixLength + count - 1, through: prefixLength, by: -1) {
            buffer[offset] = UInt8(ascii: "0") + UInt8(digits % 10)
            digits /= 10
        }
        return prefixLength + count
    }
}
