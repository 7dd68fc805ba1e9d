import BizCore
import BizSystem
import CLinux
import Glibc

/// One thread's epoll loop: accepts clients from the shared listener, reads their request
/// lines, answers cache hits at once and hands misses to the backend pool, whose answers
/// come back through the loop's mailbox.
///
/// Everything here is confined to the loop's thread; other threads reach it only through
/// `LoopMailbox`.
final class EventLoop {
    /// Bytes of unsent replies above which a client's requests are no longer read.
    static let outputHighWater = 4 << 20
    /// Outstanding backend answers above which a client's requests are no longer read.
    static let heldHighWater = 4096
    /// How long shutdown waits for in-flight answers before closing anyway.
    static let drainTimeout: UInt64 = 5_000_000_000
    /// How often connections are checked for unfinished request lines.
    static let idleSweepInterval: UInt64 = 1_000_000_000

    private let number: Int
    private let name: String
    private let epoll: Epoll
    private let mailbox: LoopMailbox
    private let listener: UnixListener
    private let settings: LookupSettings
    private let backend: BackendPool
    private let maximumConnections: Int
    /// Nanoseconds a request line may stay unfinished; 0: forever.
    private let idleTimeout: UInt64
    private var nextIdleSweep: UInt64 = 0
    private var connections: [Int32: ClientConnection] = [:]
    private var nextConnectionID: UInt64 = 0
    private var now: UInt64 = MonotonicClock.nanoseconds()
    private var drainDeadline: UInt64?
    private var lastAcceptErrorLog: UInt64 = 0
    /// While the process is out of descriptors, the listener is not watched (it would stay
    /// ready and the loop would spin); it is watched again at this time.
    private var acceptingPausedUntil: UInt64?
    /// Misses found while handling one round of events, handed to the backend together.
    private var pendingJobs: [BackendJob] = []
    /// Requests answered from the LRU in the current round, timed together at its end.
    private var l1AnswersThisRound = 0
    /// This loop's own Redis connection for L1 misses, when Redis is configured.
    private let redisLink: LoopRedisLink?
    /// The link's socket while connected, and whether it is watched for writability.
    private var redisDescriptor: Int32 = -1
    private var redisWatchesWritable = false
    private let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)

    init(
        number: Int, mailbox: LoopMailbox, listener: UnixListener, settings: LookupSettings,
        backend: BackendPool, maximumConnections: Int, idleTimeoutSeconds: Int
    ) throws(SystemCallError) {
        self.idleTimeout = UInt64(idleTimeoutSeconds) * 1_000_000_000
        self.number = number
        self.name = "loop-\(number)"
        self.epoll = try Epoll()
        self.mailbox = mailbox
        self.listener = listener
        self.settings = settings
        self.backend = backend
        self.maximumConnections = maximumConnections
        self.redisLink = settings.redis.map {
            LoopRedisLink(endpoint: $0, tracking: settings.tracking, loopName: "loop-\(number)", stats: settings.stats)
        }
        try epoll.add(listener.descriptor, interest: .exclusivelyReadable)
        try epoll.add(mailbox.notifier.descriptor, interest: .readable)
    }

    deinit { readBuffer.deallocate() }

    /// Serves until a drain has finished.
    func run() {
        while true {
            var clockRead = false
            let needsTimer = drainDeadline != nil || acceptingPausedUntil != nil || redisLink?.hasWaiting == true
            // At least once a second, so that the heartbeat shows a loop that is not stuck.
            let timeout: Int32 = needsTimer ? 100 : 1000
            settings.heartbeats.beat(number, now: now)
            epoll.wait(timeoutMilliseconds: timeout) { event in
                // One clock read per wake-up serves every request it brings.
                if !clockRead {
                    now = MonotonicClock.nanoseconds()
                    clockRead = true
                }
                handle(event)
            }
            flushRedis()
            if !pendingJobs.isEmpty {
                backend.submit(pendingJobs)
                pendingJobs.removeAll(keepingCapacity: true)
            }
            let roundStarted = now
            now = MonotonicClock.nanoseconds()
            if l1AnswersThisRound > 0 {
                // The round's L1 answers were all written by now: timed with the clock read
                // the loop makes anyway, in one histogram update for all of them.
                settings.stats.recordL1Latency(answers: l1AnswersThisRound, nanoseconds: now &- roundStarted, loop: number)
                l1AnswersThisRound = 0
            }
            if redisLink?.isOverdue(now: now) == true {
                // Redis stopped answering without closing: its requests go to the backend pool.
                redisFailed("no reply within 1 s")
                if !pendingJobs.isEmpty {
                    backend.submit(pendingJobs)
                    pendingJobs.removeAll(keepingCapacity: true)
                }
            }
            if idleTimeout > 0, now >= nextIdleSweep {
                nextIdleSweep = now &+ Self.idleSweepInterval
                closeStalledConnections()
            }
            if let until = acceptingPausedUntil, now >= until, drainDeadline == nil {
                acceptingPausedUntil = nil
                try? epoll.add(listener.descriptor, interest: .exclusivelyReadable)
            }
            if let deadline = drainDeadline {
                if connections.isEmpty { return }
                if now >= deadline {
                    Log.warning("closing connections that did not finish in time", [
                        "loop": name, "connections": String(connections.count),
                    ])
                    for connection in Array(connections.values) { close(connection) }
                    return
                }
            }
        }
    }

    private func handle(_ event: Epoll.Event) {
        if event.descriptor == listener.descriptor {
            acceptClients()
        } else if event.descriptor == mailbox.notifier.descriptor {
            for message in mailbox.collect() { receive(message) }
        } else if event.descriptor == redisDescriptor {
            if event.isReadable || event.isClosed { readRedis() }
            if event.isWritable { flushRedis() }
        } else if let connection = connections[event.descriptor] {
            if event.isClosed {
                // Hung up in both directions (or in error): no reply could be delivered.
                close(connection)
                return
            }
            if event.isReadable { read(connection) }
            if event.isWritable, connections[event.descriptor] === connection { flush(connection) }
        }
    }

    // MARK: Accepting

    private func acceptClients() {
        guard drainDeadline == nil else { return }
        for _ in 0..<64 {
            let descriptor: Int32
            do {
                guard let accepted = try listener.accept() else { return }
                descriptor = accepted
            } catch {
                if now &- lastAcceptErrorLog > 1_000_000_000 {
                    lastAcceptErrorLog = now
                    Log.error("accept failed", ["loop": name, "error": error.description])
                }
                if error.code == EMFILE || error.code == ENFILE {
                    // Clients wait in the backlog until descriptors free up.
                    epoll.remove(listener.descriptor)
                    acceptingPausedUntil = now &+ 100_000_000
                }
                return
            }
            if let policy = settings.peerPolicy, !isAllowed(descriptor, by: policy) {
                let refusal = Reply.error(ProtocolError(.denied, "this user may not use bizcached"))
                refusal.withUnsafeBytes { _ = UnixSocket.sendSome(descriptor, $0) }
                Glibc.close(descriptor)
                settings.stats.recordError(.denied)
                continue
            }
            if settings.stats.connectionOpened() > maximumConnections {
                let refusal = Reply.error(ProtocolError(.busy, "too many connections"))
                refusal.withUnsafeBytes { _ = UnixSocket.sendSome(descriptor, $0) }
                Glibc.close(descriptor)
                settings.stats.connectionClosed()
                settings.stats.recordError(.busy)
                continue
            }
            do {
                try epoll.add(descriptor, interest: .readable)
            } catch {
                Log.error("epoll registration failed", ["loop": name, "error": error.description])
                Glibc.close(descriptor)
                settings.stats.connectionClosed()
                continue
            }
            nextConnectionID &+= 1
            // The descriptor in the low bits finds the connection; the counter above them
            // tells it from an earlier client that had the same descriptor.
            let id = nextConnectionID << 32 | UInt64(UInt32(bitPattern: descriptor))
            let connection = ClientConnection(descriptor: descriptor, id: id, maximumLineLength: 1024)
            connection.registeredInterest = Epoll.Interest.readable.rawValue
            connection.partialLineSince = now
            connections[descriptor] = connection
        }
    }

    /// Closes connections whose request line has stayed unfinished longer than the idle
    /// timeout (a client that stalls mid-line holds a buffer and a descriptor for nothing).
    private func closeStalledConnections() {
        for connection in Array(connections.values)
        where connection.input.pendingByteCount > 0 && now &- connection.partialLineSince > idleTimeout {
            Log.info("closing a client that left a request unfinished", ["loop": name])
            close(connection)
        }
    }

    private func isAllowed(_ descriptor: Int32, by policy: PeerPolicy) -> Bool {
        guard let peer = LocalIdentity.peer(of: descriptor) else { return false }
        let allowed = policy.allows(userID: peer.userID, groupID: peer.groupID, ownUserID: LocalIdentity.userID)
        if !allowed {
            Log.warning("refused a client", ["uid": String(peer.userID), "gid": String(peer.groupID)])
        }
        return allowed
    }

    // MARK: Reading and answering

    /// Reads once and answers the complete lines; returns whether bytes were read.
    @discardableResult
    private func read(_ connection: ClientConnection) -> Bool {
        guard !connection.isReadingStopped else { return false }
        let count = Glibc.read(connection.descriptor, readBuffer.baseAddress, readBuffer.count)
        if count > 0 {
            let hadPartialLine = connection.input.pendingByteCount > 0
            connection.input.append(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]))
            let answered = answerLines(connection)
            // A new unfinished line started in this read unless the old one is still open.
            if !hadPartialLine || answered > 0 { connection.partialLineSince = now }
        } else if count == 0 {
            // The client closed its side: answer what it sent, then close ours.
            connection.isReadingStopped = true
            connection.closesWhenDone = true
        } else if errno != EAGAIN && errno != EINTR {
            close(connection)
            return false
        }
        flush(connection)
        return count > 0
    }

    /// Answers the complete lines in the connection's input; returns how many.
    @discardableResult
    private func answerLines(_ connection: ClientConnection) -> Int {
        var answered = 0
        while !connection.isReadingStopped {
            switch connection.input.nextLine() {
            case .incomplete:
                return answered
            case .tooLong:
                reject(connection, ProtocolError(.tooLong, "request line longer than 1024 bytes; closing"))
                connection.isReadingStopped = true
                connection.closesWhenDone = true
            case .line(let line):
                answer(line, on: connection)
                answered += 1
            }
        }
        return answered
    }

    private func answer(_ line: ArraySlice<UInt8>, on connection: ClientConnection) {
        switch line.withUnsafeBytes({ settings.parser.parse($0) }) {
        case .failure(let error):
            reject(connection, error)
        case .success(.get(let phone)):
            if let reply = settings.cache.value(forKey: phone, now: now) {
                settings.stats.recordL1Answer(notFound: reply.first == Reply.notFound.first, loop: number)
                l1AnswersThisRound += 1
                connection.send(reply)
            } else {
                let address = ReplyAddress(mailbox: mailbox, connectionID: connection.id, sequence: connection.reserveReply())
                // Only the first request for a number fetches it; the others wait for its answer.
                if settings.flights.join(phone, address) {
                    fetch(phone)
                } else {
                    settings.stats.recordCoalesced()
                }
            }
        case .success(.invalidate(let phone)):
            settings.forget(CollectionOfOne(phone))
            settings.stats.recordInvalidations(1, from: .client)
            if settings.redis == nil {
                connection.send(Reply.ok)
            } else {
                let address = ReplyAddress(mailbox: mailbox, connectionID: connection.id, sequence: connection.reserveReply())
                pendingJobs.append(.invalidate(phone, address))
            }
        case .success(.ping):
            connection.send(Reply.pong)
        case .success(.stats):
            let json = settings.stats.json(
                now: now, l1Entries: settings.cache.count, l1Capacity: settings.l1Capacity,
                redisConfigured: settings.redis != nil, redisTracking: settings.tracking.current.clientID != nil)
            connection.send(Reply.ok(json: json))
        case .success(.metrics):
            connection.send(Reply.ok(json: MetricsReply.json(text: settings.metricsText())))
        case .success(.quit):
            connection.send(Reply.bye)
            connection.isReadingStopped = true
            connection.closesWhenDone = true
        }
    }

    private func reject(_ connection: ClientConnection, _ error: ProtocolError) {
        settings.stats.recordError(error.code)
        connection.send(Reply.error(error))
    }

    /// Starts the fetch of a number this loop leads the flight of: Redis when it can be
    /// used, else PostgreSQL through the backend pool.
    private func fetch(_ phone: PhoneNumber) {
        // Read before Redis or PostgreSQL is asked (and before the link checks tracking),
        // so that any invalidation after this moment keeps the answer out of the LRU.
        let generation = settings.generations.generation(of: phone)
        if let link = redisLink, let pipeline = link.connectedPipeline(now: now, register: watchRedis) {
            link.enqueueLookup(phone, generation: generation, on: pipeline, now: now)
            settings.stats.recordRedisLookups()
        } else {
            pendingJobs.append(.fetch(phone, generation: generation, leader: mailbox, startedAt: now))
        }
    }

    /// Answers every request waiting for a number: this loop's at once, other loops'
    /// through their mailboxes.
    private func finishFlight(of phone: PhoneNumber, with reply: [UInt8]) {
        let waiters = settings.flights.finish(phone)
        var elsewhere = ReplyBatch()
        for address in waiters {
            if address.mailbox === mailbox {
                deliver(reply, to: address)
            } else {
                elsewhere.add(reply, for: address)
            }
        }
        elsewhere.post()
    }

    // MARK: Messages from other threads

    private func receive(_ message: LoopMailbox.Message) {
        switch message {
        case .completed(let address, let reply):
            deliver(reply, to: address)
        case .fill(let fill):
            if let link = redisLink, let pipeline = link.connectedPipeline(now: now, register: watchRedis) {
                link.enqueueFill(fill, settings: settings, on: pipeline, now: now)
            }
        case .drain:
            startDraining()
        }
    }

    /// Gives a connection the reply to one of its requests, unless it has gone meanwhile.
    private func deliver(_ reply: [UInt8], to address: ReplyAddress) {
        // Look the connection up by id: its descriptor may belong to a newer client now.
        let descriptor = Int32(bitPattern: UInt32(truncatingIfNeeded: address.connectionID))
        guard let connection = connections[descriptor], connection.id == address.connectionID else { return }
        connection.complete(sequence: address.sequence, reply: reply)
        flush(connection)
    }

    // MARK: Redis

    private func watchRedis(_ descriptor: Int32) -> Bool {
        do {
            try epoll.add(descriptor, interest: .readable)
        } catch {
            Log.error("epoll registration failed", ["loop": name, "error": error.description])
            return false
        }
        redisDescriptor = descriptor
        redisWatchesWritable = false
        return true
    }

    private func readRedis() {
        guard let link = redisLink else { return }
        var stale: [PhoneNumber] = []
        let healthy = link.readReplies { answer in
            switch answer {
            case .lookup(let phone, let generation, let value?, let startedAt):
                let isNegative = value.elementsEqual(LookupSettings.notFoundMarker)
                let reply = isNegative ? Reply.notFound : Reply.ok(jsonBytes: value)
                settings.remember(reply, for: phone, readAt: generation, now: now)
                settings.stats.recordRedisAnswer(notFound: isNegative, nanoseconds: now &- startedAt, loop: number)
                finishFlight(of: phone, with: reply)
            case .lookup(let phone, let generation, nil, let startedAt):
                pendingJobs.append(.fetch(phone, generation: generation, leader: mailbox, startedAt: startedAt))
            case .filled(let phone, let generation):
                // Invalidated while the value was read or written: it may be old, so the
                // key is deleted again. This connection's own DEL is not reported back to
                // it (NOLOOP), so whatever it read in between is forgotten here.
                if settings.generations.generation(of: phone) != generation {
                    settings.forget(CollectionOfOne(phone))
                    stale.append(phone)
                }
            }
        }
        if !healthy {
            redisFailed("connection lost")
            return
        }
        if !stale.isEmpty, let pipeline = link.pipeline {
            for phone in stale { link.enqueueDelete(phone, on: pipeline, now: now) }
        }
    }

    private func flushRedis() {
        guard let link = redisLink, link.hasUnwritten else {
            if redisWatchesWritable { watchRedisWritable(false) }
            return
        }
        guard link.flush() else {
            redisFailed("write failed")
            return
        }
        if link.hasUnwritten != redisWatchesWritable { watchRedisWritable(link.hasUnwritten) }
    }

    private func watchRedisWritable(_ writable: Bool) {
        guard redisDescriptor >= 0 else { return }
        try? epoll.modify(redisDescriptor, interest: writable ? [.readable, .writable] : .readable)
        redisWatchesWritable = writable
    }

    /// Drops the link; the requests it still owed go to the backend pool.
    private func redisFailed(_ reason: String) {
        guard let link = redisLink else { return }
        if redisDescriptor >= 0 { epoll.remove(redisDescriptor) }
        redisDescriptor = -1
        redisWatchesWritable = false
        for (phone, generation, startedAt) in link.fail(reason) {
            pendingJobs.append(.fetch(phone, generation: generation, leader: mailbox, startedAt: startedAt))
        }
    }

    private func startDraining() {
        guard drainDeadline == nil else { return }
        drainDeadline = now &+ Self.drainTimeout
        acceptingPausedUntil = nil
        epoll.remove(listener.descriptor)
        for connection in Array(connections.values) {
            // Requests already sent are answered; nothing after them is read.
            for _ in 0..<64 where !connection.isReadingStopped && connections[connection.descriptor] === connection {
                guard read(connection) else { break }
            }
            guard connections[connection.descriptor] === connection else { continue }
            connection.isReadingStopped = true
            connection.closesWhenDone = true
            flush(connection)
        }
    }

    // MARK: Writing

    private func flush(_ connection: ClientConnection) {
        var failed = false
        connection.drainOutput { bytes in
            guard let sent = UnixSocket.sendSome(connection.descriptor, bytes) else {
                failed = true
                return 0
            }
            return sent
        }
        if failed || (connection.closesWhenDone && connection.isIdle) {
            close(connection)
            return
        }
        let backlogged =
            connection.unsentByteCount > Self.outputHighWater || connection.heldCount > Self.heldHighWater
        connection.isReadPaused = backlogged
        updateInterest(connection)
    }

    private func updateInterest(_ connection: ClientConnection) {
        var interest: Epoll.Interest = []
        if !connection.isReadingStopped && !connection.isReadPaused { interest.insert(.readable) }
        if connection.unsentByteCount > 0 { interest.insert(.writable) }
        guard interest.rawValue != connection.registeredInterest else { return }
        do {
            try epoll.modify(connection.descriptor, interest: interest)
            connection.registeredInterest = interest.rawValue
        } catch {
            Log.error("epoll registration failed", ["loop": name, "error": error.description])
            close(connection)
        }
    }

    private func close(_ connection: ClientConnection) {
        guard connections.removeValue(forKey: connection.descriptor) != nil else { return }
        epoll.remove(connection.descriptor)
        Glibc.close(connection.descriptor)
        settings.stats.connectionClosed()
    }
}
