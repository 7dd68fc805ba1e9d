import BizCore

/// A phone number the account owns, as Twilio's 2010 API lists it
/// (`api.v2010.account.incoming_phone_number`), with the fields the 10DLC sync reads.
///
/// Decoding ignores other fields; `sid` and `phone_number` are required.
public struct IncomingPhoneNumber: Hashable, Sendable, Decodable {
    /// `PN` followed by 32 hexadecimal digits: the SID to add the number to a Messaging
    /// Service with.
    public let sid: String
    /// The number as Twilio wrote it, E.164 (`+15550100001`).
    public let phoneNumber: String

    /// Builds an entry by hand, for tests and fakes.
    public init(sid: String, phoneNumber: String) {
        self.sid = sid
        self.phoneNumber = phoneNumber
    }

    /// `phoneNumber` as a `PhoneNumber`; nil when Twilio's text is not E.164.
    public var number: PhoneNumber? { PhoneNumber(e164: phoneNumber) }

    private enum CodingKeys: String, CodingKey {
        case sid
        case phoneNumber = "phone_number"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sid = try container.decode(String.self, forKey: .sid)
        phoneNumber = try container.decode(String.self, forKey: .phoneNumber)
    }
}
