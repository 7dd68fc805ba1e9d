import BizCore
import BizTestSupport
import Foundation
import Testing

@testable import BizTwilio

/// `TwilioClient` against the fake Twilio (`FakeTwilio`), over real HTTP on loopback.
@Suite("TwilioClient against FakeTwilio")
struct TwilioClientTests {
    private static let alice = try! PhoneNumberParser().parse("+15550100001")
    private static let bob = try! PhoneNumberParser().parse("+15550100002")
    private static let carol = try! PhoneNumberParser().parse("+15550100003")

    private func client(_ fake: FakeTwilio, token: String? = nil, timeout: Duration = .seconds(10)) -> TwilioClient {
        TwilioClient(
            credentials: TwilioCredentials(accountSID: fake.accountSID, authToken: token ?? fake.authToken),
            apiBase: URL(string: fake.baseURL)!, timeout: timeout)
    }

    private func sms(_ body: String = "Your table is ready.", to: PhoneNumber = alice, from: PhoneNumber = bob) -> OutboundSMS {
        try! OutboundSMS(to: to, sender: .phone(from), body: body)
    }

    /// The error `send` throws, or nil when it succeeds.
    private func sendError(_ client: TwilioClient, _ message: OutboundSMS) -> TwilioError? {
        do {
            _ = try client.send(message)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Sending

    @Test("A send posts To, From and Body with basic auth, and returns the created message")
    func sendsMessage() throws {
        let fake = try FakeTwilio()
        let body = "Hi + you & me = 100% é 👍\nsecond line?"
        let sent = try client(fake).send(sms(body))

        #expect(sent.sid.hasPrefix("SM") && sent.sid.count == 34)
        #expect(sent.status == .queued)
        #expect(sent.to == "+15550100001")
        #expect(sent.from == "+15550100002")
        #expect(sent.body == body)
        #expect(sent.dateCreated != nil)

        let request = try #require(fake.requests.last)
        #expect(request.method == "POST")
        #expect(request.path == fake.messagesPath)
        #expect(request.headers["authorization"] == fake.authorizationHeader)
        #expect(request.headers["user-agent"]?.hasPrefix("bizcached/") == true)
        #expect(request.headers["content-type"]?.hasPrefix("application/x-www-form-urlencoded") == true)
        #expect(request.formItems.map(\.name) == ["To", "From", "Body"])
        #expect(request.form["To"] == "+15550100001")
        #expect(request.form["From"] == "+15550100002")
        #expect(request.form["Body"] == body)
        #expect(request.body.contains("To=%2B15550100001"))
        #expect(!request.body.contains(" "))

        let stored = try #require(fake.message(sid: sent.sid))
        #expect(stored.body == body)
        #expect(stored.to == "+15550100001")
        #expect(fake.messages.count == 1)
    }

    @Test("A send through a Messaging Service posts MessagingServiceSid instead of From")
    func sendsThroughService() throws {
        let fake = try FakeTwilio()
        let service = FakeTwilio.randomSID(prefix: "MG")
        let sent = try client(fake).send(try OutboundSMS(to: Self.alice, sender: .messagingService(service), body: "hi"))
        let request = try #require(fake.requests.last)
        #expect(request.formItems.map(\.name) == ["To", "MessagingServiceSid", "Body"])
        #expect(request.form["MessagingServiceSid"] == service)
        #expect(sent.messagingServiceSID == service)
        #expect(sent.from == FakeTwilio.messagingServiceNumber)
    }

    @Test("An API base with a trailing slash works")
    func trailingSlash() throws {
        let fake = try FakeTwilio()
        let client = TwilioClient(
            credentials: TwilioCredentials(accountSID: fake.accountSID, authToken: fake.authToken),
            apiBase: URL(string: fake.baseURL + "/")!)
        _ = try client.send(sms())
        #expect(fake.requests.last?.path == fake.messagesPath)
    }

    @Test("A long body of 1600 characters goes through whole")
    func longBody() throws {
        let fake = try FakeTwilio()
        let body = String(repeating: "é+& ", count: 400)
        let sent = try client(fake).send(sms(body))
        #expect(fake.message(sid: sent.sid)?.body == body)
    }

    @Test("Consecutive sends each create one message")
    func consecutiveSends() throws {
        let fake = try FakeTwilio()
        let client = client(fake)
        for index in 0..<5 {
            _ = try client.send(sms("message \(index)"))
        }
        #expect(fake.messages.map(\.body) == (0..<5).map { "message \($0)" })
        #expect(fake.createRequestCount == 5)
    }

    // MARK: Faults

    @Test("429 with Retry-After is rejected and transient, honouring Retry-After")
    func tooManyRequests() throws {
        let fake = try FakeTwilio()
        fake.inject(.tooManyRequests(retryAfter: 7), .tooManyRequests(retryAfter: nil))
        let client = client(fake)
        let first = sendError(client, sms())
        #expect(first == .rejected(status: 429, code: 20429, message: "Too Many Requests", retryAfter: .seconds(7)))
        #expect(first?.failureKind == .transient(retryAfter: .seconds(7)))
        let second = sendError(client, sms())
        #expect(second == .rejected(status: 429, code: 20429, message: "Too Many Requests", retryAfter: nil))
        #expect(second?.failureKind == .transient(retryAfter: nil))
        #expect(fake.messages.isEmpty)
    }

    @Test("Server errors are transient", arguments: [500, 503])
    func serverError(_ status: Int) throws {
        let fake = try FakeTwilio()
        fake.inject(.serverError(status: status))
        let error = try #require(sendError(client(fake), sms()))
        guard case .rejected(status, 20500, _, nil) = error else {
            Issue.record("got \(error)")
            return
        }
        #expect(error.failureKind == .transient(retryAfter: nil))
        #expect(fake.messages.isEmpty)
    }

    @Test(
        "Twilio errors are permanent, except a full sender queue",
        arguments: [
            (21211, SendFailureKind.permanent), (21610, .permanent), (21614, .permanent), (21408, .permanent),
            (21606, .permanent), (21617, .permanent), (21611, .transient(retryAfter: nil)),
        ])
    func twilioErrors(_ code: Int, _ kind: SendFailureKind) throws {
        let fake = try FakeTwilio()
        fake.inject(.twilioError(code: code, status: 400, message: "Twilio says no to +15550100001"))
        let error = try #require(sendError(client(fake), sms()))
        #expect(error == .rejected(status: 400, code: code, message: "Twilio says no to +1555***0001", retryAfter: nil))
        #expect(error.failureKind == kind)
    }

    @Test("A body Twilio counts as too long is refused permanently with 21617")
    func bodyTooLongForTwilio() throws {
        let fake = try FakeTwilio()
        // 300 family emoji: 300 Characters for OutboundSMS, 2,100 Unicode scalars for Twilio.
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}"
        let error = try #require(sendError(client(fake), sms(String(repeating: family, count: 300))))
        #expect(error == .rejected(status: 400, code: 21617, message: "The concatenated message body exceeds the 1600 character limit.", retryAfter: nil))
        #expect(error.failureKind == .permanent)
    }

    @Test("Wrong credentials and an injected 401 are authentication failures")
    func unauthorized() throws {
        let fake = try FakeTwilio()
        // The 401 carries WWW-Authenticate; URLSession on Linux would wait forever for a
        // credential if the client did not cancel the challenge, so this also checks promptness.
        let clock = ContinuousClock()
        let start = clock.now
        let wrong = sendError(client(fake, token: "wrong-token-0123456789abcdef0123"), sms())
        #expect(clock.now - start < .seconds(3))
        #expect(wrong == .rejected(status: 401, code: 20003, message: "Authenticate", retryAfter: nil))
        #expect(wrong?.failureKind == .authentication)
        fake.inject(.unauthorized)
        #expect(sendError(client(fake), sms())?.failureKind == .authentication)
        #expect(fake.messages.isEmpty)
    }

    @Test("A connection dropped before creating is ambiguous, and nothing was created")
    func dropBeforeCreating() throws {
        let fake = try FakeTwilio()
        fake.inject(.dropBeforeCreating)
        let error = try #require(sendError(client(fake), sms()))
        // libcurl reports a connection closed without a reply as CURLE_GOT_NOTHING, which
        // URLSession on Linux turns into URLError.badServerResponse.
        guard case .ambiguous("127.0.0.1 closed the connection without a reply") = error else {
            Issue.record("got \(error)")
            return
        }
        #expect(error.failureKind == .ambiguous)
        #expect(fake.messages.isEmpty)
        #expect(fake.createRequestCount == 1)
    }

    @Test("A connection dropped after creating is ambiguous; the message exists once, never re-sent")
    func dropAfterCreating() throws {
        let fake = try FakeTwilio()
        let client = client(fake)
        // A first send leaves a keep-alive connection behind, were sends to share connections.
        _ = try client.send(sms("first"))
        fake.inject(.dropAfterCreating)
        let error = try #require(sendError(client, sms("second")))
        guard case .ambiguous("127.0.0.1 closed the connection without a reply") = error else {
            Issue.record("got \(error)")
            return
        }
        #expect(error.failureKind == .ambiguous)
        #expect(fake.messages.map(\.body) == ["first", "second"])
        #expect(fake.createRequestCount == 2)
    }

    @Test("A reply slower than the timeout is ambiguous, and the fake did create the message")
    func slowReply() throws {
        let fake = try FakeTwilio()
        fake.inject(.slowReply(seconds: 3))
        let client = client(fake, timeout: .milliseconds(1_500))
        let clock = ContinuousClock()
        let start = clock.now
        let error = try #require(sendError(client, sms()))
        let elapsed = clock.now - start
        guard case .ambiguous(let reason) = error else {
            Issue.record("got \(error)")
            return
        }
        #expect(reason.contains("1.5 s"))
        #expect(error.failureKind == .ambiguous)
        // The deadline is the one asked for, not URLSession's whole seconds.
        #expect(elapsed >= .milliseconds(1_400) && elapsed < .milliseconds(2_800), "took \(elapsed)")
        #expect(fake.waitForMessages(1, timeout: 5))
        #expect(fake.messages.count == 1)
    }

    @Test("Sub-second timeouts are honoured")
    func subSecondTimeout() throws {
        let fake = try FakeTwilio()
        fake.inject(.slowReply(seconds: 2))
        let clock = ContinuousClock()
        let start = clock.now
        let error = sendError(client(fake, timeout: .milliseconds(300)), sms())
        let elapsed = clock.now - start
        #expect(error?.failureKind == .ambiguous)
        #expect(elapsed >= .milliseconds(250) && elapsed < .milliseconds(1_500), "took \(elapsed)")
        // A fast reply within a short timeout still succeeds.
        fake.clear()
        _ = try client(fake, timeout: .milliseconds(500)).send(sms())
    }

    @Test("A refused port is notSent and transient")
    func refusedPort() throws {
        let fake = try FakeTwilio()
        let base = fake.baseURL
        fake.stop()
        let client = TwilioClient(
            credentials: TwilioCredentials(accountSID: fake.accountSID, authToken: fake.authToken),
            apiBase: URL(string: base)!, timeout: .seconds(5))
        let error = try #require(sendError(client, sms()))
        guard case .notSent(let reason) = error else {
            Issue.record("got \(error)")
            return
        }
        // URLSession on Linux reports ECONNREFUSED as URLError.cannotConnectToHost.
        #expect(reason == "cannot connect to 127.0.0.1 (connection refused)")
        #expect(error.failureKind == .transient(retryAfter: nil))
        #expect(throws: TwilioError.self) { try client.message(sid: "SM" + String(repeating: "0", count: 32)) }
    }

    @Test("An unknown host is notSent")
    func unknownHost() throws {
        let client = TwilioClient(
            credentials: TwilioCredentials(accountSID: "AC" + String(repeating: "0", count: 32), authToken: "token"),
            apiBase: URL(string: "http://no-such-host.invalid")!, timeout: .seconds(5))
        let error = try #require(sendError(client, sms()))
        guard case .notSent = error else {
            Issue.record("got \(error)")
            return
        }
    }

    @Test("Error descriptions never contain the token, the body, or a whole number")
    func noSecretsInDescriptions() throws {
        let fake = try FakeTwilio()
        let token = fake.authToken
        let body = "Secret body: your code is 918273"
        fake.inject(
            .tooManyRequests(retryAfter: 1), .serverError(status: 500),
            .twilioError(code: 21211, status: 400, message: "bad To +15550100001 with \(token) and \(body)"),
            .unauthorized, .dropBeforeCreating, .dropAfterCreating, .slowReply(seconds: 2))
        let client = client(fake, timeout: .milliseconds(500))
        var descriptions: [String] = []
        for _ in 0..<7 {
            if let error = sendError(client, sms(body)) { descriptions.append(error.description) }
        }
        descriptions.append(sendError(self.client(fake, token: token + "x"), sms(body))?.description ?? "")
        #expect(descriptions.count == 8)
        for description in descriptions {
            #expect(!description.contains(token), "\(description)")
            #expect(!description.contains(body), "\(description)")
            #expect(!description.contains("918273"), "\(description)")
            #expect(!description.contains("+15550100001"), "\(description)")
            #expect(!description.contains("+15550100002"), "\(description)")
        }
    }

    // MARK: Reading

    @Test("message(sid:) fetches one message; an unknown SID is a permanent 404")
    func fetchOne() throws {
        let fake = try FakeTwilio()
        let client = client(fake)
        let sent = try client.send(sms("fetch me"))
        let fetched = try client.message(sid: sent.sid)
        #expect(fetched.sid == sent.sid)
        #expect(fetched.status == .sent)
        #expect(fetched.body == "fetch me")
        #expect(fetched.dateSent != nil)
        let request = try #require(fake.requests.last)
        #expect(request.method == "GET")
        #expect(request.headers["authorization"] == fake.authorizationHeader)

        do {
            _ = try client.message(sid: "SM" + String(repeating: "0", count: 32))
            Issue.record("expected a 404")
        } catch {
            guard case .rejected(404, 20404, _, nil) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(error.failureKind == .permanent)
        }
    }

    @Test("Listing filters by To, From and the day before, follows next_page_uri, and filters by time")
    func listing() throws {
        let fake = try FakeTwilio()
        let client = client(fake)
        let noon = Date(timeIntervalSince1970: 1_717_243_200)  // 2024-06-01 12:00:00 UTC
        // Before the cut-off, same day and the day before: fetched (DateSent>= the day before) but dropped.
        fake.setNow(noon.addingTimeInterval(-86_400))
        _ = try client.send(sms("yesterday"))
        fake.setNow(noon.addingTimeInterval(-60))
        _ = try client.send(sms("a minute early"))
        // At and after the cut-off: kept.
        var expected: [String] = []
        for index in 0..<7 {
            fake.setNow(noon.addingTimeInterval(Double(index) * 10))
            _ = try client.send(sms("kept \(index)"))
            expected.append("kept \(index)")
        }
        // Other recipient or sender: filtered out by Twilio.
        _ = try client.send(sms("to carol", to: Self.carol))
        _ = try client.send(sms("from carol", from: Self.carol))
        // Long ago: not even fetched.
        fake.setNow(noon.addingTimeInterval(-10 * 86_400))
        _ = try client.send(sms("last week"))
        fake.setNow(nil)

        let before = fake.requests.count
        let listed = try client.messages(to: Self.alice, from: Self.bob, sentAfter: noon, pageSize: 2)
        #expect(Set(listed.map(\.body)) == Set(expected))
        #expect(listed.count == expected.count)
        #expect(listed.allSatisfy { $0.to == "+15550100001" && $0.from == "+15550100002" })

        let pages = fake.requests.dropFirst(before)
        #expect(pages.count == 5)  // 9 messages from the day before on, 2 per page
        let first = try #require(pages.first)
        #expect(first.method == "GET")
        #expect(first.query["To"] == "+15550100001")
        #expect(first.query["From"] == "+15550100002")
        #expect(first.query["DateSent>"] == "2024-05-31")
        #expect(first.query["PageSize"] == "2")
        #expect(first.target.contains("DateSent%3E=2024-05-31"))
        #expect(pages.allSatisfy { $0.headers["authorization"] == fake.authorizationHeader && $0.responseStatus == 200 })
    }

    @Test("Listing without From finds texts from any sender")
    func listingAnySender() throws {
        let fake = try FakeTwilio()
        let client = client(fake)
        let start = Date().addingTimeInterval(-5)
        _ = try client.send(sms("from bob"))
        _ = try client.send(sms("from carol", from: Self.carol))
        _ = try client.send(try OutboundSMS(to: Self.alice, sender: .messagingService(FakeTwilio.randomSID(prefix: "MG")), body: "via service"))
        _ = try client.send(sms("to bob", to: Self.bob, from: Self.carol))
        let listed = try client.messages(to: Self.alice, from: nil, sentAfter: start)
        #expect(Set(listed.map(\.body)) == ["from bob", "from carol", "via service"])
        #expect(fake.requests.last?.query["From"] == nil)
        #expect(try client.messages(to: Self.carol, from: nil, sentAfter: start).isEmpty)
    }

    @Test("Listing more pages than allowed is an error, not a short list")
    func pageCap() throws {
        let fake = try FakeTwilio()
        let client = client(fake)
        let start = Date().addingTimeInterval(-5)
        for index in 0..<5 { _ = try client.send(sms("m\(index)")) }
        #expect(try client.messages(to: Self.alice, from: Self.bob, sentAfter: start, pageSize: 1, maxPages: 5).count == 5)
        do {
            _ = try client.messages(to: Self.alice, from: Self.bob, sentAfter: start, pageSize: 1, maxPages: 4)
            Issue.record("expected an error")
        } catch {
            guard case .malformedReply = error else {
                Issue.record("got \(error)")
                return
            }
        }
    }

    @Test("Listing with wrong credentials is an authentication failure")
    func listingUnauthorized() throws {
        let fake = try FakeTwilio()
        do {
            _ = try client(fake, token: "nope").messages(to: Self.alice, from: nil, sentAfter: Date())
            Issue.record("expected an error")
        } catch {
            #expect(error.failureKind == .authentication)
        }
    }
}
