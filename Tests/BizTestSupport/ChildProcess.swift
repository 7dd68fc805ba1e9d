import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program a test starts and must wait for: spawned with `posix_spawn`, signals
/// unblocked and at their defaults (test-runner threads block signals, and a child would
/// inherit that mask), standard input from /dev/null, standard output and error to a file.
///
/// Always waited for: PID 1 on the test machines does not reap orphans.
public final class ChildProcess {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// The process id while it runs; nil once it has been waited for.
    public private(set) var pid: pid_t?
    /// The exit status once known: the exit code, or 128 + the signal number.
    public private(set) var exitStatus: Int32?
    /// Where standard output and standard error go.
    public let outputPath: String

    /// Starts `executable` (a path, or a name looked up in `PATH`).
    /// - Parameter environment: the whole environment; nil inherits the test runner's.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        outputPath: String, appendOutput: Bool = false
    ) throws {
        self.outputPath = outputPath
        let path = executable.contains("/") ? executable : Self.lookUp(executable)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(
            &actions, 1, outputPath, O_WRONLY | O_CREAT | (appendOutput ? O_APPEND : O_TRUNC), 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { envp?.forEach { free($0) } }
        var child: pid_t = 0
        let result = envp.map { posix_spawn(&child, path, &actions, &attributes, argv, $0) }
            ?? posix_spawn(&child, path, &actions, &attributes, argv, environ)
        guard result == 0 else {
            throw Failure("cannot start \(path): \(String(cString: strerror(result)))")
        }
        pid = child
    }

    deinit {
        if pid != nil {
            signal(SIGKILL)
            _ = wait()
        }
    }

    /// Sends a signal if the process has not been waited for yet.
    public func signal(_ number: Int32) {
        if let pid { _ = Glibc.kill(pid, number) }
    }

    /// Waits for the process to exit and returns its status.
    @discardableResult
    public func wait() -> Int32 {
        if let exitStatus { return exitStatus }
        guard let pid else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { return -1 }
        }
        return record(status)
    }

    /// Waits at most `seconds`; returns the status, or nil if the process still runs.
    public func wait(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let status = poll() { return status }
            usleep(10_000)
        }
        return poll()
    }

    /// The status if the process has exited, without blocking.
    public func poll() -> Int32? {
        if let exitStatus { return exitStatus }
        guard let pid else { return nil }
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        return record(status)
    }

    /// Everything the process wrote so far.
    public var output: String {
        (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    private func record(_ status: Int32) -> Int32 {
        let signal = status & 0x7F
        let value = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
        exitStatus = value
        pid = nil
        return value
    }

    /// The first executable file named `name` in `PATH`, else `/usr/bin/name`.
    public static func lookUp(_ name: String) -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return "/usr/bin/\(name)"
    }

    /// Runs a command to completion; returns its status and output.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil
    ) throws -> (status: Int32, output: String) {
        let outputPath = NSTemporaryDirectory() + "bizchild-\(UUID().uuidString).out"
        defer { unlink(outputPath) }
        let child = try ChildProcess(executable, arguments, environment: environment, outputPath: outputPath)
        let status = child.wait()
        return (status, child.output)
    }
}
