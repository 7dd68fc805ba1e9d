/// Classifies failed calls to Twilio's Messages API into `SendFailureKind`s.
///
/// The rules, first match wins:
///
/// | reply | kind |
/// |---|---|
/// | HTTP 429, or error 20429 (too many requests) | transient, honouring `Retry-After` |
/// | error 21611 (the sender's queue is full; sent with HTTP 400) | transient |
/// | HTTP 401, or error 20003 (authentication failed) | authentication |
/// | any HTTP 5xx | transient |
/// | any other HTTP 4xx (21211 invalid `To`, 21408 region not enabled, 21606 invalid `From`, 21610 unsubscribed recipient, 21614 not a mobile number, 21617 body too long, …) | permanent |
/// | any other status (1xx–3xx: not an answer the API gives for a failure) | ambiguous |
///
/// Every transient kind carries the server's `Retry-After`, when it sent one.
public enum TwilioFailure {
    /// Twilio's error code for "too many requests".
    public static let tooManyRequestsCode = 20429
    /// Twilio's error code for "queue overflow": the sender has too many texts queued.
    public static let queueOverflowCode = 21611
    /// Twilio's error code for "authentication error".
    public static let authenticationCode = 20003

    /// How a transport (not HTTP) failure happened, as far as the client can tell.
    public enum TransportFailure: Hashable, Sendable {
        /// The connection could not be made (refused, name not found, no network): the
        /// request never went out.
        case connectionFailed
        /// A timeout, or the connection was reset or closed, after the request went out (or
        /// may have): Twilio may have acted on it.
        case interruptedAfterSending
    }

    /// The kind of an HTTP error reply.
    ///
    /// - Parameters:
    ///   - httpStatus: the reply's status code.
    ///   - twilioCode: the `code` of Twilio's JSON error body, if the body had one.
    ///   - retryAfterSeconds: the `Retry-After` header in seconds, if present; negative
    ///     values are ignored.
    public static func classify(httpStatus: Int, twilioCode: Int?, retryAfterSeconds: Int?) -> SendFailureKind {
        let retryAfter = retryAfterSeconds.flatMap { $0 >= 0 ? Duration.seconds($0) : nil }
        if httpStatus == 429 || twilioCode == tooManyRequestsCode { return .transient(retryAfter: retryAfter) }
        if twilioCode == queueOverflowCode { return .transient(retryAfter: retryAfter) }
        if httpStatus == 401 || twilioCode == authenticationCode { return .authentication }
        switch httpStatus {
        case 500...599: return .transient(retryAfter: retryAfter)
        case 400...499: return .permanent
        default: return .ambiguous
        }
    }

    /// The kind of a failure to get any HTTP reply: `.connectionFailed` is transient (the
    /// request never went out, so sending again cannot duplicate it);
    /// `.interruptedAfterSending` is ambiguous.
    public static func classify(_ failure: TransportFailure) -> SendFailureKind {
        switch failure {
        case .connectionFailed: .transient(retryAfter: nil)
        case .interruptedAfterSending: .ambiguous
        }
    }
}
