/// A US A2P 10DLC campaign of a Messaging Service, as `GET /v1/Services/{sid}/Compliance/Usa2p`
/// lists it (`messaging.v1.service.us_app_to_person`), with the fields the 10DLC sync reads.
///
/// Decoding ignores other fields; `sid` is required. `campaign_id` and the brand are often null
/// while a campaign is being registered, so they are optional. A missing
/// `messaging_service_sid` is filled in by `TwilioMessagingClient` with the service it asked
/// about.
public struct A2PCampaign: Hashable, Sendable, Decodable {
    /// `QE` followed by 32 hexadecimal digits.
    public let sid: String
    /// Where the campaign's registration stands, as Twilio writes it: `PENDING`,
    /// `IN_PROGRESS`, `VERIFIED`, `FAILED`, … (a free-form string in Twilio's API). Only
    /// `VERIFIED` campaigns can send.
    public let campaignStatus: String?
    /// The brand the campaign is registered under, `BN…`.
    public let brandRegistrationSID: String?
    /// The Campaign Registry's ID of the campaign (`CXXXXXX`), once it has one.
    public let campaignID: String?
    /// The Messaging Service the campaign belongs to, `MG…`.
    public let messagingServiceSID: String

    /// Builds a campaign by hand, for tests and fakes.
    public init(
        sid: String, campaignStatus: String?, brandRegistrationSID: String?, campaignID: String?,
        messagingServiceSID: String
    ) {
        self.sid = sid
        self.campaignStatus = campaignStatus
        self.brandRegistrationSID = brandRegistrationSID
        self.campaignID = campaignID
        self.messagingServiceSID = messagingServiceSID
    }

    private enum CodingKeys: String, CodingKey {
        case sid
        case campaignStatus = "campaign_status"
        case brandRegistrationSID = "brand_registration_sid"
        case campaignID = "campaign_id"
        case messagingServiceSID = "messaging_service_sid"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sid = try container.decode(String.self, forKey: .sid)
        campaignStatus = try container.decodeIfPresent(String.self, forKey: .campaignStatus)
        brandRegistrationSID = try container.decodeIfPresent(String.self, forKey: .brandRegistrationSID)
        campaignID = try container.decodeIfPresent(String.self, forKey: .campaignID)
        messagingServiceSID = try container.decodeIfPresent(String.self, forKey: .messagingServiceSID) ?? ""
    }

    /// The same campaign with `messagingServiceSID` set to `service` when Twilio left it empty.
    func withMessagingServiceSID(defaultingTo service: String) -> A2PCampaign {
        guard messagingServiceSID.isEmpty else { return self }
        return A2PCampaign(
            sid: sid, campaignStatus: campaignStatus, brandRegistrationSID: brandRegistrationSID,
            campaignID: campaignID, messagingServiceSID: service)
    }
}
