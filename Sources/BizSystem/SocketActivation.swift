import Glibc

/// Sockets passed by systemd socket activation (`sd_listen_fds(3)`), without libsystemd.
public enum SocketActivation {
    /// The first passed descriptor, always 3.
    public static let firstDescriptor: Int32 = 3

    /// Why the passed sockets cannot be used.
    public enum ActivationError: Error, Sendable, CustomStringConvertible {
        case invalidVariable(String)
        case notAUnixStreamSocket(Int32)

        public var description: String {
            switch self {
            case .invalidVariable(let text): "invalid socket activation environment: \(text)"
            case .notAUnixStreamSocket(let fd): "file descriptor \(fd) passed by systemd is not a listening Unix stream socket"
            }
        }
    }

    /// The listening descriptors meant for this process, or an empty array when it was not
    /// socket-activated (`LISTEN_PID` absent or naming another process). The variables are
    /// removed from the environment so children do not inherit them.
    public static func listeningDescriptors() throws(ActivationError) -> [Int32] {
        guard let pidText = getenv("LISTEN_PID").map({ String(cString: $0) }) else { return [] }
        defer {
            unsetenv("LISTEN_PID")
            unsetenv("LISTEN_FDS")
            unsetenv("LISTEN_FDNAMES")
        }
        guard let pid = Int32(pidText) else { throw .invalidVariable("LISTEN_PID=\(pidText)") }
        guard pid == getpid() else { return [] }
        let countText = getenv("LISTEN_FDS").map { String(cString: $0) } ?? ""
        guard let count = Int32(countText), count >= 1, count < 1024 else {
            throw .invalidVariable("LISTEN_FDS=\(countText)")
        }
        let descriptors = Array(firstDescriptor..<(firstDescriptor + count))
        for descriptor in descriptors where !isListeningUnixStream(descriptor) {
            throw .notAUnixStreamSocket(descriptor)
        }
        return descriptors
    }

    private static func isListeningUnixStream(_ descriptor: Int32) -> Bool {
        func option(_ name: Int32) -> Int32? {
            var value: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            return getsockopt(descriptor, SOL_SOCKET, name, &value, &length) == 0 ? value : nil
        }
        return option(SO_DOMAIN) == AF_UNIX && option(SO_TYPE) == Int32(SOCK_STREAM.rawValue)
            && option(SO_ACCEPTCONN) == 1
    }
}
