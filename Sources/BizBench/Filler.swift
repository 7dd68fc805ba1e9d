/// What `bizbench fill` did.
public struct FillOutcome: Sendable {
    /// Phones whose business bizcached returned.
    public var found = 0
    /// Phones whose business bizcached returned and every cache stored (all found ones when
    /// there is no cache to fill).
    public var filled = 0
    /// Phones bizcached answered `NOTFOUND` for.
    public var notFound = 0
    /// Phones bizcached answered an error for.
    public var lookupErrors = 0
    /// Values a cache refused.
    public var storeFailures = 0
    /// The total size of the values bizcached returned.
    public var valueBytes = 0
    /// The first problem seen, for the report.
    public var firstProblem: String?

    /// The mean size of a value bizcached returned, in bytes.
    public var meanValueSize: Double {
        found == 0 ? 0 : Double(valueBytes) / Double(found)
    }

    /// 0 when every phone was found and stored, else 1.
    public var exitStatus: Int32 {
        notFound == 0 && lookupErrors == 0 && storeFailures == 0 ? 0 : 1
    }
}

/// `bizbench fill`: GETs phones `0..<keys` from bizcached in pipelined batches and stores each
/// business's JSON in Redis and/or memcached (or, with neither, only warms bizcached).
public enum Filler {
    /// Fills every phone; throws when a connection fails (`.cannotConnect`: exit status 69).
    public static func fill(_ settings: FillSettings) throws(BenchError) -> FillOutcome {
        let source = try BlockingConnection(name: "bizcached", path: settings.bizcachedSocket)
        var writers: [CacheWriter] = []
        if let path = settings.redisSocket { writers.append(try CacheWriter(.redis, path: path)) }
        if let path = settings.memcachedSocket { writers.append(try CacheWriter(.memcached, path: path)) }
        let encoder = RequestEncoder(protocol: .bizcached)
        let batch = UnsafeMutableRawPointer.allocate(byteCount: settings.batchSize * encoder.length, alignment: 16)
        defer { batch.deallocate() }
        var outcome = FillOutcome()

        var start = 0
        while start < settings.keys {
            let end = Swift.min(start + settings.batchSize, settings.keys)
            for index in start..<end { encoder.write(index, to: batch + (index - start) * encoder.length) }
            try source.send(UnsafeRawBufferPointer(start: batch, count: (end - start) * encoder.length))
            for index in start..<end {
                try source.nextReply(BizcachedReplyParser.self) { reply, bytes in
                    switch reply.kind {
                    case .hit:
                        let value = UnsafeRawBufferPointer(rebasing: bytes[reply.valueStart..<(reply.valueStart + reply.valueCount)])
                        outcome.found += 1
                        outcome.valueBytes += value.count
                        for writer in writers { writer.queue(index: index, value: value) }
                    case .miss:
                        outcome.notFound += 1
                        if outcome.firstProblem == nil { outcome.firstProblem = "\(KeySpace.phone(index)): NOTFOUND" }
                    case .error:
                        outcome.lookupErrors += 1
                        if outcome.firstProblem == nil {
                            let line = bytes[0..<(reply.length - 1)]
                            outcome.firstProblem = "\(KeySpace.phone(index)): \(String(decoding: line, as: UTF8.self))"
                        }
                    }
                }
            }
            for writer in writers { try writer.commit() }
            start = end
        }

        let failures = CacheWriter.failures(of: writers)
        outcome.storeFailures = failures.count
        outcome.firstProblem = outcome.firstProblem ?? failures.first
        // A phone is filled when every cache stored it.
        outcome.filled = writers.map(\.stored).min() ?? outcome.found
        return outcome
    }
}
