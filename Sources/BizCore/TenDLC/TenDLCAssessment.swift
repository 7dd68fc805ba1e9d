/// The verdict on one business phone number: its `TenDLCStatus`, the Messaging Service and
/// campaign it was judged by, and a short sentence for people saying why.
public struct TenDLCAssessment: Hashable, Sendable, CustomStringConvertible {
    /// Whether the number can send, and if not, why not.
    public let status: TenDLCStatus
    /// The Messaging Service the verdict is about; nil for `notInAccount` and `notInService`.
    public let messagingServiceSID: String?
    /// The campaign the verdict is about; nil unless the service has one.
    public let campaignSID: String?
    /// That campaign's `campaign_status` as Twilio wrote it.
    public let campaignStatus: String?
    /// One short sentence: the service, the campaign and its status, and, where they explain
    /// the verdict, the brand's status and the service's `us_app_to_person_registered` flag.
    /// Holds SIDs and statuses only, never the phone number.
    public let reason: String

    public init(
        status: TenDLCStatus, messagingServiceSID: String?, campaignSID: String? = nil, campaignStatus: String?,
        reason: String
    ) {
        self.status = status
        self.messagingServiceSID = messagingServiceSID
        self.campaignSID = campaignSID
        self.campaignStatus = campaignStatus
        self.reason = reason
    }

    public var description: String { "\(status.rawValue): \(reason)" }

    /// Decides a number's status. Pure: everything it needs is in the arguments.
    ///
    /// The rules, first match wins:
    ///
    /// | facts | status |
    /// |---|---|
    /// | the number is not in the account | `notInAccount` |
    /// | it is in no Messaging Service | `notInService` |
    /// | one of its services has a `VERIFIED` campaign | `registered` (that service) |
    /// | one has a campaign under review (`PENDING`, `IN_PROGRESS`, no status, any unknown status) | `campaignPending` |
    /// | one has only failed campaigns (`TenDLCCampaignState.failedStatuses`) | `campaignFailed` |
    /// | its services have no campaign at all | `noCampaign` |
    ///
    /// So when a number is in several services the most hopeful one is reported (a
    /// `VERIFIED` one first); among equals, the first in `services`. Within a service, the
    /// best of its campaigns counts the same way (a resubmitted `PENDING` campaign beats an
    /// old `FAILED` one).
    ///
    /// - Parameters:
    ///   - inAccount: whether the number is one of the account's incoming phone numbers.
    ///   - services: the Messaging Services the number belongs to, with their campaigns.
    ///   - brands: the account's brand registrations by SID, to explain a campaign that is
    ///     pending or failed.
    public static func decide(
        inAccount: Bool, services: [TenDLCService], brands: [String: TenDLCBrand]
    ) -> TenDLCAssessment {
        guard inAccount else {
            return TenDLCAssessment(
                status: .notInAccount, messagingServiceSID: nil, campaignStatus: nil,
                reason: "The number is not one of the Twilio account's incoming phone numbers.")
        }
        var best: (status: TenDLCStatus, service: TenDLCService, campaign: TenDLCCampaign?)?
        for service in services {
            let verdict = verdict(for: service)
            if let current = best, rank(current.status) <= rank(verdict.status) { continue }
            best = (verdict.status, service, verdict.campaign)
        }
        guard let best else {
            return TenDLCAssessment(
                status: .notInService, messagingServiceSID: nil, campaignStatus: nil,
                reason: "The number is in the Twilio account but in no Messaging Service.")
        }
        var reason = sentence(best.status, service: best.service, campaign: best.campaign, brands: brands)
        if services.count > 1 {
            let others = services.count - 1
            reason += " The number is also in \(others) other Messaging Service\(others == 1 ? "" : "s")."
        }
        return TenDLCAssessment(
            status: best.status, messagingServiceSID: best.service.sid, campaignSID: best.campaign?.sid,
            campaignStatus: best.campaign?.status, reason: reason)
    }

    /// One service's own verdict: its best campaign, or `noCampaign`.
    private static func verdict(for service: TenDLCService) -> (status: TenDLCStatus, campaign: TenDLCCampaign?) {
        var best: TenDLCCampaign?
        for campaign in service.campaigns where best.map({ campaign.state < $0.state }) ?? true {
            best = campaign
        }
        guard let best else { return (.noCampaign, nil) }
        switch best.state {
        case .verified: return (.registered, best)
        case .pending: return (.campaignPending, best)
        case .failed: return (.campaignFailed, best)
        }
    }

    /// Lower is more hopeful: the order in which services compete for a number.
    private static func rank(_ status: TenDLCStatus) -> Int {
        switch status {
        case .registered: 0
        case .campaignPending: 1
        case .campaignFailed: 2
        case .noCampaign: 3
        case .notInService: 4
        case .notInAccount: 5
        }
    }

    /// The reason for a number in `service`.
    private static func sentence(
        _ status: TenDLCStatus, service: TenDLCService, campaign: TenDLCCampaign?, brands: [String: TenDLCBrand]
    ) -> String {
        let flag = service.usAppToPersonRegistered
        let flagNote = flag.map { "the service's us_app_to_person_registered flag is \($0)" }
        guard let campaign else {
            return "Messaging Service \(service.sid) has no US A2P campaign" + (flagNote.map { " (\($0))" } ?? "") + "."
        }
        var text = "Campaign \(campaign.sid) of Messaging Service \(service.sid) "
        let written = TenDLCCampaignState.normalized(campaign.status)
        switch status {
        case .registered:
            text += "is VERIFIED"
            // The flag only explains something when it disagrees.
            if flag == false, let flagNote { text += ", although \(flagNote)" }
            return text + "."
        case .campaignPending:
            text += written.map { "is \($0), still under review" } ?? "has no status yet, so it is taken as under review"
        default:
            text += "is \(written ?? "FAILED")"
        }
        if let note = brandNote(campaign, brands: brands) { text += "; \(note)" }
        if let flagNote { text += " (\(flagNote))" }
        return text + "."
    }

    /// What the campaign's brand adds to a pending or failed campaign: nothing when it is
    /// `APPROVED` or unnamed, else its status and failure reason, or that it is unknown.
    private static func brandNote(_ campaign: TenDLCCampaign, brands: [String: TenDLCBrand]) -> String? {
        guard let brandSID = campaign.brandRegistrationSID, !brandSID.isEmpty else { return nil }
        guard let brand = brands[brandSID] else {
            return "its brand \(brandSID) is not among the account's brand registrations"
        }
        guard let status = TenDLCCampaignState.normalized(brand.status) else {
            return "its brand \(brandSID) has no status"
        }
        guard status != "APPROVED" else { return nil }
        var note = "its brand \(brandSID) is \(status)"
        if let failure = TenDLCCampaignState.trimmed(brand.failureReason) {
            note += ": " + shortened(failure, to: maximumFailureReasonLength)
        }
        return note
    }

    /// The longest brand failure reason quoted in a reason, in characters.
    static let maximumFailureReasonLength = 120

    private static func shortened(_ text: String, to length: Int) -> String {
        let oneLine = String(text.map { $0 == "\n" || $0 == "\r" || $0 == "\t" ? " " : $0 })
        return oneLine.count <= length ? oneLine : String(oneLine.prefix(length)) + "…"
    }
}
