import BizClient
import BizPostgres
import BizTestSupport
import Foundation
import Testing

/// `biz10dlc sync` end to end: PostgreSQL, the fake Twilio's messaging APIs, the binary.
@Suite struct TenDLCSyncTests {
    /// An account with a number in each state, its services over two pages.
    private struct Account {
        var ids: [String: String] = [:]  // state name -> business id
        var services: [String: String] = [:]  // state name -> service sid
    }

    private func makeAccount(_ fixture: TenDLCFixture) throws -> Account {
        let twilio = fixture.twilio
        twilio.setMessagingPageSize(2)
        var account = Account()
        let brand = twilio.addBrand(status: "APPROVED")
        let states: [(name: String, campaign: String?)] = [
            ("registered", "VERIFIED"), ("campaign_pending", "PENDING"), ("campaign_failed", "FAILED"), ("no_campaign", nil),
        ]
        for (index, state) in states.enumerated() {
            let service = twilio.addService(friendlyName: state.name, registered: state.campaign == "VERIFIED")
            if let campaign = state.campaign { twilio.setCampaign(service: service, status: campaign, brand: brand) }
            let phone = "+1555040000\(index)"
            twilio.attach(numberSID: twilio.addIncomingNumber(phone), toService: service)
            account.services[state.name] = service
            account.ids[state.name] = try fixture.addBusiness("Business \(state.name)", twilioPhone: phone)
        }
        _ = twilio.addIncomingNumber("+15550400008")
        account.ids["not_in_service"] = try fixture.addBusiness("Business not_in_service", twilioPhone: "+15550400008")
        account.ids["not_in_account"] = try fixture.addBusiness("Business not_in_account", twilioPhone: "+15550400009")
        return account
    }

    @Test func eachBusinessEndsInTheRightStateAndKeepsItsOtherSettings() throws {
        let fixture = try TenDLCFixture()
        let account = try makeAccount(fixture)
        let result = try fixture.run(["sync", "--json"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains(#""checked":6"#) && result.output.contains(#""registered":1"#), "\(result.output)")
        for (state, id) in account.ids {
            let settings = try fixture.settings(of: id)
            #expect(settings["tenDlcStatus"] as? String == state)
            #expect(settings["has10DLC"] as? Bool == (state == "registered"))
            #expect(settings["tz"] as? String == "America/Chicago", "another key was lost")
            #expect((settings["lastTwilioSync"] as? String)?.hasSuffix("Z") == true)
            if let service = account.services[state] {
                #expect(settings["messagingServiceSid"] as? String == service)
            }
            let tasks = try fixture.tasks(of: id)
            #expect(tasks.count == (state == "registered" ? 0 : 1), "\(state): \(tasks.count) tasks")
            if let task = tasks.first {
                #expect(task.status == "pending")
                #expect(task.data["tenDlcStatus"] as? String == state)
                #expect((task.data["reason"] as? String)?.isEmpty == false)
            }
        }
        #expect(try fixture.settings(of: account.ids["campaign_pending"]!)["campaignStatus"] as? String == "PENDING")
    }

    @Test func repeatedRunsKeepOneTaskCloseItWhenRegisteredAndUpdateItWhenTheReasonChanges() throws {
        let fixture = try TenDLCFixture()
        let account = try makeAccount(fixture)
        for _ in 0..<3 { #expect(try fixture.run().status == 0) }
        for (state, id) in account.ids where state != "registered" {
            #expect(try fixture.tasks(of: id).count == 1, "\(state)")
        }
        // The pending campaign is verified; the failed one is resubmitted.
        fixture.twilio.setCampaign(service: account.services["campaign_pending"]!, status: "VERIFIED", brand: "BN" + String(repeating: "0", count: 32))
        fixture.twilio.setCampaign(service: account.services["campaign_failed"]!, status: "IN_PROGRESS", brand: "BN" + String(repeating: "0", count: 32))
        let result = try fixture.run(["sync", "--json"])
        #expect(result.output.contains(#""tasks_closed":1"#) && result.output.contains(#""tasks_updated":1"#), "\(result.output)")
        let closed = try fixture.tasks(of: account.ids["campaign_pending"]!)
        #expect(closed.map(\.status) == ["done"])
        #expect(try fixture.settings(of: account.ids["campaign_pending"]!)["has10DLC"] as? Bool == true)
        let updated = try fixture.tasks(of: account.ids["campaign_failed"]!)
        #expect(updated.count == 1)
        #expect(updated.first?.status == "pending")
        #expect(updated.first?.data["tenDlcStatus"] as? String == "campaign_pending")
    }

    @Test func aDryRunChangesNothing() throws {
        let fixture = try TenDLCFixture()
        _ = try makeAccount(fixture)
        let before = try fixture.snapshot()
        let result = try fixture.run(["sync", "--dry-run"])
        #expect(result.status == 0)
        #expect(result.output.contains("would open a registration task"), "\(result.output)")
        #expect(result.output.contains("dry run"))
        #expect(try fixture.snapshot() == before)
    }

    @Test func rateLimitsAreWaitedOutAServiceThatFailsFailsItsBusinessesAndA401StopsTheRun() throws {
        let fixture = try TenDLCFixture()
        let account = try makeAccount(fixture)
        fixture.twilio.injectRead(.tooManyRequests(retryAfter: 1), pathPrefix: "/v1/Services")
        let failing = account.services["no_campaign"]!
        fixture.twilio.injectRead(
            [FakeTwilio.Fault](repeating: .serverError(status: 500), count: 8),
            pathPrefix: fixture.twilio.servicePhoneNumbersPath(failing))
        let started = Date()
        let result = try fixture.run(["sync", "--json"])
        #expect(Date().timeIntervalSince(started) >= 1, "Retry-After was not honoured")
        #expect(result.status == 1, "\(result.output)")
        // The no_campaign number and the two numbers in no known service cannot be judged.
        #expect(result.output.contains(#""failures":3"#), "\(result.output)")
        #expect(try fixture.settings(of: account.ids["registered"]!)["tenDlcStatus"] as? String == "registered")
        #expect(try fixture.settings(of: account.ids["no_campaign"]!)["tenDlcStatus"] == nil)

        let refused = try fixture.run(["sync"], environment: ["TWILIO_AUTH_TOKEN": "wrong"])
        #expect(refused.status == 3)
        #expect(refused.output.contains("refused the credentials"), "\(refused.output)")
        #expect(!refused.output.contains("wrong"))
    }

    @Test func attachToPutsLooseNumbersIntoAVerifiedService() throws {
        let fixture = try TenDLCFixture()
        let account = try makeAccount(fixture)
        let target = account.services["registered"]!
        let dry = try fixture.run(["sync", "--dry-run", "--attach-to", target])
        #expect(dry.output.contains("would attach"), "\(dry.output)")
        #expect(fixture.twilio.numbers(inService: target).count == 1)
        let result = try fixture.run(["sync", "--attach-to", target, "--json"])
        #expect(result.output.contains(#""numbers_attached":1"#), "\(result.output)")
        #expect(fixture.twilio.numbers(inService: target).map(\.phoneNumber).contains("+15550400008"))
        #expect(try fixture.settings(of: account.ids["not_in_service"]!)["tenDlcStatus"] as? String == "registered")
        // A service whose campaign is not verified takes nothing.
        let pending = try fixture.run(["sync", "--attach-to", account.services["campaign_pending"]!])
        #expect(pending.status == 0)
    }

    @Test func fiveHundredBusinessesAcrossTwentyServicesTakeAFewDozenCalls() throws {
        let fixture = try TenDLCFixture()
        let twilio = fixture.twilio
        let brand = twilio.addBrand()
        let connection = try fixture.database.connect()
        for service in 0..<20 {
            let sid = twilio.addService(friendlyName: "Service \(service)", registered: true)
            twilio.setCampaign(service: sid, status: service % 4 == 0 ? "PENDING" : "VERIFIED", brand: brand)
            for number in 0..<25 {
                let phone = "+1555041\(String(format: "%02d", service))\(String(format: "%02d", number))"
                twilio.attach(numberSID: twilio.addIncomingNumber(phone), toService: sid)
                try connection.query("INSERT INTO businesses (name, twilio_phone) VALUES ($1, $2)", ["B \(phone)", phone])
            }
        }
        let before = twilio.requests.count
        let result = try fixture.run(["sync", "--json"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains(#""checked":500"#) && result.output.contains(#""registered":375"#))
        let calls = twilio.requests.count - before
        print("biz10dlc sync of 500 businesses across 20 services: \(calls) Twilio API calls")
        #expect(calls <= 1 + 20 * 2 + 2 + 4, "one listing per service and kind, not a call per business: \(calls)")
    }

    @Test func aChangedBusinessIsNotServedStaleByBizcached() throws {
        let fixture = try TenDLCFixture()
        let account = try makeAccount(fixture)
        let daemon = try DaemonProcess(arguments: ["--database-url", fixture.database.url])
        let deadline = Date().addingTimeInterval(10)
        func tenDlcStatus() throws -> String? {
            guard case .ok(let json?) = try daemon.request("GET +15550400001"),
                let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            else { return nil }
            return (object["custom_settings"] as? [String: Any])?["tenDlcStatus"] as? String
        }
        #expect(try tenDlcStatus() == nil)  // now cached, for 300 s
        #expect(try fixture.run().status == 0)
        var seen: String?
        while Date() < deadline, seen == nil {
            seen = try tenDlcStatus()
            if seen == nil { usleep(50_000) }
        }
        #expect(seen == "campaign_pending")
        _ = account
    }

    @Test func theTokenComesFromTheSystemdCredentialsDirectory() throws {
        let fixture = try TenDLCFixture()
        _ = try makeAccount(fixture)
        let credentials = fixture.directory + "/credentials"
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        try (fixture.twilio.authToken + "\n").write(toFile: credentials + "/twilio-auth-token", atomically: true, encoding: .utf8)
        // The credential wins over the variable, which here holds a wrong token.
        let result = try fixture.run(["sync"], environment: ["CREDENTIALS_DIRECTORY": credentials, "TWILIO_AUTH_TOKEN": "wrong"])
        #expect(result.status == 0, "\(result.output)")
        try "not-the-token\n".write(toFile: credentials + "/twilio-auth-token", atomically: true, encoding: .utf8)
        let refused = try fixture.run(["sync"], environment: ["CREDENTIALS_DIRECTORY": credentials])
        #expect(refused.status == 3)
        #expect(!refused.output.contains("not-the-token"))
    }
}
