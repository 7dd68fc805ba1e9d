import BizPostgres
import BizTestSupport
import Foundation
import Glibc
import Testing

/// bizadmin in a real browser: headless Chromium driven by Selenium (`Browser/admin_walkthrough.py`)
/// against the built bizadmin, a PostgreSQL that checks passwords and a running bizcached. The
/// script is refused a wrong password, signs in, sorts, pages, searches, edits (and sees
/// bizcached answer the new name at once), deletes, signs out and signs in read-only, checking
/// every step and leaving a screenshot of each in `TestArtifacts`' `bizadmin-browser` folder.
@Suite struct BrowserWalkthroughTests {
    /// The screenshots the script leaves, one per checked step, in order.
    static let screenshots = [
        "wrong-password-refused", "signed-in-as-admin", "sorted-by-twilio-phone-ascending",
        "sorted-by-twilio-phone-descending", "page-3-of-20-rows", "search-typed-phone", "edit-form",
        "renamed-in-table-and-bizcached", "delete-confirmation", "deleted", "signed-out", "viewer-read-only",
    ].enumerated().map { index, step in (index < 9 ? "0" : "") + "\(index + 1)-\(step).png" }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Browser/admin_walkthrough.py").path

    /// The business the script finds by phone and renames, and the one it deletes.
    static let editedPhone = "+15550100042"
    static let deletedPhone = "+15550100007"

    /// 100 businesses: public phones +15550100000 to +15550100099, Twilio phones
    /// +15550200000 to +15550200099 in another order than the names, so that sorting by
    /// Twilio phone shows, and 20 rows a page make five pages.
    static let seedSQL = """
        INSERT INTO businesses (name, public_phone, twilio_phone, business_type)
        SELECT (ARRAY['Bakery', 'Garage', 'Salon', 'Florist', 'Dentist'])[i % 5 + 1] || ' ' || lpad(i::text, 3, '0'),
               '+1555010' || lpad(i::text, 4, '0'),
               '+1555020' || lpad(((i * 37) % 100)::text, 4, '0'),
               (ARRAY['retail', 'services'])[i % 2 + 1]
        FROM generate_series(0, 99) AS i
        """

    /// PNG's eight-byte signature.
    static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    @Test func signInSortPageSearchEditDeleteAndReadOnly() throws {
        // Missing tools fail the test, saying what to install, rather than skip it.
        if let missing = BrowserTools.missing { throw ChildProcess.Failure(missing) }
        // A private cluster, so that PostgreSQL really checks the roles' passwords (the
        // shared test server trusts its socket).
        let cluster = try PostgresServerProcess()
        try cluster.applyMigrations()
        let owner = try cluster.connect()
        try owner.execute(Self.seedSQL)
        let password = "walkthrough-" + String(UInt64.random(in: .min ... .max), radix: 16)
        let (admin, viewer) = ("browser_admin", "browser_viewer")
        try owner.execute(
            """
            CREATE ROLE \(admin) LOGIN PASSWORD '\(password)' IN ROLE biz_admin;
            CREATE ROLE \(viewer) LOGIN PASSWORD '\(password)' IN ROLE biz_viewer;
            """)
        try cluster.requirePassword(of: [admin, viewer])

        let daemon = try DaemonProcess(arguments: ["--database-url", cluster.url])
        try owner.waitUntilListened(database: cluster.databaseName)
        let port = try LoopbackHTTPClient.freePort()
        let bizadmin = try BizadminProcess(
            ["--listen", "127.0.0.1:\(port)", "--threads", "4"],
            databaseURL: "host='\(cluster.socketDirectory)' dbname=\(cluster.databaseName)"
        ) { try LoopbackHTTPClient.request("GET", "/login", port: port) }
        let folder = try TestArtifacts.emptyFolder(named: "bizadmin-browser")

        let outputPath = NSTemporaryDirectory() + "bizadmin-browser-\(port).log"
        defer { unlink(outputPath) }
        let walkthrough = try ChildProcess(
            ChildProcess.lookUp("python3"),
            [
                Self.script, "--url", "http://127.0.0.1:\(port)", "--admin", admin, "--viewer", viewer,
                "--password", password, "--screenshots", folder.path,
                "--bizctl", try BuildProducts.path(of: "bizctl"), "--socket", daemon.socketPath,
                "--edit-phone", Self.editedPhone, "--delete-phone", Self.deletedPhone,
            ],
            outputPath: outputPath)
        let status = Self.wait(for: walkthrough, seconds: 300)
        let report = "\(walkthrough.output)\n--- bizadmin's log:\n\(bizadmin.process.output)\n--- bizcached's log (end):\n"
            + daemon.log.suffix(4000)
        try #require(status == 0, "the browser walkthrough exited \(status.map(String.init) ?? "late"):\n\(report)")

        let renamed = try owner.query("SELECT name FROM businesses WHERE public_phone = $1", [Self.editedPhone])
        #expect(renamed[0, "name"]?.hasSuffix("(renamed in the browser)") == true, "\(report)")
        let deleted = try owner.query("SELECT id FROM businesses WHERE public_phone = $1", [Self.deletedPhone])
        #expect(deleted.count == 0, "the deleted business is still in the database")
        #expect(try owner.query("SELECT count(*)::text AS n FROM businesses")[0, "n"] == "99")

        for name in Self.screenshots {
            let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path)
            #expect(data.map { Array($0.prefix(8)) == Self.pngSignature && $0.count > 1000 } == true,
                    "\(name) is missing, empty or not a PNG in \(folder.path)")
        }
    }

    /// Waits up to `seconds` for `child`; a script still running then gets SIGTERM (so it
    /// quits the browser) and, if need be, SIGKILL. Nil when it had to be stopped.
    private static func wait(for child: ChildProcess, seconds: Double) -> Int32? {
        if let status = child.wait(seconds: seconds) { return status }
        child.signal(SIGTERM)
        if child.wait(seconds: 10) == nil { child.signal(SIGKILL) }
        child.wait()
        return nil
    }
}
