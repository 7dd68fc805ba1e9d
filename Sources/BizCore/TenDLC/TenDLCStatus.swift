/// Whether a business phone number can send US A2P 10DLC texts, and if not, why not.
///
/// The raw values are the words the nightly `biz10dlc sync` stores and prints.
public enum TenDLCStatus: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// The number belongs to a Messaging Service whose US A2P campaign is `VERIFIED`: it can
    /// send.
    case registered
    /// The number's Messaging Service has a campaign that is still under review (`PENDING`,
    /// `IN_PROGRESS`, or a status this code does not know).
    case campaignPending = "campaign_pending"
    /// The number's Messaging Service has only campaigns that failed (`FAILED`, `SUSPENDED`,
    /// …; see `TenDLCCampaignState.failedStatuses`).
    case campaignFailed = "campaign_failed"
    /// The number's Messaging Service has no US A2P campaign at all.
    case noCampaign = "no_campaign"
    /// The number is in the Twilio account but in no Messaging Service.
    case notInService = "not_in_service"
    /// The number is not one of the Twilio account's incoming phone numbers.
    case notInAccount = "not_in_account"

    /// Whether texts from the number may go out as US A2P 10DLC traffic: only `registered`.
    public var canSend: Bool { self == .registered }

    public var description: String { rawValue }
}
