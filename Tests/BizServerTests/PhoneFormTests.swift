import BizClient
import BizCore
import Testing

/// Whatever way a caller writes a number, the same business answers; what is not a number
/// never reaches a cache or the database.
@Suite struct PhoneFormTests {
    @Test func everyCommonFormFindsTheSameBusiness() throws {
        let fixture = try ServerFixture()
        let id = try fixture.insertBusiness(name: "Forms", publicPhone: "+15550100001", twilioPhone: "+15550100002")
        for form in [
            "+1 (555) 010-0001", "15550100001", "555.010.0001", "5550100001", "+15550100001",
            "1-555-010-0001", "(555) 010-0002", "+1 555 010 0002",
        ] {
            #expect(try fixture.lookup(form)?["id"] as? String == id, "form \(form)")
        }
    }

    @Test(arguments: [
        "abc", "+1555", "+15550100001,twilio_phone.neq.x", "' OR 1=1 --", "5550100001; DROP TABLE businesses",
        "+1 (555) 010-0001 x", "%2B15550100001", "+1555010000１",
    ])
    func hostilePhonesAreRejected(_ phone: String) throws {
        let fixture = try ServerFixture(withRedis: false)
        try fixture.insertBusiness(name: "Target", publicPhone: "+15550100001")
        let client = try fixture.daemon.client()
        guard case .error(.badPhone?, _, _) = try client.request("GET \(phone)") else {
            Issue.record("GET \(phone) was not rejected as BADPHONE")
            return
        }
        guard case .error(.badPhone?, _, _) = try client.request("INVALIDATE \(phone)") else {
            Issue.record("INVALIDATE \(phone) was not rejected as BADPHONE")
            return
        }
        #expect(try fixture.daemon.hits("postgres") == 0)
        #expect(try fixture.daemon.stats()["not_found"] as? Int == 0)
        let rows = try fixture.database.connect().query("SELECT count(*)::text AS n FROM businesses")
        #expect(rows[0, "n"] == "1")
    }

    @Test func aConfiguredDefaultCountryCodeAppliesToNationalNumbers() throws {
        let fixture = try ServerFixture(withRedis: false, arguments: ["--default-country-code", "44"])
        let id = try fixture.insertBusiness(name: "London", publicPhone: "+442079460958")
        #expect(try fixture.lookup("020 7946 0958")?["id"] as? String == id)
        #expect(try fixture.lookup("+44 20 7946 0958")?["id"] as? String == id)
    }
}
