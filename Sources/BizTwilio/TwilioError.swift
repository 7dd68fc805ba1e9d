import BizCore

/// Why a call to Twilio failed.
///
/// Messages never contain the auth token or a message body, and phone numbers in them are
/// masked (`+1555***0001`): `TwilioClient` scrubs Twilio's own error messages before they
/// get here. They are safe to log.
public enum TwilioError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The request never went out: the connection could not be made (refused, host not
    /// found, no network). Sending again cannot create a duplicate.
    case notSent(String)
    /// No usable reply, and the request may have gone out (timeout, connection reset or
    /// closed after sending, an empty reply): Twilio may have created the message.
    case ambiguous(String)
    /// Twilio answered with an HTTP error. `code` and `message` come from Twilio's JSON error
    /// body (`message` is scrubbed; without a JSON body `code` is nil and `message` says so);
    /// `retryAfter` is the `Retry-After` header in whole seconds, if present.
    case rejected(status: Int, code: Int?, message: String, retryAfter: Duration?)
    /// A success status whose body is not what the API describes. For a send, the message
    /// was probably created.
    case malformedReply(String)

    /// What the failure means for sending a text (see `TwilioFailure` for the rules):
    /// `.notSent` is transient, `.ambiguous` and `.malformedReply` are ambiguous, and
    /// `.rejected` is classified by status, code and `Retry-After`.
    public var failureKind: SendFailureKind {
        switch self {
        case .notSent:
            TwilioFailure.classify(.connectionFailed)
        case .ambiguous:
            TwilioFailure.classify(.interruptedAfterSending)
        case .rejected(let status, let code, _, let retryAfter):
            TwilioFailure.classify(
                httpStatus: status, twilioCode: code,
                retryAfterSeconds: retryAfter.map { Int(clamping: $0.components.seconds) })
        case .malformedReply:
            .ambiguous
        }
    }

    public var description: String {
        switch self {
        case .notSent(let reason):
            return "Twilio request not sent: \(reason)"
        case .ambiguous(let reason):
            return "no reply from Twilio, the request may have been received: \(reason)"
        case .rejected(let status, let code, let message, let retryAfter):
            var text = "Twilio refused the request: HTTP \(status)"
            if let code { text += ", error \(code)" }
            text += ": \(message)"
            if let retryAfter { text += " (retry after \(retryAfter.components.seconds) s)" }
            return text
        case .malformedReply(let reason):
            return "unreadable reply from Twilio: \(reason)"
        }
    }
}
