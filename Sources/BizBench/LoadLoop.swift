import BizSystem
import Glibc

/// The event loop of a load run: one thread, one epoll instance, `connections` non-blocking
/// connections each keeping `pipeline` GETs outstanding, every reply sending the next request.
///
/// The hot path writes requests from a template, parses replies in place in each connection's
/// read buffer, and reads the clock once per receive: that reading ends the latency of the
/// replies it parsed and starts that of the requests it sends. All of its state is in this
/// struct (mutated through `inout self`) or behind the connection table's pointer, so it runs
/// without reference counting or dynamic exclusivity checks.
struct LoadLoop: ~Copyable {
    /// The least room offered to each `recv`.
    static let readChunk = 32 << 10
    /// How many loss reasons a result keeps.
    static let keptLossReasons = 8

    private let settings: RunSettings
    private let benchProtocol: BenchProtocol
    private let encoder: RequestEncoder
    private let requestLength: Int
    private var chooser: KeyChooser
    private let epoll: Epoll
    private let connections: ConnectionTable
    /// The connection slot of each descriptor (-1: none).
    private var slotOfDescriptor: [Int32] = []
    private var openConnections = 0

    private var recordFrom: UInt64 = 0
    private var recordUntil: UInt64 = 0

    // Counters of the measured window (errors also count lost connections at any time).
    private var completed: UInt64 = 0
    private var hits: UInt64 = 0
    private var misses: UInt64 = 0
    private var errors: UInt64 = 0
    private var wrong: UInt64 = 0
    private var latency = LatencyHistogram()
    private var connectionsLost = 0
    private var lossReasons: [String] = []

    /// Prepares a run: the request encoder and the key distribution. Connects nothing yet.
    init(settings: RunSettings) throws(BenchError) {
        self.settings = settings
        benchProtocol = settings.benchProtocol
        encoder = RequestEncoder(protocol: settings.benchProtocol, redisFormat: settings.redisFormat)
        requestLength = encoder.length
        chooser = KeyChooser(distribution: settings.distribution, keyCount: settings.keys)
        connections = ConnectionTable(capacity: settings.connections)
        do {
            epoll = try Epoll(maximumEvents: Swift.min(Swift.max(settings.connections, 16), 1024))
        } catch {
            throw .system(error)
        }
    }

    /// Opens every connection, non-blocking and watched for readability.
    mutating func connectAll() throws(BenchError) {
        for number in 0..<settings.connections {
            let descriptor: Int32
            do {
                descriptor = try UnixSocket.connect(path: settings.socketPath)
            } catch {
                throw .cannotConnect(error)
            }
            connections.append(
                ConnectionState(
                    descriptor: descriptor, number: number, pipeline: settings.pipeline, requestLength: requestLength))
            openConnections += 1
            do {
                try FileDescriptor.makeNonBlocking(descriptor)
                try epoll.add(descriptor, interest: .readable)
            } catch {
                throw .system(error)
            }
            let index = Int(descriptor)
            if index >= slotOfDescriptor.count {
                slotOfDescriptor += [Int32](repeating: -1, count: index + 1 - slotOfDescriptor.count)
            }
            slotOfDescriptor[index] = Int32(number)
        }
    }

    /// Warms up, measures, closes every connection, and returns what was measured.
    mutating func run() -> RunResult {
        let start = MonotonicClock.nanoseconds()
        recordFrom = start &+ UInt64(settings.warmup * 1e9)
        recordUntil = recordFrom &+ UInt64(settings.duration * 1e9)

        for slot in 0..<connections.count {
            let connection = connections.state(slot)
            enqueueRequests(connection, count: settings.pipeline, now: start)
            flush(connection)
        }
        let busyPoll = settings.busyPoll
        while openConnections > 0 {
            let now = MonotonicClock.nanoseconds()
            if now >= recordUntil { break }
            let deadline = now < recordFrom ? recordFrom : recordUntil
            let milliseconds = busyPoll ? 0 : Swift.min(1000, (deadline - now + 999_999) / 1_000_000)
            epoll.wait(timeoutMilliseconds: Int32(milliseconds)) { event in
                self.handle(event)
            }
        }
        let end = Swift.min(MonotonicClock.nanoseconds(), recordUntil)
        closeAll()

        var result = RunResult(settings: settings)
        result.measuredNanoseconds = end > recordFrom ? end - recordFrom : 0
        result.requests = completed
        result.hits = hits
        result.misses = misses
        result.errors = errors
        result.wrong = wrong
        result.latency = latency
        result.connectionsLost = connectionsLost
        result.lossReasons = lossReasons
        return result
    }

    private mutating func closeAll() {
        for slot in 0..<connections.count where connections.state(slot).pointee.isOpen {
            let connection = connections.state(slot)
            connection.pointee.isOpen = false
            epoll.remove(connection.pointee.descriptor)
            FileDescriptor.close(connection.pointee.descriptor)
        }
        openConnections = 0
    }

    /// Gives up on a connection the server closed, broke, or spoke nonsense on: one error.
    private mutating func lose(_ connection: UnsafeMutablePointer<ConnectionState>, _ reason: String) {
        guard connection.pointee.isOpen else { return }
        connection.pointee.isOpen = false
        epoll.remove(connection.pointee.descriptor)
        FileDescriptor.close(connection.pointee.descriptor)
        connection.pointee.pending.removeAll()
        openConnections -= 1
        connectionsLost += 1
        errors += 1
        if lossReasons.count < Self.keptLossReasons {
            lossReasons.append("connection \(connection.pointee.number): \(reason)")
        }
    }

    // MARK: - The hot path

    @inline(__always)
    private mutating func handle(_ event: Epoll.Event) {
        let descriptor = Int(event.descriptor)
        guard descriptor < slotOfDescriptor.count else { return }
        let slot = Int(slotOfDescriptor[descriptor])
        guard slot >= 0 else { return }
        let connection = connections.state(slot)
        guard connection.pointee.isOpen else { return }
        if event.isReadable || event.isClosed {
            receive(connection)
        }
        if event.isWritable && connection.pointee.isOpen {
            flush(connection)
        }
    }

    /// Reads what arrived, accounts for every complete reply, sends as many new requests.
    private mutating func receive(_ connection: UnsafeMutablePointer<ConnectionState>) {
        connection.pointee.input.reserve(Self.readChunk)
        var received: Int
        repeat {
            received = recv(
                connection.pointee.descriptor, connection.pointee.input.writePointer,
                connection.pointee.input.writableCount, 0)
        } while received < 0 && errno == EINTR
        if received <= 0 {
            if received == 0 {
                lose(connection, "closed by the server")
            } else if errno == ECONNRESET {
                lose(connection, "closed by the server")
            } else if errno != EAGAIN && errno != EWOULDBLOCK {
                lose(connection, SystemCallError("recv").description)
            }
            return
        }
        connection.pointee.input.didWrite(received)

        let now = MonotonicClock.nanoseconds()
        let recording = now >= recordFrom && now < recordUntil
        var answered = 0
        parsing: while true {
            let bytes = connection.pointee.input.readable
            let outcome: ReplyParseResult
            switch benchProtocol {
            case .redis: outcome = RedisReplyParser.parse(bytes)
            case .memcached: outcome = MemcachedReplyParser.parse(bytes)
            case .bizcached: outcome = BizcachedReplyParser.parse(bytes)
            }
            switch outcome {
            case .incomplete:
                break parsing
            case .invalid:
                lose(connection, "protocol violation: unparseable reply")
                return
            case .reply(let reply):
                guard let request = connection.pointee.pending.popFirst() else {
                    lose(connection, "protocol violation: a reply to no request")
                    return
                }
                if recording {
                    account(reply, in: bytes, key: request.key, latency: now &- request.time)
                }
                connection.pointee.input.consume(reply.length)
                answered &+= 1
            }
        }
        if answered > 0 {
            enqueueRequests(connection, count: answered, now: now)
            flush(connection)
        }
    }

    @inline(__always)
    private mutating func account(
        _ reply: ParsedReply, in bytes: UnsafeRawBufferPointer, key: Int, latency nanoseconds: UInt64
    ) {
        completed &+= 1
        latency.record(nanoseconds)
        switch reply.kind {
        case .hit:
            hits &+= 1
            let value = UnsafeRawBufferPointer(start: bytes.baseAddress! + reply.valueStart, count: reply.valueCount)
            if !AnswerCheck.containsQuotedPhone(value, index: key) { wrong &+= 1 }
        case .miss:
            misses &+= 1
        case .error:
            errors &+= 1
        }
    }

    /// Queues `count` requests for keys drawn from the distribution, sent at `now`.
    @inline(__always)
    private mutating func enqueueRequests(_ connection: UnsafeMutablePointer<ConnectionState>, count: Int, now: UInt64) {
        let bytes = count &* requestLength
        connection.pointee.output.reserve(bytes)
        var destination = connection.pointee.output.writePointer
        for _ in 0..<count {
            let key = chooser.next()
            encoder.write(key, to: destination)
            destination += requestLength
            connection.pointee.pending.push(key: key, time: now)
        }
        connection.pointee.output.didWrite(bytes)
    }

    /// Sends what is queued, in one `send`; watches writability while bytes are left over.
    private mutating func flush(_ connection: UnsafeMutablePointer<ConnectionState>) {
        let count = connection.pointee.output.readableCount
        if count > 0 {
            var sent: Int
            repeat {
                sent = send(
                    connection.pointee.descriptor, connection.pointee.output.readable.baseAddress, count,
                    Int32(MSG_NOSIGNAL))
            } while sent < 0 && errno == EINTR
            if sent > 0 {
                connection.pointee.output.consume(sent)
            } else if sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK {
                let closed = errno == EPIPE || errno == ECONNRESET
                lose(connection, closed ? "closed by the server" : SystemCallError("send").description)
                return
            }
        }
        let waiting = connection.pointee.output.readableCount > 0
        if waiting != connection.pointee.watchesWritable {
            connection.pointee.watchesWritable = waiting
            try? epoll.modify(connection.pointee.descriptor, interest: waiting ? [.readable, .writable] : .readable)
        }
    }
}
