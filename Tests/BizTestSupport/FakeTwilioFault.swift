extension FakeTwilio {
    /// A misbehaviour of Twilio's `POST Messages.json`, queued with `FakeTwilio.inject(_:)` and
    /// consumed by the next authenticated `POST` to the account's `Messages.json`, one fault per
    /// request in order (or applied to every such request with `setStandingFault(_:)`).
    ///
    /// A fault replaces the request's normal outcome: no message is created, except by
    /// `.slowReply` and `.dropAfterCreating`, which create the message (when the form is valid)
    /// and then misbehave. Error bodies have Twilio's shape:
    /// `{"code": …, "message": …, "more_info": "https://www.twilio.com/docs/errors/<code>", "status": …}`.
    public enum Fault: Sendable, Equatable, CustomStringConvertible {
        /// 429 with code 20429; a `Retry-After: <seconds>` header when `retryAfter` is given.
        case tooManyRequests(retryAfter: Int?)
        /// A server failure with code 20500; `status` is normally 500 or 503.
        case serverError(status: Int)
        /// Any Twilio API error, for example 21211 (invalid To), 21610 (unsubscribed
        /// recipient), 21614 (not a mobile number), 21408 (region not enabled), 21606 (From not
        /// SMS-capable), 21617 (body too long), 21611 (sender queue full).
        case twilioError(code: Int, status: Int = 400, message: String)
        /// 401 with code 20003 ("Authenticate"), as for wrong credentials.
        case unauthorized
        /// The message is created, and the reply (201) is sent only after `seconds`: a client
        /// with a shorter timeout gives up although its request went through.
        case slowReply(seconds: Double)
        /// The connection is closed without a reply, and no message is created.
        case dropBeforeCreating
        /// The message is created, then the connection is closed without a reply.
        case dropAfterCreating

        public var description: String {
            switch self {
            case .tooManyRequests(let retryAfter): "tooManyRequests(retryAfter: \(retryAfter.map(String.init) ?? "nil"))"
            case .serverError(let status): "serverError(status: \(status))"
            case .twilioError(let code, let status, let message): "twilioError(code: \(code), status: \(status), message: \(message))"
            case .unauthorized: "unauthorized"
            case .slowReply(let seconds): "slowReply(seconds: \(seconds))"
            case .dropBeforeCreating: "dropBeforeCreating"
            case .dropAfterCreating: "dropAfterCreating"
            }
        }
    }
}
