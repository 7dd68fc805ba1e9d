import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The fake Twilio's A2P 10DLC behaviour (see `FakeTwilioMessaging.swift` for what is served):
/// faults by path, routing of the Messaging v1 API and of `IncomingPhoneNumbers`, paging and
/// JSON. Everything runs under the engine's one lock, like the Messages API.
extension FakeTwilio {
    /// A fault queued by `injectRead(_:pathPrefix:)` or `injectWrite(_:pathPrefix:)`.
    struct PathFault: Sendable {
        /// For `GET` requests; otherwise for any other method.
        let isRead: Bool
        let pathPrefix: String
        let fault: Fault
    }

    /// The account's Messaging side, part of `State`.
    struct MessagingState: Sendable {
        /// `FakeTwilio.baseURL`, for the absolute URLs of the Messaging v1 API.
        var baseURL = ""
        var services: [FakeMessagingService] = []
        var numbers: [FakeIncomingNumber] = []
        var brands: [FakeA2PBrand] = []
        var campaigns: [FakeA2PCampaign] = []
        var pathFaults: [PathFault] = []
        var defaultPageSize = 50
        var maxPageSize = 1000
        private var sequence = 0
        private var attachments = 0

        /// The next position in creation order.
        mutating func nextSequence() -> Int {
            defer { sequence += 1 }
            return sequence
        }

        /// Puts `numbers[index]` in `service`, at the end of its list.
        mutating func attach(_ index: Int, to service: String, at date: Date) {
            numbers[index].serviceSID = service
            numbers[index].dateAttached = date
            numbers[index].attachSequence = attachments
            attachments += 1
        }

        /// The numbers in `service`, in the order they were added.
        func numbers(in service: String) -> [FakeIncomingNumber] {
            numbers.filter { $0.serviceSID == service }.sorted { $0.attachSequence < $1.attachSequence }
        }

        /// Removes and returns the earliest queued fault for this kind of request and path.
        mutating func takeFault(isRead: Bool, path: String) -> Fault? {
            guard let index = pathFaults.firstIndex(where: { $0.isRead == isRead && path.hasPrefix($0.pathPrefix) })
            else { return nil }
            return pathFaults.remove(at: index).fault
        }
    }

    /// A page of a list: the request's paging, the items and the tokens of the neighbours.
    struct Paging<Item> {
        var pageSize: Int
        var page: Int
        var token: String?
        var items: [Item] = []
        var nextToken: String?
        var previousToken: String?
    }
}

extension FakeTwilio.Engine {
    typealias Outcome = FakeTwilio.Outcome
    typealias State = FakeTwilio.State
    typealias Field = FakeTwilio.Field
    typealias JSON = FakeTwilio.JSON
    typealias Format = FakeTwilio.Format
    typealias Fault = FakeTwilio.Fault

    // MARK: Faults by path

    /// Routes a request: authenticated requests first consume a queued path fault, if one
    /// matches; then the Messaging routes, then the Messages routes (`route`), which also
    /// answer unauthenticated requests with 401.
    func dispatch(
        _ request: FakeTwilio.HTTPRequest, path: String, query: [Field], form: [Field], state: inout State
    ) -> Outcome {
        func normal(_ state: inout State) -> Outcome {
            routeMessaging(request, path: path, query: query, form: form, state: &state)
                ?? route(request, path: path, query: query, form: form, state: &state)
        }
        guard isAuthenticated(request.header("authorization"), state: state) else {
            return route(request, path: path, query: query, form: form, state: &state)  // 401
        }
        guard let fault = state.messaging.takeFault(isRead: request.method == "GET", path: path) else {
            return normal(&state)
        }

        return outcome(of: fault) { normal(&state) }
    }

    // MARK: Routing

    /// The Messaging v1 API and the account's `IncomingPhoneNumbers`; nil for other paths.
    /// The request is authenticated.
    private func routeMessaging(
        _ request: FakeTwilio.HTTPRequest, path: String, query: [Field], form: [Field], state: inout State
    ) -> Outcome? {
        let components = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let notFound = Outcome.error(404, code: 20404, "The requested resource \(path) was not found")
        let methodNotAllowed = Outcome.error(405, code: 20004, "Method not allowed")
        let method = request.method

        if components.count >= 2, components[0].isEmpty, components[1] == "v1" {
            let parts = Array(components.dropFirst(2))
            if parts.first == "a2p", parts.count >= 2, parts[1] == "BrandRegistrations" {
                switch parts.count {
                case 2:
                    return method == "GET" ? listBrands(path: path, query: query, state: state) : methodNotAllowed
                case 3:
                    guard method == "GET" else { return methodNotAllowed }
                    guard let brand = state.messaging.brands.first(where: { $0.sid == parts[2] }) else { return notFound }
                    return Outcome(status: 200, body: brandJSON(brand, state: state))
                default:
                    return notFound
                }
            }
            guard parts.first == "Services" else { return notFound }
            if parts.count == 1 {
                return method == "GET" ? listServices(path: path, query: query, state: state) : methodNotAllowed
            }
            guard let service = state.messaging.services.first(where: { $0.sid == parts[1] }) else { return notFound }
            let rest = Array(parts.dropFirst(2))
            switch rest.count {
            case 0:
                return method == "GET" ? Outcome(status: 200, body: serviceJSON(service, state: state)) : methodNotAllowed
            case 1 where rest[0] == "PhoneNumbers":
                switch method {
                case "GET": return listServiceNumbers(service.sid, path: path, query: query, state: state)
                case "POST": return attachNumber(to: service.sid, form: form, state: &state)
                default: return methodNotAllowed
                }
            case 2 where rest[0] == "PhoneNumbers":
                guard let index = state.messaging.numbers.firstIndex(where: { $0.sid == rest[1] && $0.serviceSID == service.sid })
                else { return notFound }
                switch method {
                case "GET": return Outcome(status: 200, body: serviceNumberJSON(state.messaging.numbers[index], state: state))
                case "DELETE":
                    state.messaging.numbers[index].serviceSID = nil
                    state.messaging.numbers[index].dateAttached = nil
                    return Outcome(status: 204)
                default: return methodNotAllowed
                }
            case 2 where rest[0] == "Compliance" && rest[1] == "Usa2p":
                return method == "GET" ? listCampaigns(service.sid, path: path, query: query, state: state) : methodNotAllowed
            case 3 where rest[0] == "Compliance" && rest[1] == "Usa2p":
                guard method == "GET" else { return methodNotAllowed }
                guard let campaign = state.messaging.campaigns.first(where: { $0.sid == rest[2] && $0.messagingServiceSID == service.sid })
                else { return notFound }
                return Outcome(status: 200, body: campaignJSON(campaign, state: state))
            default:
                return notFound
            }
        }

        guard components.count >= 5, components[0].isEmpty, components[1] == "2010-04-01",
            components[2] == "Accounts", components[3] == accountSID
        else { return nil }
        let rest = components[4...]
        if rest.count == 1 && rest.first == "IncomingPhoneNumbers.json" {
            return method == "GET" ? listIncomingNumbers(query: query, state: state) : methodNotAllowed
        }
        if rest.count == 2, rest.first == "IncomingPhoneNumbers", let file = rest.last, file.hasSuffix(".json") {
            // Buying, updating and releasing numbers are not faked.
            guard method == "GET" else { return methodNotAllowed }
            guard let number = state.messaging.numbers.first(where: { $0.sid == file.dropLast(5) }) else { return notFound }
            return Outcome(status: 200, body: incomingNumberJSON(number))
        }
        return nil
    }

    // MARK: Attaching a number

    private func attachNumber(to service: String, form: [Field], state: inout State) -> Outcome {
        guard let sid = form.first(where: { $0.name == "PhoneNumberSid" })?.value, !sid.isEmpty else {
            return .error(400, code: 20001, "Missing required parameter PhoneNumberSid in the post body")
        }
        guard sid.wholeMatch(of: /PN[0-9a-fA-F]{32}/) != nil else {
            return .error(400, code: 21421, "PhoneNumberSid \(sid) is invalid")
        }
        guard let index = state.messaging.numbers.firstIndex(where: { $0.sid == sid }) else {
            return .error(404, code: 20404, "The requested resource /PhoneNumbers/\(sid) was not found")
        }
        switch state.messaging.numbers[index].serviceSID {
        case service?:
            return .error(
                409, code: 21710, "Unable to create record: Phone Number or Short Code is already in the Messaging Service.")
        case _?:
            return .error(
                409, code: 21712,
                "Unable to create record: Phone Number or Short Code is associated with another Messaging Service.")
        case nil:
            state.messaging.attach(index, to: service, at: state.now ?? Date())
            return Outcome(status: 201, body: serviceNumberJSON(state.messaging.numbers[index], state: state))
        }
    }

    // MARK: Paging

    /// `PageSize`, `Page` and `PageToken`; an error outcome for an unreadable page size.
    private func paging<Item>(_ query: [Field], state: State) -> Result<FakeTwilio.Paging<Item>, PagingError> {
        func value(_ name: String) -> String? { query.first { $0.name == name }?.value }
        var pageSize = state.messaging.defaultPageSize
        if let text = value("PageSize") {
            guard let size = Int(text), size >= 1 else {
                return .failure(PagingError(outcome: .error(400, code: 20001, "Invalid PageSize value: \(text)")))
            }
            pageSize = size
        }
        pageSize = min(pageSize, state.messaging.maxPageSize)
        let page = value("Page").flatMap { Int($0) }.map { max(0, $0) } ?? 0
        return .success(FakeTwilio.Paging(pageSize: pageSize, page: page, token: value("PageToken")))
    }

    struct PagingError: Error {
        let outcome: Outcome
    }

    /// Cuts `all` (in list order) into the requested page. Tokens are Twilio's keyset
    /// positions: `PA<sid>` starts after that item, `PB<sid>` ends before it; a token naming no
    /// item of the list falls back to `Page` × `PageSize`.
    private func cut<Item>(_ all: [Item], sid: (Item) -> String, into paging: inout FakeTwilio.Paging<Item>) {
        let size = paging.pageSize
        var range = min(all.count, paging.page * size)..<min(all.count, paging.page * size + size)
        if let token = paging.token, token.count > 2,
            let anchor = all.firstIndex(where: { sid($0) == String(token.dropFirst(2)) })
        {
            switch token.prefix(2) {
            case "PA": range = (anchor + 1)..<min(all.count, anchor + 1 + size)
            case "PB": range = max(0, anchor - size)..<anchor
            default: break
            }
        }
        paging.items = Array(all[range])
        if let last = paging.items.last, range.upperBound < all.count { paging.nextToken = "PA" + sid(last) }
        if paging.page > 0, let first = paging.items.first, range.lowerBound > 0 { paging.previousToken = "PB" + sid(first) }
    }

    /// A Messaging v1 list: the items under `key` and `meta` with absolute URLs.
    private func v1List<Item>(
        _ all: [Item], key: String, path: String, query: [Field], state: State, sid: (Item) -> String,
        json: (Item) -> JSON
    ) -> Outcome {
        var paging: FakeTwilio.Paging<Item>
        switch self.paging(query, state: state) as Result<FakeTwilio.Paging<Item>, PagingError> {
        case .success(let value): paging = value
        case .failure(let error): return error.outcome
        }
        cut(all, sid: sid, into: &paging)
        let base = state.messaging.baseURL + path + "?PageSize=\(paging.pageSize)&Page="
        var url = base + "\(paging.page)"
        if let token = paging.token { url += "&PageToken=" + Format.encode(token) }
        return Outcome(
            status: 200,
            body: .object([
                (key, .array(paging.items.map(json))),
                ("meta", .object([
                    ("page", .int(paging.page)),
                    ("page_size", .int(paging.pageSize)),
                    ("first_page_url", .string(base + "0")),
                    ("previous_page_url", .optional(paging.previousToken.map { base + "\(paging.page - 1)&PageToken=" + $0 })),
                    ("url", .string(url)),
                    ("next_page_url", .optional(paging.nextToken.map { base + "\(paging.page + 1)&PageToken=" + $0 })),
                    ("key", .string(key)),
                ])),
            ]))
    }

    // MARK: Lists

    private func listServices(path: String, query: [Field], state: State) -> Outcome {
        v1List(state.messaging.services, key: "services", path: path, query: query, state: state, sid: \.sid) {
            serviceJSON($0, state: state)
        }
    }

    private func listServiceNumbers(_ service: String, path: String, query: [Field], state: State) -> Outcome {
        v1List(state.messaging.numbers(in: service), key: "phone_numbers", path: path, query: query, state: state, sid: \.sid) {
            serviceNumberJSON($0, state: state)
        }
    }

    private func listCampaigns(_ service: String, path: String, query: [Field], state: State) -> Outcome {
        let campaigns = state.messaging.campaigns.filter { $0.messagingServiceSID == service }
        return v1List(campaigns, key: "compliance", path: path, query: query, state: state, sid: \.sid) {
            campaignJSON($0, state: state)
        }
    }

    private func listBrands(path: String, query: [Field], state: State) -> Outcome {
        v1List(state.messaging.brands, key: "data", path: path, query: query, state: state, sid: \.sid) {
            brandJSON($0, state: state)
        }
    }

    /// `IncomingPhoneNumbers.json`, with the 2010 API's paging (relative `next_page_uri`).
    private func listIncomingNumbers(query: [Field], state: State) -> Outcome {
        func value(_ name: String) -> String? { query.first { $0.name == name }?.value }
        var paging: FakeTwilio.Paging<FakeIncomingNumber>
        switch self.paging(query, state: state) as Result<FakeTwilio.Paging<FakeIncomingNumber>, PagingError> {
        case .success(let value): paging = value
        case .failure(let error): return error.outcome
        }
        let filterNames = ["FriendlyName", "Beta", "PhoneNumber", "Origin"]
        let filters = filterNames.compactMap { name in value(name).map { (name, $0) } }
        let matching = state.messaging.numbers.filter { number in
            if let name = value("FriendlyName"), number.friendlyName != name { return false }
            if let origin = value("Origin"), origin != "twilio" { return false }
            if let pattern = value("PhoneNumber"), !Format.phoneNumber(number.phoneNumber, matches: pattern) { return false }
            return true
        }
        cut(matching, sid: \.sid, into: &paging)

        let filterQuery = filters.map { "\(Format.encode($0.0))=\(Format.encode($0.1))&" }.joined()
        let base = accountPath + "/IncomingPhoneNumbers.json?" + filterQuery + "PageSize=\(paging.pageSize)&Page="
        var uri = base + "\(paging.page)"
        if let token = paging.token { uri += "&PageToken=" + Format.encode(token) }
        let start = paging.page * paging.pageSize
        return Outcome(
            status: 200,
            body: .object([
                ("end", .int(paging.items.isEmpty ? start : start + paging.items.count - 1)),
                ("first_page_uri", .string(base + "0")),
                ("incoming_phone_numbers", .array(paging.items.map(incomingNumberJSON))),
                ("next_page_uri", .optional(paging.nextToken.map { base + "\(paging.page + 1)&PageToken=" + $0 })),
                ("page", .int(paging.page)),
                ("page_size", .int(paging.pageSize)),
                ("previous_page_uri", .optional(paging.previousToken.map { base + "\(paging.page - 1)&PageToken=" + $0 })),
                ("start", .int(start)),
                ("uri", .string(uri)),
            ]))
    }

    // MARK: JSON

    private func serviceJSON(_ service: FakeMessagingService, state: State) -> JSON {
        let url = state.messaging.baseURL + "/v1/Services/\(service.sid)"
        return .object([
            ("account_sid", .string(accountSID)),
            ("area_code_geomatch", .bool(true)),
            ("date_created", .string(Format.iso8601(service.dateCreated))),
            ("date_updated", .string(Format.iso8601(service.dateUpdated))),
            ("fallback_method", .string("POST")),
            ("fallback_to_long_code", .bool(false)),
            ("fallback_url", .null),
            ("friendly_name", .string(service.friendlyName)),
            ("inbound_method", .string("POST")),
            ("inbound_request_url", .null),
            ("links", .object([
                ("phone_numbers", .string(url + "/PhoneNumbers")),
                ("short_codes", .string(url + "/ShortCodes")),
                ("alpha_senders", .string(url + "/AlphaSenders")),
                ("messages", .string(url + "/Messages")),
                ("us_app_to_person", .string(url + "/Compliance/Usa2p")),
                ("us_app_to_person_usecases", .string(url + "/Compliance/Usa2p/Usecases")),
                ("channel_senders", .string(url + "/ChannelSenders")),
                ("destination_alpha_senders", .string(url + "/DestinationAlphaSenders")),
            ])),
            ("mms_converter", .bool(true)),
            ("scan_message_content", .string("inherit")),
            ("sid", .string(service.sid)),
            ("smart_encoding", .bool(true)),
            ("status_callback", .null),
            ("sticky_sender", .bool(true)),
            ("synchronous_validation", .bool(true)),
            ("url", .string(url)),
            ("us_app_to_person_registered", .bool(service.usAppToPersonRegistered)),
            ("use_inbound_webhook_on_number", .bool(false)),
            ("usecase", .string("undeclared")),
            ("validity_period", .int(14_400)),
        ])
    }

    private func serviceNumberJSON(_ number: FakeIncomingNumber, state: State) -> JSON {
        let service = number.serviceSID ?? ""
        let attached = number.dateAttached ?? number.dateCreated
        return .object([
            ("account_sid", .string(accountSID)),
            ("capabilities", .array([.string("MMS"), .string("SMS"), .string("Voice")])),
            ("country_code", .string(number.countryCode)),
            ("date_created", .string(Format.iso8601(attached))),
            ("date_updated", .string(Format.iso8601(attached))),
            ("phone_number", .string(number.phoneNumber)),
            ("service_sid", .string(service)),
            ("sid", .string(number.sid)),
            ("url", .string(state.messaging.baseURL + "/v1/Services/\(service)/PhoneNumbers/\(number.sid)")),
        ])
    }

    private func campaignJSON(_ campaign: FakeA2PCampaign, state: State) -> JSON {
        .object([
            ("sid", .string(campaign.sid)),
            ("account_sid", .string(accountSID)),
            ("brand_registration_sid", .string(campaign.brandRegistrationSID)),
            ("messaging_service_sid", .string(campaign.messagingServiceSID)),
            ("description", .string(campaign.description)),
            ("message_samples", .array([
                .string("Your appointment is tomorrow at 10:00. Reply STOP to opt out."),
                .string("Your account statement is ready. Reply HELP for help, STOP to opt out."),
            ])),
            ("us_app_to_person_usecase", .string(campaign.useCase)),
            ("has_embedded_links", .bool(false)),
            ("has_embedded_phone", .bool(false)),
            ("subscriber_opt_in", .bool(true)),
            ("age_gated", .bool(false)),
            ("direct_lending", .bool(false)),
            ("campaign_status", .string(campaign.campaignStatus)),
            ("campaign_id", .string(campaign.campaignID)),
            ("is_externally_registered", .bool(false)),
            ("rate_limits", .object([
                ("att", .object([("mps", .int(75)), ("msg_class", .string("T"))])),
                ("tmobile", .object([("brand_tier", .string("LOW"))])),
            ])),
            ("message_flow", .string("Customers opt in by entering their number on the sign-up form and ticking a box.")),
            ("opt_in_message", .null),
            ("opt_out_message", .null),
            ("help_message", .null),
            ("opt_in_keywords", .array([])),
            ("opt_out_keywords", .array([.string("STOP")])),
            ("help_keywords", .array([.string("HELP")])),
            ("date_created", .string(Format.iso8601(campaign.dateCreated))),
            ("date_updated", .string(Format.iso8601(campaign.dateUpdated))),
            ("url", .string(
                state.messaging.baseURL + "/v1/Services/\(campaign.messagingServiceSID)/Compliance/Usa2p/\(campaign.sid)")),
            ("mock", .bool(false)),
            ("errors", .array([])),
        ])
    }

    private func brandJSON(_ brand: FakeA2PBrand, state: State) -> JSON {
        let url = state.messaging.baseURL + "/v1/a2p/BrandRegistrations/\(brand.sid)"
        let approved = brand.status == "APPROVED"
        return .object([
            ("sid", .string(brand.sid)),
            ("account_sid", .string(accountSID)),
            ("customer_profile_bundle_sid", .string("BU" + brand.sid.dropFirst(2))),
            ("a2p_profile_bundle_sid", .string("BU" + String(brand.sid.dropFirst(2).reversed()))),
            ("date_created", .string(Format.iso8601(brand.dateCreated))),
            ("date_updated", .string(Format.iso8601(brand.dateUpdated))),
            ("brand_type", .string(brand.brandType)),
            ("status", .string(brand.status)),
            ("tcr_id", approved ? .string(brand.tcrID) : .null),
            ("failure_reason", .optional(brand.failureReason)),
            ("url", .string(url)),
            ("brand_score", approved ? .int(42) : .null),
            ("brand_feedback", .array([])),
            ("identity_status", .string(approved ? "VERIFIED" : "UNVERIFIED")),
            ("russell_3000", .bool(false)),
            ("tax_exempt_status", .null),
            ("government_entity", .bool(false)),
            ("skip_automatic_sec_vet", .bool(false)),
            ("errors", .array([])),
            ("mock", .bool(false)),
            ("links", .object([
                ("brand_vettings", .string(url + "/Vettings")),
                ("brand_registration_otps", .string(url + "/SmsOtp")),
            ])),
        ])
    }

    private func incomingNumberJSON(_ number: FakeIncomingNumber) -> JSON {
        .object([
            ("account_sid", .string(accountSID)),
            ("address_requirements", .string("none")),
            ("address_sid", .null),
            ("api_version", .string("2010-04-01")),
            ("beta", .bool(false)),
            ("capabilities", .object([("fax", .bool(false)), ("mms", .bool(true)), ("sms", .bool(true)), ("voice", .bool(true))])),
            ("date_created", .string(Format.rfc2822(number.dateCreated))),
            ("date_updated", .string(Format.rfc2822(number.dateUpdated))),
            ("emergency_status", .string("Inactive")),
            ("emergency_address_sid", .null),
            ("emergency_address_status", .string("unregistered")),
            ("friendly_name", .string(number.friendlyName)),
            ("identity_sid", .null),
            ("origin", .string("twilio")),
            ("phone_number", .string(number.phoneNumber)),
            ("sid", .string(number.sid)),
            ("sms_application_sid", .string("")),
            ("sms_fallback_method", .string("POST")),
            ("sms_fallback_url", .string("")),
            ("sms_method", .string("POST")),
            ("sms_url", .string("")),
            ("status_callback", .string("")),
            ("status_callback_method", .string("POST")),
            ("trunk_sid", .null),
            ("uri", .string(accountPath + "/IncomingPhoneNumbers/\(number.sid).json")),
            ("voice_application_sid", .null),
            ("voice_caller_id_lookup", .bool(false)),
            ("voice_fallback_method", .string("POST")),
            ("voice_fallback_url", .null),
            ("voice_method", .string("POST")),
            ("voice_url", .null),
            ("bundle_sid", .null),
            ("voice_receive_mode", .string("voice")),
            ("status", .string("in-use")),
            ("type", .string("local")),
        ])
    }
}

extension FakeTwilio.Format {
    /// `2026-01-02T03:04:05Z`, as the Messaging v1 API writes dates.
    static func iso8601(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// `count` random uppercase letters and digits (TCR brand and campaign IDs).
    static func randomUppercase(_ count: Int) -> String {
        let characters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return String((0..<count).map { _ in characters.randomElement()! })
    }

    /// Twilio's default `friendly_name`: `(555) 123-4567` for a +1 number, else the number.
    static func nationalFriendlyName(_ e164: String) -> String {
        let digits = Array(e164.dropFirst())
        guard e164.hasPrefix("+1"), digits.count == 11 else { return e164 }
        return "(\(String(digits[1...3]))) \(String(digits[4...6]))-\(String(digits[7...10]))"
    }

    /// The ISO country of an E.164 number, from its calling code (`US` for +1 and unknown ones).
    static func countryCode(_ e164: String) -> String {
        let codes: [(String, String)] = [
            ("+44", "GB"), ("+61", "AU"), ("+49", "DE"), ("+33", "FR"), ("+34", "ES"), ("+39", "IT"),
            ("+31", "NL"), ("+46", "SE"), ("+52", "MX"), ("+55", "BR"), ("+81", "JP"), ("+91", "IN"),
        ]
        return codes.first { e164.hasPrefix($0.0) }?.1 ?? "US"
    }

    /// Twilio's `PhoneNumber` filter: `pattern` anywhere in `number`, where `*` matches any
    /// digit and every other character itself (so a space, an unencoded `+`, matches nothing).
    static func phoneNumber(_ number: String, matches pattern: String) -> Bool {
        let number = Array(number)
        let pattern = Array(pattern)
        guard !pattern.isEmpty, pattern.count <= number.count else { return pattern.isEmpty }
        for start in 0...(number.count - pattern.count) {
            var matches = true
            for (offset, wanted) in pattern.enumerated() {
                let actual = number[start + offset]
                if wanted == "*" ? !(actual.isASCII && actual.isNumber) : actual != wanted {
                    matches = false
                    break
                }
            }
            if matches { return true }
        }
        return false
    }
}
