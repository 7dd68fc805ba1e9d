import Foundation

/// A Message resource as Twilio's Messages API returns it (`api.v2010.account.message`):
/// the reply to a send, one entry of a list, or a fetch by SID.
///
/// Decoding ignores fields not listed here and accepts `null` or a missing key for every
/// field but `sid`. A date that is not RFC 2822 decodes as nil rather than failing the whole
/// message.
public struct TwilioMessage: Hashable, Sendable, Decodable {
    /// `SM` (or `MM`) followed by 32 hexadecimal digits.
    public let sid: String
    /// Where the message is in its life (`queued`, `sent`, `delivered`, `failed`, …).
    public let status: Status?
    /// The recipient as Twilio wrote it: E.164 for SMS.
    public let to: String?
    /// The sender as Twilio wrote it: a number, or the number a Messaging Service picked.
    public let from: String?
    /// The Messaging Service that sent the message, if one did.
    public let messagingServiceSID: String?
    /// The text. Personal data: do not log it.
    public let body: String?
    /// Twilio's error code when the message failed or was undelivered.
    public let errorCode: Int?
    /// Twilio's description of `errorCode`.
    public let errorMessage: String?
    /// When Twilio created the message.
    public let dateCreated: Date?
    /// When Twilio sent it to the carrier; nil while it is queued.
    public let dateSent: Date?
    /// When the resource last changed.
    public let dateUpdated: Date?

    /// A message status. A struct rather than an enum so that statuses Twilio adds later
    /// still decode.
    public struct Status: RawRepresentable, Hashable, Sendable, Decodable, CustomStringConvertible {
        /// The status as Twilio writes it, for example `partially_delivered`.
        public let rawValue: String
        /// Any status, known or not.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// Decodes the JSON string as it is.
        public init(from decoder: any Decoder) throws {
            rawValue = try decoder.singleValueContainer().decode(String.self)
        }
        public var description: String { rawValue }

        // The statuses Twilio's OpenAPI description lists (`message_enum_status`).
        /// Accepted by a Messaging Service, not yet queued.
        public static let accepted = Status(rawValue: "accepted")
        /// Scheduled for later (`SendAt`).
        public static let scheduled = Status(rawValue: "scheduled")
        /// A scheduled message that was canceled.
        public static let canceled = Status(rawValue: "canceled")
        /// Waiting in Twilio's queue: the reply to a successful send.
        public static let queued = Status(rawValue: "queued")
        /// Being handed to the carrier.
        public static let sending = Status(rawValue: "sending")
        /// Accepted by the carrier.
        public static let sent = Status(rawValue: "sent")
        /// Not sent; see `errorCode`.
        public static let failed = Status(rawValue: "failed")
        /// Delivery confirmed by the carrier.
        public static let delivered = Status(rawValue: "delivered")
        /// The carrier could not deliver it; see `errorCode`.
        public static let undelivered = Status(rawValue: "undelivered")
        /// An inbound message arriving.
        public static let receiving = Status(rawValue: "receiving")
        /// An inbound message.
        public static let received = Status(rawValue: "received")
        /// Read by the recipient (WhatsApp only).
        public static let read = Status(rawValue: "read")
        /// Some segments delivered.
        public static let partiallyDelivered = Status(rawValue: "partially_delivered")
    }

    /// Builds a message by hand, for tests and fakes.
    public init(
        sid: String, status: Status?, to: String?, from: String?, messagingServiceSID: String? = nil, body: String?,
        errorCode: Int? = nil, errorMessage: String? = nil, dateCreated: Date? = nil, dateSent: Date? = nil,
        dateUpdated: Date? = nil
    ) {
        self.sid = sid
        self.status = status
        self.to = to
        self.from = from
        self.messagingServiceSID = messagingServiceSID
        self.body = body
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.dateCreated = dateCreated
        self.dateSent = dateSent
        self.dateUpdated = dateUpdated
    }

    private enum CodingKeys: String, CodingKey {
        case sid, status, to, from, body
        case messagingServiceSID = "messaging_service_sid"
        case errorCode = "error_code"
        case errorMessage = "error_message"
        case dateCreated = "date_created"
        case dateSent = "date_sent"
        case dateUpdated = "date_updated"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sid = try container.decode(String.self, forKey: .sid)
        status = try container.decodeIfPresent(Status.self, forKey: .status)
        to = try container.decodeIfPresent(String.self, forKey: .to)
        from = try container.decodeIfPresent(String.self, forKey: .from)
        messagingServiceSID = try container.decodeIfPresent(String.self, forKey: .messagingServiceSID)
        body = try container.decodeIfPresent(String.self, forKey: .body)
        errorCode = try Self.decodeLenientInt(container, .errorCode)
        errorMessage = try container.decodeIfPresent(String.self, forKey: .errorMessage)
        dateCreated = try container.decodeIfPresent(String.self, forKey: .dateCreated).flatMap(RFC2822Date.parse)
        dateSent = try container.decodeIfPresent(String.self, forKey: .dateSent).flatMap(RFC2822Date.parse)
        dateUpdated = try container.decodeIfPresent(String.self, forKey: .dateUpdated).flatMap(RFC2822Date.parse)
    }

    /// An integer written as a number or, as some Twilio fields are, as a string of digits.
    private static func decodeLenientInt(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Int? {
        if let number = try? container.decodeIfPresent(Int.self, forKey: key) { return number }
        return try container.decodeIfPresent(String.self, forKey: key).flatMap { Int($0) }
    }
}
