import BizCore
import BizPostgres
import BizTestSupport
import Foundation
import Glibc
import Testing

/// Migration 0005: the group roles biz_admin and biz_viewer, their grants, and row level
/// security on businesses that leaves the owner's programs alone.
@Suite struct AdminRolesTests {
    @Test func theMigrationRunsInEveryDatabaseOfACluster() throws {
        // Fixture() migrates a new database of the shared cluster, where other tests have
        // usually created the roles already; two more must not fail either.
        let first = try Fixture()
        let second = try Fixture()
        for fixture in [first, second] {
            let applied = try fixture.connection.query("SELECT name FROM schema_migrations WHERE version = 5")
            #expect(applied.rows == [["admin_roles"]])
        }
        let roles = try first.connection.query(
            "SELECT rolname, rolcanlogin::text FROM pg_roles WHERE rolname IN ('biz_admin', 'biz_viewer') ORDER BY rolname")
        #expect(roles.rows == [["biz_admin", "false"], ["biz_viewer", "false"]])

        // The file itself is safe to run again in a database that has it.
        let migration = try #require(try Migration.embedded().first { $0.version == 5 })
        try first.connection.execute("BEGIN")
        try first.connection.execute(migration.sql)
        try first.connection.execute("COMMIT")
        let policies = try first.connection.query(
            "SELECT policyname FROM pg_policies WHERE tablename = 'businesses' ORDER BY policyname")
        #expect(policies.rows == [["businesses_admin_all"], ["businesses_viewer_read"]])
    }

    @Test func aViewerReadsButCannotChangeAnything() throws {
        let fixture = try Fixture()
        let id = try fixture.insertBusiness(name: "Acme", publicPhone: "+15550100001")
        let viewer = try TemporaryLoginRole(in: "biz_viewer", on: fixture.database)
        defer { viewer.drop(after: fixture.connection) }
        try viewer.assume(on: fixture.connection)
        let store = BusinessAdminStore(connection: fixture.connection)

        #expect(try store.business(id: id).name == "Acme")
        #expect(try store.page(sortedBy: .name, page: 1, pageSize: 10).totalCount == 1)

        let attempts: [(String, () throws(AdminStoreError) -> Void)] = [
            ("insert", { () throws(AdminStoreError) in try store.create(BusinessDraft(name: "Forged")) }),
            ("update", { () throws(AdminStoreError) in try store.update(id: id, to: BusinessDraft(name: "Forged")) }),
            ("delete", { () throws(AdminStoreError) in try store.delete(id: id) }),
        ]
        for (what, attempt) in attempts {
            let error = #expect(throws: AdminStoreError.self, "\(what)") { try attempt() }
            #expect(error?.isPermissionDenied == true, "\(what): \(String(describing: error))")
            #expect(error == .permissionDenied("permission denied for table businesses"))
        }
        // Nor may a viewer reach the phone bookkeeping behind the triggers.
        let bookkeeping = #expect(throws: PostgresError.self) {
            try fixture.connection.query("SELECT * FROM business_phone_numbers")
        }
        #expect(bookkeeping?.sqlState == "42501")

        viewer.drop(after: fixture.connection)
        #expect(try fixture.connection.query("SELECT name FROM businesses").rows == [["Acme"]])
    }

    @Test func anAdminChangesBusinessesAndTheTriggersStillWork() throws {
        let fixture = try Fixture()
        let listener = try fixture.database.connect()
        try listener.listen("business_changed")
        let admin = try TemporaryLoginRole(in: "biz_admin", on: fixture.database)
        defer { admin.drop(after: fixture.connection) }
        try admin.assume(on: fixture.connection)
        let store = BusinessAdminStore(connection: fixture.connection)

        let created = try store.create(
            BusinessDraft(name: "Acme", publicPhone: "+15550100001", customSettingsJSON: #"{"tenDlcStatus": "approved"}"#))
        #expect(try notifications(on: listener) == ["+15550100001"])
        usleep(10_000)  // so that updated_at can differ from created_at
        let updated = try store.update(
            id: created.id, to: BusinessDraft(name: "Acme Plumbing", publicPhone: "+15550100002", twilioPhone: "+15550100003"))
        #expect(updated.name == "Acme Plumbing")
        #expect(updated.updatedAt > created.updatedAt)
        #expect(updated.createdAt == created.createdAt)
        #expect(try notifications(on: listener) == ["+15550100001,+15550100002,+15550100003"])

        // The phone bookkeeping followed (its triggers run as their owner).
        let claims = try listener.query("SELECT phone FROM business_phone_numbers ORDER BY phone")
        #expect(claims.rows == [["+15550100002"], ["+15550100003"]])
        let taken = #expect(throws: AdminStoreError.self) {
            try store.create(BusinessDraft(name: "Copycat", twilioPhone: "+15550100002"))
        }
        #expect(taken == .phoneInUse(phone: "+15550100002", businessID: created.id))

        // Deleting reaches the rows that refer to the business, whatever the admin's grants.
        try listener.query(
            "INSERT INTO tasks (type, business_id) VALUES ('review', $1::uuid)", [created.id])
        try listener.query(
            "INSERT INTO sms_queue (to_number, from_number, body, business_id) VALUES ('+15550100009', '+15550100003', 'hi', $1::uuid)",
            [created.id])
        try store.delete(id: created.id)
        #expect(try notifications(on: listener) == ["+15550100002,+15550100003"])
        #expect(try listener.query("SELECT count(*) AS n FROM tasks")[0, "n"] == "0")
        #expect(try listener.query("SELECT business_id FROM sms_queue").rows == [[nil]])
        #expect(try listener.query("SELECT count(*) AS n FROM business_phone_numbers")[0, "n"] == "0")
    }

    @Test func anOwnerWithoutCreateRoleMigratesOnceTheRolesExist() throws {
        let cluster = try PostgresServerProcess()
        let administrator = try cluster.connect()
        try administrator.execute("CREATE ROLE bizowner; ALTER DATABASE \(cluster.databaseName) OWNER TO bizowner")
        let owner = try cluster.connect()
        try owner.execute("SET ROLE bizowner")

        let error = #expect(throws: MigrationError.self) { try Migrator().apply(on: owner) }
        #expect(error?.description.contains("role biz_admin does not exist, and bizowner may not create roles") == true,
                "\(String(describing: error))")
        #expect(try owner.query("SELECT max(version)::text AS v FROM schema_migrations")[0, "v"] == "4")

        try administrator.execute("CREATE ROLE biz_admin NOLOGIN; CREATE ROLE biz_viewer NOLOGIN")
        #expect(try Migrator().apply(on: owner).map(\.version) == [5, 6])
        // The owner's own programs are not subject to row level security.
        try owner.query("INSERT INTO businesses (name, public_phone) VALUES ('Acme', '+15550100001')")
        #expect(try owner.query("SELECT name FROM businesses").rows == [["Acme"]])
    }

    @Test func peopleLogInWithTheirOwnPassword() throws {
        let cluster = try PostgresServerProcess()
        try cluster.applyMigrations()
        let administrator = try cluster.connect()
        try administrator.execute(
            """
            CREATE ROLE alice LOGIN PASSWORD 'alice-Secret-1' IN ROLE biz_admin;
            CREATE ROLE bob LOGIN PASSWORD 'bob-Secret-2' IN ROLE biz_viewer;
            INSERT INTO businesses (name, public_phone) VALUES ('Acme', '+15550100001');
            """)
        try cluster.requirePassword(of: ["alice", "bob"])
        func connect(_ user: String, _ password: String) throws(PostgresError) -> PostgresConnection {
            try PostgresConnection(
                connectionString: "host='\(cluster.socketDirectory)' dbname=\(cluster.databaseName) user=\(user) password=\(password)")
        }

        let wrong = #expect(throws: PostgresError.self) { try connect("bob", "not-bobs") }
        #expect(wrong?.description.contains("password authentication failed") == true, "\(String(describing: wrong))")
        #expect(wrong?.description.contains("not-bobs") == false)

        let bob = BusinessAdminStore(connection: try connect("bob", "bob-Secret-2"))
        let page = try bob.page(sortedBy: .name, page: 1, pageSize: 10)
        #expect(page.businesses.map(\.name) == ["Acme"])
        let refused = #expect(throws: AdminStoreError.self) {
            try bob.update(id: page.businesses[0].id, to: BusinessDraft(name: "Bob's"))
        }
        #expect(refused?.isPermissionDenied == true)

        let alice = BusinessAdminStore(connection: try connect("alice", "alice-Secret-1"))
        let renamed = try alice.update(id: page.businesses[0].id, to: BusinessDraft(name: "Alice's", publicPhone: "+15550100001"))
        #expect(renamed.name == "Alice's")
        #expect(try bob.business(id: renamed.id).name == "Alice's")
    }

    /// The payloads of the notifications that arrive within a second, after the first.
    private func notifications(on connection: PostgresConnection) throws -> [String] {
        var pollDescriptor = pollfd(fd: connection.socketDescriptor, events: Int16(POLLIN), revents: 0)
        _ = poll(&pollDescriptor, 1, 1000)
        usleep(50_000)
        return try connection.notifications().map(\.payload)
    }
}
