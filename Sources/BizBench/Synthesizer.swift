/// What `bizbench synth` did.
public struct SynthOutcome: Sendable {
    /// Values every cache stored.
    public var stored = 0
    /// Values a cache refused.
    public var failures = 0
    /// The length of each value.
    public var valueLength = 0
    /// The first refusal, for the report.
    public var firstProblem: String?

    /// 0 when everything was stored, else 1.
    public var exitStatus: Int32 { failures == 0 ? 0 : 1 }
}

/// `bizbench synth`: writes synthetic business values for phones `0..<keys` to Redis and/or
/// memcached in pipelined batches.
public enum Synthesizer {
    /// Stores every value; throws when a connection fails (`.cannotConnect`: exit status 69).
    public static func synthesize(_ settings: SynthSettings) throws(BenchError) -> SynthOutcome {
        var writers: [CacheWriter] = []
        if let path = settings.redisSocket { writers.append(try CacheWriter(.redis, path: path)) }
        if let path = settings.memcachedSocket { writers.append(try CacheWriter(.memcached, path: path)) }
        let business = SyntheticBusiness(size: settings.valueSize)
        var outcome = SynthOutcome()
        outcome.valueLength = business.length
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: business.length, alignment: 16)
        defer { scratch.deallocate() }

        var start = 0
        while start < settings.keys {
            let end = Swift.min(start + settings.batchSize, settings.keys)
            for index in start..<end {
                business.write(index: index, to: scratch.baseAddress!)
                for writer in writers { writer.queue(index: index, value: UnsafeRawBufferPointer(scratch)) }
            }
            for writer in writers { try writer.commit() }
            start = end
        }
        let failures = CacheWriter.failures(of: writers)
        outcome.failures = failures.count
        outcome.firstProblem = outcome.firstProblem ?? failures.first
        outcome.stored = writers.map(\.stored).min() ?? 0
        return outcome
    }
}
