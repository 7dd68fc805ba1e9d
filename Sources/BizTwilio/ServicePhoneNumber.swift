import BizCore

/// A phone number in a Messaging Service's sender pool (`messaging.v1.service.phone_number`):
/// an entry of `GET /v1/Services/{sid}/PhoneNumbers`, or the reply to adding one.
///
/// Decoding ignores other fields; `sid` and `phone_number` are required. A missing
/// `service_sid` is filled in by `TwilioMessagingClient` with the service it asked about.
public struct ServicePhoneNumber: Hashable, Sendable, Decodable {
    /// The incoming phone number's SID, `PN` followed by 32 hexadecimal digits (the same SID as
    /// in the account's `IncomingPhoneNumbers`).
    public let sid: String
    /// The number as Twilio wrote it, E.164 (`+15550100001`).
    public let phoneNumber: String
    /// The Messaging Service it belongs to, `MG…`.
    public let serviceSID: String

    /// Builds an entry by hand, for tests and fakes.
    public init(sid: String, phoneNumber: String, serviceSID: String) {
        self.sid = sid
        self.phoneNumber = phoneNumber
        self.serviceSID = serviceSID
    }

    /// `phoneNumber` as a `PhoneNumber`; nil when Twilio's text is not E.164.
    public var number: PhoneNumber? { PhoneNumber(e164: phoneNumber) }

    private enum CodingKeys: String, CodingKey {
        case sid
        case phoneNumber = "phone_number"
        case serviceSID = "service_sid"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sid = try container.decode(String.self, forKey: .sid)
        phoneNumber = try container.decode(String.self, forKey: .phoneNumber)
        serviceSID = try container.decodeIfPresent(String.self, forKey: .serviceSID) ?? ""
    }

    /// The same entry with `serviceSID` set to `service` when Twilio left it empty.
    func withServiceSID(defaultingTo service: String) -> ServicePhoneNumber {
        serviceSID.isEmpty ? ServicePhoneNumber(sid: sid, phoneNumber: phoneNumber, serviceSID: service) : self
    }
}
