import BizTestSupport
import Dispatch
import Foundation
import Glibc
import Synchronization
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The fake Twilio answers like Twilio's Messages API (the OpenAPI description in
/// /work/shared/twilio-oai is the contract), as seen by URLSession, the client the SMS
/// worker uses, and by raw HTTP/1.1 on a socket for what URLSession never sends on its own.
///
/// Serialized: each test blocks its thread on URLSession, and on a 2-core machine parallel
/// blocked tests starve the dispatch threads URLSession needs (a stall of about a second).
@Suite(.serialized) struct FakeTwilioTests {
    static let recipient = "+15551234567"
    static let sender = "+15557654321"

    // MARK: Creating messages

    @Test func createsAMessageAndAnswersTwiliosFields() throws {
        let fake = try FakeTwilio()
        let client = FakeTwilioTestClient(fake)
        // `%2B` is a plus; in a form body a bare `+` is a space.
        let reply = try client.post("To=%2B15551234567&From=%2B15557654321&Body=Hello+there%21+%2B1+%26+more")
        #expect(reply.status == 201)
        #expect(reply.header("Content-Type")?.hasPrefix("application/json") == true)
        let json = reply.json
        let sid = try #require(json["sid"] as? String)
        #expect(sid.wholeMatch(of: /SM[0-9a-f]{32}/) != nil)
        #expect(json["account_sid"] as? String == fake.accountSID)
        #expect(json["to"] as? String == Self.recipient)
        #expect(json["from"] as? String == Self.sender)
        #expect(json["body"] as? String == "Hello there! +1 & more")
        #expect(json["status"] as? String == "queued")
        #expect(json["direction"] as? String == "outbound-api")
        #expect(json["num_segments"] as? String == "1")
        #expect(json["num_media"] as? String == "0")
        #expect(json["api_version"] as? String == "2010-04-01")
        #expect(json["price_unit"] as? String == "USD")
        #expect(json["uri"] as? String == "/2010-04-01/Accounts/\(fake.accountSID)/Messages/\(sid).json")
        for key in ["price", "error_code", "error_message", "messaging_service_sid"] {
            #expect(json[key] is NSNull, "\(key) should be null")
        }
        let rfc2822 = /(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d \+0000/
        for key in ["date_created", "date_updated", "date_sent"] {
            #expect((json[key] as? String)?.wholeMatch(of: rfc2822) != nil, "\(key): \(json[key] ?? "missing")")
        }
        let subresources = try #require(json["subresource_uris"] as? [String: Any])
        #expect(subresources["media"] as? String == "/2010-04-01/Accounts/\(fake.accountSID)/Messages/\(sid)/Media.json")

        // The store has it as sent, and so do later reads.
        let stored = try #require(fake.message(sid: sid))
        #expect(stored.status == "sent")
        #expect(stored.body == "Hello there! +1 & more")
        #expect(fake.sentCount(to: Self.recipient) == 1)
        let fetched = try client.get(fake.messagesPath.replacingOccurrences(of: "Messages.json", with: "Messages/\(sid).json"))
        #expect(fetched.status == 200)
        #expect(fetched.json["status"] as? String == "sent")
        #expect(fetched.json["date_created"] as? String == json["date_created"] as? String)

        let recorded = try #require(fake.requests.first)
        #expect(recorded.method == "POST")
        #expect(recorded.path == fake.messagesPath)
        #expect(recorded.form["To"] == Self.recipient)
        #expect(recorded.headers["authorization"] == fake.authorizationHeader)
        #expect(recorded.responseStatus == 201)
        #expect(recorded.messageSID == sid)
    }

    @Test func messagingServiceSendsGetThePoolNumber() throws {
        let fake = try FakeTwilio()
        let service = FakeTwilio.randomSID(prefix: "MG")
        let reply = try FakeTwilioTestClient(fake).post("To=%2B15551234567&MessagingServiceSid=\(service)&Body=Hi")
        #expect(reply.status == 201)
        #expect(reply.json["from"] as? String == FakeTwilio.messagingServiceNumber)
        #expect(reply.json["messaging_service_sid"] as? String == service)
        #expect(fake.messages.first?.messagingServiceSID == service)
    }

    @Test func countsSegmentsLikeTwilio() throws {
        let fake = try FakeTwilio()
        let client = FakeTwilioTestClient(fake)
        let cases: [(body: String, segments: String)] = [
            (String(repeating: "a", count: 160), "1"),
            (String(repeating: "a", count: 161), "2"),
            (String(repeating: "€", count: 80), "1"),  // extension characters take two septets
            (String(repeating: "ж", count: 70), "1"),  // UCS-2
            (String(repeating: "ж", count: 71), "2"),
        ]
        for (body, segments) in cases {
            let reply = try client.post("To=%2B15551234567&From=%2B15557654321&Body=" + FakeTwilioTestClient.formEncode(body))
            #expect(reply.json["num_segments"] as? String == segments, "\(body.count) × \(body.first!)")
        }
    }

    @Test func rejectsInvalidFormsWithTwiliosCodesAndCreatesNothing() throws {
        let fake = try FakeTwilio()
        let client = FakeTwilioTestClient(fake)
        let cases: [(form: String, code: Int)] = [
            ("To=%2B15551234567&Body=Hi", 21603),
            ("To=%2B15551234567&From=%2B15557654321", 21602),
            ("To=%2B15551234567&From=%2B15557654321&Body=", 21602),
            ("From=%2B15557654321&Body=Hi", 21604),
            ("To=+15551234567&From=%2B15557654321&Body=Hi", 21211),  // an unencoded plus is a space
            ("To=%2B15551234567&From=+15557654321&Body=Hi", 21212),
            ("To=%2B15551234567&From=%2B15551234567&Body=Hi", 21266),
            ("To=%2B15551234567&From=%2B15557654321&Body=" + String(repeating: "x", count: 1601), 21617),
        ]
        for (form, code) in cases {
            let reply = try client.post(form)
            #expect(reply.status == 400, "\(form.prefix(60))")
            #expect(reply.json["code"] as? Int == code, "\(form.prefix(60))")
            #expect(reply.json["status"] as? Int == 400)
            #expect(reply.json["more_info"] as? String == "https://www.twilio.com/docs/errors/\(code)")
            #expect((reply.json["message"] as? String)?.isEmpty == false)
        }
        let missingSender = try client.post("To=%2B15551234567&Body=Hi")
        #expect(missingSender.json["message"] as? String == "A 'From' or 'MessagingServiceSid' parameter is required")
        #expect(fake.messages.isEmpty)
        #expect(fake.requests.map(\.errorCode) == cases.map(\.code) + [21603])
    }

    // MARK: Authentication and routing

    @Test func checksCredentialsOnEveryRequest() throws {
        let fake = try FakeTwilio()
        let form = "To=%2B15551234567&From=%2B15557654321&Body=Hi"
        // Twilio's 401 carries `WWW-Authenticate: Basic realm="Twilio API"`: URLSession on Linux
        // turns it into an authentication challenge (and, without a delegate, never completes).
        for authorization in [nil, FakeTwilioTestClient.basic(fake.accountSID, "wrong"), FakeTwilioTestClient.basic(FakeTwilio.randomSID(prefix: "AC"), fake.authToken)] {
            #expect(throws: FakeTwilioTestClient.Challenged(method: NSURLAuthenticationMethodHTTPBasic, realm: "Twilio API")) {
                try FakeTwilioTestClient(fake, authorization: authorization).post(form)
            }
        }
        #expect(throws: FakeTwilioTestClient.Challenged.self) { try FakeTwilioTestClient(fake, authorization: nil).get(fake.messagesPath) }

        // The reply itself, read off the wire.
        let connection = try RawConnection(port: fake.port)
        try connection.send("POST \(fake.messagesPath) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Authorization: \(FakeTwilioTestClient.basic(fake.accountSID, "wrong"))\r\n"
            + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(form.utf8.count)\r\n\r\n" + form)
        let reply = try connection.readResponse()
        #expect(reply.status == 401)
        #expect(reply.head.contains("\r\nWWW-Authenticate: Basic realm=\"Twilio API\""))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any])
        #expect(json["code"] as? Int == 20003)
        #expect(json["message"] as? String == "Authenticate")
        #expect(json["status"] as? Int == 401)
        #expect(json["more_info"] as? String == "https://www.twilio.com/docs/errors/20003")
        #expect(fake.requests.allSatisfy { $0.responseStatus == 401 && $0.errorCode == 20003 })

        // Rotation: the old token stops working at once; a secondary token works beside the new one.
        let oldToken = fake.authToken
        fake.setAuthToken("rotated-token")
        #expect(throws: FakeTwilioTestClient.Challenged.self) {
            try FakeTwilioTestClient(fake, authorization: FakeTwilioTestClient.basic(fake.accountSID, oldToken)).post(form)
        }
        #expect(try FakeTwilioTestClient(fake).post(form).status == 201)
        fake.setSecondaryAuthToken(oldToken)
        #expect(try FakeTwilioTestClient(fake, authorization: FakeTwilioTestClient.basic(fake.accountSID, oldToken)).post(form).status == 201)
        #expect(fake.messages.count == 2)
    }

    @Test func answersTwilios404And405() throws {
        let fake = try FakeTwilio()
        let client = FakeTwilioTestClient(fake)
        let otherAccount = "/2010-04-01/Accounts/\(FakeTwilio.randomSID(prefix: "AC"))/Messages.json"
        for path in [
            "/", "/2010-04-01/Accounts/\(fake.accountSID)/Calls.json", otherAccount,
            "/2010-04-01/Accounts/\(fake.accountSID)/Messages/\(FakeTwilio.randomSID(prefix: "SM")).json",
            "/2010-04-01/Accounts/\(fake.accountSID)/Messages", "/2010-04-01/Accounts/\(fake.accountSID).json",
        ] {
            let reply = try client.get(path)
            #expect(reply.status == 404, "\(path)")
            #expect(reply.json["code"] as? Int == 20404, "\(path)")
            #expect(reply.json["more_info"] as? String == "https://www.twilio.com/docs/errors/20404")
        }
        let posted = try client.request("POST", otherAccount, body: "To=%2B15551234567&From=%2B15557654321&Body=Hi")
        #expect(posted.status == 404)
        let deleted = try client.request("DELETE", fake.messagesPath)
        #expect(deleted.status == 405)
        #expect(deleted.json["code"] as? Int == 20004)
        #expect(fake.messages.isEmpty)
    }

    // MARK: Faults

    @Test func injectedFaultsAreConsumedOnePerCreateInOrder() throws {
        let fake = try FakeTwilio()
        let client = FakeTwilioTestClient(fake)
        fake.inject(
            .tooManyRequests(retryAfter: 7), .tooManyRequests(retryAfter: nil), .serverError(status: 500),
            .serverError(status: 503), .twilioError(code: 21610, message: "Attempt to send to unsubscribed recipient"),
            .twilioError(code: 21611, status: 429, message: "This 'From' number has exceeded the maximum number of queued messages"))
        let expected: [(status: Int, code: Int, retryAfter: String?)] = [
            (429, 20429, "7"), (429, 20429, nil), (500, 20500, nil), (503, 20500, nil), (400, 21610, nil),
            (429, 21611, nil),
        ]
        // Reads consume no fault.
        #expect(try client.get(fake.messagesPath).status == 200)
        for (status, code, retryAfter) in expected {
            let reply = try client.post("To=%2B15551234567&From=%2B15557654321&Body=Hi")
            #expect(reply.status == status)
            #expect(reply.json["code"] as? Int == code)
            #expect(reply.json["status"] as? Int == status)
            #expect(reply.json["more_info"] as? String == "https://www.twilio.com/docs/errors/\(code)")
            #expect(reply.header("Retry-After") == retryAfter)
        }
        // `.unauthorized` answers like wrong credentials: a challenge, to URLSession.
        fake.inject(.unauthorized)
        #expect(throws: FakeTwilioTestClient.Challenged.self) { try client.post("To=%2B15551234567&From=%2B15557654321&Body=Hi") }
        #expect(fake.requests.last?.errorCode == 20003)
        #expect(fake.messages.isEmpty)
        #expect(fake.pendingFaults.isEmpty)
        #expect(try client.post("To=%2B15551234567&From=%2B15557654321&Body=Hi").status == 201)
        #expect(fake.messages.count == 1)
        #expect(fake.requests.compactMap(\.fault).count == expected.count + 1)
    }

    @Test func aSlowReplyTimesTheClientOutAfterTheMessageWasCreated() throws {
        let fake = try FakeTwilio()
        fake.inject(.slowReply(seconds: 2))
        // URLSession on Linux counts timeouts in whole seconds (below 1 s it fails at once).
        let started = Date()
        #expect {
            try FakeTwilioTestClient(fake, timeout: 1).post("To=%2B15551234567&From=%2B15557654321&Body=Hi")
        } throws: { error in
            (error as? URLError)?.code == .timedOut
        }
        let waited = Date().timeIntervalSince(started)
        #expect(waited >= 0.9 && waited < 1.8, "waited \(waited) s")
        #expect(fake.messages.count == 1)
        #expect(fake.requests.first?.responseStatus == 201)
        // The fake keeps serving others meanwhile.
        #expect(try FakeTwilioTestClient(fake).post("To=%2B15551234567&From=%2B15557654321&Body=Again").status == 201)
        #expect(fake.sentCount(to: Self.recipient) == 2)
    }

    @Test func dropsCloseTheConnectionBeforeOrAfterCreating() throws {
        let fake = try FakeTwilio()
        fake.inject(.dropBeforeCreating)
        #expect(throws: (any Error).self) {
            try FakeTwilioTestClient(fake).post("To=%2B15551234567&From=%2B15557654321&Body=Before")
        }
        #expect(fake.messages.isEmpty)

        fake.inject(.dropAfterCreating)
        #expect(throws: (any Error).self) {
            try FakeTwilioTestClient(fake).post("To=%2B15551234567&From=%2B15557654321&Body=After")
        }
        #expect(fake.messages.map(\.body) == ["After"])
        // One request each: a fresh connection is not silently retried.
        #expect(fake.requests.count == 2)
        #expect(fake.requests.allSatisfy { $0.responseStatus == nil })
    }

    @Test func aStandingFaultAndADelayApplyToEveryRequest() throws {
        let fake = try FakeTwilio()
        let client = FakeTwilioTestClient(fake)
        fake.setStandingFault(.serverError(status: 503))
        fake.inject(.tooManyRequests(retryAfter: 1))
        let statuses = try (0..<3).map { _ in try client.post("To=%2B15551234567&From=%2B15557654321&Body=Hi").status }
        #expect(statuses == [429, 503, 503])
        fake.setStandingFault(nil)
        fake.setDelay(0.2)
        let started = Date()
        #expect(try client.get(fake.messagesPath).status == 200)
        #expect(Date().timeIntervalSince(started) >= 0.2)
        fake.setDelay(0)
        #expect(try client.post("To=%2B15551234567&From=%2B15557654321&Body=Hi").status == 201)
    }

    // MARK: Reading

    @Test func listsNewestFirstWithFiltersAndPagesThroughNextPageURI() throws {
        let fake = try FakeTwilio()
        let client = FakeTwilioTestClient(fake)
        let newYear = Date(timeIntervalSince1970: 1_767_225_600)  // Thu, 01 Jan 2026 00:00:00 GMT
        let day: TimeInterval = 86_400
        func send(to: String, from: String = Self.sender, _ body: String, at date: Date) throws {
            fake.setNow(date)
            let reply = try client.post(
                "To=\(FakeTwilioTestClient.formEncode(to))&From=\(FakeTwilioTestClient.formEncode(from))&Body=\(FakeTwilioTestClient.formEncode(body))")
            #expect(reply.status == 201)
        }
        try send(to: Self.recipient, "old", at: newYear + 3_600)
        try send(to: "+15550000002", "other recipient", at: newYear + 2 * day)
        for index in 0..<5 { try send(to: Self.recipient, "new \(index)", at: newYear + 2 * day + Double(index) * 60) }
        try send(to: Self.recipient, from: "+15550000009", "other sender", at: newYear + 2 * day + 600)
        #expect(fake.messages(to: Self.recipient).first?.dateCreated == newYear + 3_600)
        let fetched = try client.get(fake.messages[2].uri)
        #expect(fetched.json["date_sent"] as? String == "Sat, 03 Jan 2026 00:00:00 +0000")

        // `DateSent>` is sent percent-encoded, as clients write it; numbers as %2B.
        var next: String? = fake.messagesPath + "?To=%2B15551234567&From=%2B15557654321&DateSent%3E=2026-01-02&PageSize=2"
        var pages: [[String: Any]] = []
        while let uri = next {
            let page = try client.get(uri)
            #expect(page.status == 200)
            pages.append(page.json)
            next = page.json["next_page_uri"] as? String
            if pages.count == 1 {  // a message created meanwhile is newer: not on later pages
                try send(to: Self.recipient, "newest", at: newYear + 3 * day)
            }
            if pages.count > 5 { break }
        }
        let bodies = pages.flatMap { ($0["messages"] as? [[String: Any]] ?? []).compactMap { $0["body"] as? String } }
        #expect(bodies == ["new 4", "new 3", "new 2", "new 1", "new 0"])
        #expect(pages.map { $0["page"] as? Int } == [0, 1, 2])
        #expect(pages.map { $0["page_size"] as? Int } == [2, 2, 2])
        #expect(pages.map { $0["start"] as? Int } == [0, 2, 4])
        #expect(pages.map { $0["end"] as? Int } == [1, 3, 4])
        #expect(pages.last?["next_page_uri"] is NSNull)
        #expect(pages.first?["previous_page_uri"] is NSNull)
        let firstPageURI = try #require(pages.first?["first_page_uri"] as? String)
        #expect(firstPageURI.hasPrefix(fake.messagesPath + "?"))
        #expect(firstPageURI.contains("To=%2B15551234567") && firstPageURI.contains("DateSent%3E=2026-01-02"))

        // Back from the last page.
        let previousURI = try #require(pages.last?["previous_page_uri"] as? String)
        let previous = try client.get(previousURI)
        #expect((previous.json["messages"] as? [[String: Any]])?.compactMap { $0["body"] as? String } == ["new 2", "new 1"])

        func listBodies(_ query: String) throws -> [String] {
            let reply = try client.get(fake.messagesPath + "?" + query)
            #expect(reply.status == 200, "\(query)")
            return (reply.json["messages"] as? [[String: Any]] ?? []).compactMap { $0["body"] as? String }
        }
        #expect(try listBodies("To=%2B15551234567&DateSent=2026-01-01") == ["old"])
        #expect(try listBodies("DateSent%3C=2026-01-01") == ["old"])
        #expect(try listBodies("DateSent%3C=2026-01-03&DateSent%3E=2026-01-03&From=%2B15550000009") == ["other sender"])
        #expect(try listBodies("To=%2B15550000002") == ["other recipient"])
        #expect(try listBodies("DateSent%3E=2026-01-03+00%3A03%3A00").prefix(3) == ["newest", "other sender", "new 4"])
        #expect(try listBodies("To=%2B15551234567").count == 8)
        #expect(try listBodies("").first == "newest")  // default page size holds them all
        #expect(try client.get(fake.messagesPath + "?DateSent%3E=yesterday").status == 400)
    }

    // MARK: HTTP

    @Test func servesManyConcurrentKeepAliveClients() throws {
        let fake = try FakeTwilio()
        let client = FakeTwilioTestClient(fake)
        let statuses = Mutex<[Int]>([])
        // Plain threads: blocking dispatch workers would starve URLSession's own queues.
        let finished = DispatchSemaphore(value: 0)
        for index in 0..<32 {
            Thread.detachNewThread {
                for round in 0..<2 {  // the second round reuses kept-alive connections
                    let form = "To=%2B1555000\(1000 + index)&From=%2B15557654321&Body=n\(index)r\(round)"
                    let status = (try? client.post(form).status) ?? -1
                    statuses.withLock { $0.append(status) }
                }
                finished.signal()
            }
        }
        for _ in 0..<32 { finished.wait() }
        #expect(statuses.withLock { $0 } == Array(repeating: 201, count: 64))
        #expect(Set(fake.messages.map(\.sid)).count == 64)
        #expect(fake.createRequestCount == 64)
        #expect(fake.sentCount(to: "+15550001007") == 2)
    }

    @Test func handlesSplitRequestsExpectContinuePipeliningAndChunkedBodies() throws {
        let fake = try FakeTwilio()
        let connection = try RawConnection(port: fake.port)
        let body = "To=%2B15551234567&From=%2B15557654321&Body=Split+up"
        let head = "POST \(fake.messagesPath) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: \(fake.authorizationHeader)\r\n"
            + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Expect: 100-continue\r\n\r\n"
        // The head in two pieces, split inside a line; then 100 Continue before the body.
        let cut = head.index(head.startIndex, offsetBy: 30)
        try connection.send(String(head[..<cut]))
        usleep(20_000)
        try connection.send(String(head[cut...]))
        #expect(try connection.readHead().hasPrefix("HTTP/1.1 100 Continue"))
        try connection.send(String(body.prefix(10)))
        usleep(20_000)
        try connection.send(String(body.dropFirst(10)))
        let created = try connection.readResponse()
        #expect(created.status == 201)
        #expect(created.body.contains("\"body\": \"Split up\""))

        // Two pipelined reads in one write, on the same kept-alive connection.
        let get = "GET \(fake.messagesPath) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: \(fake.authorizationHeader)\r\n\r\n"
        try connection.send(get + get)
        #expect(try connection.readResponse().status == 200)
        #expect(try connection.readResponse().status == 200)

        // A chunked body, then Connection: close.
        let chunks = ["To=%2B15551234567&From=%2B1555", "7654321&Body=Chunked"]
            .map { String($0.utf8.count, radix: 16) + "\r\n" + $0 + "\r\n" }.joined() + "0\r\n\r\n"
        try connection.send(
            "POST \(fake.messagesPath) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: \(fake.authorizationHeader)\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + chunks)
        let chunked = try connection.readResponse()
        #expect(chunked.status == 201)
        #expect(chunked.head.contains("Connection: close"))
        #expect(try connection.readToEnd().isEmpty)
        #expect(fake.messages.map(\.body) == ["Split up", "Chunked"])
    }

    @Test func stopClosesTheListener() throws {
        let fake = try FakeTwilio()
        let port = fake.port
        let idle = try RawConnection(port: port)
        try idle.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(try idle.readResponse().status == 401)
        fake.stop()
        #expect(try idle.readToEnd().isEmpty)
        #expect(throws: (any Error).self) { try RawConnection(port: port) }
    }
}

// MARK: Clients

/// A raw TCP connection to the fake, for HTTP the URLSession never writes by itself.
private final class RawConnection {
    struct Failure: Error {}
    struct Response {
        let head: String
        let body: String
        var status: Int { Int(head.split(separator: " ")[1]) ?? 0 }
    }

    private let descriptor: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(descriptor)
            throw Failure()
        }
        var timeout = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            guard written > 0 else { throw Failure() }
            offset += written
        }
    }

    /// Reads more bytes; false at the end of the stream.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0 { throw Failure() }  // includes the receive timeout
        buffer.append(contentsOf: chunk[0..<count])
        return count > 0
    }

    /// The next head, up to and without its empty line.
    func readHead() throws -> String {
        while true {
            if let end = buffer.indices.dropLast(3).first(where: { buffer[$0...].starts(with: [13, 10, 13, 10]) }) {
                let head = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(end + 4)
                return head
            }
            guard try fill() else { throw Failure() }
        }
    }

    func readResponse() throws -> Response {
        let head = try readHead()
        let length = head.split(separator: "\r\n")
            .first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        while buffer.count < length {
            guard try fill() else { throw Failure() }
        }
        let body = String(decoding: buffer[..<length], as: UTF8.self)
        buffer.removeFirst(length)
        return Response(head: head, body: body)
    }

    /// Everything until the peer closes.
    func readToEnd() throws -> [UInt8] {
        while try fill() {}
        defer { buffer.removeAll() }
        return buffer
    }
}
