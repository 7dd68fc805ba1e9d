import BizPostgres
import Testing

@Suite struct SchemaTests {
    @Test(arguments: [
        "5550100001", "+1555', OR 1=1", "+1555' OR '1'='1", "+0123456789", "+123456", "+1234567890123456",
        "+1 555 010 0001", "", "+15550100001\n",
    ])
    func rejectsPhonesNotInE164(phone: String) throws {
        let fixture = try Fixture()
        for column in ["public_phone", "twilio_phone"] {
            let error = #expect(throws: PostgresError.self) {
                try fixture.connection.query("INSERT INTO businesses (name, \(column)) VALUES ('x', $1)", [phone])
            }
            #expect(error?.isCheckViolation == true)
            #expect(error?.description.contains("businesses_\(column)_e164") == true)
        }
        #expect(try fixture.connection.query("SELECT count(*) AS n FROM businesses")[0, "n"] == "0")
    }

    @Test(arguments: ["+1234567", "+123456789012345", "+15550100001", "+442079460958"])
    func acceptsE164Phones(phone: String) throws {
        let fixture = try Fixture()
        try fixture.insertBusiness(publicPhone: phone, twilioPhone: phone)
    }

    @Test func oneNumberCannotBelongToTwoBusinesses() throws {
        let fixture = try Fixture()
        let a = try fixture.insertBusiness(name: "A", publicPhone: "+15550100001", twilioPhone: "+15550100002")
        let b = try fixture.insertBusiness(name: "B", publicPhone: "+15550100003")

        let attempts: [(sql: String, parameters: [String?], number: String)] = [
            // Across columns: A's public number as B's Twilio number, and the reverse.
            ("INSERT INTO businesses (name, twilio_phone) VALUES ('C', $1)", ["+15550100001"], "+15550100001"),
            ("INSERT INTO businesses (name, public_phone) VALUES ('C', $1)", ["+15550100002"], "+15550100002"),
            // Same column.
            ("INSERT INTO businesses (name, public_phone) VALUES ('C', $1)", ["+15550100001"], "+15550100001"),
            ("INSERT INTO businesses (name, twilio_phone) VALUES ('C', $1)", ["+15550100002"], "+15550100002"),
            // Updates of an existing business.
            ("UPDATE businesses SET twilio_phone = $1 WHERE id = $2::uuid", ["+15550100001", b], "+15550100001"),
            ("UPDATE businesses SET public_phone = $1 WHERE id = $2::uuid", ["+15550100002", b], "+15550100002"),
        ]
        for attempt in attempts {
            let error = #expect(throws: PostgresError.self) {
                try fixture.connection.query(attempt.sql, attempt.parameters)
            }
            #expect(error?.isUniqueViolation == true)
            #expect(
                error == .queryFailed(
                    sqlState: "23505", message: "phone number \(attempt.number) already belongs to business \(a)"))
        }
        let count = try fixture.connection.query("SELECT count(*) AS n FROM businesses")
        #expect(count[0, "n"] == "2")
    }

    @Test func oneBusinessMayUseOneNumberInBothColumns() throws {
        let fixture = try Fixture()
        let a = try fixture.insertBusiness(name: "A", publicPhone: "+15550100001", twilioPhone: "+15550100001")
        try fixture.connection.query(
            "UPDATE businesses SET public_phone = NULL, twilio_phone = $1 WHERE id = $2::uuid", ["+15550100001", a])

        // Still claimed through twilio_phone.
        let error = #expect(throws: PostgresError.self) {
            try fixture.insertBusiness(name: "B", publicPhone: "+15550100001")
        }
        #expect(error?.isUniqueViolation == true)

        // Released once A stops using it, and after A is deleted.
        try fixture.connection.query("UPDATE businesses SET twilio_phone = '+15550100009' WHERE id = $1::uuid", [a])
        let b = try fixture.insertBusiness(name: "B", publicPhone: "+15550100001")
        try fixture.connection.query("DELETE FROM businesses WHERE id = $1::uuid", [a])
        try fixture.connection.query("UPDATE businesses SET twilio_phone = '+15550100009' WHERE id = $1::uuid", [b])
        let claims = try fixture.connection.query("SELECT phone, business_id::text FROM business_phone_numbers ORDER BY phone")
        #expect(claims.rows == [["+15550100001", b], ["+15550100009", b]])
    }

    @Test func updatedAtFollowsUpdates() throws {
        let fixture = try Fixture()
        let id = try fixture.insertBusiness(publicPhone: "+15550100001")
        let before = try fixture.connection.query(
            "SELECT created_at = updated_at AS same, updated_at::text FROM businesses WHERE id = $1::uuid", [id])
        #expect(before[0, "same"] == "t")

        try fixture.connection.query("UPDATE businesses SET name = 'Renamed' WHERE id = $1::uuid", [id])
        let after = try fixture.connection.query(
            "SELECT updated_at > $2::timestamptz AS later, created_at < updated_at AS kept FROM businesses WHERE id = $1::uuid",
            [id, before[0, "updated_at"]])
        #expect(after[0, "later"] == "t")
        #expect(after[0, "kept"] == "t")
    }

    @Test(arguments: ["[]", "\"text\"", "1", "null", "true"])
    func customSettingsMustBeAnObject(json: String) throws {
        let fixture = try Fixture()
        let error = #expect(throws: PostgresError.self) {
            try fixture.insertBusiness(publicPhone: "+15550100001", customSettings: json)
        }
        #expect(error?.isCheckViolation == true)
        #expect(error?.description.contains("businesses_custom_settings_object") == true)
    }

    @Test func customSettingsDefaultsToAnEmptyObjectAndRejectsNull() throws {
        let fixture = try Fixture()
        let rows = try fixture.connection.query(
            "INSERT INTO businesses (name) VALUES ('x') RETURNING custom_settings::text AS settings, id::text")
        #expect(rows[0, "settings"] == "{}")
        let error = #expect(throws: PostgresError.self) {
            try fixture.connection.query("UPDATE businesses SET custom_settings = NULL")
        }
        #expect(error?.sqlState == "23502")  // not_null_violation
    }

    @Test func apiRolesCannotTouchTheNumberClaims() throws {
        // Like Supabase's anon/authenticated roles: granted the tables; a policy of the
        // project's own on businesses (which has RLS since 0005), none on the claims.
        let fixture = try Fixture()
        let role = "biztest_api_" + String(UInt32.random(in: .min ... .max), radix: 16)
        try fixture.connection.execute("CREATE ROLE \(role); GRANT ALL ON ALL TABLES IN SCHEMA public TO \(role)")
        defer { _ = try? fixture.connection.execute("RESET ROLE; DROP OWNED BY \(role); DROP ROLE \(role)") }

        try fixture.connection.execute("SET ROLE \(role)")
        let refused = #expect(throws: PostgresError.self) { try fixture.insertBusiness(name: "No policy yet") }
        #expect(refused?.sqlState == "42501")
        try fixture.connection.execute(
            "RESET ROLE; CREATE POLICY api ON businesses TO \(role) USING (true) WITH CHECK (true); SET ROLE \(role)")
        let a = try fixture.insertBusiness(name: "A", publicPhone: "+15550100001")
        #expect(try fixture.connection.query("SELECT count(*) AS n FROM business_phone_numbers")[0, "n"] == "0")
        #expect(try fixture.connection.query("DELETE FROM business_phone_numbers").affectedRowCount == 0)
        let error = #expect(throws: PostgresError.self) {
            try fixture.insertBusiness(name: "B", twilioPhone: "+15550100001")
        }
        #expect(error == .queryFailed(sqlState: "23505", message: "phone number +15550100001 already belongs to business \(a)"))

        try fixture.connection.execute("RESET ROLE")
        #expect(try fixture.connection.query("SELECT count(*) AS n FROM business_phone_numbers")[0, "n"] == "1")
    }
}
