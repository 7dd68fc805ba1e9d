import BizCore
import Testing

@Suite struct TwilioFailureTests {
    @Test("429 and error 20429 are transient and honour Retry-After")
    func rateLimited() {
        #expect(TwilioFailure.classify(httpStatus: 429, twilioCode: 20429, retryAfterSeconds: 7) == .transient(retryAfter: .seconds(7)))
        #expect(TwilioFailure.classify(httpStatus: 429, twilioCode: nil, retryAfterSeconds: nil) == .transient(retryAfter: nil))
        #expect(TwilioFailure.classify(httpStatus: 400, twilioCode: 20429, retryAfterSeconds: 3) == .transient(retryAfter: .seconds(3)))
        #expect(TwilioFailure.classify(httpStatus: 429, twilioCode: nil, retryAfterSeconds: 0) == .transient(retryAfter: .zero))
        #expect(TwilioFailure.classify(httpStatus: 429, twilioCode: nil, retryAfterSeconds: -5) == .transient(retryAfter: nil))
    }

    @Test("A full sender queue (21611, sent as 400) is transient")
    func queueOverflow() {
        #expect(TwilioFailure.classify(httpStatus: 400, twilioCode: 21611, retryAfterSeconds: nil) == .transient(retryAfter: nil))
    }

    @Test("Server errors are transient", arguments: [500, 502, 503, 504, 599])
    func serverErrors(_ status: Int) {
        #expect(TwilioFailure.classify(httpStatus: status, twilioCode: nil, retryAfterSeconds: nil) == .transient(retryAfter: nil))
        #expect(TwilioFailure.classify(httpStatus: status, twilioCode: 20500, retryAfterSeconds: 30) == .transient(retryAfter: .seconds(30)))
    }

    @Test("401 and error 20003 are authentication failures")
    func authentication() {
        #expect(TwilioFailure.classify(httpStatus: 401, twilioCode: 20003, retryAfterSeconds: nil) == .authentication)
        #expect(TwilioFailure.classify(httpStatus: 401, twilioCode: nil, retryAfterSeconds: nil) == .authentication)
        #expect(TwilioFailure.classify(httpStatus: 403, twilioCode: 20003, retryAfterSeconds: nil) == .authentication)
    }

    @Test("Other client errors are permanent", arguments: [21211, 21610, 21614, 21408, 21606, 21617, 20404])
    func permanent(_ code: Int) {
        #expect(TwilioFailure.classify(httpStatus: 400, twilioCode: code, retryAfterSeconds: nil) == .permanent)
    }

    @Test("Other 4xx statuses are permanent, even without a Twilio code", arguments: [400, 403, 404, 405, 413, 422])
    func permanentStatuses(_ status: Int) {
        #expect(TwilioFailure.classify(httpStatus: status, twilioCode: nil, retryAfterSeconds: 10) == .permanent)
    }

    @Test("Statuses that are not errors are ambiguous", arguments: [0, 100, 200, 201, 302, 399, 600])
    func oddStatuses(_ status: Int) {
        #expect(TwilioFailure.classify(httpStatus: status, twilioCode: nil, retryAfterSeconds: nil) == .ambiguous)
    }

    @Test("Transport failures: before sending is transient, after is ambiguous")
    func transport() {
        #expect(TwilioFailure.classify(.connectionFailed) == .transient(retryAfter: nil))
        #expect(TwilioFailure.classify(.interruptedAfterSending) == .ambiguous)
    }

    @Test("Kinds describe themselves")
    func descriptions() {
        #expect(SendFailureKind.transient(retryAfter: nil).description == "transient")
        #expect(SendFailureKind.transient(retryAfter: .seconds(5)).description.hasPrefix("transient (retry after 5"))
        #expect(SendFailureKind.permanent.description == "permanent")
        #expect(SendFailureKind.authentication.description == "authentication")
        #expect(SendFailureKind.ambiguous.description == "ambiguous")
    }
}
