/// What Twilio says about one Messaging Service, as far as 10DLC is concerned: the input of
/// `TenDLCAssessment.decide` and `TenDLCIndex`, filled by the sync from Twilio's Messaging API
/// (`GET /v1/Services`, `…/PhoneNumbers`, `…/Compliance/Usa2p`).
public struct TenDLCService: Hashable, Sendable {
    /// The Messaging Service SID, `MG…`.
    public let sid: String
    /// The service's `us_app_to_person_registered` flag; nil when Twilio left it out.
    public let usAppToPersonRegistered: Bool?
    /// The service's US A2P campaigns (normally none or one), in the order Twilio listed them.
    public let campaigns: [TenDLCCampaign]
    /// The service's sender numbers as Twilio wrote them (E.164). Only `TenDLCIndex` reads them.
    public let phoneNumbers: [String]

    public init(sid: String, usAppToPersonRegistered: Bool?, campaigns: [TenDLCCampaign], phoneNumbers: [String] = []) {
        self.sid = sid
        self.usAppToPersonRegistered = usAppToPersonRegistered
        self.campaigns = campaigns
        self.phoneNumbers = phoneNumbers
    }
}

/// One US A2P campaign of a Messaging Service (`Compliance/Usa2p`).
public struct TenDLCCampaign: Hashable, Sendable {
    /// The campaign's SID, `QE…`.
    public let sid: String
    /// `campaign_status` as Twilio wrote it (`PENDING`, `IN_PROGRESS`, `VERIFIED`, `FAILED`, …).
    public let status: String?
    /// The brand the campaign was registered under, `BN…`, if Twilio named one.
    public let brandRegistrationSID: String?

    public init(sid: String, status: String?, brandRegistrationSID: String?) {
        self.sid = sid
        self.status = status
        self.brandRegistrationSID = brandRegistrationSID
    }

    /// What `status` means for sending.
    public var state: TenDLCCampaignState { TenDLCCampaignState(campaignStatus: status) }
}

/// One A2P brand registration (`GET /v1/a2p/BrandRegistrations`).
public struct TenDLCBrand: Hashable, Sendable {
    /// The brand registration's SID, `BN…`.
    public let sid: String
    /// `status` as Twilio wrote it (`PENDING`, `APPROVED`, `FAILED`, `IN_REVIEW`, `SUSPENDED`, …).
    public let status: String?
    /// Twilio's `failure_reason`, when the registration failed.
    public let failureReason: String?

    public init(sid: String, status: String?, failureReason: String?) {
        self.sid = sid
        self.status = status
        self.failureReason = failureReason
    }
}
