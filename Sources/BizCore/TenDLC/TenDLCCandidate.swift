/// One way a number might send 10DLC texts: a Messaging Service it belongs to and one of
/// that service's US A2P campaigns (none, when the service has no campaign).
public struct TenDLCCandidate: Hashable, Sendable {
    /// The Messaging Service SID, `MG…`.
    public let serviceSID: String
    /// The campaign's SID, `QE…`; nil when the service has no campaign.
    public let campaignSID: String?
    /// The campaign's `campaign_status` as Twilio wrote it; nil without a campaign or status.
    public let campaignStatus: String?

    public init(serviceSID: String, campaignSID: String?, campaignStatus: String?) {
        self.serviceSID = serviceSID
        self.campaignSID = campaignSID
        self.campaignStatus = campaignStatus
    }
}
