import BizSystem
import Glibc

/// A blocking connection for the loading commands (`fill`, `synth`): send a pipelined batch
/// in one go, then read its replies one by one from a buffer.
final class BlockingConnection {
    /// What the peer is, for messages (`redis`, `memcached`, `bizcached`).
    let name: String
    private let descriptor: Int32
    private var input = ByteBuffer(capacity: 64 << 10)

    /// Connects to the Unix socket at `path`; sends and receives give up after `timeout` seconds.
    init(name: String, path: String, timeout: Double = 30) throws(BenchError) {
        self.name = name
        do {
            descriptor = try UnixSocket.connect(path: path)
        } catch {
            throw .cannotConnect(SystemCallError("\(name) at \(error.operation)", code: error.code))
        }
        UnixSocket.setTimeout(descriptor, seconds: timeout)
    }

    deinit { FileDescriptor.close(descriptor) }

    /// Sends all of `bytes`.
    func send(_ bytes: UnsafeRawBufferPointer) throws(BenchError) {
        do {
            try UnixSocket.sendAll(descriptor, bytes)
        } catch {
            throw .system(SystemCallError("\(error.operation) to \(name)", code: error.code))
        }
    }

    /// Reads the next reply as `Parser` finds it and hands it to `body` with the bytes it is
    /// in (valid only during the call).
    func nextReply<Parser: ReplyParser, Result>(
        _ parser: Parser.Type, _ body: (ParsedReply, UnsafeRawBufferPointer) -> Result
    ) throws(BenchError) -> Result {
        while true {
            let bytes = input.readable
            switch Parser.parse(bytes) {
            case .reply(let reply):
                let result = body(reply, bytes)
                input.consume(reply.length)
                return result
            case .invalid:
                throw .protocolViolation("unexpected reply from \(name)")
            case .incomplete:
                try receive()
            }
        }
    }

    /// Reads the next line (without its `\r\n` or `\n`) and hands it to `body`.
    func nextLine<Result>(_ body: (UnsafeRawBufferPointer) -> Result) throws(BenchError) -> Result {
        while true {
            let bytes = input.readable
            if let newline = ReplyBytes.find(0x0A, in: bytes, from: 0) {
                let end = newline > 0 && bytes[newline - 1] == 0x0D ? newline - 1 : newline
                let result = body(UnsafeRawBufferPointer(rebasing: bytes[0..<end]))
                input.consume(newline + 1)
                return result
            }
            if bytes.count > 1 << 20 { throw .protocolViolation("overlong line from \(name)") }
            try receive()
        }
    }

    private func receive() throws(BenchError) {
        input.reserve(32 << 10)
        while true {
            let received = recv(descriptor, input.writePointer, input.writableCount, 0)
            if received > 0 {
                input.didWrite(received)
                return
            }
            if received == 0 { throw .connectionClosed(name) }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                throw .system(SystemCallError("waiting for \(name)", code: ETIMEDOUT))
            }
            throw .system(SystemCallError("recv from \(name)"))
        }
    }
}
