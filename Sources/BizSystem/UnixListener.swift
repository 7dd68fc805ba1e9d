import CLinux
import Glibc

/// A listening Unix stream socket: created at a path, or inherited from systemd.
///
/// The descriptor is non-blocking, so several event loops can wait on it and accept
/// from it. `close()` removes the socket file only if this process created it, and only
/// while it is still the file this process created.
public final class UnixListener: Sendable {
    /// The listening descriptor.
    public let descriptor: Int32
    /// The path the socket is bound to, when known.
    public let path: String?
    /// Whether this process created the socket file (and so removes it when it closes).
    public var ownsPath: Bool { boundFile != nil }
    private let boundFile: BoundSocketFile?

    /// Why the daemon cannot listen.
    public enum ListenError: Error, Sendable, CustomStringConvertible {
        /// Another process already answers on the path.
        case alreadyServing(path: String)
        /// Something that is not a socket is in the way.
        case notASocket(path: String)
        /// A system call failed.
        case system(SystemCallError)

        public var description: String {
            switch self {
            case .alreadyServing(let path): "another server is already listening on \(path)"
            case .notASocket(let path): "\(path) exists and is not a socket; refusing to replace it"
            case .system(let error): error.description
            }
        }
    }

    /// Creates the socket at `path` with the given permission bits (0660 by default), owned
    /// by `group` when given. A stale socket file (connecting is refused: nobody listens) is
    /// removed first; a live one, or one that cannot be probed, is left alone.
    public init(path: String, mode: mode_t = 0o660, group: UInt32? = nil, backlog: Int32 = 1024) throws(ListenError) {
        var status = stat()
        if lstat(path, &status) == 0 {
            guard (status.st_mode & S_IFMT) == S_IFSOCK else { throw .notASocket(path: path) }
            let probe: Int32
            do {
                probe = try UnixSocket.connect(path: path)
            } catch {
                // Refused: nobody listens. Gone: removed meanwhile. Anything else (no
                // permission, say) cannot tell a live server from a dead one.
                guard error.code == ECONNREFUSED || error.code == ENOENT else { throw .system(error) }
                probe = -1
            }
            if probe >= 0 {
                Glibc.close(probe)
                throw .alreadyServing(path: path)
            }
            unlink(path)
        }

        let address: UnixSocketAddress
        do { address = try UnixSocketAddress(path: path) } catch { throw .system(error) }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue | SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { throw .system(SystemCallError("socket")) }

        // The umask decides the socket file's mode at bind time, leaving no window
        // in which it is more open than asked.
        let previousMask = umask(~mode & 0o777)
        let bound = address.withSockaddr { Glibc.bind(descriptor, $0, $1) }
        let bindError = errno
        umask(previousMask)
        guard bound == 0 else {
            Glibc.close(descriptor)
            throw .system(SystemCallError("bind(\(path))", code: bindError))
        }
        if let group, chown(path, uid_t.max, group) != 0 {
            let error = SystemCallError("chown(\(path), group \(group))")
            Glibc.close(descriptor)
            unlink(path)
            throw .system(error)
        }
        guard Glibc.listen(descriptor, backlog) == 0 else {
            let error = SystemCallError("listen(\(path))")
            Glibc.close(descriptor)
            unlink(path)
            throw .system(error)
        }
        self.descriptor = descriptor
        self.path = path
        self.boundFile = BoundSocketFile(path: path)
    }

    /// Adopts a listening socket passed by systemd; the file stays when this process exits.
    public init(inheritedDescriptor descriptor: Int32) throws(ListenError) {
        do { try FileDescriptor.makeNonBlocking(descriptor) } catch { throw .system(error) }
        var address = sockaddr_un()
        var length = socklen_t(MemoryLayout<sockaddr_un>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        var path: String?
        if named == 0, address.sun_family == sa_family_t(AF_UNIX) {
            path = withUnsafeBytes(of: address.sun_path) { raw in
                let bytes = raw.prefix(while: { $0 != 0 })
                return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
            }
        }
        self.descriptor = descriptor
        self.path = path
        self.boundFile = nil
    }

    /// Accepts one pending connection as a non-blocking descriptor, or nil when none is waiting.
    public func accept() throws(SystemCallError) -> Int32? {
        while true {
            let client = accept4(descriptor, nil, nil, Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue))
            if client >= 0 { return client }
            switch errno {
            case EINTR, ECONNABORTED: continue
            case EAGAIN, EWOULDBLOCK: return nil
            default: throw SystemCallError("accept")
            }
        }
    }

    /// Closes the socket and, if this process created it, removes the file.
    public func close() {
        Glibc.close(descriptor)
        removeSocketFile()
    }

    /// Removes the socket file if this process created it and it is still that file, leaving
    /// the descriptor open: for an owner that has handed the descriptor on.
    public func removeSocketFile() {
        boundFile?.remove()
    }
}
