import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A datagram socket standing in for systemd's notification socket (`$NOTIFY_SOCKET`): a
/// service started with its `path` sends `READY=1`, `WATCHDOG=1`, `STOPPING=1` and the like.
public final class NotificationSocket {
    /// The value for `NOTIFY_SOCKET`: a file path, or `@name` for an abstract socket.
    public let path: String
    private let descriptor: Int32

    public init(abstract: Bool = false) throws {
        let name = "bizcached-notify-\(UUID().uuidString.prefix(8))"
        path = abstract ? "@" + name : NSTemporaryDirectory() + name
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: bytes)
            if abstract { buffer[0] = 0 }
        }
        let length = abstract ? socklen_t(MemoryLayout<sa_family_t>.size + bytes.count) : socklen_t(MemoryLayout<sockaddr_un>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard descriptor >= 0, bound == 0 else { throw ChildProcess.Failure("cannot bind \(path)") }
    }

    deinit {
        close(descriptor)
        if !path.hasPrefix("@") { unlink(path) }
    }

    /// The messages that arrive within `seconds`.
    public func receive(for seconds: Double) -> [String] {
        receive(until: { _ in false }, timeout: seconds)
    }

    /// The messages that arrive until `enough` holds for all received so far, or until
    /// `timeout` seconds pass (then the caller sees that `enough` does not hold).
    public func receive(until enough: ([String]) -> Bool, timeout: Double) -> [String] {
        var messages: [String] = []
        let deadline = Date().addingTimeInterval(timeout)
        while !enough(messages), Date() < deadline {
            if let message = next(waitingMilliseconds: Int32(max(1, deadline.timeIntervalSinceNow * 1000))) {
                messages.append(message)
            }
        }
        return messages
    }

    /// The messages already waiting, without waiting for more.
    public func pending() -> [String] {
        var messages: [String] = []
        while let message = next(waitingMilliseconds: 0) { messages.append(message) }
        return messages
    }

    private func next(waitingMilliseconds: Int32) -> String? {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, waitingMilliseconds) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : nil
    }
}
