import BizClient
import BizCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A `bizcached` started from the build for one test, on a socket in its own temporary folder.
///
/// The daemon gets its configuration from flags only: `DATABASE_URL`, `REDIS_URL` and
/// `BIZCACHED_*` from the test runner's environment are removed, so that a test without
/// Redis really runs without it.
public final class DaemonProcess {
    /// The folder holding the socket and the log.
    public let directory: String
    /// The socket clients connect to.
    public let socketPath: String
    /// The running daemon (or its launcher, such as systemd-socket-activate).
    public let child: ChildProcess

    /// Starts the daemon and waits until it answers `PING`.
    /// - Parameters:
    ///   - arguments: flags after `--socket`, for example `["--database-url", url]`.
    ///   - launcher: a command the daemon is started through; it is given the socket path
    ///     as `{socket}` and the daemon's command line after it.
    ///   - socketPath: where to listen; by default a fresh temporary folder's `bizcached.sock`.
    ///   - logLevel: given as `--log-level`, or nil to leave the level to a configuration file.
    ///   - command: the daemon's whole command line, executable first (as a unit's
    ///     `ExecStart=` gives it), instead of the built bizcached with `--socket`,
    ///     `--config /dev/null`, `--log-level` and `arguments`.
    ///
    /// The daemon reads no configuration file (`--config /dev/null`) unless `arguments`
    /// name one, so that a host's `/etc/bizcached/bizcached.conf` cannot change a test.
    public init(
        arguments: [String], launcher: [String] = [], environment extra: [String: String] = [:],
        socketPath: String? = nil, logLevel: String? = "debug", command: [String]? = nil, waitUntilReady: Bool = true
    ) throws {
        var template = Array("/tmp/bizcached-test.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw ChildProcess.Failure("mkdtemp failed") }
        directory = String(cString: made)
        let socketPath = socketPath ?? directory + "/bizcached.sock"
        self.socketPath = socketPath

        var environment = ProcessInfo.processInfo.environment.filter { key, _ in
            !(key == "DATABASE_URL" || key == "REDIS_URL" || key.hasPrefix("BIZCACHED_") || key.hasPrefix("LISTEN_"))
        }
        environment.merge(extra) { $1 }
        let daemon = try command ?? [BuildProducts.path(of: "bizcached"), "--socket", socketPath, "--config", "/dev/null"]
            + (logLevel.map { ["--log-level", $0] } ?? []) + arguments
        let command = launcher.map { $0.replacingOccurrences(of: "{socket}", with: socketPath) } + daemon
        child = try ChildProcess(
            command[0], Array(command.dropFirst()), environment: environment, outputPath: directory + "/bizcached.log")
        if waitUntilReady { try self.waitUntilReady() }
    }

    deinit {
        if child.pid != nil {
            child.signal(SIGKILL)
            child.wait()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Waits (up to 10 s) until the daemon answers PING.
    public func waitUntilReady() throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let status = child.poll() {
                throw ChildProcess.Failure("bizcached exited with status \(status) before it was ready:\n\(log)")
            }
            if let client = try? BizcachedClient(socketPath: socketPath, timeout: 2),
                (try? client.request("PING")) == .pong
            {
                return
            }
            usleep(20_000)
        }
        throw ChildProcess.Failure("bizcached did not answer PING within 10 s:\n\(log)")
    }

    /// A new connection to the daemon.
    public func client(timeout: Double = 10) throws -> BizcachedClient {
        try BizcachedClient(socketPath: socketPath, timeout: timeout)
    }

    /// Sends one request on a new connection and returns the reply.
    public func request(_ line: String) throws -> ServerReply {
        try client().request(line)
    }

    /// The daemon's `STATS` object.
    public func stats() throws -> [String: Any] {
        guard case .ok(let json?) = try request("STATS"),
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        else { throw ChildProcess.Failure("STATS did not answer a JSON object") }
        return object
    }

    /// Hits of one tier (`l1`, `redis`, `postgres`) from `STATS`.
    public func hits(_ tier: String) throws -> Int {
        ((try stats()["hits"] as? [String: Any])?[tier] as? Int) ?? -1
    }

    /// Sends SIGTERM and waits (up to 10 s) for the exit status.
    public func terminate() -> Int32? {
        child.signal(SIGTERM)
        return child.wait(seconds: 10)
    }

    /// What the daemon logged so far.
    public var log: String { child.output }
}
