import BizClient
import BizTestSupport
import CSeccomp
import Foundation
import Glibc
import Testing

/// The units in systemd/ and scripts/install, checked with systemd's own tools and by running
/// the built binaries the way the units run them.
@Suite struct SystemdUnitTests {
    // MARK: systemd-analyze

    /// Every unit passes `systemd-analyze verify`, without a warning. verify fails when an
    /// `ExecStart=` binary is missing, so the units are checked as copies naming the built
    /// binaries instead of /usr/local/bin.
    @Test(.enabled(if: SystemdTools.analyze != nil, "systemd-analyze is not installed (Debian package systemd)"))
    func everyUnitPassesVerify() throws {
        let units = try UnitFile.all()
        #expect(Set(units.map(\.name)).isSuperset(of: [
            "bizcached.socket", "bizcached.service", "bizqueue-worker.service", "biz10dlc-sync.service",
            "biz10dlc-sync.timer", "bizadmin.service",
        ]))
        let staged = try StagedUnits(units)
        let result = try staged.verify()
        #expect(result.status == 0, "\(result.output)")
        #expect(result.complaints.isEmpty, "\(result.output)")
    }

    /// The check above would notice: a missing binary fails verify, and a misspelt setting,
    /// which verify only warns about, shows up among the complaints.
    @Test(.enabled(if: SystemdTools.analyze != nil, "systemd-analyze is not installed (Debian package systemd)"))
    func verifyCatchesAMissingBinaryAndAMisspeltSetting() throws {
        let worker = try #require(try UnitFile.all().first { $0.name == "bizqueue-worker.service" })
        let missing = try StagedUnits([worker], binaries: "/nonexistent/bizcached-test/")
        #expect(try missing.verify().status != 0)

        let misspelt = UnitFile(
            name: worker.name,
            text: worker.text.replacingOccurrences(of: "\nProtectProc=", with: "\nProtectProcess="))
        let result = try StagedUnits([misspelt]).verify()
        #expect(result.complaints.contains { $0.contains("ProtectProcess") }, "\(result.output)")
    }

    /// The long-running services and the sync score an overall exposure of 2.0 or lower in
    /// `systemd-analyze security` (0 is fully locked down, 10 unprotected).
    @Test(
        .enabled(if: SystemdTools.analyze != nil, "systemd-analyze is not installed (Debian package systemd)"),
        arguments: ["bizcached.service", "bizqueue-worker.service", "biz10dlc-sync.service", "bizadmin.service"])
    func exposureIsAtMostTwo(unit name: String) throws {
        let unit = try #require(try UnitFile.all().first { $0.name == name })
        let staged = try StagedUnits([unit])
        // --threshold=20 (tenths): the command fails above 2.0 too.
        let result = try ChildProcess.run(
            SystemdTools.analyze!, ["security", "--offline=yes", "--threshold=20", staged.path(of: name)])
        let score = try #require(SystemdTools.exposure(in: result.output, unit: name), "\(result.output)")
        #expect(score <= 2.0, "\(result.output)")
        #expect(result.status == 0, "\(result.output)")
    }

    // MARK: Socket activation

    /// bizcached started the way systemd starts it: the socket of bizcached.socket's
    /// `ListenStream=` bound first, and bizcached.service's `ExecStart=` command line run only
    /// when the first client connects, with the socket as descriptor 3, a clean environment,
    /// the unit's credentials in `$CREDENTIALS_DIRECTORY`, and `Type=notify` honoured:
    /// READY=1 once it serves, WATCHDOG=1 while it runs, STOPPING=1 on SIGTERM.
    @Test(.enabled(
        if: SystemdTools.available("systemd-socket-activate"), "systemd-socket-activate is not installed (Debian package systemd)"))
    func socketActivatedAsTheUnitsSayAndNotifying() throws {
        let socketUnit = try UnitFile.named("bizcached.socket")
        let service = try UnitFile.named("bizcached.service")
        #expect(service.value("Type") == "notify")
        #expect(service.value("NotifyAccess") == "main")
        #expect(service.value("WatchdogSec") != nil)

        let listenStream = try #require(socketUnit.value("ListenStream"))
        let place = try SocketPlace(unitPath: listenStream)
        defer { place.cleanUp() }
        if let reason = place.fallbackReason {
            print("SystemdUnitTests: listening on \(place.path) instead of \(listenStream): \(reason)")
        }

        // ExecStart= with only the binary replaced by the built one.
        var command = try #require(service.value("ExecStart")).split(separator: " ").map(String.init)
        #expect(command[0] == "/usr/local/bin/bizcached")
        command[0] = try BuildProducts.path(of: "bizcached")

        let database = try PostgresTestDatabase()
        try database.applyMigrations()
        try database.connect().execute(
            "INSERT INTO businesses (name, public_phone) VALUES ('Unit Activated', '+15550100021')")
        let credentials = try CredentialsDirectory(for: service)
        let notifications = try NotificationSocket()
        // A bizcached.conf installed on this host must not reach the test's daemon: an empty one.
        let etc = try TemporaryDirectory(prefix: "bizcached-etc")
        let configuration = etc.path + "/bizcached.conf"
        try "# empty: the test gives DATABASE_URL\n".write(toFile: configuration, atomically: true, encoding: .utf8)
        // The environment systemd would give: the configuration (here the database as the old
        // EnvironmentFile= would), the notification socket, a watchdog (shorter than the unit's
        // WatchdogSec= so that pings come quickly) and the credentials. systemd-socket-activate
        // passes on only the variables named with -E.
        let environment = [
            "DATABASE_URL": database.url, "BIZCACHED_CONFIG": configuration, "NOTIFY_SOCKET": notifications.path,
            "WATCHDOG_USEC": "400000", "CREDENTIALS_DIRECTORY": credentials.path,
        ]
        let daemon = try DaemonProcess(
            arguments: [],
            launcher: [ChildProcess.lookUp("systemd-socket-activate"), "-l", "{socket}"]
                + environment.keys.sorted().flatMap { ["-E", $0] },
            environment: environment, socketPath: place.path, command: command, waitUntilReady: false)
        let pid = try #require(daemon.child.pid)

        // Until a client connects, only the socket exists: the daemon has not been started.
        #expect(eventually { access(place.path, F_OK) == 0 })
        #expect(processName(pid) == "systemd-socket-")
        #expect(notifications.pending().isEmpty)

        // The first connection starts bizcached in the same process (LISTEN_PID matches).
        try daemon.waitUntilReady()
        let started = notifications.receive(until: { $0.contains { $0.contains("READY=1") } }, timeout: 10)
        #expect(started.contains { $0.contains("READY=1") }, "\(started)\n\(daemon.log)")
        #expect(processName(pid) == "bizcached")
        #expect(daemon.log.contains("activated=yes"))
        guard case .ok(let json?) = try daemon.request("GET 555-010-0021") else {
            Issue.record("no answer on the inherited socket:\n\(daemon.log)")
            return
        }
        #expect(json.contains("\"Unit Activated\""))

        let pings = notifications.receive(until: { $0.filter { $0 == "WATCHDOG=1" }.count >= 2 }, timeout: 10)
        #expect(pings.filter { $0 == "WATCHDOG=1" }.count >= 2, "\(pings)")

        daemon.child.signal(SIGTERM)
        let stopping = notifications.receive(until: { $0.contains { $0.hasPrefix("STOPPING=1") } }, timeout: 10)
        #expect(stopping.contains { $0.hasPrefix("STOPPING=1") }, "\(stopping)")
        #expect(daemon.child.wait(seconds: 10) == 0, "\(daemon.log)")
        // The socket belongs to systemd: the daemon leaves it in place.
        #expect(access(place.path, F_OK) == 0)
    }

    // MARK: MemoryDenyWriteExecute=

    /// The filter the next test runs the binaries under really refuses writable executable
    /// memory (on the thread that installed it, and nowhere else in this process).
    @Test func writeXorExecuteFilterRefusesWritableCode() throws {
        let refused = try WriteXorExecute.run {
            let page = Int(sysconf(Int32(_SC_PAGESIZE)))
            let writableCode = mmap(nil, page, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            let mmapRefused = writableCode == UnsafeMutableRawPointer(bitPattern: -1) && errno == EPERM
            if !mmapRefused { munmap(writableCode, page) }
            let data = mmap(nil, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            defer { munmap(data, page) }
            let mprotectRefused = mprotect(data, page, PROT_READ | PROT_EXEC) == -1 && errno == EPERM
            return (mmapRefused, mprotectRefused)
        }
        #expect(refused.0)
        #expect(refused.1)
    }

    /// bizcached serves lookups, `bizqueue work` sends texts and bizadmin serves its sign-in
    /// page under the seccomp filter that systemd 252 installs for `MemoryDenyWriteExecute=yes`,
    /// which the units set: neither the Swift runtime nor a library they load needs memory
    /// that is writable and executable.
    @Test func binariesRunUnderMemoryDenyWriteExecute() throws {
        let database = try PostgresTestDatabase()
        try database.applyMigrations()
        try database.connect().execute(
            "INSERT INTO businesses (name, public_phone) VALUES ('No JIT Here', '+15550100022')")

        let daemon = try WriteXorExecute.run {
            try DaemonProcess(arguments: ["--database-url", database.url])
        }
        #expect(seccompMode(daemon.child.pid) == 2)
        for _ in 0..<2 {  // from PostgreSQL, then from the LRU
            guard case .ok(let json?) = try daemon.request("GET 5550100022") else {
                Issue.record("no answer under the filter:\n\(daemon.log)")
                return
            }
            #expect(json.contains("\"No JIT Here\""))
        }
        #expect(daemon.terminate() == 0, "\(daemon.log)")

        let twilio = try FakeTwilio()
        let credentials = try CredentialsDirectory(["twilio-auth-token": twilio.authToken])
        let bizqueue = try BuildProducts.path(of: "bizqueue")
        let environment = [
            "PATH": "/usr/bin:/bin", "DATABASE_URL": database.url, "TWILIO_ACCOUNT_SID": twilio.accountSID,
            "TWILIO_API_BASE": twilio.baseURL, "CREDENTIALS_DIRECTORY": credentials.path,
        ]
        let queued = try ChildProcess.run(
            bizqueue, ["enqueue", "--to", "+15550100023", "--from", "+15550100024", "--body", "sent under W^X"],
            environment: environment)
        #expect(queued.status == 0, "\(queued.output)")
        let logs = try TemporaryDirectory(prefix: "bizqueue-wx")
        let worker = try WriteXorExecute.run {
            try ChildProcess(bizqueue, ["work"], environment: environment, outputPath: logs.path + "/worker.log")
        }
        #expect(seccompMode(worker.pid) == 2)
        #expect(twilio.waitForMessages(1, timeout: 30), "\(worker.output)")
        #expect(eventually {
            (try? database.connect().query("SELECT status FROM sms_queue").value(row: 0, column: "status")) == "sent"
        }, "\(worker.output)")
        worker.signal(SIGTERM)
        #expect(worker.wait(seconds: 30) == 0, "\(worker.output)")

        let port = try LoopbackHTTPClient.freePort()
        let admin = try WriteXorExecute.run {
            try ChildProcess(
                try BuildProducts.path(of: "bizadmin"), ["--listen", "127.0.0.1:\(port)"],
                environment: ["DATABASE_URL": database.url], outputPath: logs.path + "/bizadmin.log")
        }
        #expect(seccompMode(admin.pid) == 2)
        #expect(eventually { (try? LoopbackHTTPClient.request("GET", "/login", port: port))?.status == 200 }, "\(admin.output)")
        admin.signal(SIGTERM)
        #expect(admin.wait(seconds: 10) == 0, "\(admin.output)")
    }

    // MARK: scripts/install

    /// `scripts/install --bin-dir … DESTDIR=…` puts binaries, units, documentation and example
    /// configuration where they belong, creates missing configuration files and leaves
    /// existing ones alone, also when run again.
    @Test func installPutsEverythingInPlaceAndKeepsConfiguration() throws {
        let products = URL(fileURLWithPath: try BuildProducts.path(of: "bizcached")).deletingLastPathComponent().path
        let destination = try TemporaryDirectory(prefix: "bizcached-install")
        let root = destination.path
        try FileManager.default.createDirectory(atPath: root + "/etc/bizcached", withIntermediateDirectories: true)
        try "database-url = postgresql://mine@db/app\n".write(
            toFile: root + "/etc/bizcached/bizcached.conf", atomically: true, encoding: .utf8)

        let first = try Installer.run(["--bin-dir", products, "DESTDIR=\(root)"])
        #expect(first.status == 0, "\(first.output)")
        for binary in ["bizcached", "bizctl", "bizqueue", "biz10dlc", "bizadmin"] {
            let installed = root + "/usr/local/bin/" + binary
            #expect(FileManager.default.isExecutableFile(atPath: installed), "\(binary)")
            #expect(FileManager.default.contentsEqual(atPath: installed, andPath: products + "/" + binary), "\(binary)")
        }
        let repository = ServerFixture.repositoryRoot.path
        for unit in try UnitFile.all() {
            #expect(
                FileManager.default.contentsEqual(atPath: root + "/etc/systemd/system/" + unit.name, andPath: unit.path),
                "\(unit.name)")
        }
        #expect(try String(contentsOfFile: root + "/etc/sysusers.d/bizcached.conf", encoding: .utf8)
            .contains("g bizcached-clients "))
        #expect(FileManager.default.contentsEqual(
            atPath: root + "/usr/local/share/doc/bizcached/README.md", andPath: repository + "/README.md"))
        #expect(FileManager.default.contentsEqual(
            atPath: root + "/usr/local/share/doc/bizcached/PROTOCOL.md", andPath: repository + "/protocol/PROTOCOL.md"))

        // The existing file is kept; the missing ones are created from the examples, which are
        // installed beside them.
        #expect(try String(contentsOfFile: root + "/etc/bizcached/bizcached.conf", encoding: .utf8)
            == "database-url = postgresql://mine@db/app\n")
        #expect(first.output.contains("kept as they were"))
        for example in ["bizcached.conf", "bizqueue.env", "biz10dlc.env", "bizadmin.env"] {
            #expect(FileManager.default.contentsEqual(
                atPath: root + "/etc/bizcached/\(example).example", andPath: repository + "/systemd/\(example).example"))
        }
        for created in ["bizqueue.env", "biz10dlc.env", "bizadmin.env"] {
            #expect(FileManager.default.contentsEqual(
                atPath: root + "/etc/bizcached/" + created, andPath: repository + "/systemd/\(created).example"))
        }
        // No secret is created: they are the operator's to write.
        #expect(access(root + "/etc/bizcached/database-password", F_OK) != 0)
        #expect(access(root + "/etc/bizcached/twilio-auth-token", F_OK) != 0)
        #expect(first.output.contains("systemctl daemon-reload"))
        #expect(first.output.contains("systemctl enable --now bizcached.socket"))

        // Again, after the operator edited a file the first run created: kept too.
        try "DATABASE_URL=postgresql://edited@db/app\n".write(
            toFile: root + "/etc/bizcached/bizqueue.env", atomically: true, encoding: .utf8)
        let second = try Installer.run(["--bin-dir", products], environment: ["DESTDIR": root])
        #expect(second.status == 0, "\(second.output)")
        #expect(try String(contentsOfFile: root + "/etc/bizcached/bizqueue.env", encoding: .utf8)
            == "DATABASE_URL=postgresql://edited@db/app\n")
        #expect(try String(contentsOfFile: root + "/etc/bizcached/bizcached.conf", encoding: .utf8)
            == "database-url = postgresql://mine@db/app\n")
    }

    /// With another PREFIX the units name the binaries and documents there, --socket-group
    /// writes a drop-in and the sysusers.d entry for that group, and the staged units still
    /// pass verify.
    @Test func installFollowsPrefixAndSocketGroup() throws {
        let products = URL(fileURLWithPath: try BuildProducts.path(of: "bizcached")).deletingLastPathComponent().path
        let destination = try TemporaryDirectory(prefix: "bizcached-install")
        let root = destination.path
        let result = try Installer.run([
            "--bin-dir", products, "--destdir", root, "--prefix", "/opt/bizcached", "--socket-group", "web-clients",
        ])
        #expect(result.status == 0, "\(result.output)")
        #expect(FileManager.default.isExecutableFile(atPath: root + "/opt/bizcached/bin/bizcached"))
        #expect(access(root + "/opt/bizcached/share/doc/bizcached/README.md", F_OK) == 0)
        let units = try UnitFile.all(in: root + "/etc/systemd/system")
        let service = try #require(units.first { $0.name == "bizcached.service" })
        #expect(service.value("ExecStart") == "/opt/bizcached/bin/bizcached")
        #expect(service.values("ExecReload").first == "/opt/bizcached/bin/bizcached --check-config")
        #expect(service.value("Documentation")?.contains("file:///opt/bizcached/share/doc/bizcached/README.md") == true)
        #expect(!units.contains { $0.text.contains("/usr/local/") }, "every path follows PREFIX")
        let dropIn = try String(
            contentsOfFile: root + "/etc/systemd/system/bizcached.socket.d/socket-group.conf", encoding: .utf8)
        #expect(dropIn.contains("[Socket]\nSocketGroup=web-clients\n"))
        #expect(try String(contentsOfFile: root + "/etc/sysusers.d/bizcached.conf", encoding: .utf8)
            .contains("g web-clients -"))

        if SystemdTools.analyze != nil {
            let staged = try StagedUnits(units, binaries: root + "/opt/bizcached/bin/", replacing: "/opt/bizcached/bin/")
            let verified = try staged.verify()
            #expect(verified.status == 0 && verified.complaints.isEmpty, "\(verified.output)")
        }

        let refused = try Installer.run(["--bin-dir", products, "--destdir", root, "--prefix", "relative/path"])
        #expect(refused.status == 64, "\(refused.output)")
    }
}

// MARK: - Helpers

/// A unit file: its name, text and `Key=value` settings (comments and sections ignored).
struct UnitFile {
    let name: String
    let text: String
    var path: String = ""

    init(name: String, text: String, path: String = "") {
        self.name = name
        self.text = text
        self.path = path
    }

    /// The repository's systemd/ folder.
    static var directory: String { ServerFixture.repositoryRoot.appendingPathComponent("systemd").path }

    /// Every .service, .socket and .timer file in `directory`.
    static func all(in directory: String = UnitFile.directory) throws -> [UnitFile] {
        try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".service") || $0.hasSuffix(".socket") || $0.hasSuffix(".timer") }
            .sorted()
            .map { name in
                let path = directory + "/" + name
                return UnitFile(name: name, text: try String(contentsOfFile: path, encoding: .utf8), path: path)
            }
    }

    static func named(_ name: String) throws -> UnitFile {
        guard let unit = try all().first(where: { $0.name == name }) else {
            throw ChildProcess.Failure("no \(name) in \(directory)")
        }
        return unit
    }

    /// Every value given to `key`, in order.
    func values(_ key: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.hasPrefix("#"), !trimmed.hasPrefix(";"), trimmed.hasPrefix(key + "=") else { return nil }
            return String(trimmed.dropFirst(key.count + 1))
        }
    }

    /// The last value given to `key` (later assignments win), nil if none.
    func value(_ key: String) -> String? { values(key).last }
}

/// Copies of units in a temporary folder, with the binaries they name replaced.
final class StagedUnits {
    let directory: TemporaryDirectory
    let names: [String]

    /// - Parameters:
    ///   - binaries: the folder (ending in "/") that replaces `replacing`; by default where
    ///     SwiftPM put the built binaries.
    init(_ units: [UnitFile], binaries: String? = nil, replacing prefix: String = "/usr/local/bin/") throws {
        let products = try binaries
            ?? URL(fileURLWithPath: BuildProducts.path(of: "bizcached")).deletingLastPathComponent().path + "/"
        directory = try TemporaryDirectory(prefix: "bizcached-units")
        names = units.map(\.name)
        for unit in units {
            try unit.text.replacingOccurrences(of: prefix, with: products)
                .write(toFile: path(of: unit.name), atomically: true, encoding: .utf8)
        }
    }

    func path(of name: String) -> String { directory.path + "/" + name }

    /// `systemd-analyze verify` of all of them at once; complaints are the lines of its
    /// output that name one of them (verify exits 0 on warnings such as an unknown setting).
    func verify() throws -> (status: Int32, output: String, complaints: [String]) {
        let result = try ChildProcess.run(SystemdTools.analyze!, ["verify"] + names.map(path(of:)))
        let complaints = result.output.split(separator: "\n").map(String.init).filter { line in
            line.contains(directory.path) || names.contains { line.contains($0) }
        }
        return (result.status, result.output, complaints)
    }
}

enum SystemdTools {
    /// `systemd-analyze`, if installed.
    static let analyze: String? = available("systemd-analyze") ? ChildProcess.lookUp("systemd-analyze") : nil

    static func available(_ name: String) -> Bool { access(ChildProcess.lookUp(name), X_OK) == 0 }

    /// The number in "Overall exposure level for NAME: 1.2 OK".
    static func exposure(in output: String, unit: String) -> Double? {
        let marker = "Overall exposure level for \(unit): "
        guard let range = output.range(of: marker) else { return nil }
        return Double(output[range.upperBound...].prefix { $0.isNumber || $0 == "." })
    }
}

/// Where the socket-activation test listens: the unit's own path when this process may
/// create it (as root) and nothing is there already, else a temporary path.
final class SocketPlace {
    let path: String
    let fallbackReason: String?
    private var createdDirectory: String?
    private let temporary: TemporaryDirectory?
    private var lock: Int32 = -1

    init(unitPath: String) throws {
        let directory = (unitPath as NSString).deletingLastPathComponent
        func fallback(_ reason: String) throws -> (TemporaryDirectory, String) {
            let temporary = try TemporaryDirectory(prefix: "bizcached-activation")
            return (temporary, reason)
        }
        var reason: String?
        if getuid() != 0 {
            reason = "not running as root, cannot create \(directory)"
        } else {
            if access(directory, F_OK) != 0 {
                if mkdir(directory, 0o755) == 0 { createdDirectory = directory }
            }
            // One test run at a time on this path; another run, or a real bizcached, keeps it.
            lock = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if lock < 0 || flock(lock, LOCK_EX | LOCK_NB) != 0 {
                reason = "\(directory) is unavailable or in use by another test run"
            } else if access(unitPath, F_OK) == 0 {
                reason = "\(unitPath) exists already (a bizcached installed on this host?)"
            }
        }
        if let reason {
            let (temporary, why) = try fallback(reason)
            self.temporary = temporary
            path = temporary.path + "/bizcached.sock"
            fallbackReason = why
        } else {
            temporary = nil
            path = unitPath
            fallbackReason = nil
        }
    }

    /// Removes the socket file (the daemon leaves it, as systemd owns it) and the directory if
    /// this test created it.
    func cleanUp() {
        unlink(path)
        if let createdDirectory { rmdir(createdDirectory) }
        if lock >= 0 { close(lock) }
    }
}

/// A folder for `$CREDENTIALS_DIRECTORY`, holding what the unit's `LoadCredential=` lines
/// name (placeholders: the test databases need no password) or the given secrets.
final class CredentialsDirectory {
    let directory: TemporaryDirectory
    var path: String { directory.path }

    init(_ secrets: [String: String]) throws {
        directory = try TemporaryDirectory(prefix: "bizcached-credentials")
        for (name, value) in secrets {
            try value.write(toFile: path + "/" + name, atomically: true, encoding: .utf8)
            chmod(path + "/" + name, 0o400)
        }
    }

    convenience init(for unit: UnitFile) throws {
        let names = unit.values("LoadCredential").map { String($0.prefix { $0 != ":" }) }
        try self.init(Dictionary(uniqueKeysWithValues: names.map { ($0, "unused-by-the-test-database") }))
    }
}

/// A temporary folder, removed with everything in it when the value goes away.
final class TemporaryDirectory {
    let path: String

    init(prefix: String) throws {
        var template = Array("/tmp/\(prefix).XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw ChildProcess.Failure("mkdtemp failed") }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Runs scripts/install.
enum Installer {
    static func run(_ arguments: [String], environment extra: [String: String] = [:]) throws -> (status: Int32, output: String) {
        var environment = ProcessInfo.processInfo.environment.filter { $0.key != "DESTDIR" && $0.key != "PREFIX" }
        environment.merge(extra) { $1 }
        let script = ServerFixture.repositoryRoot.appendingPathComponent("scripts/install").path
        return try ChildProcess.run("/bin/bash", [script] + arguments, environment: environment)
    }
}

/// Runs code on a thread of its own that first installs the seccomp filter of systemd's
/// `MemoryDenyWriteExecute=yes`; processes started there inherit it. Other threads of the
/// test runner are not filtered.
enum WriteXorExecute {
    private final class Outcome<Value>: @unchecked Sendable {
        let body: () throws -> Value
        var result: Result<Value, any Error>?
        let done = DispatchSemaphore(value: 0)
        init(_ body: @escaping () throws -> Value) { self.body = body }
    }

    static func run<Value>(_ body: @escaping () throws -> Value) throws -> Value {
        let outcome = Outcome(body)
        let thread = Thread {
            if bizcached_deny_write_execute_on_this_thread() != 0 {
                outcome.result = .failure(ChildProcess.Failure("seccomp: \(String(cString: strerror(errno)))"))
            } else {
                outcome.result = Result { try outcome.body() }
            }
            outcome.done.signal()
        }
        thread.start()
        outcome.done.wait()
        return try outcome.result!.get()
    }
}

/// The kernel's name for a process (`comm`, at most 15 characters).
private func processName(_ pid: pid_t) -> String? {
    (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .newlines)
}

/// The `Seccomp:` mode of a process: 0 none, 2 filtered.
private func seccompMode(_ pid: pid_t?) -> Int? {
    guard let pid, let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    return status.split(separator: "\n").first { $0.hasPrefix("Seccomp:") }
        .flatMap { Int($0.dropFirst("Seccomp:".count).trimmingCharacters(in: .whitespaces)) }
}
