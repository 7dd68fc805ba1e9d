import Foundation
import Glibc
import Synchronization

/// A Unix-socket relay in front of a server that can hold back what the server sends, so
/// that a test can make a client receive an answer late, at a moment of its choosing.
///
/// The relay listens on `<directory>/<socketName>` (for PostgreSQL, `.s.PGSQL.5432`, so
/// that `host=<directory>` reaches it). Connections are numbered in the order they are
/// accepted; those numbered below `passThrough` are never held (for example a daemon's
/// LISTEN connection, which it opens first).
public final class HoldingProxy: @unchecked Sendable {
    /// The folder holding the relay's socket.
    public let directory: String
    private let upstream: String
    private let passThrough: Int
    private let listener: Int32
    private let isHolding = Atomic<Bool>(false)
    private let isClosed = Atomic<Bool>(false)
    private let accepted = Atomic<Int>(0)

    /// Starts relaying `<directory>/<socketName>` to the socket at `upstream`.
    public init(upstream: String, socketName: String, passThrough: Int) throws {
        var template = Array("/tmp/bizproxy.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw ChildProcess.Failure("mkdtemp failed") }
        directory = String(cString: made)
        chmod(directory, 0o755)
        self.upstream = upstream
        self.passThrough = passThrough
        listener = try Self.listen(at: directory + "/" + socketName)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    deinit {
        isClosed.store(true, ordering: .relaxed)
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// From now on, what the server sends on holdable connections waits in the relay.
    public func hold() { isHolding.store(true, ordering: .sequentiallyConsistent) }

    /// Delivers what was held, and everything after it, at once.
    public func release() { isHolding.store(false, ordering: .sequentiallyConsistent) }

    /// Connections accepted so far.
    public var connectionCount: Int { accepted.load(ordering: .relaxed) }

    private func acceptLoop() {
        while !isClosed.load(ordering: .relaxed) {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                if errno == EINTR { continue }
                return
            }
            let number = accepted.add(1, ordering: .relaxed).oldValue
            guard let server = try? Self.connect(to: upstream) else {
                Glibc.close(client)
                continue
            }
            let holdable = number >= passThrough
            Thread.detachNewThread { [self] in pump(from: client, to: server, holdable: false) }
            Thread.detachNewThread { [self] in pump(from: server, to: client, holdable: holdable) }
        }
    }

    private func pump(from source: Int32, to destination: Int32, holdable: Bool) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        defer {
            shutdown(destination, Int32(SHUT_WR))
            shutdown(source, Int32(SHUT_RD))
        }
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(source, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            while holdable && isHolding.load(ordering: .sequentiallyConsistent) { usleep(1_000) }
            var offset = 0
            while offset < count {
                let written = buffer.withUnsafeBytes {
                    Glibc.send(destination, $0.baseAddress! + offset, count - offset, Int32(MSG_NOSIGNAL))
                }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }

    private static func address(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            for (index, byte) in path.utf8.prefix(bytes.count - 1).enumerated() { bytes[index] = byte }
        }
        return address
    }

    private static func listen(at path: String) throws -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = address(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard descriptor >= 0, bound == 0, Glibc.listen(descriptor, 64) == 0 else {
            throw ChildProcess.Failure("cannot listen on \(path): \(String(cString: strerror(errno)))")
        }
        chmod(path, 0o777)
        return descriptor
    }

    private static func connect(to path: String) throws -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = address(path)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard descriptor >= 0, connected == 0 else {
            Glibc.close(descriptor)
            throw ChildProcess.Failure("cannot connect to \(path): \(String(cString: strerror(errno)))")
        }
        return descriptor
    }
}
