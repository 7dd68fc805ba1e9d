import BizPostgres
import BizTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct PostgresConnectionTests {
    @Test func parametersAreBoundNotInterpolated() throws {
        let fixture = try Fixture()
        let hostile = [
            "'; DROP TABLE businesses; --", "+1555', OR 1=1", "$1", "\\x00", "Robert'); DELETE FROM businesses;--",
            "émoji 📞 \"quoted\"",
        ]
        for text in hostile {
            let rows = try fixture.connection.query("SELECT $1::text AS value, length($1) AS length", [text])
            #expect(rows[0, "value"] == text)
            #expect(rows[0, "length"] == String(text.count))
        }
        let id = try fixture.insertBusiness(name: hostile[0], publicPhone: nil)
        let stored = try fixture.connection.query("SELECT name FROM businesses WHERE id = $1::uuid", [id])
        #expect(stored[0, "name"] == hostile[0])
        #expect(try fixture.connection.query("SELECT to_regclass('public.businesses') IS NOT NULL AS ok")[0, "ok"] == "t")
    }

    @Test func nilParametersAreNull() throws {
        let fixture = try Fixture()
        let rows = try fixture.connection.query(
            "SELECT $1::text IS NULL AS first_null, $2::text AS second, $3::text IS NULL AS third_null",
            [nil, "x", nil])
        #expect(rows.rows == [["t", "x", "t"]])
        #expect(rows.columns == ["first_null", "second", "third_null"])

        let id = try fixture.insertBusiness(publicPhone: nil, twilioPhone: nil, businessType: nil)
        let business = try fixture.connection.query(
            "SELECT public_phone, business_type FROM businesses WHERE id = $1::uuid", [id])
        #expect(business.rows == [[nil, nil]])
    }

    @Test func rowsReportTheirShape() throws {
        let fixture = try Fixture()
        let rows = try fixture.connection.query("SELECT n, NULL::text AS nothing FROM generate_series(1, 3) AS n")
        #expect(rows.count == 3)
        #expect(rows.affectedRowCount == 3)
        #expect(rows[2, "n"] == "3")
        #expect(rows[0, "nothing"] == nil)
        #expect(rows[3, "n"] == nil)
        #expect(throws: PostgresError.unexpectedResult("column 'nothing' is NULL in row 0")) {
            try rows.value(row: 0, column: "nothing")
        }
        #expect(throws: PostgresError.self) { try rows.value(row: 0, column: "missing") }
        #expect(throws: PostgresError.self) { try rows.value(row: 9, column: "n") }

        let update = try fixture.connection.query("UPDATE businesses SET name = name")
        #expect(update.isEmpty)
        #expect(update.affectedRowCount == 0)
    }

    @Test func serverErrorsCarrySQLStateAndLeaveTheConnectionUsable() throws {
        let fixture = try Fixture()
        let error = #expect(throws: PostgresError.self) { try fixture.connection.query("SELEC 1") }
        #expect(error?.sqlState == "42601")
        #expect(error?.isConnectionProblem == false)
        #expect(fixture.connection.isConnected)
        #expect(try fixture.connection.query("SELECT 1 AS one")[0, "one"] == "1")

        // One statement per query: a second one is refused, not run.
        #expect(throws: PostgresError.self) {
            try fixture.connection.query("SELECT 1; DROP TABLE businesses")
        }
        #expect(throws: PostgresError.queryFailed(sqlState: "22021", message: "text contains a NUL byte (0x00)")) {
            try fixture.connection.query("SELECT $1::text", ["a\u{0}b"])
        }
    }

    @Test func executeRunsScripts() throws {
        let fixture = try Fixture()
        let rows = try fixture.connection.execute(
            "CREATE TEMP TABLE t (a int); INSERT INTO t VALUES (1), (2); SELECT count(*) AS n FROM t")
        #expect(rows[0, "n"] == "2")
        #expect(try fixture.connection.execute("").isEmpty)
    }

    @Test func preparedStatements() throws {
        let fixture = try Fixture()
        let connection = fixture.connection
        #expect(!connection.isPrepared("double"))
        try connection.prepare(name: "double", sql: "SELECT $1::int * 2 AS doubled")
        #expect(connection.isPrepared("double"))
        #expect(try connection.queryPrepared(name: "double", ["21"])[0, "doubled"] == "42")
        #expect(try connection.queryPrepared(name: "double", [nil]).rows == [[nil]])

        try connection.execute("DEALLOCATE ALL")
        let error = #expect(throws: PostgresError.self) { try connection.queryPrepared(name: "double", ["1"]) }
        #expect(error?.sqlState == "26000")
        #expect(!connection.isPrepared("double"))

        try connection.prepare(name: "double", sql: "SELECT $1::int * 2 AS doubled")
        try connection.reset()
        #expect(!connection.isPrepared("double"))
    }

    @Test func connectsWithKeyValueStringsAndURIs() throws {
        let database = try PostgresTestDatabase()
        for connectionString in [database.connectionString, database.url] {
            let connection = try PostgresConnection(connectionString: connectionString)
            #expect(connection.isConnected)
            #expect(connection.serverDescription.hasPrefix("db=\(database.name) host="))
            let rows = try connection.query("SELECT current_database() AS db, current_setting('application_name') AS app")
            #expect(rows.rows == [[database.name, "bizcached"]])
        }
    }

    @Test(arguments: [
        "host=/nonexistent/bizcached user=bizcached password=sekret dbname=bizcached",
        "postgresql://bizcached:sekret@/bizcached?host=/nonexistent/bizcached",
        "postgres://bizcached:sekret@%2Fnonexistent%2Fbizcached/bizcached",
        "host=/nonexistent password=sekret dbname",  // unparsable
        "postgresql://bizcached:se%zzkret@/bizcached",  // bad percent-encoding
        "host=/nonexistent password='sekret",  // unterminated quote
        "postgresql://bizcached:sekret@/bizcached?host=/nonexistent&nonsense=sekret",
    ])
    func failedConnectionsHideThePassword(connectionString: String) {
        let error = #expect(throws: PostgresError.self) {
            try PostgresConnection(connectionString: connectionString, connectTimeout: .seconds(2))
        }
        guard case .connectionFailed(let message)? = error else {
            Issue.record("expected connectionFailed, got \(String(describing: error))")
            return
        }
        #expect(!message.isEmpty)
        #expect(!message.contains("sekret"))
        #expect(!message.contains("zzkret"))
        #expect(error?.description.contains("sekret") == false)
    }

    @Test func aLoginOverridesTheUserOfTheConnectionString() throws {
        let fixture = try Fixture()
        let viewer = try TemporaryLoginRole(in: "biz_viewer", on: fixture.database)
        defer { viewer.drop(after: fixture.connection) }
        // The test database's string names the superuser; the login replaces it.
        let connection = try PostgresConnection(
            connectionString: fixture.database.connectionString, login: (user: viewer.name, password: "sekret-login"))
        #expect(try connection.query("SELECT current_user AS who")[0, "who"] == viewer.name)

        let error = #expect(throws: PostgresError.self) {
            try PostgresConnection(
                connectionString: fixture.database.connectionString,
                login: (user: "biztest_nobody_\(UInt32.random(in: 0 ... .max))", password: "sekret-login"))
        }
        #expect(error?.description.contains("does not exist") == true)
        #expect(error?.description.contains("sekret-login") == false)
        let unreachable = #expect(throws: PostgresError.self) {
            try PostgresConnection(
                connectionString: "host=/nonexistent/bizcached dbname=x", login: (user: "someone", password: "sekret-login"))
        }
        #expect(unreachable?.description.contains("sekret-login") == false)
    }

    @Test func aMissingSocketNamesTheSocket() {
        let error = #expect(throws: PostgresError.self) {
            try PostgresConnection(connectionString: "host=/nonexistent/bizcached dbname=x password=sekret")
        }
        #expect(error?.isConnectionProblem == true)
        #expect(error?.description.contains("/nonexistent/bizcached") == true)
    }

    @Test func aTerminatedBackendIsALostConnectionUntilReset() throws {
        let fixture = try Fixture()
        let victim = try fixture.database.connect()
        let killer = fixture.connection
        let pid = victim.backendProcessID
        let terminated = try killer.query("SELECT pg_terminate_backend($1::int, 5000) AS ok", [String(pid)])
        #expect(terminated[0, "ok"] == "t")

        let error = #expect(throws: PostgresError.self) { try victim.query("SELECT 1") }
        guard case .connectionLost(let message)? = error else {
            Issue.record("expected connectionLost, got \(String(describing: error))")
            return
        }
        #expect(!message.isEmpty)
        #expect(!victim.isConnected)
        #expect(throws: PostgresError.self) { try victim.query("SELECT 1") }
        #expect(throws: PostgresError.self) { try victim.notifications() }

        try victim.reset()
        #expect(victim.isConnected)
        #expect(victim.backendProcessID != pid)
        #expect(try victim.query("SELECT 1 AS one")[0, "one"] == "1")
    }

    @Test func notificationsArriveThroughListen() throws {
        let fixture = try Fixture()
        let listener = try fixture.database.connect()
        let sender = fixture.connection
        try listener.listen("business changes")
        #expect(listener.socketDescriptor >= 0)
        #expect(try listener.notifications().isEmpty)

        try sender.query("SELECT pg_notify($1, $2)", ["business changes", "+15550100001"])
        try sender.query("SELECT pg_notify($1, $2)", ["business changes", ""])
        try sender.query("SELECT pg_notify($1, $2)", ["other channel", "ignored"])

        var received: [PostgresNotification] = []
        let deadline = ContinuousClock.now + .seconds(5)
        while received.count < 2, ContinuousClock.now < deadline {
            var descriptor = pollfd(fd: listener.socketDescriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, 100)
            received += try listener.notifications()
        }
        #expect(
            received == [
                PostgresNotification(
                    channel: "business changes", payload: "+15550100001", senderProcessID: sender.backendProcessID),
                PostgresNotification(channel: "business changes", payload: "", senderProcessID: sender.backendProcessID),
            ])
    }

    @Test func quotesIdentifiers() throws {
        let fixture = try Fixture()
        #expect(try fixture.connection.quoteIdentifier("my \"table\"") == "\"my \"\"table\"\"\"")
    }

    @Test func testDatabasesAreDropped() throws {
        let database = try PostgresTestDatabase()
        let name = database.name
        let observer = try database.connect()
        try database.drop()
        try database.drop()
        let admin = try database.connectAdministrator()
        let rows = try admin.query("SELECT count(*) AS n FROM pg_database WHERE datname = $1", [name])
        #expect(rows[0, "n"] == "0")
        #expect(throws: PostgresError.self) { try observer.query("SELECT 1") }
    }
}
