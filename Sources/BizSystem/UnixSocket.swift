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

    /// Sets receive and send timeouts on a blocking socket.
    public static func setTimeout(_ descriptor: Int32, seconds: Double) {
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }
}
