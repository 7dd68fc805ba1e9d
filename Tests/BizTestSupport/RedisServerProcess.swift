import BizCore
import BizRedis
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A private `redis-server` for one test: unix socket only (no TCP), no persistence,
/// in its own temporary directory, which is removed when the object goes away.
///
/// Started and always waited for through `ChildProcess` (signals unblocked in the child,
/// no orphans left behind). Not `Sendable`: each test owns its own server.
public final class RedisServerProcess {
    /// Why the server could not be started or a `redis-cli` call failed.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The unix socket the server listens on; stays the same across `restart()`.
    public let socketPath: String
    /// The temporary directory holding the socket and the server log.
    public let directory: String
    private let extraArguments: [String]
    private var server: ChildProcess?

    /// The endpoint to connect to (database 0, no credentials).
    public var endpoint: RedisEndpoint { RedisEndpoint(address: .unix(path: socketPath)) }
    /// The endpoint as a `unix://` URL, as `REDIS_URL` would give it.
    public var url: String { "unix://\(socketPath)" }
    /// The running server's process id, or nil when it is not running.
    public var pid: pid_t? { server?.pid }

    /// Starts the server and waits (up to about 5 s) until it answers `PING`.
    ///
    /// - Parameter extraArguments: more `redis-server` options, for example
    ///   `["--requirepass", "secret"]`.
    public init(extraArguments: [String] = []) throws {
        // Short fixed prefix: a unix socket path must fit in 108 bytes.
        var template = Array("/tmp/bizredis.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure(description: "mkdtemp failed: errno \(errno)") }
        directory = String(cString: made)
        socketPath = directory + "/redis.sock"
        self.extraArguments = extraArguments
        do {
            try start()
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Sends SIGTERM and waits for the server to exit. Does nothing when it is not running.
    public func stop() {
        signalAndWait(SIGTERM)
    }

    /// Sends SIGKILL and waits for the server to exit. Does nothing when it is not running.
    public func kill() {
        signalAndWait(SIGKILL)
    }

    /// Freezes the server with SIGSTOP: connections stay open but nothing is answered.
    public func suspend() {
        server?.signal(SIGSTOP)
    }

    /// Undoes `suspend()` with SIGCONT.
    public func resume() {
        server?.signal(SIGCONT)
    }

    /// Stops the server if it runs, then starts a fresh one on the same socket path.
    public func restart() throws {
        stop()
        try start()
    }

    /// Runs `redis-cli -s <socket> args...` and returns its output, trimmed.
    @discardableResult
    public func cli(_ args: String...) throws -> String {
        let (status, output) = try ChildProcess.run("redis-cli", ["-s", socketPath] + args)
        let text = output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard status == 0 else {
            throw Failure(description: "redis-cli \(args.joined(separator: " ")) exited \(status): \(text)")
        }
        return text
    }

    // MARK: Internals

    private func start() throws {
        let arguments = [
            "--port", "0", "--unixsocket", socketPath, "--unixsocketperm", "700",
            "--save", "", "--appendonly", "no", "--dir", directory, "--daemonize", "no",
        ] + extraArguments
        let child = try ChildProcess("redis-server", arguments, outputPath: directory + "/redis.log", appendOutput: true)
        server = child

        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if let status = child.poll() {
                server = nil
                throw Failure(description: "redis-server exited with \(status):\n\(logTail(child))")
            }
            if answersPing() { return }
            usleep(20_000)
        }
        kill()
        throw Failure(description: "redis-server did not answer PING on \(socketPath) within 5 s:\n\(logTail(child))")
    }

    /// Any reply counts, including `NOAUTH` from a server with `requirepass`.
    private func answersPing() -> Bool {
        guard access(socketPath, F_OK) == 0,
              let connection = try? RedisConnection(endpoint: endpoint, timeout: .milliseconds(500))
        else { return false }
        return (try? connection.command("PING")) != nil
    }

    private func signalAndWait(_ signal: Int32) {
        guard let server else { return }
        self.server = nil
        server.signal(signal)
        server.signal(SIGCONT) // a suspended server must run to handle SIGTERM
        server.wait()
    }

    private func logTail(_ child: ChildProcess) -> String {
        child.output.split(separator: "\n").suffix(20).joined(separator: "\n")
    }
}
