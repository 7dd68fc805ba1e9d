/// What a failed attempt to send a text means for the queue.
public enum SendFailureKind: Hashable, Sendable, CustomStringConvertible {
    /// Twilio did not take the text, and trying again later may work (rate limit, sender
    /// queue full, server error, no connection). `retryAfter` is the wait the server asked
    /// for, if it named one.
    case transient(retryAfter: Duration?)
    /// Twilio refused this text for good (invalid or unsubscribed recipient, body too long,
    /// …): retrying the same request cannot succeed.
    case permanent
    /// Twilio refused the credentials: no text can be sent until they are fixed, so retrying
    /// this one alone is pointless.
    case authentication
    /// The request may or may not have reached Twilio (timeout or connection lost after it
    /// went out, unreadable reply): the text may have been created. Check with Twilio before
    /// sending it again, or risk a duplicate.
    case ambiguous

    public var description: String {
        switch self {
        case .transient(nil): "transient"
        case .transient(let wait?): "transient (retry after \(wait))"
        case .permanent: "permanent"
        case .authentication: "authentication"
        case .ambiguous: "ambiguous"
        }
    }
}
