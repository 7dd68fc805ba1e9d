import BizSystem
import Glibc

/// One persistent connection to a bizcached for `bizbench propagation`: sends `GET` lines one
/// at a time and reads their replies, either blocking (``roundTrip(_:)``) or, while several
/// instances are polled together, when `poll` says the socket is readable
/// (``receiveAvailable()`` then ``nextReply(_:)``).
final class ProbeConnection {
    /// The socket path, which names the instance in reports.
    let path: String
    /// The connected socket, for `poll`.
    let descriptor: Int32
    /// A request was sent and its reply not yet read.
    private(set) var awaitingReply = false
    private var input = ByteBuffer(capacity: 16 << 10)

    /// Connects to the bizcached at `path`; blocking reads and writes give up after `timeout`
    /// seconds.
    init(path: String, timeout: Double) throws(BenchError) {
        self.path = path
        do {
            descriptor = try UnixSocket.connect(path: path)
        } catch {
            throw .cannotConnect(SystemCallError("bizcached at \(error.operation)", code: error.code))
        }
        UnixSocket.setTimeout(descriptor, seconds: timeout)
    }

    deinit { FileDescriptor.close(descriptor) }

    /// Sends one request line (with its `\n`); its reply is then awaited.
    func send(_ request: [UInt8]) throws(BenchError) {
        precondition(!awaitingReply, "one request at a time")
        let failure = request.withUnsafeBytes { bytes -> SystemCallError? in
            do throws(SystemCallError) {
                try UnixSocket.sendAll(descriptor, bytes)
                return nil
            } catch {
                return error
            }
        }
        if let failure {
            throw .system(SystemCallError("\(failure.operation) to bizcached at \(path)", code: failure.code))
        }
        awaitingReply = true
    }

    /// Hands the awaited reply to `body` with the bytes it is in (valid only during the call)
    /// if it has arrived whole; returns nil, without calling `body`, if not.
    func nextReply<Result>(_ body: (ParsedReply, UnsafeRawBufferPointer) -> Result) throws(BenchError) -> Result? {
        guard awaitingReply else { return nil }
        let bytes = input.readable
        switch BizcachedReplyParser.parse(bytes) {
        case .incomplete:
            return nil
        case .invalid:
            throw .protocolViolation("overlong reply from bizcached at \(path)")
        case .reply(let reply):
            let result = body(reply, bytes)
            input.consume(reply.length)
            awaitingReply = false
            return result
        }
    }

    /// Reads whatever has arrived without waiting (call it when `poll` reports the socket
    /// readable).
    func receiveAvailable() throws(BenchError) {
        try receive(flags: Int32(MSG_DONTWAIT))
    }

    /// Sends `request` and waits for its reply: its kind and its line without the `\n`.
    func roundTrip(_ request: [UInt8]) throws(BenchError) -> (kind: ReplyKind, line: String) {
        try send(request)
        return try awaitReply()
    }

    /// Waits for the awaited reply (up to the connection's timeout) and returns its kind and
    /// line; for a reply left unread when polling gave up.
    @discardableResult
    func awaitReply() throws(BenchError) -> (kind: ReplyKind, line: String) {
        while true {
            let reply = try nextReply { reply, bytes in
                (reply.kind, String(decoding: bytes[0..<(reply.length - 1)], as: UTF8.self))
            }
            if let reply { return reply }
            try receive(flags: 0)
        }
    }

    private func receive(flags: Int32) throws(BenchError) {
        input.reserve(8 << 10)
        while true {
            let received = recv(descriptor, input.writePointer, input.writableCount, flags)
            if received > 0 {
                input.didWrite(received)
                return
            }
            if received == 0 { throw .connectionClosed("bizcached at \(path)") }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                if flags & Int32(MSG_DONTWAIT) != 0 { return }
                throw .system(SystemCallError("waiting for bizcached at \(path)", code: ETIMEDOUT))
            }
            throw .system(SystemCallError("recv from bizcached at \(path)"))
        }
    }
}
