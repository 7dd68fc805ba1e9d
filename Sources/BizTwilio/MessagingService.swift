/// A Messaging Service as Twilio's Messaging API lists it (`messaging.v1.service`), with the
/// fields the 10DLC sync reads.
///
/// Decoding ignores other fields; `sid` is required, a null or missing `friendly_name` reads
/// as an empty string, and `us_app_to_person_registered` stays nil when Twilio leaves it out.
public struct MessagingService: Hashable, Sendable, Decodable {
    /// `MG` followed by 32 hexadecimal digits.
    public let sid: String
    /// The name the account gave the service.
    public let friendlyName: String
    /// Whether Twilio considers a US A2P campaign registered for the service. Informative
    /// only: the campaign's own `campaign_status` is what decides.
    public let usAppToPersonRegistered: Bool?

    /// Builds a service by hand, for tests and fakes.
    public init(sid: String, friendlyName: String, usAppToPersonRegistered: Bool?) {
        self.sid = sid
        self.friendlyName = friendlyName
        self.usAppToPersonRegistered = usAppToPersonRegistered
    }

    private enum CodingKeys: String, CodingKey {
        case sid
        case friendlyName = "friendly_name"
        case usAppToPersonRegistered = "us_app_to_person_registered"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sid = try container.decode(String.self, forKey: .sid)
        friendlyName = try container.decodeIfPresent(String.self, forKey: .friendlyName) ?? ""
        usAppToPersonRegistered = try container.decodeIfPresent(Bool.self, forKey: .usAppToPersonRegistered)
    }
}
