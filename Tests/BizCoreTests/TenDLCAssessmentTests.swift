import BizCore
import Testing

/// `TenDLCAssessment.decide`, `TenDLCCampaignState` and `TenDLCIndex`: every rule of the
/// 10DLC verdict, with hand-made facts.
@Suite struct TenDLCAssessmentTests {
    private static let serviceA = "MG" + String(repeating: "a", count: 32)
    private static let serviceB = "MG" + String(repeating: "b", count: 32)
    private static let serviceC = "MG" + String(repeating: "c", count: 32)
    private static let brandOK = "BN" + String(repeating: "1", count: 32)
    private static let brandBad = "BN" + String(repeating: "2", count: 32)
    private static let brandWaiting = "BN" + String(repeating: "3", count: 32)

    private static let brands: [String: TenDLCBrand] = [
        brandOK: TenDLCBrand(sid: brandOK, status: "APPROVED", failureReason: nil),
        brandBad: TenDLCBrand(sid: brandBad, status: "FAILED", failureReason: "Tax ID does not match"),
        brandWaiting: TenDLCBrand(sid: brandWaiting, status: "IN_REVIEW", failureReason: nil),
    ]

    private static func campaign(_ status: String?, brand: String? = brandOK, sid: String = "QE1") -> TenDLCCampaign {
        TenDLCCampaign(sid: sid, status: status, brandRegistrationSID: brand)
    }

    private static func service(
        sid: String = serviceA, registered: Bool? = nil, _ campaigns: TenDLCCampaign...
    ) -> TenDLCService {
        TenDLCService(sid: sid, usAppToPersonRegistered: registered, campaigns: campaigns)
    }

    private static func decide(inAccount: Bool = true, _ services: TenDLCService...) -> TenDLCAssessment {
        TenDLCAssessment.decide(inAccount: inAccount, services: services, brands: brands)
    }

    // MARK: Statuses

    @Test("Raw values are the words the sync stores")
    func rawValues() {
        #expect(TenDLCStatus.allCases.map(\.rawValue) == [
            "registered", "campaign_pending", "campaign_failed", "no_campaign", "not_in_service", "not_in_account",
        ])
        #expect(TenDLCStatus(rawValue: "campaign_pending") == .campaignPending)
        #expect(TenDLCStatus.allCases.filter(\.canSend) == [.registered])
    }

    @Test(
        "Campaign statuses: VERIFIED can send, failed-like ones failed, everything else pending",
        arguments: [
            ("VERIFIED", TenDLCCampaignState.verified), ("verified", .verified), (" VERIFIED\n", .verified),
            ("FAILED", .failed), ("failed", .failed), ("SUSPENDED", .failed), ("REJECTED", .failed),
            ("EXPIRED", .failed), ("DELETED", .failed), ("DELETION_PENDING", .failed), ("DELETION_FAILED", .failed),
            ("PENDING", .pending), ("IN_PROGRESS", .pending), ("SOMETHING_NEW", .pending), ("", .pending),
        ])
    func campaignStates(_ status: String, _ state: TenDLCCampaignState) {
        #expect(TenDLCCampaignState(campaignStatus: status) == state)
    }

    @Test("A campaign without a status is pending")
    func missingStatusIsPending() {
        #expect(TenDLCCampaignState(campaignStatus: nil) == .pending)
        let verdict = Self.decide(Self.service(Self.campaign(nil)))
        #expect(verdict.status == .campaignPending)
        #expect(verdict.campaignStatus == nil)
        #expect(verdict.reason.contains("no status"))
    }

    // MARK: The rules

    @Test("Not in the account: not_in_account, whatever the services say")
    func notInAccount() {
        let verdict = Self.decide(inAccount: false, Self.service(Self.campaign("VERIFIED")))
        #expect(verdict.status == .notInAccount)
        #expect(verdict.messagingServiceSID == nil)
        #expect(verdict.campaignStatus == nil)
        #expect(verdict.reason.contains("not one of the Twilio account's incoming phone numbers"))
        #expect(TenDLCAssessment.decide(inAccount: false, services: [], brands: [:]).status == .notInAccount)
    }

    @Test("In the account but in no service: not_in_service")
    func notInService() {
        let verdict = Self.decide()
        #expect(verdict.status == .notInService)
        #expect(verdict.messagingServiceSID == nil)
        #expect(verdict.reason.contains("no Messaging Service"))
    }

    @Test("In a service whose campaign is VERIFIED: registered")
    func registered() {
        let verdict = Self.decide(Self.service(registered: true, Self.campaign("VERIFIED", sid: "QE9")))
        #expect(verdict.status == .registered)
        #expect(verdict.status.canSend)
        #expect(verdict.messagingServiceSID == Self.serviceA)
        #expect(verdict.campaignSID == "QE9")
        #expect(verdict.campaignStatus == "VERIFIED")
        #expect(verdict.reason.contains("is VERIFIED"))
        #expect(!verdict.reason.contains("us_app_to_person_registered"))
    }

    @Test("A VERIFIED campaign decides even when the service's flag disagrees, which the reason mentions")
    func registeredDespiteFlag() {
        let verdict = Self.decide(Self.service(registered: false, Self.campaign("VERIFIED")))
        #expect(verdict.status == .registered)
        #expect(verdict.reason.contains("us_app_to_person_registered flag is false"))
    }

    @Test("A number in several services is judged by a VERIFIED one, wherever it is listed")
    func prefersVerifiedService() {
        let verdict = Self.decide(
            Self.service(sid: Self.serviceA, Self.campaign("FAILED", sid: "QEa")),
            Self.service(sid: Self.serviceB, Self.campaign("PENDING", sid: "QEb")),
            Self.service(sid: Self.serviceC, Self.campaign("VERIFIED", sid: "QEc")))
        #expect(verdict.status == .registered)
        #expect(verdict.messagingServiceSID == Self.serviceC)
        #expect(verdict.campaignSID == "QEc")
        #expect(verdict.reason.contains("also in 2 other Messaging Services"))
    }

    @Test("Among services that cannot send, pending beats failed beats no campaign; ties keep the first")
    func rankingWithoutVerified() {
        let noCampaign = Self.service(sid: Self.serviceA)
        let failed = Self.service(sid: Self.serviceB, Self.campaign("FAILED"))
        let pending = Self.service(sid: Self.serviceC, Self.campaign("IN_PROGRESS"))
        #expect(Self.decide(noCampaign, failed, pending).messagingServiceSID == Self.serviceC)
        #expect(Self.decide(noCampaign, failed).messagingServiceSID == Self.serviceB)
        #expect(Self.decide(noCampaign, failed).status == .campaignFailed)
        let otherNoCampaign = Self.service(sid: Self.serviceB)
        #expect(Self.decide(noCampaign, otherNoCampaign).messagingServiceSID == Self.serviceA)
        #expect(Self.decide(noCampaign, otherNoCampaign).reason.contains("also in 1 other Messaging Service."))
    }

    @Test("Within a service the best campaign counts: VERIFIED, then pending, then failed")
    func bestCampaignOfService() {
        let verdict = Self.decide(
            Self.service(Self.campaign("FAILED", sid: "QE1"), Self.campaign("PENDING", sid: "QE2"),
                Self.campaign("VERIFIED", sid: "QE3")))
        #expect(verdict.status == .registered)
        #expect(verdict.campaignSID == "QE3")
        let resubmitted = Self.decide(Self.service(Self.campaign("FAILED", sid: "QE1"), Self.campaign("PENDING", sid: "QE2")))
        #expect(resubmitted.status == .campaignPending)
        #expect(resubmitted.campaignSID == "QE2")
    }

    @Test("A service without any campaign: no_campaign, naming the flag")
    func noCampaign() {
        let verdict = Self.decide(Self.service(registered: false))
        #expect(verdict.status == .noCampaign)
        #expect(verdict.messagingServiceSID == Self.serviceA)
        #expect(verdict.campaignSID == nil)
        #expect(verdict.campaignStatus == nil)
        #expect(verdict.reason.contains("has no US A2P campaign"))
        #expect(verdict.reason.contains("us_app_to_person_registered flag is false"))
        let unknownFlag = Self.decide(Self.service(registered: nil))
        #expect(unknownFlag.status == .noCampaign)
        #expect(!unknownFlag.reason.contains("us_app_to_person_registered"))
    }

    @Test("A FAILED campaign: campaign_failed, with the brand's status and failure reason")
    func campaignFailed() {
        let verdict = Self.decide(Self.service(registered: false, Self.campaign("FAILED", brand: Self.brandBad)))
        #expect(verdict.status == .campaignFailed)
        #expect(verdict.campaignStatus == "FAILED")
        #expect(verdict.reason.contains("is FAILED"))
        #expect(verdict.reason.contains("brand \(Self.brandBad) is FAILED: Tax ID does not match"))
        #expect(verdict.reason.contains("us_app_to_person_registered flag is false"))
    }

    @Test("Other failed-like statuses are campaign_failed too", arguments: ["SUSPENDED", "REJECTED", "EXPIRED", "DELETED"])
    func failedLike(_ status: String) {
        let verdict = Self.decide(Self.service(Self.campaign(status)))
        #expect(verdict.status == .campaignFailed)
        #expect(verdict.campaignStatus == status)
        #expect(verdict.reason.contains("is \(status)"))
    }

    @Test(
        "PENDING, IN_PROGRESS and unknown statuses: campaign_pending",
        arguments: ["PENDING", "IN_PROGRESS", "in_progress", "AWAITING_SOMETHING"])
    func campaignPending(_ status: String) {
        let verdict = Self.decide(Self.service(Self.campaign(status)))
        #expect(verdict.status == .campaignPending)
        #expect(verdict.campaignStatus == status)
        #expect(verdict.reason.contains("under review"))
    }

    @Test("A pending campaign's reason names a brand still in review, but not an approved one")
    func pendingBrandNote() {
        let waiting = Self.decide(Self.service(registered: false, Self.campaign("PENDING", brand: Self.brandWaiting)))
        #expect(waiting.reason.contains("brand \(Self.brandWaiting) is IN_REVIEW"))
        #expect(waiting.reason.contains("us_app_to_person_registered flag is false"))
        let approved = Self.decide(Self.service(Self.campaign("PENDING", brand: Self.brandOK)))
        #expect(!approved.reason.contains("brand"))
        let unknown = Self.decide(Self.service(Self.campaign("PENDING", brand: "BN404")))
        #expect(unknown.reason.contains("brand BN404 is not among the account's brand registrations"))
        let unnamed = Self.decide(Self.service(Self.campaign("PENDING", brand: nil)))
        #expect(!unnamed.reason.contains("brand"))
    }

    @Test("A long brand failure reason is cut short and kept on one line")
    func longFailureReason() {
        let long = String(repeating: "x", count: 500) + "\nsecond line"
        let brands = [Self.brandBad: TenDLCBrand(sid: Self.brandBad, status: "FAILED", failureReason: long)]
        let verdict = TenDLCAssessment.decide(
            inAccount: true, services: [Self.service(Self.campaign("FAILED", brand: Self.brandBad))], brands: brands)
        #expect(!verdict.reason.contains("\n"))
        #expect(verdict.reason.count < 400)
        #expect(verdict.reason.contains("…"))
    }

    // MARK: The index

    private static let alice = "+15550100001"
    private static let bob = "+15550100002"
    private static let carol = "+15550100003"
    private static let dave = "+15550100004"
    private static let erin = "+15550100005"

    private static func number(_ text: String) -> PhoneNumber { PhoneNumber(e164: text)! }

    private static func index() -> TenDLCIndex {
        TenDLCIndex(
            accountNumbers: [alice, bob, carol, dave, "555-0100"],
            services: [
                TenDLCService(
                    sid: serviceA, usAppToPersonRegistered: true, campaigns: [campaign("VERIFIED", sid: "QEa")],
                    phoneNumbers: [alice, bob]),
                TenDLCService(
                    sid: serviceB, usAppToPersonRegistered: false,
                    campaigns: [campaign("FAILED", brand: brandBad, sid: "QEb")], phoneNumbers: [bob, carol, carol]),
                TenDLCService(sid: serviceC, usAppToPersonRegistered: false, campaigns: [], phoneNumbers: [erin, "n/a"]),
            ],
            brands: Array(brands.values))
    }

    @Test("The index maps each number to the candidates of every service it is in")
    func indexCandidates() {
        let index = Self.index()
        #expect(index.candidates(for: Self.number(Self.alice)) == [
            TenDLCCandidate(serviceSID: Self.serviceA, campaignSID: "QEa", campaignStatus: "VERIFIED")
        ])
        #expect(index.candidates(for: Self.number(Self.bob)).map(\.serviceSID) == [Self.serviceA, Self.serviceB])
        #expect(index.candidates(for: Self.number(Self.carol)).count == 1)  // listed twice, counted once
        #expect(index.candidates(for: Self.number(Self.erin)) == [
            TenDLCCandidate(serviceSID: Self.serviceC, campaignSID: nil, campaignStatus: nil)
        ])
        #expect(index.candidates(for: Self.number(Self.dave)).isEmpty)
        #expect(index.candidatesByNumber.count == 4)
        #expect(index.unreadableNumbers == ["555-0100", "n/a"])
    }

    @Test("The index's verdicts follow the rules, from facts fetched once")
    func indexVerdicts() {
        let index = Self.index()
        #expect(index.assess(Self.number(Self.alice)).status == .registered)
        let bob = index.assess(Self.number(Self.bob))
        #expect(bob.status == .registered)
        #expect(bob.messagingServiceSID == Self.serviceA)
        let carol = index.assess(Self.number(Self.carol))
        #expect(carol.status == .campaignFailed)
        #expect(carol.reason.contains("Tax ID does not match"))
        #expect(index.assess(Self.number(Self.dave)).status == .notInService)
        #expect(index.assess(Self.number(Self.erin)).status == .notInAccount)
        #expect(index.assess(Self.number("+15550100009")).status == .notInAccount)
        #expect(index.candidate(for: Self.number(Self.bob))
            == TenDLCCandidate(serviceSID: Self.serviceA, campaignSID: "QEa", campaignStatus: "VERIFIED"))
        #expect(index.candidate(for: Self.number(Self.dave)) == nil)
        #expect(index.isInAccount(Self.number(Self.dave)))
        #expect(index.services(containing: Self.number(Self.bob)).map(\.sid) == [Self.serviceA, Self.serviceB])
    }
}
