/// Everything one sync run learned from Twilio, arranged by phone number, so that judging a
/// business's number costs no API call: the sync fetches the account's incoming numbers, the
/// services, each service's numbers and campaigns, and the brands once per run (a fixed
/// number of listings per service, however many businesses there are), builds one index, and
/// asks it about every business.
///
/// Numbers are matched in E.164. A number Twilio wrote in another form cannot be matched and
/// is listed in `unreadableNumbers` instead (for a log line).
public struct TenDLCIndex: Sendable {
    /// The account's incoming phone numbers.
    public let accountNumbers: Set<PhoneNumber>
    /// The services, in the order given.
    public let services: [TenDLCService]
    /// The brand registrations by SID.
    public let brands: [String: TenDLCBrand]
    /// For each number in a service: one candidate per campaign of each service it is in
    /// (one without a campaign for a service that has none), services in the order given.
    public let candidatesByNumber: [PhoneNumber: [TenDLCCandidate]]
    /// Numbers from the account or a service that are not E.164, each once, sorted.
    public let unreadableNumbers: [String]

    /// For each number, the positions in `services` of the services it is in.
    private let serviceIndexes: [PhoneNumber: [Int]]

    /// - Parameters:
    ///   - accountNumbers: the account's incoming phone numbers (E.164), all of them.
    ///   - services: every Messaging Service of the account, with its campaigns and numbers.
    ///   - brands: every brand registration of the account (a later duplicate SID wins).
    public init(accountNumbers: [String], services: [TenDLCService], brands: [TenDLCBrand]) {
        var unreadable = Set<String>()
        var account = Set<PhoneNumber>()
        for text in accountNumbers {
            if let number = PhoneNumber(e164: text) { account.insert(number) } else { unreadable.insert(text) }
        }
        var indexes: [PhoneNumber: [Int]] = [:]
        var candidates: [PhoneNumber: [TenDLCCandidate]] = [:]
        for (position, service) in services.enumerated() {
            let serviceCandidates =
                service.campaigns.isEmpty
                ? [TenDLCCandidate(serviceSID: service.sid, campaignSID: nil, campaignStatus: nil)]
                : service.campaigns.map {
                    TenDLCCandidate(serviceSID: service.sid, campaignSID: $0.sid, campaignStatus: $0.status)
                }
            for text in service.phoneNumbers {
                guard let number = PhoneNumber(e164: text) else {
                    unreadable.insert(text)
                    continue
                }
                // A number listed twice by one service counts once.
                if indexes[number]?.last == position { continue }
                indexes[number, default: []].append(position)
                candidates[number, default: []].append(contentsOf: serviceCandidates)
            }
        }
        var brandsBySID: [String: TenDLCBrand] = [:]
        for brand in brands { brandsBySID[brand.sid] = brand }

        self.accountNumbers = account
        self.services = services
        self.brands = brandsBySID
        candidatesByNumber = candidates
        serviceIndexes = indexes
        unreadableNumbers = unreadable.sorted()
    }

    /// Whether `number` is one of the account's incoming phone numbers.
    public func isInAccount(_ number: PhoneNumber) -> Bool {
        accountNumbers.contains(number)
    }

    /// The services `number` is in, in the order given to `init`.
    public func services(containing number: PhoneNumber) -> [TenDLCService] {
        (serviceIndexes[number] ?? []).map { services[$0] }
    }

    /// Every candidate for `number` (see `candidatesByNumber`); empty when it is in no service.
    public func candidates(for number: PhoneNumber) -> [TenDLCCandidate] {
        candidatesByNumber[number] ?? []
    }

    /// The verdict on `number`: `TenDLCAssessment.decide` with the facts of this index.
    public func assess(_ number: PhoneNumber) -> TenDLCAssessment {
        TenDLCAssessment.decide(inAccount: isInAccount(number), services: services(containing: number), brands: brands)
    }

    /// The candidate the verdict on `number` was based on; nil when the number is in no
    /// service or not in the account.
    public func candidate(for number: PhoneNumber) -> TenDLCCandidate? {
        let assessment = assess(number)
        guard let service = assessment.messagingServiceSID else { return nil }
        return TenDLCCandidate(
            serviceSID: service, campaignSID: assessment.campaignSID, campaignStatus: assessment.campaignStatus)
    }
}
