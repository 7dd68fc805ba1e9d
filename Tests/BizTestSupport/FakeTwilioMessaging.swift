import Foundation

/// The fake Twilio's A2P 10DLC side: Messaging Services, their phone numbers and US A2P
/// campaigns, A2P brands (Twilio's Messaging API, `messaging.twilio.com/v1`), and the account's
/// incoming phone numbers (`api.twilio.com/2010-04-01`). The contract is Twilio's OpenAPI
/// description (`/work/shared/twilio-oai/twilio_messaging_v1.json` and `twilio_api_v2010.json`).
///
/// Both APIs are served from the same `baseURL`: point the client's Messaging API base
/// (`https://messaging.twilio.com`, e.g. `TWILIO_MESSAGING_API_BASE`) at `baseURL` too. What is
/// served, with the same Basic authentication as the Messages API (else 401 code 20003):
///
/// - `GET /v1/Services` (list key `services`), `GET /v1/Services/{Sid}`.
/// - `GET /v1/Services/{ServiceSid}/PhoneNumbers` (list key `phone_numbers`, in the order the
///   numbers were added), `GET …/PhoneNumbers/{Sid}`, `DELETE …/PhoneNumbers/{Sid}` (204).
/// - `POST /v1/Services/{ServiceSid}/PhoneNumbers` with the form field `PhoneNumberSid`: adds
///   the account's incoming number to the service and answers 201 with the PhoneNumber
///   resource. Errors: no `PhoneNumberSid` 400 code 20001; not `PN` + 32 hex digits 400 code
///   21421; no such incoming number 404 code 20404; already in this service 409 code 21710
///   ("Phone Number or Short Code is already in the Messaging Service."); in another service
///   409 code 21712 ("Phone Number or Short Code is associated with another Messaging
///   Service.").
/// - `GET /v1/Services/{MessagingServiceSid}/Compliance/Usa2p` (list key `compliance`: the
///   service's campaign, or empty), `GET …/Compliance/Usa2p/{Sid}`.
/// - `GET /v1/a2p/BrandRegistrations` (list key `data`), `GET /v1/a2p/BrandRegistrations/{Sid}`.
/// - `GET /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json` (list key
///   `incoming_phone_numbers`) with the filters `PhoneNumber` (Twilio's partial match: the
///   value, where `*` stands for any digit, anywhere in the number; a `+` must be sent as
///   `%2B`: an unencoded one arrives as a space and matches nothing), `FriendlyName` (exact)
///   and `Origin` (`twilio` matches every number, anything else none); and
///   `GET …/IncomingPhoneNumbers/{Sid}.json`.
///
/// Lists take `PageSize` (default `messagingPageSize`, capped at `messagingMaxPageSize`),
/// `Page` and `PageToken`, in creation order. Messaging v1 lists carry `meta` (`page`,
/// `page_size`, `first_page_url`, `previous_page_url`, `url`, `next_page_url`, `key`) with
/// absolute URLs on `baseURL` (`next_page_url` null on the last page); the 2010 list carries
/// Twilio's top-level relative `next_page_uri` and friends. Page tokens are keyset positions
/// (`PA<sid>` after, `PB<sid>` before). Resources of the v1 API have ISO 8601 dates
/// (`2026-01-02T03:04:05Z`); those of the 2010 API RFC 2822. Unknown SIDs and paths: 404 code
/// 20404; other methods: 405 code 20004. An unreadable `PageSize`: 400 code 20001.
///
/// Tests set the account up with `addService(friendlyName:registered:)`,
/// `addIncomingNumber(_:friendlyName:)`, `attach(numberSID:toService:)`, `addBrand(status:)`,
/// `setCampaign(service:status:brand:)`; provoke errors with `injectRead(_:pathPrefix:)` and
/// `injectWrite(_:pathPrefix:)`; and count calls with `apiCallCount(pathPrefix:method:)`.
extension FakeTwilio {
    // MARK: Setting the account up

    /// Creates a Messaging Service and returns its SID (`MG` + 32 hex digits).
    /// - Parameters:
    ///   - friendlyName: its `friendly_name`.
    ///   - registered: its `us_app_to_person_registered` flag (independent of any campaign set
    ///     with `setCampaign(service:status:brand:)`, as the tests choose).
    @discardableResult
    public func addService(friendlyName: String, registered: Bool = false) -> String {
        engine.state.withLock { state in
            let now = state.now ?? Date()
            let service = FakeMessagingService(
                sid: FakeTwilio.randomSID(prefix: "MG"), friendlyName: friendlyName,
                usAppToPersonRegistered: registered, dateCreated: now, dateUpdated: now,
                sequence: state.messaging.nextSequence())
            state.messaging.services.append(service)
            return service.sid
        }
    }

    /// Sets a service's `us_app_to_person_registered` flag. The service must exist.
    public func setUSAppToPersonRegistered(_ registered: Bool, service: String) {
        engine.state.withLock { state in
            guard let index = state.messaging.services.firstIndex(where: { $0.sid == service }) else {
                preconditionFailure("FakeTwilio: no Messaging Service \(service)")
            }
            state.messaging.services[index].usAppToPersonRegistered = registered
            state.messaging.services[index].dateUpdated = state.now ?? Date()
        }
    }

    /// Buys an incoming phone number for the account and returns its SID (`PN` + 32 hex
    /// digits). It is in no Messaging Service until attached.
    /// - Parameters:
    ///   - e164: the number, E.164 (`+15551234567`); must not be in the account already.
    ///   - friendlyName: its `friendly_name`; by default Twilio's, `(555) 123-4567` for a +1
    ///     number and the number itself otherwise.
    @discardableResult
    public func addIncomingNumber(_ e164: String, friendlyName: String? = nil) -> String {
        precondition(Format.isValidRecipient(e164) && !e164.contains(":"), "FakeTwilio: \(e164) is not E.164")
        return engine.state.withLock { state in
            precondition(
                !state.messaging.numbers.contains { $0.phoneNumber == e164 },
                "FakeTwilio: \(e164) is already in the account")
            let now = state.now ?? Date()
            let number = FakeIncomingNumber(
                sid: FakeTwilio.randomSID(prefix: "PN"), phoneNumber: e164,
                friendlyName: friendlyName ?? Format.nationalFriendlyName(e164),
                countryCode: Format.countryCode(e164), dateCreated: now, dateUpdated: now, serviceSID: nil,
                dateAttached: nil, sequence: state.messaging.nextSequence(), attachSequence: 0)
            state.messaging.numbers.append(number)
            return number.sid
        }
    }

    /// Adds an incoming number to a Messaging Service, as `POST …/PhoneNumbers` would. Both
    /// must exist; the number must be in no other service (again in the same one: no change).
    public func attach(numberSID: String, toService service: String) {
        engine.state.withLock { state in
            precondition(
                state.messaging.services.contains { $0.sid == service }, "FakeTwilio: no Messaging Service \(service)")
            guard let index = state.messaging.numbers.firstIndex(where: { $0.sid == numberSID }) else {
                preconditionFailure("FakeTwilio: no incoming number \(numberSID)")
            }
            let current = state.messaging.numbers[index].serviceSID
            precondition(current == nil || current == service, "FakeTwilio: \(numberSID) is in service \(current!)")
            if current == nil { state.messaging.attach(index, to: service, at: state.now ?? Date()) }
        }
    }

    /// Takes an incoming number out of its Messaging Service, if it is in one; the number stays
    /// in the account.
    public func detach(numberSID: String) {
        engine.state.withLock { state in
            guard let index = state.messaging.numbers.firstIndex(where: { $0.sid == numberSID }) else { return }
            state.messaging.numbers[index].serviceSID = nil
            state.messaging.numbers[index].dateAttached = nil
        }
    }

    /// Registers an A2P brand and returns its SID (`BN` + 32 hex digits).
    /// - Parameters:
    ///   - status: Twilio's `status`: `PENDING`, `APPROVED`, `FAILED`, `IN_REVIEW`,
    ///     `DELETION_PENDING`, `DELETION_FAILED` or `SUSPENDED`.
    ///   - brandType: `STANDARD`, `STARTER`, `SOLE_PROPRIETOR`…
    ///   - failureReason: `failure_reason` (shown for any status; Twilio sets it on `FAILED`).
    @discardableResult
    public func addBrand(status: String = "APPROVED", brandType: String = "STANDARD", failureReason: String? = nil)
        -> String
    {
        engine.state.withLock { state in
            let now = state.now ?? Date()
            let brand = FakeA2PBrand(
                sid: FakeTwilio.randomSID(prefix: "BN"), status: status, brandType: brandType,
                tcrID: "B" + Format.randomUppercase(6), failureReason: failureReason, dateCreated: now,
                dateUpdated: now, sequence: state.messaging.nextSequence())
            state.messaging.brands.append(brand)
            return brand.sid
        }
    }

    /// Changes a brand's `status` (and `failure_reason`). The brand must exist.
    public func setBrandStatus(_ brand: String, status: String, failureReason: String? = nil) {
        engine.state.withLock { state in
            guard let index = state.messaging.brands.firstIndex(where: { $0.sid == brand }) else {
                preconditionFailure("FakeTwilio: no brand \(brand)")
            }
            state.messaging.brands[index].status = status
            state.messaging.brands[index].failureReason = failureReason
            state.messaging.brands[index].dateUpdated = state.now ?? Date()
        }
    }

    /// Gives a Messaging Service its US A2P campaign (the `Compliance/Usa2p` resource), or
    /// changes the one it has (same SID, new status, brand and `date_updated`). Returns the
    /// campaign's SID (`QE` + 32 hex digits).
    /// - Parameters:
    ///   - service: the service, which must exist.
    ///   - status: Twilio's `campaign_status`: `VERIFIED`, `PENDING`, `IN_PROGRESS`, `FAILED`…
    ///   - brand: its `brand_registration_sid` (`BN…`; need not have been added with `addBrand`).
    ///   - useCase: `us_app_to_person_usecase`.
    ///   - campaignID: the TCR `campaign_id`; by default `C` and six random letters or digits
    ///     (kept when an existing campaign is changed).
    @discardableResult
    public func setCampaign(
        service: String, status: String, brand: String, useCase: String = "LOW_VOLUME", campaignID: String? = nil
    ) -> String {
        engine.state.withLock { state in
            precondition(
                state.messaging.services.contains { $0.sid == service }, "FakeTwilio: no Messaging Service \(service)")
            let now = state.now ?? Date()
            if let index = state.messaging.campaigns.firstIndex(where: { $0.messagingServiceSID == service }) {
                state.messaging.campaigns[index].campaignStatus = status
                state.messaging.campaigns[index].brandRegistrationSID = brand
                state.messaging.campaigns[index].useCase = useCase
                if let campaignID { state.messaging.campaigns[index].campaignID = campaignID }
                state.messaging.campaigns[index].dateUpdated = now
                return state.messaging.campaigns[index].sid
            }
            let campaign = FakeA2PCampaign(
                sid: FakeTwilio.randomSID(prefix: "QE"), brandRegistrationSID: brand, messagingServiceSID: service,
                campaignStatus: status, campaignID: campaignID ?? "C" + Format.randomUppercase(6), useCase: useCase,
                description: "Appointment reminders and account notifications for customers who opted in.",
                dateCreated: now, dateUpdated: now, sequence: state.messaging.nextSequence())
            state.messaging.campaigns.append(campaign)
            return campaign.sid
        }
    }

    /// Deletes a Messaging Service's campaign, if it has one: its `Compliance/Usa2p` list is
    /// then empty.
    public func removeCampaign(service: String) {
        engine.state.withLock { state in state.messaging.campaigns.removeAll { $0.messagingServiceSID == service } }
    }

    /// `PageSize` of the Messaging v1 lists and of `IncomingPhoneNumbers.json` when the request
    /// gives none: 50 like Twilio; set it small to make clients page. (`Messages.json` keeps 50.)
    public var messagingPageSize: Int { engine.state.withLock { $0.messaging.defaultPageSize } }

    /// Sets `messagingPageSize` (at least 1).
    public func setMessagingPageSize(_ size: Int) {
        engine.state.withLock { $0.messaging.defaultPageSize = max(1, size) }
    }

    /// The largest page the same lists serve, whatever `PageSize` asks: 1000 like Twilio; set
    /// it small to make clients that ask for big pages follow `next_page_url` anyway.
    public var messagingMaxPageSize: Int { engine.state.withLock { $0.messaging.maxPageSize } }

    /// Sets `messagingMaxPageSize` (at least 1).
    public func setMessagingMaxPageSize(_ size: Int) {
        engine.state.withLock { $0.messaging.maxPageSize = max(1, size) }
    }

    // MARK: Faults by path

    /// Queues faults for authenticated `GET` requests whose path (percent-decoded, without the
    /// query) starts with `pathPrefix`, such as `/v1/Services` (which also covers
    /// `/v1/Services/{Sid}/PhoneNumbers`) or `/2010-04-01/Accounts/<AccountSid>/IncomingPhoneNumbers`.
    /// Each matching request consumes the earliest queued fault whose prefix matches, before it
    /// is routed (also for paths that would be 404). Error faults replace the answer;
    /// `.slowReply` delays the normal answer; `.dropBeforeCreating` and `.dropAfterCreating`
    /// close the connection without an answer.
    public func injectRead(_ faults: Fault..., pathPrefix: String) {
        injectRead(faults, pathPrefix: pathPrefix)
    }

    /// Queues faults for reads, as `injectRead(_: Fault..., pathPrefix:)`.
    public func injectRead(_ faults: [Fault], pathPrefix: String) {
        engine.state.withLock { state in
            state.messaging.pathFaults += faults.map { PathFault(isRead: true, pathPrefix: pathPrefix, fault: $0) }
        }
    }

    /// Queues faults for authenticated requests other than `GET` (`POST`, `DELETE`) whose path
    /// starts with `pathPrefix`, such as `/v1/Services/<MG…>/PhoneNumbers`, consumed as
    /// `injectRead(_:pathPrefix:)`'s. Error faults and `.dropBeforeCreating` change nothing;
    /// `.slowReply` and `.dropAfterCreating` make the change (for example attach the number)
    /// and then delay the answer or close the connection. These are checked before the
    /// `Messages.json` faults of `inject(_:)`, so keep prefixes off `Messages.json`.
    public func injectWrite(_ faults: Fault..., pathPrefix: String) {
        injectWrite(faults, pathPrefix: pathPrefix)
    }

    /// Queues faults for writes, as `injectWrite(_: Fault..., pathPrefix:)`.
    public func injectWrite(_ faults: [Fault], pathPrefix: String) {
        engine.state.withLock { state in
            state.messaging.pathFaults += faults.map { PathFault(isRead: false, pathPrefix: pathPrefix, fault: $0) }
        }
    }

    /// Read faults queued and not consumed yet, in order.
    public var pendingReadFaults: [Fault] {
        engine.state.withLock { $0.messaging.pathFaults.filter(\.isRead).map(\.fault) }
    }

    /// Write faults queued and not consumed yet, in order.
    public var pendingWriteFaults: [Fault] {
        engine.state.withLock { $0.messaging.pathFaults.filter { !$0.isRead }.map(\.fault) }
    }

    // MARK: What the account holds

    /// Every Messaging Service, in creation order.
    public var services: [FakeMessagingService] { engine.state.withLock { $0.messaging.services } }

    /// Every incoming phone number of the account, in creation order.
    public var incomingNumbers: [FakeIncomingNumber] { engine.state.withLock { $0.messaging.numbers } }

    /// Every A2P brand, in creation order.
    public var brands: [FakeA2PBrand] { engine.state.withLock { $0.messaging.brands } }

    /// Every US A2P campaign, in creation order.
    public var campaigns: [FakeA2PCampaign] { engine.state.withLock { $0.messaging.campaigns } }

    /// The incoming number with this E.164 number, if the account has it.
    public func incomingNumber(_ e164: String) -> FakeIncomingNumber? {
        engine.state.withLock { $0.messaging.numbers.first { $0.phoneNumber == e164 } }
    }

    /// The incoming numbers in a Messaging Service, in the order they were added to it.
    public func numbers(inService service: String) -> [FakeIncomingNumber] {
        engine.state.withLock { $0.messaging.numbers(in: service) }
    }

    /// The campaign of a Messaging Service, if it has one.
    public func campaign(service: String) -> FakeA2PCampaign? {
        engine.state.withLock { $0.messaging.campaigns.first { $0.messagingServiceSID == service } }
    }

    // MARK: Counting calls

    /// How many requests arrived whose path (percent-decoded, without the query) starts with
    /// `pathPrefix`, whatever they were answered; only those with `method` if given.
    public func apiCallCount(pathPrefix: String, method: String? = nil) -> Int {
        engine.state.withLock { state in
            state.requests.count { $0.path.hasPrefix(pathPrefix) && (method == nil || $0.method == method) }
        }
    }

    /// `/v1/Services/<service>/PhoneNumbers`.
    public func servicePhoneNumbersPath(_ service: String) -> String { "/v1/Services/\(service)/PhoneNumbers" }

    /// `/v1/Services/<service>/Compliance/Usa2p`.
    public func complianceUsa2pPath(_ service: String) -> String { "/v1/Services/\(service)/Compliance/Usa2p" }

    /// `/2010-04-01/Accounts/<AccountSid>/IncomingPhoneNumbers.json`.
    public var incomingPhoneNumbersPath: String { "/2010-04-01/Accounts/\(accountSID)/IncomingPhoneNumbers.json" }
}

// MARK: Records

/// A Messaging Service of the fake account (`messaging.v1.service`).
public struct FakeMessagingService: Sendable, Equatable {
    /// `MG` followed by 32 lowercase hexadecimal digits.
    public let sid: String
    public let friendlyName: String
    /// `us_app_to_person_registered`.
    public var usAppToPersonRegistered: Bool
    public let dateCreated: Date
    public var dateUpdated: Date
    /// Position in creation order among all the account's resources.
    public let sequence: Int
}

/// An incoming phone number of the fake account (`api.v2010.account.incoming_phone_number`),
/// and, while it is in a Messaging Service, that service's PhoneNumber resource
/// (`messaging.v1.service.phone_number`, same SID).
public struct FakeIncomingNumber: Sendable, Equatable {
    /// `PN` followed by 32 lowercase hexadecimal digits.
    public let sid: String
    /// E.164.
    public let phoneNumber: String
    public let friendlyName: String
    /// ISO 3166 country of the number (`US` for +1).
    public let countryCode: String
    public let dateCreated: Date
    public var dateUpdated: Date
    /// The Messaging Service it is in, if any.
    public var serviceSID: String?
    /// When it was added to that service (the PhoneNumber resource's `date_created`).
    public var dateAttached: Date?
    /// Position in creation order among all the account's resources.
    public let sequence: Int
    /// Position in the order numbers were added to services.
    public var attachSequence: Int
}

/// An A2P brand registration (`messaging.v1.brand_registrations`).
public struct FakeA2PBrand: Sendable, Equatable {
    /// `BN` followed by 32 lowercase hexadecimal digits.
    public let sid: String
    /// `PENDING`, `APPROVED`, `FAILED`, `IN_REVIEW`, `DELETION_PENDING`, `DELETION_FAILED`,
    /// `SUSPENDED`.
    public var status: String
    public let brandType: String
    /// The Campaign Registry's brand ID, `B` and six letters or digits.
    public let tcrID: String
    public var failureReason: String?
    public let dateCreated: Date
    public var dateUpdated: Date
    /// Position in creation order among all the account's resources.
    public let sequence: Int
}

/// A Messaging Service's US A2P campaign (`messaging.v1.service.us_app_to_person`).
public struct FakeA2PCampaign: Sendable, Equatable {
    /// `QE` followed by 32 lowercase hexadecimal digits.
    public let sid: String
    public var brandRegistrationSID: String
    public let messagingServiceSID: String
    /// `campaign_status`: `VERIFIED`, `PENDING`, `IN_PROGRESS`, `FAILED`…
    public var campaignStatus: String
    /// The Campaign Registry's campaign ID.
    public var campaignID: String
    /// `us_app_to_person_usecase`.
    public var useCase: String
    public let description: String
    public let dateCreated: Date
    public var dateUpdated: Date
    /// Position in creation order among all the account's resources.
    public let sequence: Int
}
