import BizCore
import BizPostgres
import BizTestSupport
import Foundation
import Testing

@Suite struct BusinessStoreTests {
    private func phone(_ text: String) throws -> PhoneNumber {
        try #require(PhoneNumber(e164: text))
    }

    @Test func findsABusinessByEitherNumber() throws {
        let fixture = try Fixture()
        let id = try fixture.insertBusiness(
            name: "Acme Plumbing", publicPhone: "+15550100001", twilioPhone: "+15550100002", businessType: "plumber",
            customSettings: #"{"greeting": "Hi", "hours": {"mon": [9, 17]}}"#)
        try fixture.insertBusiness(name: "Other", publicPhone: "+15550100003")
        let store = BusinessStore(connection: fixture.connection)

        for number in ["+15550100001", "+15550100002"] {
            let found = try store.businesses(withPhone: phone(number))
            #expect(found.count == 1)
            #expect(found.first?.id == id)
            #expect(found.first?.name == "Acme Plumbing")
            #expect(found.first?.publicPhone == "+15550100001")
            #expect(found.first?.twilioPhone == "+15550100002")
            #expect(found.first?.businessType == "plumber")
            #expect(found.first?.customSettingsJSON == #"{"hours": {"mon": [9, 17]}, "greeting": "Hi"}"#)
        }
        #expect(try store.businesses(withPhone: phone("+15550100004")).isEmpty)
        #expect(try store.businesses(withPhone: phone("+442079460958")).isEmpty)
    }

    @Test func pipelinedLookupsAnswerEachNumberInOrder() throws {
        let fixture = try Fixture()
        let first = try fixture.insertBusiness(name: "First", publicPhone: "+15550100001")
        let second = try fixture.insertBusiness(name: "Second", publicPhone: nil, twilioPhone: "+15550100002")
        let store = BusinessStore(connection: fixture.connection)
        let phones = try ["+15550100002", "+15550100009", "+15550100001", "+15550100002"].map(phone)

        let results = try store.businesses(withPhones: phones)
        #expect(results.count == 4)
        #expect(try results[0].get().map(\.id) == [second])
        #expect(try results[1].get().isEmpty)
        #expect(try results[2].get().map(\.id) == [first])
        #expect(try results[3].get().map(\.id) == [second])
        // The connection is back out of pipeline mode and usable as before.
        #expect(try store.businesses(withPhone: phone("+15550100001")).first?.id == first)
        #expect(try store.businesses(withPhones: []).isEmpty)
    }

    @Test func aFailingPipelinedStatementFailsAloneAndTheConnectionStaysUsable() throws {
        let fixture = try Fixture()
        try fixture.connection.prepare(name: "divide", sql: "SELECT (10 / $1::int)::text AS q")
        let results = try fixture.connection.queryPreparedPipelined(name: "divide", [["2"], ["0"], ["5"]])
        #expect(try results[0].get()[0, "q"] == "5")
        guard case .failure(let error) = results[1] else {
            Issue.record("division by zero succeeded")
            return
        }
        #expect(error.sqlState == "22012")
        #expect(try results[2].get()[0, "q"] == "2")
        #expect(try fixture.connection.query("SELECT 1::text AS one")[0, "one"] == "1")
    }

    @Test func jsonHasTheExpectedFields() throws {
        let fixture = try Fixture()
        try fixture.connection.execute("SET TIME ZONE 'Asia/Tokyo'")  // timestamps must come out in UTC anyway
        let id = try fixture.insertBusiness(
            name: "Café \"Quote\"", publicPhone: nil, twilioPhone: "+15550100002",
            customSettings: #"{"note": "line one\nline two", "n": 1.5, "list": [true, null]}"#)
        try fixture.connection.query(
            """
            UPDATE businesses
               SET created_at = '2024-02-29 23:59:58.123456-05', updated_at = '2024-03-01 05:00:00+00'
             WHERE id = $1::uuid
            """, [id])
        // The trigger sets updated_at itself: read the value the database holds.
        let updatedAt = try fixture.connection.query(
            "SELECT to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS u FROM businesses")[0, "u"]

        let business = try #require(try BusinessStore(connection: fixture.connection).businesses(withPhone: phone("+15550100002")).first)
        #expect(business.createdAt == "2024-03-01T04:59:58.123456Z")
        #expect(business.updatedAt == updatedAt)
        #expect(business.updatedAt.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z/) != nil)

        let line = business.json
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "id", "name", "public_phone", "twilio_phone", "business_type", "custom_settings", "created_at", "updated_at",
            ])
        #expect(object["id"] as? String == id)
        #expect(object["name"] as? String == "Café \"Quote\"")
        #expect(object["public_phone"] is NSNull)
        #expect(object["twilio_phone"] as? String == "+15550100002")
        #expect(object["business_type"] is NSNull)
        #expect(object["created_at"] as? String == "2024-03-01T04:59:58.123456Z")
        let settings = try #require(object["custom_settings"] as? [String: Any])
        #expect(settings["note"] as? String == "line one\nline two")
        #expect(settings["n"] as? Double == 1.5)
        #expect((settings["list"] as? [Any])?.count == 2)
    }

    @Test func preparesAgainAfterAReset() throws {
        let fixture = try Fixture()
        try fixture.insertBusiness(publicPhone: "+15550100001")
        let connection = try fixture.database.connect()
        let store = BusinessStore(connection: connection)
        #expect(try store.businesses(withPhone: phone("+15550100001")).count == 1)
        #expect(connection.isPrepared(BusinessStore.statementName))

        try fixture.connection.query("SELECT pg_terminate_backend($1::int, 5000)", [String(connection.backendProcessID)])
        let error = #expect(throws: PostgresError.self) { try store.businesses(withPhone: phone("+15550100001")) }
        #expect(error?.isConnectionProblem == true)

        try connection.reset()
        #expect(try store.businesses(withPhone: phone("+15550100001")).count == 1)
    }

    @Test func preparesAgainWhenTheSessionForgotTheStatement() throws {
        let fixture = try Fixture()
        try fixture.insertBusiness(publicPhone: "+15550100001")
        let store = BusinessStore(connection: fixture.connection)
        #expect(try store.businesses(withPhone: phone("+15550100001")).count == 1)
        try fixture.connection.execute("DISCARD ALL")  // what a connection pooler may do
        #expect(try store.businesses(withPhone: phone("+15550100001")).count == 1)
    }

    @Test func unexpectedNullsAndAmbiguousNumbers() throws {
        // A hand-made table without the real constraints, to see what the store does with bad data.
        let database = try PostgresTestDatabase()
        let connection = try database.connect()
        try connection.execute(
            """
            CREATE TABLE public.businesses (
                id uuid DEFAULT gen_random_uuid(), name text, public_phone text, twilio_phone text,
                business_type text, custom_settings jsonb, created_at timestamptz DEFAULT now(),
                updated_at timestamptz DEFAULT now());
            INSERT INTO businesses (name, public_phone, custom_settings) VALUES ('A', '+15550100001', '{}');
            INSERT INTO businesses (name, twilio_phone, custom_settings) VALUES ('B', '+15550100001', '{}');
            INSERT INTO businesses (name, public_phone, custom_settings) VALUES ('C', '+15550100001', '{}');
            INSERT INTO businesses (name, public_phone, custom_settings) VALUES (NULL, '+15550100002', '{}');
            INSERT INTO businesses (name, public_phone, custom_settings) VALUES ('E', '+15550100003', NULL);
            """)
        let store = BusinessStore(connection: connection)
        #expect(try store.businesses(withPhone: phone("+15550100001")).count == 2)
        #expect(throws: PostgresError.unexpectedResult("column 'name' is NULL in row 0")) {
            try store.businesses(withPhone: phone("+15550100002"))
        }
        #expect(throws: PostgresError.unexpectedResult("column 'custom_settings' is NULL in row 0")) {
            try store.businesses(withPhone: phone("+15550100003"))
        }
    }
}
