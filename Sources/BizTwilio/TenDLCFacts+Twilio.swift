import BizCore

// The 10DLC facts BizCore judges numbers by, built from what `TwilioMessagingClient` fetched.

extension TenDLCService {
    /// A service's facts from its listing entry, its campaigns and its sender numbers.
    public init(_ service: MessagingService, campaigns: [A2PCampaign], phoneNumbers: [ServicePhoneNumber]) {
        self.init(
            sid: service.sid, usAppToPersonRegistered: service.usAppToPersonRegistered,
            campaigns: campaigns.map(TenDLCCampaign.init), phoneNumbers: phoneNumbers.map(\.phoneNumber))
    }
}

extension TenDLCCampaign {
    /// A campaign's facts: its SID, `campaign_status` and brand.
    public init(_ campaign: A2PCampaign) {
        self.init(sid: campaign.sid, status: campaign.campaignStatus, brandRegistrationSID: campaign.brandRegistrationSID)
    }
}

extension TenDLCBrand {
    /// A brand's facts: its SID, `status` and `failure_reason`.
    public init(_ brand: BrandRegistration) {
        self.init(sid: brand.sid, status: brand.status, failureReason: brand.failureReason)
    }
}
