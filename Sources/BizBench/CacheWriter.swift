/// Stores values under `business:<phone>` in Redis or memcached in pipelined batches: queue
/// a batch of values, then `commit` sends them in one write and checks every reply
/// (`+OK` from Redis, `STORED` from memcached).
final class CacheWriter {
    /// Which cache.
    enum Kind: String {
        case redis, memcached
    }

    let kind: Kind
    private let connection: BlockingConnection
    private var batch = ByteBuffer(capacity: 256 << 10)
    private var queued = 0
    /// Values stored so far.
    private(set) var stored = 0
    /// Values refused so far.
    private(set) var failed = 0
    /// The first refusal, for the report.
    private(set) var firstFailure: String?

    init(_ kind: Kind, path: String) throws(BenchError) {
        self.kind = kind
        connection = try BlockingConnection(name: kind.rawValue, path: path)
    }

    /// Adds the command storing `value` for phone `index` to the batch.
    func queue(index: Int, value: UnsafeRawBufferPointer) {
        switch kind {
        case .redis: StoreCommands.appendRedisSet(index: index, value: value, to: &batch)
        case .memcached: StoreCommands.appendMemcachedSet(index: index, value: value, to: &batch)
        }
        queued += 1
    }

    /// Sends the batch and reads one reply per command.
    func commit() throws(BenchError) {
        guard queued > 0 else { return }
        try connection.send(batch.readable)
        batch.clear()
        let expected: StaticString = kind == .redis ? "+OK" : "STORED"
        for _ in 0..<queued {
            let failure: String? = try connection.nextLine { line in
                line.count == expected.utf8CodeUnitCount && ReplyBytes.has(expected, in: line, at: 0)
                    ? nil : String(decoding: line, as: UTF8.self)
            }
            if let failure {
                failed += 1
                if firstFailure == nil { firstFailure = failure }
            } else {
                stored += 1
            }
        }
        queued = 0
    }

    /// Failed stores across `writers`, and the first failure's description.
    static func failures(of writers: [CacheWriter]) -> (count: Int, first: String?) {
        var count = 0
        var first: String?
        for writer in writers where writer.failed > 0 {
            count += writer.failed
            if first == nil, let failure = writer.firstFailure { first = "\(writer.kind.rawValue) answered \(failure)" }
        }
        return (count, first)
    }
}
