import CLinux
import Glibc

/// Opening client connections to a Unix stream socket.
public enum UnixSocket {
    /// Connects to the socket at `path`; the descriptor is blocking and close-on-exec.
    public static func connect(path: String) throws(SystemCallError) -> Int32 {
        let address = try UnixSocketAddress(path: path)
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw SystemCallError("socket") }
        let result = address.withSockaddr { Glibc.connect(descriptor, $0, $1) }
        guard result == 0 else {
            let error = SystemCallError("connect(\(path))")
            Glibc.close(descriptor)
            throw error
        }
        return descriptor
    }

    /// Sends all of `bytes` on a blocking socket. A peer that has gone away is an `EPIPE`
    /// error, never a SIGPIPE that kills the process.
    public static func sendAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemCallError) {
        var offset = 0
        while offset < bytes.count {
            let sent = send(descriptor, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if sent < 0 {
                if errno == EINTR { continue }
                throw SystemCallError("send")
            }
            offset += sent
        }
    }

    /// Sends what a non-blocking socket takes now: the count sent, 0 when it is full, or nil
    /// when the connection is broken. Never raises SIGPIPE.
    public static func sendSome(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int? {
        while true {
            let sent = send(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if sent >= 0 { return sent }
            if errno == EINTR { continue }
            return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : nil
        }
    }

    /// Sets receive and send timeouts on a blocking socket.
    public static func setTimeout(_ descriptor: Int32, seconds: Double) {
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }
}
