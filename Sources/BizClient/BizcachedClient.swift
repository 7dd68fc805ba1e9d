import BizCore
import BizSystem
import Glibc

/// A blocking client for the bizcached line protocol, for `bizctl`, scripts and tests.
///
/// One request at a time, or `pipeline` for many in one write. Not thread-safe.
public final class BizcachedClient {
    /// Why a request got no reply.
    public enum ClientError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The daemon's socket could not be reached.
        case cannotConnect(path: String, reason: String)
        /// The request holds a line break, which would make it two requests.
        case invalidRequest(String)
        /// The connection failed or closed before a full reply arrived.
        case connectionLost(String)
        /// The daemon sent something that is not a protocol reply.
        case malformedReply(String)

        public var description: String {
            switch self {
            case .cannotConnect(let path, let reason): "cannot reach bizcached at \(path): \(reason)"
            case .invalidRequest(let why): "invalid request: \(why)"
            case .connectionLost(let why): "connection to bizcached lost: \(why)"
            case .malformedReply(let line): "unexpected reply from bizcached: \(line.prefix(200))"
            }
        }
    }

    private let descriptor: Int32
    private var input = LineBuffer(maximumLineLength: 16 << 20)
    private var isClosed = false

    /// Connects to the daemon at `socketPath`; `timeout` bounds each read and write.
    public init(socketPath: String, timeout: Double = 5) throws(ClientError) {
        do {
            descriptor = try UnixSocket.connect(path: socketPath)
        } catch {
            throw .cannotConnect(path: socketPath, reason: error.description)
        }
        UnixSocket.setTimeout(descriptor, seconds: timeout)
    }

    deinit { close() }

    /// Closes the connection.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        Glibc.close(descriptor)
    }

    /// Sends one request line (without `\n`) and waits for its reply.
    public func request(_ line: String) throws(ClientError) -> ServerReply {
        try pipeline([line])[0]
    }

    /// Sends many request lines in one write and reads their replies, in order.
    public func pipeline(_ lines: [String]) throws(ClientError) -> [ServerReply] {
        var payload: [UInt8] = []
        for line in lines {
            guard !line.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else {
                throw .invalidRequest("a request cannot contain a line break")
            }
            payload += line.utf8
            payload.append(UInt8(ascii: "\n"))
        }
        do {
            try sendRaw(payload)
        } catch {
            // A server that refused the connection (BUSY, DENIED) closed it before reading;
            // its one reply says more than the broken pipe, and answers every request.
            if let line = try? readLine(), let refusal = ServerReply(line: line), case .error = refusal {
                return Array(repeating: refusal, count: lines.count)
            }
            throw error
        }
        var replies: [ServerReply] = []
        replies.reserveCapacity(lines.count)
        for _ in lines {
            let line = try readLine()
            guard let reply = ServerReply(line: line) else { throw .malformedReply(line) }
            replies.append(reply)
        }
        return replies
    }

    /// Writes bytes as they are, for tests of malformed input.
    public func sendRaw(_ bytes: [UInt8]) throws(ClientError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(SystemCallError) in try UnixSocket.sendAll(descriptor, buffer) }
        }
        if case .failure(let error) = result { throw .connectionLost(error.description) }
    }

    /// Reads the next reply line, without its `\n`.
    public func readLine() throws(ClientError) -> String {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            switch input.nextLine() {
            case .line(let bytes): return String(decoding: bytes, as: UTF8.self)
            case .tooLong: throw .malformedReply("reply longer than 16 MiB")
            case .incomplete: break
            }
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                input.append(chunk[0..<count])
            } else if count == 0 {
                throw .connectionLost("closed by bizcached")
            } else if errno != EINTR {
                throw .connectionLost(errno == EAGAIN ? "timed out" : SystemCallError("read").description)
            }
        }
    }

    /// Whether the daemon has closed the connection (reads end of file within the timeout).
    public func readsEndOfFile() -> Bool {
        var byte: UInt8 = 0
        return Glibc.read(descriptor, &byte, 1) == 0
    }
}
