import BizCore
import BizPostgres
import BizSystem
import BizTwilio
import Foundation

/// `biz10dlc sync`: asks Twilio which business numbers can send US A2P 10DLC texts, records
/// it on each business, and keeps one registration task open per business that cannot.
///
/// Twilio is read once per run, not per business: the Messaging Services, each service's
/// numbers and campaigns, the brands, and the account's incoming numbers. Then every
/// business is judged from that index and recorded in a transaction of its own.
public final class TenDLCSync {
    public struct Options: Sendable {
        /// Report what would change, change nothing (neither the database nor Twilio).
        public var dryRun = false
        /// Attach numbers that are in the account but in no service to this Messaging
        /// Service, when its campaign is verified.
        public var attachTo: String?
        /// How transient Twilio failures wait before the next try (tests record instead).
        public var sleep: @Sendable (Duration) -> Void = TwilioMessagingClient.sleep
        public init() {}
    }

    private let store: ComplianceStore
    private let client: TwilioMessagingClient
    private let options: Options
    /// Lines telling what changed (or would), for standard output.
    private let report: (String) -> Void

    public init(store: ComplianceStore, client: TwilioMessagingClient, options: Options, report: @escaping (String) -> Void) {
        self.store = store
        self.client = client
        self.options = options
        self.report = report
    }

    /// Runs the sync. Failures for single businesses are counted in the summary; a refusal
    /// of the credentials, an account whose services cannot be listed, or a database that
    /// fails stop the run.
    public func run(progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws(SyncError) -> SyncSummary {
        var summary = SyncSummary()
        summary.dryRun = options.dryRun
        let businesses: [ComplianceStore.Business]
        do {
            businesses = try store.businessesWithTwilioNumbers()
        } catch {
            throw .database(error)
        }
        let twilio = try readAccount()
        let syncedAt = ISO8601DateFormatter().string(from: Date())
        for (index, business) in businesses.enumerated() {
            summary.checked += 1
            do {
                try sync(business, with: twilio, at: syncedAt, into: &summary)
            } catch .authentication(let error) {
                throw .authentication(error)
            } catch .database(let error) where error.isConnectionProblem {
                throw .database(error)
            } catch {
                summary.failures += 1
                Log.warning("10dlc sync failed for a business", [
                    "business": business.id, "phone": PhoneNumber(e164: business.twilioPhone)?.masked ?? "?",
                    "error": error.description,
                ])
            }
            progress(index + 1, businesses.count)
        }
        return summary
    }

    // MARK: Reading Twilio

    /// What one run knows of the account, and what it could not learn.
    private struct Account {
        var index: TenDLCIndex
        /// Services whose numbers or campaigns could not be read: a number that may be in
        /// one of them cannot be judged.
        var unreadableServices: [String: TwilioError]
        /// Incoming numbers by E.164, with their `PN…` SIDs (for attaching).
        var incomingNumberSIDs: [String: String]
        /// Why the account's incoming numbers could not be listed, if they could not.
        var accountListFailure: TwilioError?
    }

    private func retrying<T>(_ body: () throws(TwilioError) -> T) throws(SyncError) -> T {
        do {
            return try client.withRetries(sleep: options.sleep, body)
        } catch {
            if error.failureKind == .authentication { throw .authentication(error) }
            throw .twilioUnavailable(error)
        }
    }

    private func readAccount() throws(SyncError) -> Account {
        let services = try retrying { () throws(TwilioError) in try client.services() }
        var facts: [TenDLCService] = []
        var unreadable: [String: TwilioError] = [:]
        for service in services {
            do {
                let numbers = try retrying { () throws(TwilioError) in try client.phoneNumbers(service: service.sid) }
                let campaigns = try retrying { () throws(TwilioError) in try client.usAppToPersonCampaigns(service: service.sid) }
                facts.append(TenDLCService(service, campaigns: campaigns, phoneNumbers: numbers))
            } catch .twilioUnavailable(let error) {
                Log.warning("cannot read a messaging service; its numbers are not judged", [
                    "service": service.sid, "error": error.description,
                ])
                unreadable[service.sid] = error
            }
        }
        var brands: [BrandRegistration] = []
        do {
            brands = try retrying { () throws(TwilioError) in try client.brandRegistrations() }
        } catch .twilioUnavailable(let error) {
            Log.warning("cannot list brand registrations; reasons will not name the brand", ["error": error.description])
        }
        var incoming: [IncomingPhoneNumber] = []
        var listFailure: TwilioError?
        do {
            incoming = try retrying { () throws(TwilioError) in try client.incomingPhoneNumbers(phoneNumber: nil) }
        } catch .twilioUnavailable(let error) {
            listFailure = error
        }
        let index = TenDLCIndex(
            accountNumbers: incoming.map(\.phoneNumber), services: facts, brands: brands.map(TenDLCBrand.init))
        let sids = Dictionary(incoming.map { ($0.phoneNumber, $0.sid) }, uniquingKeysWith: { first, _ in first })
        return Account(index: index, unreadableServices: unreadable, incomingNumberSIDs: sids, accountListFailure: listFailure)
    }

    // MARK: One business

    private enum BusinessError: Error, CustomStringConvertible {
        case authentication(TwilioError)
        case undecidable(String)
        case twilio(TwilioError)
        case database(PostgresError)

        var description: String {
            switch self {
            case .authentication(let error), .twilio(let error): error.description
            case .undecidable(let reason): reason
            case .database(let error): error.description
            }
        }
    }

    private func sync(
        _ business: ComplianceStore.Business, with account: Account, at syncedAt: String, into summary: inout SyncSummary
    ) throws(BusinessError) {
        guard let phone = PhoneNumber(e164: business.twilioPhone) else {
            throw .undecidable("twilio_phone is not E.164")
        }
        var assessment = account.index.assess(phone)
        if assessment.status == .notInService || assessment.status == .notInAccount {
            // Only trustworthy when every service and the account's numbers could be read.
            if let failure = account.unreadableServices.first {
                throw .undecidable("service \(failure.key) could not be read: \(failure.value)")
            }
            if let failure = account.accountListFailure {
                throw .undecidable("the account's numbers could not be listed: \(failure)")
            }
        }
        if assessment.status == .notInService, let target = options.attachTo {
            assessment = try attach(phone, to: target, account: account, current: assessment, into: &summary)
        }
        let canSend = assessment.status.canSend
        if canSend { summary.registered += 1 }
        if canSend && business.had10DLC != true { summary.newlyRegistered += 1 }
        if !canSend && business.had10DLC == true { summary.newlyUnregistered += 1 }

        var settings = JSONObjectWriter()
        settings.add("has10DLC", bool: canSend)
        settings.add("tenDlcStatus", string: assessment.status.rawValue)
        settings.add("messagingServiceSid", string: assessment.messagingServiceSID)
        settings.add("campaignStatus", string: assessment.campaignStatus)
        settings.add("lastTwilioSync", string: syncedAt)
        var task: String?
        if !canSend {
            var data = JSONObjectWriter()
            data.add("phone", string: phone.e164)
            data.add("tenDlcStatus", string: assessment.status.rawValue)
            data.add("reason", string: assessment.reason)
            data.add("messagingServiceSid", string: assessment.messagingServiceSID)
            data.add("campaignStatus", string: assessment.campaignStatus)
            task = data.finish()
        }
        let label = "\(business.name) (\(phone.masked))"
        if options.dryRun {
            let open: String??
            do {
                open = try store.openTaskData(businessID: business.id)
            } catch {
                throw .database(error)
            }
            report("would record \(label): \(assessment.status.rawValue)")
            switch (task, open) {
            case (.some, nil):
                summary.tasksOpened += 1
                report("would open a registration task for \(label): \(assessment.reason)")
            case (let data?, let existing?) where existing != data:
                summary.tasksUpdated += 1
                report("would update the registration task of \(label): \(assessment.reason)")
            case (nil, .some):
                summary.tasksClosed += 1
                report("would close the registration task of \(label)")
            default:
                break
            }
            return
        }
        let outcome: ComplianceStore.Outcome
        do {
            outcome = try store.record(businessID: business.id, settings: settings.finish(), taskData: task)
        } catch {
            throw .database(error)
        }
        if outcome.taskOpened {
            summary.tasksOpened += 1
            report("opened a registration task for \(label): \(assessment.reason)")
        }
        if outcome.taskUpdated {
            summary.tasksUpdated += 1
            report("updated the registration task of \(label): \(assessment.reason)")
        }
        if outcome.taskClosed {
            summary.tasksClosed += 1
            report("closed the registration task of \(label): registered")
        }
    }

    /// Attaches a number that is in no service to `target`, when `target`'s campaign is
    /// verified; returns the number's assessment afterwards.
    private func attach(
        _ phone: PhoneNumber, to target: String, account: Account, current: TenDLCAssessment, into summary: inout SyncSummary
    ) throws(BusinessError) -> TenDLCAssessment {
        guard let service = account.index.services.first(where: { $0.sid == target }) else {
            throw .undecidable("--attach-to \(target) is not a Messaging Service of the account")
        }
        guard service.campaigns.contains(where: { $0.state == .verified }) else {
            report("not attaching \(phone.masked) to \(target): its campaign is not verified")
            return current
        }
        guard let numberSID = account.incomingNumberSIDs[phone.e164] else { return current }
        if options.dryRun {
            report("would attach \(phone.masked) to \(target)")
        } else {
            do {
                _ = try client.withRetries(sleep: options.sleep) { () throws(TwilioError) in
                    try client.attach(phoneNumberSID: numberSID, toService: target)
                }
            } catch {
                if error.failureKind == .authentication { throw .authentication(error) }
                throw .twilio(error)
            }
            report("attached \(phone.masked) to \(target)")
        }
        summary.numbersAttached += 1
        let withNumber = TenDLCService(
            sid: service.sid, usAppToPersonRegistered: service.usAppToPersonRegistered, campaigns: service.campaigns,
            phoneNumbers: service.phoneNumbers + [phone.e164])
        return TenDLCAssessment.decide(inAccount: true, services: [withNumber], brands: account.index.brands)
    }
}
