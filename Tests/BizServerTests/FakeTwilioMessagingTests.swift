import BizTestSupport
import Dispatch
import Foundation
import Synchronization
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The fake Twilio's A2P 10DLC side answers like Twilio's Messaging v1 API and the 2010 API's
/// IncomingPhoneNumbers (the OpenAPI descriptions in /work/shared/twilio-oai are the contract),
/// as seen by URLSession.
///
/// Serialized for the same reason as `FakeTwilioTests`: each test blocks its thread on
/// URLSession, and parallel blocked tests starve the dispatch threads URLSession needs.
@Suite(.serialized) struct FakeTwilioMessagingTests {
    /// Whether `text` is an ISO 8601 date-time as the Messaging API writes them.
    static func isISO8601(_ text: Any?) -> Bool {
        (text as? String)?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/) != nil
    }

    /// Whether `text` is an RFC 2822 date as the 2010 API writes them.
    static func isRFC2822(_ text: Any?) -> Bool {
        (text as? String)?.wholeMatch(
            of: /(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d \+0000/) != nil
    }

    // MARK: Services

    @Test func listsServicesAcrossPagesThroughAbsoluteNextPageURLs() throws {
        let fake = try FakeTwilio()
        let sids = (0..<7).map { fake.addService(friendlyName: "Service \($0)", registered: $0 == 1) }
        fake.setMessagingPageSize(3)
        let client = FakeTwilioTestClient(fake)

        var next: String? = fake.baseURL + "/v1/Services"
        var pages: [[String: Any]] = []
        while let url = next {
            let reply = try client.get(url: url)
            #expect(reply.status == 200)
            #expect(reply.header("Content-Type")?.hasPrefix("application/json") == true)
            pages.append(reply.json)
            next = (reply.json["meta"] as? [String: Any])?["next_page_url"] as? String
            #expect(next == nil || next!.hasPrefix(fake.baseURL + "/v1/Services?"), "\(next ?? "")")
            if pages.count > 5 { break }
        }
        #expect(pages.count == 3)
        let listed = pages.flatMap { ($0["services"] as? [[String: Any]]) ?? [] }
        #expect(listed.compactMap { $0["sid"] as? String } == sids)
        #expect(pages.map { (($0["services"] as? [Any]) ?? []).count } == [3, 3, 1])

        let metas = pages.compactMap { $0["meta"] as? [String: Any] }
        #expect(metas.map { $0["page"] as? Int } == [0, 1, 2])
        #expect(metas.allSatisfy { $0["key"] as? String == "services" && $0["page_size"] as? Int == 3 })
        #expect(metas.allSatisfy { $0["first_page_url"] as? String == fake.baseURL + "/v1/Services?PageSize=3&Page=0" })
        #expect(metas[0]["url"] as? String == fake.baseURL + "/v1/Services?PageSize=3&Page=0")
        #expect(metas[0]["previous_page_url"] is NSNull)
        #expect((metas[1]["previous_page_url"] as? String)?.hasPrefix(fake.baseURL + "/v1/Services?PageSize=3&Page=0&PageToken=PB") == true)
        #expect((metas[1]["url"] as? String)?.hasPrefix(fake.baseURL + "/v1/Services?PageSize=3&Page=1&PageToken=PA") == true)
        #expect(metas[2]["next_page_url"] is NSNull)

        // Going back from the last page gives the middle one.
        let previous = try client.get(url: try #require(metas[2]["previous_page_url"] as? String))
        #expect(((previous.json["services"] as? [[String: Any]]) ?? []).compactMap { $0["sid"] as? String } == Array(sids[3..<6]))

        let service = listed[1]
        let sid = sids[1]
        #expect(sid.wholeMatch(of: /MG[0-9a-f]{32}/) != nil)
        #expect(service["account_sid"] as? String == fake.accountSID)
        #expect(service["friendly_name"] as? String == "Service 1")
        #expect(service["us_app_to_person_registered"] as? Bool == true)
        #expect(listed[0]["us_app_to_person_registered"] as? Bool == false)
        #expect(service["url"] as? String == fake.baseURL + "/v1/Services/\(sid)")
        for key in ["date_created", "date_updated"] {
            #expect(Self.isISO8601(service[key]), "\(key): \(service[key] ?? "missing")")
        }
        let links = try #require(service["links"] as? [String: Any])
        #expect(links["phone_numbers"] as? String == fake.baseURL + "/v1/Services/\(sid)/PhoneNumbers")
        #expect(links["us_app_to_person"] as? String == fake.baseURL + "/v1/Services/\(sid)/Compliance/Usa2p")

        let fetched = try client.get("/v1/Services/\(sid)")
        #expect(fetched.status == 200)
        #expect(fetched.json["sid"] as? String == sid)
        #expect(fake.apiCallCount(pathPrefix: "/v1/Services", method: "GET") == 5)
    }

    @Test func pageSizeIsTheClientsUpToTheCap() throws {
        let fake = try FakeTwilio()
        for index in 0..<5 { fake.addService(friendlyName: "S\(index)") }
        let client = FakeTwilioTestClient(fake)
        let all = try client.get("/v1/Services")
        #expect((all.json["meta"] as? [String: Any])?["page_size"] as? Int == 50)
        #expect((all.json["services"] as? [Any])?.count == 5)
        let two = try client.get("/v1/Services?PageSize=2")
        #expect((two.json["services"] as? [Any])?.count == 2)
        #expect(((two.json["meta"] as? [String: Any])?["next_page_url"] as? String)?.contains("PageSize=2&Page=1&PageToken=PA") == true)

        // A cap makes even a client asking for big pages follow next_page_url.
        fake.setMessagingMaxPageSize(4)
        let capped = try client.get("/v1/Services?PageSize=1000")
        #expect((capped.json["meta"] as? [String: Any])?["page_size"] as? Int == 4)
        #expect((capped.json["services"] as? [Any])?.count == 4)
        #expect((capped.json["meta"] as? [String: Any])?["next_page_url"] is String)

        let bad = try client.get("/v1/Services?PageSize=lots")
        #expect(bad.status == 400)
        #expect(bad.json["code"] as? Int == 20001)
    }

    // MARK: Phone numbers, campaigns, brands

    @Test func listsTheNumbersOfAService() throws {
        let fake = try FakeTwilio()
        let first = fake.addService(friendlyName: "First")
        let second = fake.addService(friendlyName: "Second")
        let a = fake.addIncomingNumber("+15550100001")
        let b = fake.addIncomingNumber("+15550100002")
        let c = fake.addIncomingNumber("+15550100003")
        _ = fake.addIncomingNumber("+15550100004")  // in no service
        fake.attach(numberSID: b, toService: first)
        fake.attach(numberSID: a, toService: first)
        fake.attach(numberSID: c, toService: second)
        let client = FakeTwilioTestClient(fake)

        let reply = try client.get(fake.servicePhoneNumbersPath(first))
        #expect(reply.status == 200)
        let numbers = try #require(reply.json["phone_numbers"] as? [[String: Any]])
        #expect(numbers.compactMap { $0["sid"] as? String } == [b, a])  // the order they were added
        #expect(numbers.compactMap { $0["phone_number"] as? String } == ["+15550100002", "+15550100001"])
        let number = numbers[0]
        #expect(b.wholeMatch(of: /PN[0-9a-f]{32}/) != nil)
        #expect(number["account_sid"] as? String == fake.accountSID)
        #expect(number["service_sid"] as? String == first)
        #expect(number["country_code"] as? String == "US")
        #expect(number["capabilities"] as? [String] == ["MMS", "SMS", "Voice"])
        #expect(number["url"] as? String == fake.baseURL + "/v1/Services/\(first)/PhoneNumbers/\(b)")
        #expect(Self.isISO8601(number["date_created"]))
        let meta = try #require(reply.json["meta"] as? [String: Any])
        #expect(meta["key"] as? String == "phone_numbers")
        #expect(meta["next_page_url"] is NSNull)

        let other = try client.get(fake.servicePhoneNumbersPath(second))
        #expect((other.json["phone_numbers"] as? [[String: Any]])?.compactMap { $0["sid"] as? String } == [c])
        #expect(try client.get(fake.servicePhoneNumbersPath(first) + "/\(a)").json["phone_number"] as? String == "+15550100001")
        #expect(try client.get(fake.servicePhoneNumbersPath(second) + "/\(a)").status == 404)
        #expect(fake.numbers(inService: first).map(\.sid) == [b, a])
    }

    @Test func showsEachServicesCampaignOrNone() throws {
        let fake = try FakeTwilio()
        let brand = fake.addBrand(status: "APPROVED")
        let verified = fake.addService(friendlyName: "Verified", registered: true)
        let pending = fake.addService(friendlyName: "Pending")
        let none = fake.addService(friendlyName: "None")
        let verifiedCampaign = fake.setCampaign(service: verified, status: "VERIFIED", brand: brand)
        fake.setCampaign(service: pending, status: "PENDING", brand: brand, useCase: "MARKETING")
        let client = FakeTwilioTestClient(fake)

        func compliance(_ service: String) throws -> [[String: Any]] {
            let reply = try client.get(fake.complianceUsa2pPath(service))
            #expect(reply.status == 200)
            #expect((reply.json["meta"] as? [String: Any])?["key"] as? String == "compliance")
            return try #require(reply.json["compliance"] as? [[String: Any]])
        }
        let campaigns = try compliance(verified)
        #expect(campaigns.count == 1)
        let campaign = campaigns[0]
        #expect(campaign["sid"] as? String == verifiedCampaign)
        #expect(verifiedCampaign.wholeMatch(of: /QE[0-9a-f]{32}/) != nil)
        #expect(campaign["campaign_status"] as? String == "VERIFIED")
        #expect(campaign["brand_registration_sid"] as? String == brand)
        #expect(campaign["messaging_service_sid"] as? String == verified)
        #expect(campaign["account_sid"] as? String == fake.accountSID)
        #expect(campaign["us_app_to_person_usecase"] as? String == "LOW_VOLUME")
        #expect((campaign["campaign_id"] as? String)?.wholeMatch(of: /C[0-9A-Z]{6}/) != nil)
        #expect((campaign["description"] as? String)?.isEmpty == false)
        #expect(Self.isISO8601(campaign["date_created"]))
        #expect(campaign["url"] as? String == fake.baseURL + fake.complianceUsa2pPath(verified) + "/\(verifiedCampaign)")
        #expect(campaign["has_embedded_links"] as? Bool == false)

        #expect(try compliance(pending).first?["campaign_status"] as? String == "PENDING")
        #expect(try compliance(pending).first?["us_app_to_person_usecase"] as? String == "MARKETING")
        #expect(try compliance(none).isEmpty)

        // Changing a campaign keeps its SID; removing it empties the list.
        #expect(fake.setCampaign(service: verified, status: "FAILED", brand: brand) == verifiedCampaign)
        #expect(try compliance(verified).first?["campaign_status"] as? String == "FAILED")
        #expect(try client.get(fake.complianceUsa2pPath(verified) + "/\(verifiedCampaign)").status == 200)
        fake.removeCampaign(service: verified)
        #expect(try compliance(verified).isEmpty)
        #expect(fake.campaign(service: verified) == nil)
        #expect(try client.get(fake.complianceUsa2pPath(verified) + "/\(verifiedCampaign)").status == 404)
    }

    @Test func listsBrandRegistrations() throws {
        let fake = try FakeTwilio()
        let approved = fake.addBrand(status: "APPROVED")
        let pending = fake.addBrand(status: "PENDING")
        let failed = fake.addBrand(status: "FAILED", failureReason: "Tax ID does not match")
        let client = FakeTwilioTestClient(fake)

        let first = try client.get("/v1/a2p/BrandRegistrations?PageSize=2")
        #expect(first.status == 200)
        let meta = try #require(first.json["meta"] as? [String: Any])
        #expect(meta["key"] as? String == "data")
        let nextURL = try #require(meta["next_page_url"] as? String)
        #expect(nextURL.hasPrefix(fake.baseURL + "/v1/a2p/BrandRegistrations?PageSize=2&Page=1&PageToken=PA"))
        let second = try client.get(url: nextURL)
        #expect((second.json["meta"] as? [String: Any])?["next_page_url"] is NSNull)
        let brands = ((first.json["data"] as? [[String: Any]]) ?? []) + ((second.json["data"] as? [[String: Any]]) ?? [])
        #expect(brands.compactMap { $0["sid"] as? String } == [approved, pending, failed])
        #expect(brands.compactMap { $0["status"] as? String } == ["APPROVED", "PENDING", "FAILED"])
        #expect(approved.wholeMatch(of: /BN[0-9a-f]{32}/) != nil)
        #expect(brands[0]["account_sid"] as? String == fake.accountSID)
        #expect(brands[0]["url"] as? String == fake.baseURL + "/v1/a2p/BrandRegistrations/\(approved)")
        #expect(Self.isISO8601(brands[0]["date_updated"]))
        #expect(brands[2]["failure_reason"] as? String == "Tax ID does not match")
        #expect(brands[0]["failure_reason"] is NSNull)

        fake.setBrandStatus(pending, status: "APPROVED")
        let fetched = try client.get("/v1/a2p/BrandRegistrations/\(pending)")
        #expect(fetched.status == 200)
        #expect(fetched.json["status"] as? String == "APPROVED")
    }

    // MARK: Incoming phone numbers

    @Test func findsIncomingNumbersByPhoneNumberAndPagesThroughAll() throws {
        let fake = try FakeTwilio()
        let target = fake.addIncomingNumber("+15551234567")
        let others = ["+15551234568", "+15557654321", "+14155550100"].map { fake.addIncomingNumber($0) }
        let client = FakeTwilioTestClient(fake)

        let found = try client.get(fake.incomingPhoneNumbersPath + "?PhoneNumber=%2B15551234567")
        #expect(found.status == 200)
        let numbers = try #require(found.json["incoming_phone_numbers"] as? [[String: Any]])
        #expect(numbers.compactMap { $0["sid"] as? String } == [target])
        let number = numbers[0]
        #expect(number["phone_number"] as? String == "+15551234567")
        #expect(number["friendly_name"] as? String == "(555) 123-4567")
        #expect(number["account_sid"] as? String == fake.accountSID)
        #expect(number["uri"] as? String == "/2010-04-01/Accounts/\(fake.accountSID)/IncomingPhoneNumbers/\(target).json")
        #expect(Self.isRFC2822(number["date_created"]))
        #expect((number["capabilities"] as? [String: Any])?["sms"] as? Bool == true)
        #expect(found.json["next_page_uri"] is NSNull)
        #expect(found.json["uri"] as? String
            == fake.incomingPhoneNumbersPath + "?PhoneNumber=%2B15551234567&PageSize=50&Page=0")

        // An unencoded plus arrives as a space and finds nothing; partial numbers and `*` match.
        #expect((try client.get(fake.incomingPhoneNumbersPath + "?PhoneNumber=+15551234567").json["incoming_phone_numbers"] as? [Any])?.isEmpty == true)
        #expect((try client.get(fake.incomingPhoneNumbersPath + "?PhoneNumber=%2B1555123456*").json["incoming_phone_numbers"] as? [[String: Any]])?.count == 2)
        #expect((try client.get(fake.incomingPhoneNumbersPath + "?PhoneNumber=%2B19995550000").json["incoming_phone_numbers"] as? [Any])?.isEmpty == true)

        // Everything, two at a time, through the relative next_page_uri.
        var next: String? = fake.incomingPhoneNumbersPath + "?PageSize=2"
        var sids: [String] = []
        var pages = 0
        while let uri = next, pages < 5 {
            let reply = try client.get(uri)
            #expect(reply.status == 200)
            #expect(reply.json["page_size"] as? Int == 2)
            sids += ((reply.json["incoming_phone_numbers"] as? [[String: Any]]) ?? []).compactMap { $0["sid"] as? String }
            next = reply.json["next_page_uri"] as? String
            #expect(next == nil || next!.hasPrefix("/2010-04-01/"))
            pages += 1
        }
        #expect(pages == 2)
        #expect(sids == [target] + others)

        let fetched = try client.get("/2010-04-01/Accounts/\(fake.accountSID)/IncomingPhoneNumbers/\(target).json")
        #expect(fetched.json["phone_number"] as? String == "+15551234567")
    }

    // MARK: Attaching

    @Test func attachesAnIncomingNumberToAService() throws {
        let fake = try FakeTwilio()
        let service = fake.addService(friendlyName: "Main")
        let other = fake.addService(friendlyName: "Other")
        let number = fake.addIncomingNumber("+15550100001")
        let client = FakeTwilioTestClient(fake)
        let path = fake.servicePhoneNumbersPath(service)

        let created = try client.request("POST", path, body: "PhoneNumberSid=\(number)")
        #expect(created.status == 201)
        #expect(created.json["sid"] as? String == number)
        #expect(created.json["service_sid"] as? String == service)
        #expect(created.json["phone_number"] as? String == "+15550100001")
        #expect(fake.incomingNumber("+15550100001")?.serviceSID == service)
        let listed = try client.get(path)
        #expect((listed.json["phone_numbers"] as? [[String: Any]])?.compactMap { $0["sid"] as? String } == [number])

        let cases: [(path: String, body: String, status: Int, code: Int)] = [
            (path, "PhoneNumberSid=\(number)", 409, 21710),
            (fake.servicePhoneNumbersPath(other), "PhoneNumberSid=\(number)", 409, 21712),
            (path, "PhoneNumberSid=\(FakeTwilio.randomSID(prefix: "PN"))", 404, 20404),
            (path, "PhoneNumberSid=+15550100001", 400, 21421),
            (path, "", 400, 20001),
            (fake.servicePhoneNumbersPath(FakeTwilio.randomSID(prefix: "MG")), "PhoneNumberSid=\(number)", 404, 20404),
        ]
        for (path, body, status, code) in cases {
            let reply = try client.request("POST", path, body: body)
            #expect(reply.status == status, "\(body)")
            #expect(reply.json["code"] as? Int == code, "\(body)")
            #expect(reply.json["more_info"] as? String == "https://www.twilio.com/docs/errors/\(code)")
        }
        #expect(fake.numbers(inService: other).isEmpty)

        // Removing it from the service (DELETE) frees it for another.
        #expect(try client.request("DELETE", path + "/\(number)").status == 204)
        #expect(try client.request("POST", fake.servicePhoneNumbersPath(other), body: "PhoneNumberSid=\(number)").status == 201)
        #expect(fake.numbers(inService: other).map(\.sid) == [number])
        #expect(fake.apiCallCount(pathPrefix: "/v1/Services", method: "POST") == 8)
    }

    // MARK: Authentication, faults, errors

    @Test func checksCredentials() throws {
        let fake = try FakeTwilio()
        let service = fake.addService(friendlyName: "Main")
        let number = fake.addIncomingNumber("+15550100001")
        fake.injectRead(.serverError(status: 500), pathPrefix: "/v1")
        for authorization in [nil, FakeTwilioTestClient.basic(fake.accountSID, "wrong")] {
            let client = FakeTwilioTestClient(fake, authorization: authorization)
            for path in ["/v1/Services", "/v1/a2p/BrandRegistrations", fake.incomingPhoneNumbersPath] {
                #expect(throws: FakeTwilioTestClient.Challenged.self, "\(path)") { try client.get(path) }
            }
            #expect(throws: FakeTwilioTestClient.Challenged.self) {
                try client.request("POST", fake.servicePhoneNumbersPath(service), body: "PhoneNumberSid=\(number)")
            }
        }
        #expect(fake.requests.count == 8)
        #expect(fake.requests.allSatisfy { $0.responseStatus == 401 && $0.errorCode == 20003 })
        #expect(fake.numbers(inService: service).isEmpty)
        // Unauthenticated requests consume no fault.
        #expect(fake.pendingReadFaults == [.serverError(status: 500)])
    }

    @Test func injectedFaultsHitOnlyMatchingPaths() throws {
        let fake = try FakeTwilio()
        let service = fake.addService(friendlyName: "Main")
        fake.addBrand()
        let client = FakeTwilioTestClient(fake)
        fake.injectRead(.tooManyRequests(retryAfter: 2), .serverError(status: 500), pathPrefix: "/v1/Services")
        fake.injectRead(.serverError(status: 503), pathPrefix: fake.incomingPhoneNumbersPath)

        #expect(try client.get("/v1/a2p/BrandRegistrations").status == 200)  // another prefix
        let limited = try client.get("/v1/Services")
        #expect(limited.status == 429)
        #expect(limited.header("Retry-After") == "2")
        #expect(limited.json["code"] as? Int == 20429)
        let failed = try client.get(fake.servicePhoneNumbersPath(service))  // the prefix covers subpaths
        #expect(failed.status == 500)
        #expect(failed.json["code"] as? Int == 20500)
        #expect(try client.get("/v1/Services").status == 200)
        let unavailable = try client.get(fake.incomingPhoneNumbersPath + "?PhoneNumber=%2B15550100001")
        #expect(unavailable.status == 503)
        #expect(try client.get(fake.incomingPhoneNumbersPath).status == 200)
        #expect(fake.pendingReadFaults.isEmpty)
        #expect(fake.requests.compactMap(\.fault) == [.tooManyRequests(retryAfter: 2), .serverError(status: 500), .serverError(status: 503)])
        #expect(fake.apiCallCount(pathPrefix: "/v1/Services") == 3)
        #expect(fake.apiCallCount(pathPrefix: "/v1/") == 4)

        // A read fault of 401 is a challenge, as with wrong credentials.
        fake.injectRead(.unauthorized, pathPrefix: "/v1/Services")
        #expect(throws: FakeTwilioTestClient.Challenged.self) { try client.get("/v1/Services") }
        #expect(try client.get("/v1/Services").status == 200)

        // Write faults: an error attaches nothing; a drop after attaching attaches.
        let number = fake.addIncomingNumber("+15550100001")
        fake.injectWrite(.serverError(status: 500), .dropAfterCreating, pathPrefix: fake.servicePhoneNumbersPath(service))
        #expect(try client.request("POST", fake.servicePhoneNumbersPath(service), body: "PhoneNumberSid=\(number)").status == 500)
        #expect(fake.numbers(inService: service).isEmpty)
        #expect(throws: (any Error).self) {  // a fresh connection: the drop is reported at once
            try FakeTwilioTestClient(fake).request("POST", fake.servicePhoneNumbersPath(service), body: "PhoneNumberSid=\(number)")
        }
        #expect(fake.numbers(inService: service).map(\.sid) == [number])
        #expect(fake.pendingWriteFaults.isEmpty)

        // clear() forgets queued path faults and requests, and keeps the account.
        fake.injectRead(.serverError(status: 500), pathPrefix: "/v1")
        fake.clear()
        #expect(fake.pendingReadFaults.isEmpty)
        #expect(fake.apiCallCount(pathPrefix: "/") == 0)
        #expect(try client.get("/v1/Services").status == 200)
        #expect(fake.services.map(\.sid) == [service])
    }

    @Test func answersTwilios404And405() throws {
        let fake = try FakeTwilio()
        let service = fake.addService(friendlyName: "Main")
        let client = FakeTwilioTestClient(fake)
        for path in [
            "/v1", "/v1/Nothing", "/v1/Services/\(FakeTwilio.randomSID(prefix: "MG"))",
            "/v1/Services/\(FakeTwilio.randomSID(prefix: "MG"))/PhoneNumbers",
            "/v1/Services/\(FakeTwilio.randomSID(prefix: "MG"))/Compliance/Usa2p",
            "/v1/Services/\(service)/ShortCodes", "/v1/Services/\(service)/Compliance/Usa2p/\(FakeTwilio.randomSID(prefix: "QE"))",
            "/v1/Services/\(service)/PhoneNumbers/\(FakeTwilio.randomSID(prefix: "PN"))",
            "/v1/a2p/BrandRegistrations/\(FakeTwilio.randomSID(prefix: "BN"))",
            "/2010-04-01/Accounts/\(fake.accountSID)/IncomingPhoneNumbers/\(FakeTwilio.randomSID(prefix: "PN")).json",
            "/2010-04-01/Accounts/\(FakeTwilio.randomSID(prefix: "AC"))/IncomingPhoneNumbers.json",
        ] {
            let reply = try client.get(path)
            #expect(reply.status == 404, "\(path)")
            #expect(reply.json["code"] as? Int == 20404, "\(path)")
            #expect(reply.json["status"] as? Int == 404, "\(path)")
        }
        for (method, path) in [
            ("POST", "/v1/Services"), ("DELETE", "/v1/Services/\(service)"), ("PUT", fake.servicePhoneNumbersPath(service)),
            ("POST", fake.complianceUsa2pPath(service)), ("POST", "/v1/a2p/BrandRegistrations"),
            ("POST", fake.incomingPhoneNumbersPath),
        ] {
            let reply = try client.request(method, path, body: method == "POST" ? "FriendlyName=x" : nil)
            #expect(reply.status == 405, "\(method) \(path)")
            #expect(reply.json["code"] as? Int == 20004, "\(method) \(path)")
        }
        #expect(fake.services.count == 1)
    }
}
