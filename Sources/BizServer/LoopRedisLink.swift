import BizCore
import BizRedis
import BizSystem

/// An event loop's own non-blocking Redis connection for L1 misses: every miss found while
/// handling one wake-up goes out in one pipelined write, and replies are matched to the
/// waiting requests in order. No thread hand-off on the Redis path.
///
/// When Redis is down (or the link fails), lookups are handed to the backend pool instead,
/// which answers from PostgreSQL; the link reconnects after a backoff.
final class LoopRedisLink {
    /// A request whose reply Redis has not sent yet.
    struct Waiting {
        let phone: PhoneNumber
        let connectionID: UInt64
        let sequence: UInt64
        /// When the command was queued (loop clock), to notice a Redis that stopped answering.
        let queuedAt: UInt64
    }

    /// How long the oldest request may wait for Redis before the link is given up on.
    static let replyTimeout: UInt64 = 1_000_000_000

    private let endpoint: RedisEndpoint
    private(set) var pipeline: RedisPipeline?
    private var waiting = FIFOQueue<Waiting>()
    private var health: BackendHealth
    /// Commands queued but not yet all written.
    private(set) var hasUnwritten = false

    /// Whether requests are waiting for replies.
    var hasWaiting: Bool { !waiting.isEmpty }

    /// Whether the oldest waiting request has waited longer than `replyTimeout` at `now`.
    func isOverdue(now: UInt64) -> Bool {
        guard let oldest = waiting.first else { return false }
        return now &- oldest.queuedAt > Self.replyTimeout
    }

    init(endpoint: RedisEndpoint, loopName: String) {
        self.endpoint = endpoint
        self.health = BackendHealth(backend: "redis", workerName: loopName, whileDown: "answering from PostgreSQL")
    }

    /// A connected pipeline, connecting if a retry is due; nil while Redis is down.
    /// `register` is called with a new connection's descriptor.
    func connectedPipeline(register: (Int32) -> Bool) -> RedisPipeline? {
        if let pipeline { return pipeline }
        guard health.mayConnect else { return nil }
        do {
            let pipeline = try RedisPipeline(endpoint: endpoint)
            guard register(pipeline.socketDescriptor) else {
                health.failed("cannot watch the connection")
                return nil
            }
            self.pipeline = pipeline
            health.connected(to: endpoint.description)
            return pipeline
        } catch {
            health.failed(error)
            return nil
        }
    }

    /// Queues `GET business:<phone>` for a request.
    func enqueueLookup(_ request: Waiting, on pipeline: RedisPipeline) {
        var key: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // 32 bytes: "business:+" and 15 digits fit
        withUnsafeMutableBytes(of: &key) { buffer in
            let length = Self.writeKey(request.phone, into: buffer)
            pipeline.appendGet(key: UnsafeRawBufferPointer(rebasing: buffer[0..<length]))
        }
        waiting.append(request)
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

    /// Parses the replies that have arrived, calling `answer` with each waiting request and
    /// its value (nil: Redis has no valid value). Returns false when the link failed.
    func readReplies(_ answer: (Waiting, UnsafeRawBufferPointer?) -> Void) -> Bool {
        guard let pipeline else { return true }
        do {
            try pipeline.readReplies { reply in
                guard let request = waiting.popFirst() else { return }
                switch reply {
                case .string(let value) where JSONSyntax.isSingleLineObject(value):
                    answer(request, value)
                case .null:
                    answer(request, nil)
                case .error(let message):
                    // LOADING, MISCONF and the like: PostgreSQL answers instead.
                    Log.debug("redis answered an error", ["error": message])
                    answer(request, nil)
                default:
                    Log.debug("ignoring malformed cached value in redis", ["phone": request.phone.masked])
                    answer(request, nil)
                }
            }
            return true
        } catch {
            return false
        }
    }

    /// Drops the connection after a failure and returns the requests still waiting for it.
    func fail(_ reason: String) -> [Waiting] {
        pipeline = nil
        hasUnwritten = false
        health.failed(reason)
        var orphans: [Waiting] = []
        while let request = waiting.popFirst() { orphans.append(request) }
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
