import Glibc

/// Tells systemd about the service's state (`sd_notify(3)` without libsystemd): each
/// message is one datagram of `KEY=VALUE` lines to the socket named by `$NOTIFY_SOCKET`, a
/// path or, starting with `@`, an abstract name.
public final class ServiceManagerNotifier: Sendable {
    private let descriptor: Int32
    private let address: UnixSocketAddress

    /// The notifier for `$NOTIFY_SOCKET`, or nil when the service manager did not ask for
    /// notifications (or the socket cannot be used, which is logged).
    public static func fromEnvironment(_ environment: [String: String]) -> ServiceManagerNotifier? {
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty else { return nil }
        do {
            return try ServiceManagerNotifier(path: path)
        } catch {
            Log.warning("cannot use NOTIFY_SOCKET", ["error": error.description])
            return nil
        }
    }

    init(path: String) throws(SystemCallError) {
        address = try UnixSocketAddress(path: path)
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw SystemCallError("socket for NOTIFY_SOCKET", code: errno) }
    }

    deinit { close(descriptor) }

    /// Sends `lines` (such as `READY=1` and `STATUS=…`) as one message; returns whether it went out.
    @discardableResult
    public func notify(_ lines: String...) -> Bool {
        let message = Array(lines.joined(separator: "\n").utf8)
        let sent = message.withUnsafeBytes { bytes in
            address.withSockaddr { sockaddr, length in
                sendto(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), sockaddr, length)
            }
        }
        return sent == message.count
    }

    /// Half the watchdog period systemd asks for (`$WATCHDOG_USEC`, for this process when
    /// `$WATCHDOG_PID` is set), in nanoseconds: how often to send `WATCHDOG=1`; nil when
    /// there is no watchdog.
    public static func watchdogPingInterval(_ environment: [String: String]) -> UInt64? {
        guard let text = environment["WATCHDOG_USEC"], let microseconds = UInt64(text), microseconds > 0 else { return nil }
        if let pid = environment["WATCHDOG_PID"], !pid.isEmpty, pid != String(getpid()) { return nil }
        return microseconds * 1_000 / 2
    }
}
