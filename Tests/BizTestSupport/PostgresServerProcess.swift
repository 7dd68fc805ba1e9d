import BizPostgres
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A private PostgreSQL 15 cluster for one test, for tests that stop, restart or freeze the
/// database server itself (the shared server of `PostgresTestDatabase` must stay up).
///
/// `init` runs `initdb` into a fresh temporary folder (trust authentication, superuser
/// `bizcached`, locale C.UTF-8, no fsync), starts the server listening only on a Unix
/// socket in that folder, and creates one database. Everything is stopped and removed
/// when the object goes away.
///
/// PostgreSQL refuses to run as root: as root, `initdb` and the server run as Debian's
/// unprivileged `postgres` user (through `setpriv`, which execs rather than forks), and the
/// folder, under `/tmp`, is given to that user.
///
/// The server is started as a `ChildProcess` running `postgres -D …` in the foreground, not
/// through `pg_ctl start`: `pg_ctl` detaches the server, whose exit PID 1 on the test
/// machines never reaps, leaving a zombie per start. As a child it is always waited for.
/// `stop()` sends the signal `pg_ctl stop -m fast` sends.
///
/// Not `Sendable`: each test owns its own cluster.
public final class PostgresServerProcess {
    /// Why the cluster could not be created or started.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// The PostgreSQL superuser `initdb` creates, whom every connection uses.
    public static let superuser = "bizcached"
    /// The unprivileged user the cluster runs as when the tests run as root.
    public static let ownerWhenRoot = "postgres"

    /// The folder holding the data folder, the server log and the server's socket.
    public let directory: String
    /// The cluster's data folder (`PGDATA`).
    public let dataDirectory: String
    /// The folder of the server's Unix socket (`host=` for libpq); stays the same across
    /// `stop()` and `start()`.
    public var socketDirectory: String { directory }
    /// The database created for the test.
    public let databaseName: String
    /// A libpq `key=value` string for the test database.
    public let connectionString: String
    /// The test database as a `postgresql://` URI without password, as
    /// `PostgresTestDatabase.url` builds it, for `--database-url`.
    public let url: String
    /// What the server wrote (all its starts, appended).
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
    /// The postmaster's process id while the server runs, else nil.
    public var pid: pid_t? { server?.pid }
    /// Whether `suspend()` froze the server and `resume()` has not thawed it yet.
    public var isSuspended: Bool { !suspended.isEmpty }

    private let binaries: String
    private let logPath: String
    /// `setpriv` arguments that put a command under the owner's ids, empty unless root.
    private let asOwner: [String]
    private var server: ChildProcess?
    /// The processes `suspend()` stopped, postmaster first.
    private var suspended: [pid_t] = []

    /// Creates, starts and prepares the cluster; throws (and leaves nothing behind) when
    /// PostgreSQL 15 is missing or does not start within 30 s.
    ///
    /// - Parameters:
    ///   - databaseName: the database to create; a plain identifier.
    ///   - binaries: the folder of `initdb` and `postgres`; `BIZ_TEST_PGBIN` or Debian's
    ///     `/usr/lib/postgresql/15/bin` by default.
    public init(databaseName: String = "biztest", binaries: String? = nil) throws {
        self.binaries = binaries ?? ProcessInfo.processInfo.environment["BIZ_TEST_PGBIN"]
            .flatMap { $0.isEmpty ? nil : $0 } ?? "/usr/lib/postgresql/15/bin"
        guard FileManager.default.isExecutableFile(atPath: self.binaries + "/initdb") else {
            throw Failure("no PostgreSQL at \(self.binaries) (apt-get install postgresql-15, or set BIZ_TEST_PGBIN)")
        }
        // A short fixed prefix under /tmp: a socket path must fit in 108 bytes, and as root
        // the `postgres` user must be able to reach the folder (/tmp is world-searchable).
        var template = Array("/tmp/bizpg.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure("mkdtemp failed: errno \(errno)") }
        directory = String(cString: made)
        dataDirectory = directory + "/data"
        logPath = directory + "/postgres.log"
        self.databaseName = databaseName
        connectionString = "host='\(directory)' user=\(Self.superuser) dbname=\(databaseName)"
        let allowed = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))
        let host = directory.addingPercentEncoding(withAllowedCharacters: allowed) ?? directory
        url = "postgresql:///\(databaseName)?host=\(host)&user=\(Self.superuser)"

        let owner = geteuid() == 0 ? getpwnam(Self.ownerWhenRoot).map { ($0.pointee.pw_uid, $0.pointee.pw_gid) } : nil
        if geteuid() == 0 && owner == nil {
            rmdir(directory)
            throw Failure("running as root, but there is no '\(Self.ownerWhenRoot)' user to run PostgreSQL as")
        }
        asOwner = owner == nil ? [] : [
            "setpriv", "--reuid=\(Self.ownerWhenRoot)", "--regid=\(Self.ownerWhenRoot)", "--init-groups",
        ]
        do {
            // Private to the owner (root gets in regardless): the socket trusts anyone who
            // reaches it.
            if let (uid, gid) = owner, chown(directory, uid, gid) != 0 {
                throw Failure("cannot give \(directory) to \(Self.ownerWhenRoot): errno \(errno)")
            }
            try initializeCluster()
            try start()
            // FILE_COPY: copying template1's files (then a checkpoint, cheap without fsync)
            // is faster than PostgreSQL 15's default of writing it all to the WAL.
            try connectAdministrator().execute("CREATE DATABASE \(databaseName) STRATEGY = FILE_COPY")
        } catch {
            discard()
            throw error
        }
    }

    deinit {
        discard()
    }

    // MARK: Connections

    /// A new connection to the test database.
    public func connect() throws -> PostgresConnection {
        try PostgresConnection(connectionString: connectionString)
    }

    /// A new connection to the cluster's `postgres` database, for statements about the test
    /// database from outside it (`pg_stat_activity`, `pg_terminate_backend`).
    public func connectAdministrator() throws -> PostgresConnection {
        try PostgresConnection(connectionString: administratorConnectionString)
    }

    /// Applies the package's migrations (or those of `migrator`) to the test database.
    @discardableResult
    public func applyMigrations(_ migrator: Migrator = Migrator()) throws -> [Migration] {
        try migrator.apply(on: connect())
    }

    /// Makes `roles` give their password (SCRAM) over the Unix socket, where the cluster
    /// otherwise trusts everyone, and reloads the configuration.
    public func requirePassword(of roles: [String]) throws {
        let hba = dataDirectory + "/pg_hba.conf"
        let rules = try String(contentsOfFile: hba, encoding: .utf8)
        // Written in place, so the file keeps its owner.
        try ("local all \(roles.joined(separator: ",")) scram-sha-256\n" + rules)
            .write(toFile: hba, atomically: false, encoding: .utf8)
        try connect().execute("SELECT pg_reload_conf()")
    }

    private var administratorConnectionString: String {
        "host='\(directory)' user=\(Self.superuser) dbname=postgres"
    }

    // MARK: Life cycle

    /// Starts the server on the same socket if it is not running, and waits (up to 30 s)
    /// until it accepts connections.
    public func start() throws {
        guard server == nil else { return }
        let command = asOwner + [binaries + "/postgres", "-D", dataDirectory]
        let child = try ChildProcess(command[0], Array(command.dropFirst()), outputPath: logPath, appendOutput: true)
        server = child
        // `setpriv` execs: the child is the postmaster. It writes "ready" as the status line
        // of postmaster.pid once it accepts connections (what `pg_ctl start -w` waits for).
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let status = child.poll() {
                server = nil
                throw Failure("postgres exited with status \(status) while starting:\n\(logTail())")
            }
            if isReady(pid: child.pid) { return }
            usleep(10_000)
        }
        stopServer(signal: SIGQUIT)
        throw Failure("postgres did not accept connections within 30 s:\n\(logTail())")
    }

    /// Shuts the server down as `pg_ctl stop -m fast` does (SIGINT: sessions are ended,
    /// nothing is waited for) and waits until it has exited; its socket goes away, so
    /// connecting fails at once. A suspended server is resumed first. Does nothing when it
    /// is not running.
    public func stop() {
        stopServer(signal: SIGINT)
    }

    /// Freezes the server with SIGSTOP, the postmaster first (so that it forks nothing
    /// more), then every process it has started (sessions, checkpointer, writers...), and
    /// returns once all of them are stopped. Connections stay open and new ones are queued
    /// by the kernel, but nothing is answered: a hung database.
    public func suspend() {
        guard let pid = server?.pid, suspended.isEmpty else { return }
        _ = kill(pid, SIGSTOP)
        var stopped = [pid]
        for child in Self.children(of: pid) where kill(child, SIGSTOP) == 0 {
            stopped.append(child)
        }
        suspended = stopped
        // A signal is delivered asynchronously: wait (briefly) until each one has stopped.
        let deadline = Date().addingTimeInterval(2)
        while Date() < deadline, stopped.contains(where: { Self.state(of: $0).map { $0 != "T" && $0 != "Z" } ?? false }) {
            usleep(1_000)
        }
    }

    /// Undoes `suspend()` with SIGCONT to the same processes.
    public func resume() {
        guard !suspended.isEmpty else { return }
        for pid in suspended.reversed() { _ = kill(pid, SIGCONT) }
        suspended = []
    }

    // MARK: Internals

    private func initializeCluster() throws {
        let command = asOwner + [
            binaries + "/initdb", "-D", dataDirectory, "-U", Self.superuser, "--auth=trust",
            "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions",
        ]
        let (status, output) = try ChildProcess.run(command[0], Array(command.dropFirst()))
        guard status == 0 else { throw Failure("initdb exited with status \(status):\n\(output)") }
        // PostgreSQL 15's initdb has no -c; the last setting in the file wins.
        let settings = """

            # PostgresServerProcess: a throwaway cluster, reachable only through its socket.
            listen_addresses = ''
            unix_socket_directories = '\(directory)'
            fsync = off
            synchronous_commit = off
            full_page_writes = off
            shared_buffers = 16MB
            max_connections = 100
            autovacuum = off

            """
        guard let file = FileHandle(forWritingAtPath: dataDirectory + "/postgresql.conf") else {
            throw Failure("cannot open \(dataDirectory)/postgresql.conf")
        }
        defer { try? file.close() }
        try file.seekToEnd()
        try file.write(contentsOf: Data(settings.utf8))
    }

    /// Whether postmaster.pid names `pid` and says "ready".
    private func isReady(pid: pid_t?) -> Bool {
        guard let pid, let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8)
        else { return false }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.count >= 8 && lines[0] == "\(pid)"
            && lines[7].trimmingCharacters(in: .whitespaces) == "ready"
    }

    private func stopServer(signal number: Int32) {
        guard let server else { return }
        resume()
        server.signal(number)
        if server.wait(seconds: 30) == nil {
            // Not down after 30 s: immediate shutdown, then kill; its sessions notice the
            // postmaster's death and exit by themselves.
            server.signal(SIGQUIT)
            if server.wait(seconds: 5) == nil { server.signal(SIGKILL) }
        }
        server.wait()
        self.server = nil
    }

    /// Stops the server if it runs and removes the folder.
    private func discard() {
        stopServer(signal: SIGINT)
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func logTail() -> String {
        log.split(separator: "\n").suffix(20).joined(separator: "\n")
    }

    /// The fields of /proc/<pid>/stat after the command name: state, parent pid...
    private static func statFields(of pid: pid_t) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { return nil }
        return stat[stat.index(after: end)...].split(separator: " ")
    }

    /// A process's state letter (`R`, `S`, `T` stopped, `Z`...), nil when it is gone.
    private static func state(of pid: pid_t) -> Character? {
        statFields(of: pid)?.first?.first
    }

    /// The processes whose parent is `pid`, read from /proc (`/proc/<pid>/task/*/children`
    /// is not available on every kernel, and `pgrep` not on every machine).
    private static func children(of pid: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> pid_t? in
            guard let candidate = pid_t(entry), let fields = statFields(of: candidate), fields.count > 1,
                pid_t(fields[1]) == pid
            else { return nil }
            return candidate
        }
    }
}
