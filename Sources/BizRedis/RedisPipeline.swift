import BizCore
import CHiredis
import Glibc

/// A Redis connection driven by the caller's event loop instead of blocking calls.
///
/// Commands are queued in memory (`appendGet`, `append`) and written by `flush` when the
/// socket takes them; `readReplies` parses whatever bytes have arrived. Replies come in
/// command order, so the caller matches them to its own queue of outstanding commands.
/// Many clients' lookups thus share one write and one read. Not thread-safe: it belongs to
/// one event loop. Connecting (and `AUTH`/`SELECT`) blocks for at most `timeout`.
public final class RedisPipeline {
    /// A reply as it lies in hiredis's buffer, valid only during the `readReplies` callback.
    public enum ReplyView {
        case string(UnsafeRawBufferPointer)
        case null
        case error(String)
        /// A status, integer or array reply.
        case other
    }

    private let context: UnsafeMutablePointer<redisContext>
    private var isLost = false

    /// The socket to watch: readable when replies may have arrived, writable while
    /// `flush` reported unwritten commands.
    public let socketDescriptor: Int32

    /// Connects and authenticates, then switches the socket to non-blocking mode.
    public init(endpoint: RedisEndpoint, timeout: Duration = .milliseconds(500)) throws(RedisError) {
        context = try RedisConnection(endpoint: endpoint, timeout: timeout).releaseContext()
        socketDescriptor = context.pointee.fd
        context.pointee.flags &= ~Int32(REDIS_BLOCK)
        let flags = fcntl(socketDescriptor, F_GETFL)
        guard flags >= 0, fcntl(socketDescriptor, F_SETFL, flags | O_NONBLOCK) == 0 else {
            // `deinit` frees the context: every stored property is set by now.
            throw .connectFailed("\(endpoint): cannot make the socket non-blocking")
        }
    }

    deinit {
        redisFree(context)
    }

    /// Queues `GET key` without allocating.
    public func appendGet(key: UnsafeRawBufferPointer) {
        let command = StaticString("GET")
        var argv: (UnsafePointer<CChar>?, UnsafePointer<CChar>?) = (
            UnsafeRawPointer(command.utf8Start).assumingMemoryBound(to: CChar.self),
            key.baseAddress?.assumingMemoryBound(to: CChar.self)
        )
        var argvlen: (Int, Int) = (3, key.count)
        withUnsafeMutablePointer(to: &argv) { argvPointer in
            argvPointer.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: 2) { argv in
                withUnsafePointer(to: &argvlen) { lengthPointer in
                    lengthPointer.withMemoryRebound(to: Int.self, capacity: 2) { lengths in
                        _ = redisAppendCommandArgv(context, 2, argv, lengths)
                    }
                }
            }
        }
    }

    /// Queues any command (binary-safe arguments).
    public func append(_ arguments: [[UInt8]]) {
        _ = CommandArguments(arguments).withArgv { argc, argv, argvlen in
            redisAppendCommandArgv(context, argc, argv, argvlen)
        }
    }

    /// Writes as much of the queued commands as the socket takes; true when all are written.
    public func flush() throws(RedisError) -> Bool {
        guard !isLost else { throw .connectionLost("connection already failed") }
        var done: Int32 = 0
        guard redisBufferWrite(context, &done) == REDIS_OK else { throw lost() }
        return done != 0
    }

    /// Reads what has arrived and calls `body` with each complete reply, in order.
    /// Throws `connectionLost` when the server closed the connection or it failed; replies
    /// parsed before that have been delivered.
    public func readReplies(_ body: (ReplyView) -> Void) throws(RedisError) {
        guard !isLost else { throw .connectionLost("connection already failed") }
        let readStatus = redisBufferRead(context)
        while true {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReplyFromReader(context, &raw) == REDIS_OK else { throw lost() }
            guard let raw else { break }
            defer { freeReplyObject(raw) }
            let reply = raw.assumingMemoryBound(to: redisReply.self).pointee
            switch reply.type {
            case REDIS_REPLY_STRING:
                body(.string(UnsafeRawBufferPointer(start: reply.str, count: reply.len)))
            case REDIS_REPLY_NIL:
                body(.null)
            case REDIS_REPLY_ERROR:
                body(.error(reply.str.map { String(cString: $0) } ?? "error"))
            default:
                body(.other)
            }
        }
        if readStatus != REDIS_OK { throw lost() }
    }

    private func lost() -> RedisError {
        isLost = true
        let reason = context.pointee.err == 0 ? "connection failed" : withUnsafeBytes(of: context.pointee.errstr) {
            String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        return .connectionLost(reason)
    }
}
