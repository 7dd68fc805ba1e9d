import Foundation

/// A Message resource the fake Twilio created, as its store holds it now (status `sent`).
///
/// Field names follow Twilio's `api.v2010.account.message` schema; `FakeTwilio` renders it as
/// that JSON (dates in RFC 2822, `num_segments` and `num_media` as strings).
public struct FakeMessage: Sendable, Equatable {
    /// `SM` followed by 32 lowercase hexadecimal digits.
    public let sid: String
    public let accountSID: String
    /// The `To` parameter as received (after form decoding).
    public let to: String
    /// The `From` parameter, or the fake's pool number `FakeTwilio.messagingServiceNumber`
    /// when only `MessagingServiceSid` was given.
    public let from: String
    public let messagingServiceSID: String?
    public let body: String
    /// `MediaUrl` parameters, in order.
    public let mediaURLs: [String]
    /// `StatusCallback`, if given (the fake never calls it).
    public let statusCallback: String?
    /// Always `sent` in the store; the 201 reply of the create request said `queued`.
    public let status: String
    /// Segments as Twilio counts them: GSM-7 bodies 160 septets in one segment, 153 per segment
    /// when split; others (UCS-2) 70 UTF-16 units, 67 per segment when split.
    public let numSegments: Int
    public let direction: String
    /// When the message was created: the fake's clock (see `FakeTwilio.setNow(_:)`).
    public let dateCreated: Date
    public let dateUpdated: Date
    public let dateSent: Date?
    public let errorCode: Int?
    public let errorMessage: String?
    /// Position in creation order, from 0; breaks ties between equal `dateCreated`s.
    public let sequence: Int

    /// `/2010-04-01/Accounts/<AccountSid>/Messages/<Sid>.json`.
    public var uri: String { "/2010-04-01/Accounts/\(accountSID)/Messages/\(sid).json" }
}

extension FakeTwilio {
    /// One HTTP request the fake received, with what it answered.
    public struct RecordedRequest: Sendable {
        /// `GET`, `POST`, …
        public let method: String
        /// The request target's path, percent-decoded (no query).
        public let path: String
        /// The request target exactly as sent, with its query.
        public let target: String
        /// Query parameters, decoded (`+` is a space); the first value of each name.
        public let query: [String: String]
        /// Query parameters in order, repeats included.
        public let queryItems: [Field]
        /// Form parameters of a `application/x-www-form-urlencoded` body, decoded; the first
        /// value of each name.
        public let form: [String: String]
        /// Form parameters in order, repeats included (for example several `MediaUrl`).
        public let formItems: [Field]
        /// Header fields with lowercased names; repeated fields joined with `, `.
        public let headers: [String: String]
        /// The body as text (lossy UTF-8).
        public let body: String
        /// When the whole request had arrived (the real clock, not `setNow(_:)`'s).
        public let arrivedAt: Date
        /// The status answered; nil when the connection was dropped by a fault.
        public let responseStatus: Int?
        /// The Twilio error `code` of the reply, if it was an error.
        public let errorCode: Int?
        /// The fault this request consumed, if any.
        public let fault: Fault?
        /// The message this request created, if any.
        public let messageSID: String?

        /// Every value of the form parameter `name`, in order.
        public func formValues(_ name: String) -> [String] {
            formItems.filter { $0.name == name }.map(\.value)
        }
    }

    /// A name and value of a query string or form body.
    public struct Field: Sendable, Equatable {
        public let name: String
        public let value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }
}
