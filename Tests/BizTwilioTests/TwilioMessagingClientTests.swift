import BizCore
import BizTestSupport
import Foundation
import Testing

@testable import BizTwilio

/// `TwilioMessagingClient` against the fake Twilio (`FakeTwilio`, which serves the Messaging
/// API and the 2010 API from one base URL), over real HTTP on loopback.
@Suite("TwilioMessagingClient against FakeTwilio")
struct TwilioMessagingClientTests {
    /// A quick backoff, so that tests that do sleep would not sleep long.
    private static let quickSchedule = RetrySchedule(base: .milliseconds(10), factor: 2, cap: .milliseconds(40))

    private func client(
        _ fake: FakeTwilio, token: String? = nil, messagingBase: String? = nil, maxPages: Int = 1_000
    ) -> TwilioMessagingClient {
        TwilioMessagingClient(
            credentials: TwilioCredentials(accountSID: fake.accountSID, authToken: token ?? fake.authToken),
            messagingBase: URL(string: messagingBase ?? fake.baseURL)!, apiBase: URL(string: fake.baseURL)!,
            timeout: .seconds(10), maxPages: maxPages)
    }

    /// The `TwilioError` `body` throws, or nil when it succeeds.
    private func error<T>(_ body: () throws -> T) -> TwilioError? {
        do {
            _ = try body()
            return nil
        } catch let error as TwilioError {
            return error
        } catch {
            Issue.record("not a TwilioError: \(error)")
            return nil
        }
    }

    // MARK: Listings

    @Test("services() reads every page through meta.next_page_url, with basic auth")
    func servicesAcrossPages() throws {
        let fake = try FakeTwilio()
        let sids = (1...5).map { fake.addService(friendlyName: "Service \($0)", registered: $0 == 2) }
        fake.setMessagingMaxPageSize(2)
        let services = try client(fake).services()

        #expect(services.map(\.sid) == sids)
        #expect(services.map(\.friendlyName) == (1...5).map { "Service \($0)" })
        #expect(services.map(\.usAppToPersonRegistered) == [false, true, false, false, false])
        #expect(fake.apiCallCount(pathPrefix: "/v1/Services", method: "GET") == 3)
        let requests = fake.requests
        #expect(requests.allSatisfy { $0.headers["authorization"] == fake.authorizationHeader })
        #expect(requests.allSatisfy { $0.headers["user-agent"]?.hasPrefix("bizcached/") == true })
        #expect(requests.first?.query["PageSize"] == "1000")
        #expect(requests.dropFirst().allSatisfy { $0.query["PageToken"] != nil })
    }

    @Test("An account without services is an empty list, from one request")
    func noServices() throws {
        let fake = try FakeTwilio()
        #expect(try client(fake).services().isEmpty)
        #expect(fake.requests.count == 1)
    }

    @Test("phoneNumbers(service:) reads every page, in the order the numbers were added")
    func phoneNumbersAcrossPages() throws {
        let fake = try FakeTwilio()
        let service = fake.addService(friendlyName: "Main")
        let other = fake.addService(friendlyName: "Other")
        let numbers = (1...5).map { "+1555010010\($0)" }
        let sids = numbers.map { fake.addIncomingNumber($0) }
        for sid in sids.reversed() { fake.attach(numberSID: sid, toService: service) }
        fake.attach(numberSID: fake.addIncomingNumber("+15550100200"), toService: other)
        fake.setMessagingMaxPageSize(2)

        let listed = try client(fake).phoneNumbers(service: service)
        #expect(listed.map(\.sid) == sids.reversed())
        #expect(listed.map(\.phoneNumber) == numbers.reversed())
        #expect(listed.allSatisfy { $0.serviceSID == service })
        #expect(listed.map(\.number) == numbers.reversed().map { PhoneNumber(e164: $0) })
        #expect(fake.apiCallCount(pathPrefix: fake.servicePhoneNumbersPath(service), method: "GET") == 3)
        #expect(try client(fake).phoneNumbers(service: other).map(\.phoneNumber) == ["+15550100200"])
    }

    @Test("usAppToPersonCampaigns(service:) reads the service's campaign, or none")
    func campaigns() throws {
        let fake = try FakeTwilio()
        let service = fake.addService(friendlyName: "Main", registered: true)
        let bare = fake.addService(friendlyName: "Bare")
        let brand = fake.addBrand(status: "APPROVED")
        let campaign = fake.setCampaign(service: service, status: "VERIFIED", brand: brand, campaignID: "CABC123")

        let listed = try client(fake).usAppToPersonCampaigns(service: service)
        #expect(listed == [
            A2PCampaign(
                sid: campaign, campaignStatus: "VERIFIED", brandRegistrationSID: brand, campaignID: "CABC123",
                messagingServiceSID: service)
        ])
        #expect(try client(fake).usAppToPersonCampaigns(service: bare).isEmpty)
        #expect(fake.apiCallCount(pathPrefix: fake.complianceUsa2pPath(service)) == 1)
    }

    @Test("brandRegistrations() reads the list under the key data, every page")
    func brandsAcrossPages() throws {
        let fake = try FakeTwilio()
        let approved = fake.addBrand(status: "APPROVED")
        let failed = fake.addBrand(status: "FAILED", failureReason: "Tax ID does not match")
        let review = fake.addBrand(status: "IN_REVIEW")
        fake.setMessagingMaxPageSize(2)

        let brands = try client(fake).brandRegistrations()
        #expect(brands.map(\.sid) == [approved, failed, review])
        #expect(brands.map(\.status) == ["APPROVED", "FAILED", "IN_REVIEW"])
        #expect(brands[1].failureReason == "Tax ID does not match")
        #expect(fake.apiCallCount(pathPrefix: "/v1/a2p/BrandRegistrations") == 2)
    }

    @Test("incomingPhoneNumbers(phoneNumber: nil) reads every page through the relative next_page_uri")
    func incomingNumbersAcrossPages() throws {
        let fake = try FakeTwilio()
        let numbers = (1...5).map { "+1555010030\($0)" }
        let sids = numbers.map { fake.addIncomingNumber($0) }
        fake.setMessagingMaxPageSize(2)

        let listed = try client(fake).incomingPhoneNumbers(phoneNumber: nil)
        #expect(listed.map(\.sid) == sids)
        #expect(listed.map(\.phoneNumber) == numbers)
        #expect(fake.apiCallCount(pathPrefix: fake.incomingPhoneNumbersPath) == 3)
        #expect(fake.requests.allSatisfy { $0.headers["authorization"] == fake.authorizationHeader })
    }

    @Test("incomingPhoneNumbers(phoneNumber:) filters with PhoneNumber=%2B… and keeps exact matches only")
    func incomingNumberFilter() throws {
        let fake = try FakeTwilio()
        let sid = fake.addIncomingNumber("+15550100001")
        fake.addIncomingNumber("+155501000012")  // contains the digits: Twilio's filter matches it too
        fake.addIncomingNumber("+15550100002")

        let found = try client(fake).incomingPhoneNumbers(phoneNumber: PhoneNumber(e164: "+15550100001")!)
        #expect(found == [IncomingPhoneNumber(sid: sid, phoneNumber: "+15550100001")])
        let request = try #require(fake.requests.last)
        #expect(request.target.contains("PhoneNumber=%2B15550100001"))
        #expect(request.query["PhoneNumber"] == "+15550100001")
        #expect(try client(fake).incomingPhoneNumbers(phoneNumber: PhoneNumber(e164: "+15550100009")!).isEmpty)
    }

    // MARK: Attaching

    @Test("attach posts PhoneNumberSid on the service and returns the new PhoneNumber resource")
    func attach() throws {
        let fake = try FakeTwilio()
        let service = fake.addService(friendlyName: "Main")
        let number = fake.addIncomingNumber("+15550100001")

        let attached = try client(fake).attach(phoneNumberSID: number, toService: service)
        #expect(attached == ServicePhoneNumber(sid: number, phoneNumber: "+15550100001", serviceSID: service))
        #expect(fake.numbers(inService: service).map(\.sid) == [number])
        let request = try #require(fake.requests.last)
        #expect(request.method == "POST")
        #expect(request.path == fake.servicePhoneNumbersPath(service))
        #expect(request.formItems == [FakeTwilio.Field(name: "PhoneNumberSid", value: number)])
        #expect(request.headers["content-type"]?.hasPrefix("application/x-www-form-urlencoded") == true)
        #expect(request.headers["authorization"] == fake.authorizationHeader)
    }

    @Test("attaching a number that is in another service is a permanent 409")
    func attachConflict() throws {
        let fake = try FakeTwilio()
        let first = fake.addService(friendlyName: "First")
        let second = fake.addService(friendlyName: "Second")
        let number = fake.addIncomingNumber("+15550100001")
        fake.attach(numberSID: number, toService: first)

        let failure = error { try client(fake).attach(phoneNumberSID: number, toService: second) }
        guard case .rejected(409, 21712, _, _)? = failure else {
            Issue.record("got \(String(describing: failure))")
            return
        }
        #expect(failure?.failureKind == .permanent)
        #expect(fake.numbers(inService: second).isEmpty)
    }

    // MARK: Failures and retries

    @Test("A 401 is the authentication kind, answered at once and never retried")
    func unauthorized() throws {
        let fake = try FakeTwilio()
        fake.addService(friendlyName: "Main")
        // The 401 carries WWW-Authenticate, which URLSession on Linux would otherwise wait on
        // forever (see HTTPTransport).
        fake.injectRead(.unauthorized, pathPrefix: "/v1/Services")
        let client = client(fake)
        var waits: [Duration] = []
        let started = ContinuousClock.now
        let failure = error {
            try client.withRetries(sleep: { waits.append($0) }) { () throws(TwilioError) in try client.services() }
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(failure == .rejected(status: 401, code: 20003, message: "Authenticate", retryAfter: nil))
        #expect(failure?.failureKind == .authentication)
        #expect(waits.isEmpty)
        #expect(fake.requests.count == 1)

        fake.injectRead(.unauthorized, pathPrefix: fake.incomingPhoneNumbersPath)
        let incoming = error { try client.incomingPhoneNumbers(phoneNumber: nil) }
        #expect(incoming?.failureKind == .authentication)
        fake.injectWrite(.unauthorized, pathPrefix: "/v1/Services")
        let attach = error {
            try client.attach(phoneNumberSID: fake.addIncomingNumber("+15550100001"), toService: fake.services[0].sid)
        }
        #expect(attach?.failureKind == .authentication)
    }

    @Test("Wrong credentials are a 401 with the authentication kind, and the token is never shown")
    func wrongCredentials() throws {
        let fake = try FakeTwilio()
        fake.addService(friendlyName: "Main")
        let wrong = client(fake, token: "wrong-token-0123456789abcdef0123")
        for failure in [
            error { try wrong.services() }, error { try wrong.incomingPhoneNumbers(phoneNumber: nil) },
        ] {
            #expect(failure == .rejected(status: 401, code: 20003, message: "Authenticate", retryAfter: nil))
            #expect(failure?.failureKind == .authentication)
            #expect(failure.map { !$0.description.contains("wrong-token") } ?? true)
        }
    }

    @Test("withRetries waits the Retry-After of a 429, then succeeds")
    func retriesTooManyRequests() throws {
        let fake = try FakeTwilio()
        let sid = fake.addService(friendlyName: "Main")
        fake.injectRead(.tooManyRequests(retryAfter: 3), pathPrefix: "/v1/Services")
        let client = client(fake)
        var waits: [Duration] = []

        let services = try client.withRetries(schedule: Self.quickSchedule, sleep: { waits.append($0) }) {
            () throws(TwilioError) in
            try client.services()
        }
        #expect(services.map(\.sid) == [sid])
        #expect(waits == [.seconds(3)])
        #expect(fake.apiCallCount(pathPrefix: "/v1/Services") == 2)
        #expect(fake.requests.first?.responseStatus == 429)
    }

    @Test("withRetries retries 5xx with the schedule's backoff")
    func retriesServerErrors() throws {
        let fake = try FakeTwilio()
        let brand = fake.addBrand()
        fake.injectRead(.serverError(status: 500), .serverError(status: 503), pathPrefix: "/v1/a2p")
        let client = client(fake)
        var waits: [Duration] = []

        let brands = try client.withRetries(schedule: Self.quickSchedule, sleep: { waits.append($0) }) {
            () throws(TwilioError) in
            try client.brandRegistrations()
        }
        #expect(brands.map(\.sid) == [brand])
        #expect(waits.count == 2)
        #expect(waits[0] >= .milliseconds(5) && waits[0] <= .milliseconds(10))
        #expect(waits[1] >= .milliseconds(10) && waits[1] <= .milliseconds(20))
        #expect(fake.apiCallCount(pathPrefix: "/v1/a2p") == 3)
    }

    @Test("withRetries gives up after its attempts and rethrows the last failure")
    func retriesRunOut() throws {
        let fake = try FakeTwilio()
        fake.injectRead(
            .serverError(status: 503), .serverError(status: 503), .serverError(status: 500), pathPrefix: "/v1/Services")
        let client = client(fake)
        var waits: [Duration] = []
        let failure = error {
            try client.withRetries(3, schedule: Self.quickSchedule, sleep: { waits.append($0) }) {
                () throws(TwilioError) in try client.services()
            }
        }
        guard case .rejected(500, 20500, _, nil)? = failure else {
            Issue.record("got \(String(describing: failure))")
            return
        }
        #expect(waits.count == 2)
        #expect(fake.pendingReadFaults.isEmpty)
    }

    @Test("withRetries rethrows permanent failures at once")
    func permanentNotRetried() throws {
        let fake = try FakeTwilio()
        let client = client(fake)
        var waits: [Duration] = []
        let failure = error {
            try client.withRetries(sleep: { waits.append($0) }) { () throws(TwilioError) in
                try client.phoneNumbers(service: "MG" + String(repeating: "0", count: 32))
            }
        }
        guard case .rejected(404, 20404, _, _)? = failure else {
            Issue.record("got \(String(describing: failure))")
            return
        }
        #expect(failure?.failureKind == .permanent)
        #expect(waits.isEmpty)
        #expect(fake.requests.count == 1)
    }

    @Test("withRetries retries a request that never went out")
    func retriesNotSent() throws {
        let fake = try FakeTwilio()
        let client = client(fake)
        fake.stop()
        var waits: [Duration] = []
        let failure = error {
            try client.withRetries(2, schedule: Self.quickSchedule, sleep: { waits.append($0) }) {
                () throws(TwilioError) in try client.services()
            }
        }
        guard case .notSent? = failure else {
            Issue.record("got \(String(describing: failure))")
            return
        }
        #expect(waits.count == 1)
    }

    @Test("The default sleep really waits")
    func realSleep() {
        let started = ContinuousClock.now
        TwilioMessagingClient.sleep(.milliseconds(50))
        TwilioMessagingClient.sleep(.seconds(-1))
        #expect(ContinuousClock.now - started >= .milliseconds(50))
    }

    // MARK: Paging limits

    @Test("A listing longer than maxPages is an error, not a short list")
    func pageCap() throws {
        let fake = try FakeTwilio()
        for index in 1...5 { fake.addService(friendlyName: "Service \(index)") }
        fake.setMessagingMaxPageSize(2)
        let failure = error { try client(fake, maxPages: 2).services() }
        #expect(failure == .malformedReply("the Services listing has more than 2 pages; stopped reading"))
        #expect(failure?.failureKind == .ambiguous)
        #expect(fake.apiCallCount(pathPrefix: "/v1/Services") == 2)

        for index in 1...5 { fake.addIncomingNumber("+1555010040\(index)") }
        let incoming = error { try client(fake, maxPages: 2).incomingPhoneNumbers(phoneNumber: nil) }
        #expect(incoming == .malformedReply("the IncomingPhoneNumbers listing has more than 2 pages; stopped reading"))
        // Exactly maxPages pages is fine.
        #expect(try client(fake, maxPages: 3).services().count == 5)
    }

    @Test("A next_page_url on another host is not followed: the credentials never go there")
    func foreignNextPage() throws {
        let fake = try FakeTwilio()
        for index in 1...3 { fake.addService(friendlyName: "Service \(index)") }
        fake.setMessagingMaxPageSize(2)
        // The fake writes its links on 127.0.0.1; a client configured with "localhost" reaches
        // the same server, but must treat 127.0.0.1 as another host.
        let client = client(fake, messagingBase: "http://localhost:\(fake.port)")
        let failure = error { try client.services() }
        #expect(failure == .malformedReply("next_page_url points to 127.0.0.1, not localhost; not followed"))
        #expect(fake.apiCallCount(pathPrefix: "/v1/Services") == 1)
        #expect(failure?.failureKind == .ambiguous)
    }

    @Test("Next-page links: paths join the base; absolute URLs only on the base's origin")
    func nextPageLinks() throws {
        let base = URL(string: "https://messaging.twilio.com")!
        let root = "https://messaging.twilio.com"
        func resolve(_ link: String, base: URL = base, root: String = root) -> Result<String, TwilioError> {
            do {
                return .success(try NextPageLink.resolve(link, base: base, root: root, field: "next_page_url"))
            } catch {
                return .failure(error)
            }
        }
        let next = "https://messaging.twilio.com/v1/Services?PageSize=50&Page=1&PageToken=PAMG1"
        #expect(resolve(next) == .success(next))
        let differentCase = "HTTPS://Messaging.Twilio.com:443/v1/Services?Page=1"
        #expect(resolve(differentCase) == .success(differentCase))
        #expect(resolve("/v1/Services?Page=1") == .success("https://messaging.twilio.com/v1/Services?Page=1"))
        let proxy = URL(string: "http://proxy:8080/twilio/")!
        #expect(
            resolve("/2010-04-01/x.json", base: proxy, root: "http://proxy:8080/twilio")
                == .success("http://proxy:8080/twilio/2010-04-01/x.json"))
        #expect(resolve("http://proxy:8080/elsewhere?Page=1", base: proxy) == .success("http://proxy:8080/elsewhere?Page=1"))
        // A path that looks like another host stays on this one.
        #expect(resolve("//evil.example/v1/Services") == .success("https://messaging.twilio.com//evil.example/v1/Services"))

        for foreign in [
            "https://evil.example/v1/Services?Page=1",
            "https://messaging.twilio.com.evil.example/v1/Services",
            "http://messaging.twilio.com/v1/Services",
            "http://messaging.twilio.com:443/v1/Services",
            "https://messaging.twilio.com:8443/v1/Services",
            "https://api.twilio.com/v1/Services",
            "https://user:pass@messaging.twilio.com/v1/Services",
            "not a url",
            "v1/Services?Page=1",
        ] {
            guard case .failure(.malformedReply(let reason)) = resolve(foreign) else {
                Issue.record("followed \(foreign)")
                continue
            }
            #expect(reason.contains("next_page_url"))
            #expect(reason.hasSuffix("not followed"))
        }
    }

    // MARK: The 10DLC sync's shape

    @Test("One run's listings build a TenDLCIndex that judges every number without further calls")
    func tenDLCIndexFromListings() throws {
        let fake = try FakeTwilio()
        let verified = fake.addService(friendlyName: "Verified", registered: true)
        let failing = fake.addService(friendlyName: "Failing", registered: false)
        let empty = fake.addService(friendlyName: "Empty", registered: false)
        let goodBrand = fake.addBrand(status: "APPROVED")
        let badBrand = fake.addBrand(status: "FAILED", failureReason: "Tax ID does not match")
        fake.setCampaign(service: verified, status: "VERIFIED", brand: goodBrand)
        fake.setCampaign(service: failing, status: "FAILED", brand: badBrand)
        let alice = fake.addIncomingNumber("+15550100001")
        let bob = fake.addIncomingNumber("+15550100002")
        let carol = fake.addIncomingNumber("+15550100003")
        fake.addIncomingNumber("+15550100004")
        fake.attach(numberSID: alice, toService: verified)
        fake.attach(numberSID: bob, toService: failing)
        fake.attach(numberSID: carol, toService: empty)
        let client = client(fake)

        let services = try client.services()
        let facts = try services.map { service throws(TwilioError) in
            TenDLCService(
                service, campaigns: try client.usAppToPersonCampaigns(service: service.sid),
                phoneNumbers: try client.phoneNumbers(service: service.sid))
        }
        let index = TenDLCIndex(
            accountNumbers: try client.incomingPhoneNumbers(phoneNumber: nil).map(\.phoneNumber), services: facts,
            brands: try client.brandRegistrations().map(TenDLCBrand.init))
        let calls = fake.requests.count
        #expect(calls == 1 + 2 * 3 + 1 + 1)

        func status(_ e164: String) -> TenDLCStatus { index.assess(PhoneNumber(e164: e164)!).status }
        #expect(status("+15550100001") == .registered)
        #expect(status("+15550100002") == .campaignFailed)
        #expect(index.assess(PhoneNumber(e164: "+15550100002")!).reason.contains("Tax ID does not match"))
        #expect(status("+15550100003") == .noCampaign)
        #expect(status("+15550100004") == .notInService)
        #expect(status("+15550100009") == .notInAccount)
        #expect(index.assess(PhoneNumber(e164: "+15550100001")!).messagingServiceSID == verified)
        #expect(fake.requests.count == calls)
    }
}
