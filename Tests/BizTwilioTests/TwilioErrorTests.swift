import BizCore
import Foundation
import Testing

@testable import BizTwilio

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite struct TwilioErrorTests {
    @Test("Each error maps to its failure kind")
    func failureKinds() {
        #expect(TwilioError.notSent("refused").failureKind == .transient(retryAfter: nil))
        #expect(TwilioError.ambiguous("timeout").failureKind == .ambiguous)
        #expect(TwilioError.malformedReply("not JSON").failureKind == .ambiguous)
        #expect(
            TwilioError.rejected(status: 429, code: 20429, message: "Too Many Requests", retryAfter: .seconds(3)).failureKind
                == .transient(retryAfter: .seconds(3)))
        #expect(TwilioError.rejected(status: 400, code: 21611, message: "queue", retryAfter: nil).failureKind == .transient(retryAfter: nil))
        #expect(TwilioError.rejected(status: 503, code: 20500, message: "down", retryAfter: nil).failureKind == .transient(retryAfter: nil))
        #expect(TwilioError.rejected(status: 401, code: 20003, message: "Authenticate", retryAfter: nil).failureKind == .authentication)
        #expect(TwilioError.rejected(status: 400, code: 21211, message: "bad To", retryAfter: nil).failureKind == .permanent)
        #expect(TwilioError.rejected(status: 302, code: nil, message: "redirect", retryAfter: nil).failureKind == .ambiguous)
    }

    @Test("Descriptions say what happened")
    func descriptions() {
        #expect(TwilioError.notSent("cannot connect to api.twilio.com (connection refused)").description
            == "Twilio request not sent: cannot connect to api.twilio.com (connection refused)")
        #expect(TwilioError.ambiguous("no reply from api.twilio.com within 15 s").description
            == "no reply from Twilio, the request may have been received: no reply from api.twilio.com within 15 s")
        #expect(TwilioError.rejected(status: 429, code: 20429, message: "Too Many Requests", retryAfter: .seconds(5)).description
            == "Twilio refused the request: HTTP 429, error 20429: Too Many Requests (retry after 5 s)")
        #expect(TwilioError.rejected(status: 502, code: nil, message: "reply body is not a Twilio error", retryAfter: nil).description
            == "Twilio refused the request: HTTP 502: reply body is not a Twilio error")
        #expect(TwilioError.malformedReply("HTTP 201 reply: not JSON").description == "unreadable reply from Twilio: HTTP 201 reply: not JSON")
    }

    // MARK: Scrubbing

    @Test("Numbers are masked like PhoneNumber.masked, SIDs and short numbers are left alone")
    func masking() {
        #expect(Scrubber.maskNumbers("The 'To' number +15550100001 is not a valid phone number.")
            == "The 'To' number +1555***0001 is not a valid phone number.")
        #expect(Scrubber.maskNumbers("'To' and 'From' number cannot be the same: +442079460958") == "'To' and 'From' number cannot be the same: +4420***0958")
        #expect(Scrubber.maskNumbers("from 15550100001, to whatsapp:+15550100002.") == "from 1555***0001, to whatsapp:+1555***0002.")
        #expect(Scrubber.maskNumbers("error 21211, 1600 characters, HTTP 400") == "error 21211, 1600 characters, HTTP 400")
        #expect(Scrubber.maskNumbers("SM1234567890abcdef1234567890abcdef") == "SM1234567890abcdef1234567890abcdef")
        #expect(Scrubber.maskNumbers("x12345678901 12345678901x 1234567890123456") == "x12345678901 12345678901x 1234567890123456")
        #expect(Scrubber.maskNumbers("+4912345") == "+49***45")
        #expect(Scrubber.maskNumbers("+ and +1 and ++15550100001") == "+ and +1 and ++1555***0001")
        #expect(Scrubber.maskNumbers("") == "")
    }

    @Test("Secrets are removed, long texts cut")
    func secrets() {
        let token = "0123456789abcdef0123456789abcdef"
        let scrubber = Scrubber(secrets: [token, "Your code is 4321", "OK"])
        let scrubbed = scrubber.scrub("token \(token), body 'Your code is 4321', OK")
        #expect(scrubbed == "token <redacted>, body '<redacted>', OK")
        let long = scrubber.scrub(String(repeating: "a", count: 2_000))
        #expect(long.count == Scrubber.maximumLength + 1)
        #expect(long.hasSuffix("…"))
    }

    @Test("rejection reads Twilio's error body and Retry-After, and scrubs the message")
    func rejection() {
        let token = "0123456789abcdef0123456789abcdef"
        let scrubber = Scrubber(secrets: [token])
        let body = #"{"code": 21211, "message": "The 'To' number +15550100001 is not valid (\#(token))", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}"#
        let error = TwilioClient.rejection(HTTPReply(status: 400, retryAfter: nil, body: Data(body.utf8)), scrubber: scrubber)
        #expect(error == .rejected(status: 400, code: 21211, message: "The 'To' number +1555***0001 is not valid (<redacted>)", retryAfter: nil))

        let limited = TwilioClient.rejection(
            HTTPReply(status: 429, retryAfter: " 7 ", body: Data(#"{"code": 20429, "message": "Too Many Requests"}"#.utf8)),
            scrubber: scrubber)
        #expect(limited == .rejected(status: 429, code: 20429, message: "Too Many Requests", retryAfter: .seconds(7)))

        let dated = TwilioClient.rejection(
            HTTPReply(status: 503, retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT", body: Data("<html>down</html>".utf8)), scrubber: scrubber)
        #expect(dated == .rejected(status: 503, code: nil, message: "reply body is not a Twilio error", retryAfter: nil))

        let empty = TwilioClient.rejection(HTTPReply(status: 502, retryAfter: "-3", body: Data()), scrubber: scrubber)
        #expect(empty == .rejected(status: 502, code: nil, message: "empty reply body", retryAfter: nil))
    }

    @Test("Decoding failures are summarized without values")
    func decodingSummary() {
        func summary(_ json: String) -> String {
            do {
                _ = try JSONDecoder().decode(TwilioMessage.self, from: Data(json.utf8))
                return "decoded"
            } catch let error as DecodingError {
                return TwilioClient.summary(of: error)
            } catch {
                return "other"
            }
        }
        #expect(summary("<html>secret +15550100001</html>") == "not JSON")
        #expect(summary(#"{"status": "queued", "body": "secret"}"#) == "missing sid")
        #expect(summary(#"{"sid": 5, "body": "secret"}"#) == "sid is not a String")
        #expect(summary("[1]").contains("not a") || summary("[1]").contains("top level"))
    }

    // MARK: Credentials

    @Test("Credentials never show the token")
    func credentials() {
        let token = "0123456789abcdef0123456789abcdef"
        let credentials = TwilioCredentials(accountSID: "AC" + String(repeating: "a", count: 32), authToken: token)
        #expect(!credentials.description.contains(token))
        #expect(credentials.description.contains(credentials.accountSID))
        #expect(!String(reflecting: credentials).contains(token))
        #expect(!"\(credentials)".contains(token))
        var dumped = ""
        dump(credentials, to: &dumped)
        #expect(!dumped.contains(token))
        #expect(
            credentials.authorizationHeader
                == "Basic " + Data("AC\(String(repeating: "a", count: 32)):\(token)".utf8).base64EncodedString())
        #expect(TwilioCredentials.isAccountSID(credentials.accountSID))
        #expect(!TwilioCredentials.isAccountSID("AC123"))
        #expect(!TwilioCredentials.isAccountSID("MG" + String(repeating: "a", count: 32)))
    }

    // MARK: Transport errors

    @Test(
        "URLError codes that mean the request never went out are notSent",
        arguments: [URLError.Code.cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet, .badURL, .unsupportedURL])
    func notSentCodes(_ code: URLError.Code) {
        let error = HTTPTransport.transportError(
            NSError(domain: NSURLErrorDomain, code: code.rawValue), host: "api.twilio.com", timeout: .seconds(15))
        guard case .notSent = error else {
            Issue.record("\(code.rawValue) gave \(error)")
            return
        }
        #expect(error.failureKind == .transient(retryAfter: nil))
    }

    @Test(
        "Every other URLError, and any other error, is ambiguous",
        arguments: [
            URLError.Code.timedOut, .networkConnectionLost, .badServerResponse, .cancelled, .unknown, .secureConnectionFailed,
            .cannotParseResponse, .zeroByteResource,
        ])
    func ambiguousCodes(_ code: URLError.Code) {
        let error = HTTPTransport.transportError(
            NSError(domain: NSURLErrorDomain, code: code.rawValue), host: "api.twilio.com", timeout: .seconds(15))
        guard case .ambiguous = error else {
            Issue.record("\(code.rawValue) gave \(error)")
            return
        }
        #expect(error.failureKind == .ambiguous)
        #expect(HTTPTransport.transportError(NSError(domain: "libcurl", code: 7), host: "h", timeout: .seconds(1)).failureKind == .ambiguous)
    }

    @Test("Timeouts are written in seconds, with fractions")
    func timeoutText() {
        #expect(HTTPTransport.text(.seconds(15)) == "15 s")
        #expect(HTTPTransport.text(.milliseconds(500)) == "0.5 s")
        #expect(HTTPTransport.text(.milliseconds(1_250)) == "1.25 s")
    }
}
