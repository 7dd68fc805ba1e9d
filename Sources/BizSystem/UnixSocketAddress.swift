import Glibc

/// A filesystem path (or, written `@name`, a Linux abstract name) as a `sockaddr_un`.
struct UnixSocketAddress: Sendable {
    private(set) var storage = sockaddr_un()
    private var length = socklen_t(MemoryLayout<sockaddr_un>.size)

    init(path: String) throws(SystemCallError) {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count < MemoryLayout.size(ofValue: storage.sun_path) else {
            throw SystemCallError("socket path '\(path)'", code: ENAMETOOLONG)
        }
        storage.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &storage.sun_path) { buffer in
            buffer.copyBytes(from: bytes)
        }
        if bytes[0] == UInt8(ascii: "@") {
            // Abstract: a NUL, then the name, and the length says where it ends.
            withUnsafeMutableBytes(of: &storage.sun_path) { buffer in buffer[0] = 0 }
            length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count)
        }
    }

    /// Calls `body` with the address as a generic `sockaddr` and its length.
    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        withUnsafePointer(to: storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                body($0, length)
            }
        }
    }
}
