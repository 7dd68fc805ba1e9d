import BizCore
import CHiredis
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// hiredis writes with plain `write(2)`: a server that went away would raise `SIGPIPE` and
/// end the process. Ignoring it process-wide turns that into an `EPIPE` error instead.
private let ignoreSIGPIPE: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

/// One blocking connection to Redis, speaking RESP2 through hiredis.
///
/// Not `Sendable`: confine each connection to one thread (or guard it with a `Mutex`).
/// After any I/O error, end of file or timeout the connection is marked broken and every
/// later call throws `RedisError.connectionLost` at once, without touching the socket;
/// open a new connection to recover. Creating a connection makes the process ignore `SIGPIPE`.
public final class RedisConnection {
    private let context: UnsafeMutablePointer<redisContext>
    private let timeout: Duration
    private var lostReason: String?
    /// False once `RedisPipeline` has taken the context over.
    private var ownsContext = true

    /// Whether an I/O error, end of file or timeout has made this connection unusable.
    public var isBroken: Bool { lostReason != nil }

    /// The connected socket, for callers that wait on it with `poll`/`epoll`.
    public var socketDescriptor: Int32 { context.pointee.fd }

    /// Connects, then authenticates (`AUTH [username] password`) when the endpoint has a
    /// password, and selects the endpoint's database when it is not 0.
    ///
    /// - Parameter timeout: bounds the connect and, afterwards, every socket read and write.
    /// - Throws: `connectFailed` when the server cannot be reached or the handshake fails,
    ///   `authenticationFailed` when `AUTH` is refused or required but not configured.
    public init(endpoint: RedisEndpoint, timeout: Duration = .seconds(1)) throws(RedisError) {
        _ = ignoreSIGPIPE
        let tv = timeval(timeout)
        let connected: UnsafeMutablePointer<redisContext>? = switch endpoint.address {
        case .tcp(let host, let port): redisConnectWithTimeout(host, Int32(clamping: port), tv)
        case .unix(let path): redisConnectUnixWithTimeout(path, tv)
        }
        guard let connected else { throw .connectFailed("\(endpoint): cannot allocate a hiredis context") }
        if connected.pointee.err != 0 || redisSetTimeout(connected, tv) != REDIS_OK {
            let message = Self.errorString(connected)
            redisFree(connected)
            throw .connectFailed("\(endpoint): \(message)")
        }
        context = connected
        self.timeout = timeout

        // From here on `deinit` frees the context, also when the handshake throws.
        if let password = endpoint.password {
            let credentials = [endpoint.username, password].compactMap { $0 }
            try handshake(["AUTH"] + credentials, endpoint: endpoint) { .authenticationFailed($0) }
        }
        if endpoint.database != 0 {
            try handshake(["SELECT", String(endpoint.database)], endpoint: endpoint) { message in
                message.hasPrefix("NOAUTH")
                    ? .authenticationFailed(message)
                    : .connectFailed("\(endpoint): SELECT \(endpoint.database): \(message)")
            }
        }
    }

    deinit {
        if ownsContext { redisFree(context) }
    }

    /// Hands the connected, authenticated context to a `RedisPipeline`; this object must not
    /// be used afterwards.
    func releaseContext() -> UnsafeMutablePointer<redisContext> {
        ownsContext = false
        return context
    }

    // MARK: Raw commands

    /// Sends one command and returns its reply; an error reply comes back as `.error`.
    ///
    /// Arguments are binary-safe (explicit lengths). `arguments` must not be empty.
    public func command(_ arguments: [[UInt8]]) throws(RedisError) -> RedisValue {
        try checkUsable()
        let reply = CommandArguments(arguments).withArgv { argc, argv, argvlen in
            redisCommandArgv(context, argc, argv, argvlen)
        }
        return try take(reply)
    }

    /// Sends one command given as UTF-8 strings, for example `command("INCR", "counter")`.
    public func command(_ arguments: String...) throws(RedisError) -> RedisValue {
        try command(arguments.map { Array($0.utf8) })
    }

    /// Sends all `commands` in one write, then reads their replies in order.
    ///
    /// Error replies come back as `.error` in their slot; an I/O failure throws
    /// `connectionLost` and no replies are returned. No command may be empty.
    public func pipeline(_ commands: [[[UInt8]]]) throws(RedisError) -> [RedisValue] {
        try checkUsable()
        for arguments in commands {
            let status = CommandArguments(arguments).withArgv { argc, argv, argvlen in
                redisAppendCommandArgv(context, argc, argv, argvlen)
            }
            guard status == REDIS_OK else { throw markLost() }
        }
        var replies: [RedisValue] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var reply: UnsafeMutableRawPointer?
            guard redisGetReply(context, &reply) == REDIS_OK else {
                if let reply { freeReplyObject(reply) }
                throw markLost()
            }
            replies.append(try take(reply))
        }
        return replies
    }

    /// Waits up to `timeout` for a reply the server sends unasked (a pub/sub message on a
    /// subscribed connection) and returns it; nil when none arrived in time.
    ///
    /// Replies already buffered are returned at once. A connection that fails or closes
    /// throws `connectionLost`.
    public func nextReply(waitingAtMost timeout: Duration) throws(RedisError) -> RedisValue? {
        try checkUsable()
        var reply: UnsafeMutableRawPointer?
        guard redisGetReplyFromReader(context, &reply) == REDIS_OK else { throw markLost() }
        if let reply { return try take(reply) }
        let (seconds, attoseconds) = timeout.components
        let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        var entry = pollfd(fd: socketDescriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&entry, 1, milliseconds)
        if ready == 0 || (ready < 0 && errno == EINTR) { return nil }
        guard redisGetReply(context, &reply) == REDIS_OK else {
            if let reply { freeReplyObject(reply) }
            throw markLost()
        }
        return try take(reply)
    }

    // MARK: Typed helpers (error replies throw `RedisError.server`)

    /// `GET key`: the value's bytes, or nil when the key does not exist.
    public func get(_ key: String) throws(RedisError) -> [UInt8]? {
        switch try checkedCommand([Array("GET".utf8), Array(key.utf8)]) {
        case .string(let bytes): return bytes
        case .null: return nil
        case let other: throw .unexpectedReply("GET returned \(other.shape)")
        }
    }

    /// `SET key value EX expireSeconds`; `expireSeconds` must be positive.
    public func set(_ key: String, value: [UInt8], expireSeconds: Int) throws(RedisError) {
        let reply = try checkedCommand([
            Array("SET".utf8), Array(key.utf8), value, Array("EX".utf8), Array(String(expireSeconds).utf8),
        ])
        guard reply == .status("OK") else { throw .unexpectedReply("SET returned \(reply.shape)") }
    }

    /// `DEL keys...`: how many of `keys` existed. An empty list returns 0 without a round trip.
    @discardableResult
    public func delete(_ keys: [String]) throws(RedisError) -> Int {
        try checkUsable()
        guard !keys.isEmpty else { return 0 }
        let reply = try checkedCommand([Array("DEL".utf8)] + keys.map { Array($0.utf8) })
        guard case .integer(let count) = reply else { throw .unexpectedReply("DEL returned \(reply.shape)") }
        return count
    }

    /// `PING`: succeeds when the server answers `PONG`.
    public func ping() throws(RedisError) {
        let reply = try checkedCommand([Array("PING".utf8)])
        guard reply == .status("PONG") else { throw .unexpectedReply("PING returned \(reply.shape)") }
    }

    /// `TTL key`: seconds left, -1 when the key has no expiry, -2 when it does not exist.
    public func ttl(_ key: String) throws(RedisError) -> Int {
        let reply = try checkedCommand([Array("TTL".utf8), Array(key.utf8)])
        guard case .integer(let seconds) = reply else { throw .unexpectedReply("TTL returned \(reply.shape)") }
        return seconds
    }

    // MARK: Internals

    /// `command`, with an error reply thrown as `RedisError.server`.
    private func checkedCommand(_ arguments: [[UInt8]]) throws(RedisError) -> RedisValue {
        let reply = try command(arguments)
        if case .error(let message) = reply { throw .server(message) }
        return reply
    }

    /// Runs a connection-setup command; an I/O failure becomes `connectFailed`, an error
    /// reply becomes whatever `refused` makes of it.
    private func handshake(
        _ arguments: [String], endpoint: RedisEndpoint, refused: (String) -> RedisError
    ) throws(RedisError) {
        let reply: RedisValue
        do {
            reply = try command(arguments.map { Array($0.utf8) })
        } catch .connectionLost(let message) {
            throw .connectFailed("\(endpoint): \(message)")
        } catch {
            throw error
        }
        switch reply {
        case .status: return
        case .error(let message): throw refused(message)
        case let other: throw .connectFailed("\(endpoint): \(arguments[0]) returned \(other.shape)")
        }
    }

    private func checkUsable() throws(RedisError) {
        if let lostReason { throw .connectionLost(lostReason) }
    }

    /// Converts and frees a reply; a missing reply means the connection failed.
    private func take(_ reply: UnsafeMutableRawPointer?) throws(RedisError) -> RedisValue {
        guard let reply else { throw markLost() }
        defer { freeReplyObject(reply) }
        return RedisValue(reply: reply.assumingMemoryBound(to: redisReply.self))
    }

    /// Marks the connection broken and returns the error describing why.
    private func markLost() -> RedisError {
        let timedOut = errno == EAGAIN || errno == EWOULDBLOCK
        var reason = context.pointee.err == 0 ? "no reply" : Self.errorString(context)
        if context.pointee.err == REDIS_ERR_IO && timedOut {
            reason = "no answer within \(timeout)"
        }
        lostReason = reason
        return .connectionLost(reason)
    }

    /// hiredis's `errstr`, a NUL-terminated 128-byte buffer, as a String.
    private static func errorString(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
