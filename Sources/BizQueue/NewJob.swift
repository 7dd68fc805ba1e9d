/// A job to insert: already validated and normalized (see `OutboundSMS`).
public struct NewJob: Sendable, Equatable {
    public var toNumber: String
    public var fromNumber: String?
    public var messagingServiceSID: String?
    public var body: String
    public var idempotencyKey: String?
    /// When to send at the earliest, in any form PostgreSQL reads as `timestamptz`; nil: now.
    public var runAt: String?
    public var businessID: String?
    /// nil: the table's default (3).
    public var maxAttempts: Int?

    public init(
        toNumber: String, fromNumber: String?, messagingServiceSID: String?, body: String,
        idempotencyKey: String? = nil, runAt: String? = nil, businessID: String? = nil, maxAttempts: Int? = nil
    ) {
        self.toNumber = toNumber
        self.fromNumber = fromNumber
        self.messagingServiceSID = messagingServiceSID
        self.body = body
        self.idempotencyKey = idempotencyKey
        self.runAt = runAt
        self.businessID = businessID
        self.maxAttempts = maxAttempts
    }
}
