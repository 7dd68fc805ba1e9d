import Foundation
import Synchronization

/// The fake Twilio's REST behaviour: authentication, routing, the Messages resource, faults
/// and the record of requests. Everything happens under one lock, so concurrent requests see
/// a consistent store and consume faults one each, in order.
extension FakeTwilio {
    struct State {
        var authToken: String
        var secondaryAuthToken: String?
        var messages: [FakeMessage] = []
        var indexBySID: [String: Int] = [:]
        var requests: [RecordedRequest] = []
        var faults: [Fault] = []
        var standingFault: Fault?
        var delay: Double = 0
        var now: Date?
        var nextSequence = 0
        /// Services, numbers, brands, campaigns and path faults (`FakeTwilioMessagingAPI.swift`).
        var messaging = MessagingState()
    }

    /// What one request got, before it becomes an `HTTPAction`.
    struct Outcome {
        /// nil: close the connection without answering.
        var status: Int?
        var body: JSON?
        var headers: [(name: String, value: String)] = []
        var errorCode: Int?
        var fault: Fault?
        var messageSID: String?
        var extraDelay: Double = 0

        static func error(
            _ status: Int, code: Int, _ message: String, headers: [(name: String, value: String)] = []
        ) -> Outcome {
            Outcome(
                status: status,
                body: .object([
                    ("code", .int(code)), ("message", .string(message)),
                    ("more_info", .string("https://www.twilio.com/docs/errors/\(code)")), ("status", .int(status)),
                ]),
                headers: headers, errorCode: code)
        }
    }

    final class Engine: Sendable {
        let accountSID: String
        let state: Mutex<State>

        init(accountSID: String, authToken: String) {
            self.accountSID = accountSID
            state = Mutex(State(authToken: authToken))
        }

        var accountPath: String { "/2010-04-01/Accounts/\(accountSID)" }

        func handle(_ request: HTTPRequest) -> HTTPAction {
            var target = Substring(request.target)
            if target.hasPrefix("http://") || target.hasPrefix("https://") {  // absolute form
                let afterScheme = target[target.index(target.firstIndex(of: ":")!, offsetBy: 3)...]
                target = afterScheme.firstIndex(of: "/").map { afterScheme[$0...] } ?? "/"
            }
            let rawPath = target.prefix { $0 != "?" }
            let rawQuery = target.dropFirst(rawPath.count + 1)
            let path = Format.decode(rawPath, plusIsSpace: false)
            let queryItems = Format.parseForm(rawQuery)
            let contentType = request.header("content-type")?.lowercased() ?? "application/x-www-form-urlencoded"
            let formItems = contentType.hasPrefix("application/x-www-form-urlencoded")
                ? Format.parseForm(String(decoding: request.body, as: UTF8.self)) : []

            let (outcome, delay) = state.withLock { state -> (Outcome, Double) in
                let outcome = dispatch(request, path: path, query: queryItems, form: formItems, state: &state)
                state.requests.append(
                    RecordedRequest(
                        method: request.method, path: path, target: request.target,
                        query: Self.firstValues(queryItems), queryItems: queryItems,
                        form: Self.firstValues(formItems), formItems: formItems,
                        headers: Dictionary(request.headers.map { ($0.name, $0.value) }) { $0 + ", " + $1 },
                        body: String(decoding: request.body, as: UTF8.self), arrivedAt: request.arrivedAt,
                        responseStatus: outcome.status, errorCode: outcome.errorCode, fault: outcome.fault,
                        messageSID: outcome.messageSID))
                return (outcome, state.delay + outcome.extraDelay)
            }

            guard let status = outcome.status else { return .drop(delay: delay) }
            var headers = outcome.headers
            headers.append(("Content-Type", "application/json; charset=utf-8"))
            headers.append(("Twilio-Request-Id", "RQ" + Format.randomHex(32)))
            return .respond(HTTPResponse(status: status, headers: headers, body: outcome.body?.bytes ?? []), delay: delay)
        }

        private static func firstValues(_ fields: [Field]) -> [String: String] {
            Dictionary(fields.map { ($0.name, $0.value) }) { first, _ in first }
        }

        // MARK: Routing

        func route(
            _ request: HTTPRequest, path: String, query: [Field], form: [Field], state: inout State
        ) -> Outcome {
            guard isAuthenticated(request.header("authorization"), state: state) else {
                return .error(401, code: 20003, "Authenticate", headers: [("WWW-Authenticate", "Basic realm=\"Twilio API\"")])
            }
            let notFound = Outcome.error(404, code: 20404, "The requested resource \(path) was not found")
            let components = path.split(separator: "/", omittingEmptySubsequences: false)
            guard components.count >= 5, components[0].isEmpty, components[1] == "2010-04-01",
                components[2] == "Accounts", components[3] == accountSID
            else { return notFound }
            let rest = components[4...]
            let methodNotAllowed = Outcome.error(405, code: 20004, "Method not allowed")

            if rest.count == 1 && rest.first == "Messages.json" {
                switch request.method {
                case "POST": return create(form: form, state: &state)
                case "GET": return list(query: query, state: state)
                default: return methodNotAllowed
                }
            }
            if rest.count == 2, rest.first == "Messages", let file = rest.last, file.hasSuffix(".json") {
                // Updating (redacting, canceling) and deleting a message are not faked.
                guard request.method == "GET" else { return methodNotAllowed }
                guard let index = state.indexBySID[String(file.dropLast(5))] else { return notFound }
                return Outcome(status: 200, body: Self.json(state.messages[index]))
            }
            return notFound
        }

        func isAuthenticated(_ authorization: String?, state: State) -> Bool {
            guard let authorization, authorization.count > 6, authorization.prefix(6).lowercased() == "basic ",
                let decoded = Data(base64Encoded: authorization.dropFirst(6).trimmingCharacters(in: .whitespaces)),
                let credentials = String(data: decoded, encoding: .utf8),
                let colon = credentials.firstIndex(of: ":")
            else { return false }
            let password = String(credentials[credentials.index(after: colon)...])
            return credentials[..<colon] == accountSID
                && (password == state.authToken || (state.secondaryAuthToken.map { $0 == password } ?? false))
        }

        // MARK: Create

        private func create(form: [Field], state: inout State) -> Outcome {
            let fault = state.faults.isEmpty ? state.standingFault : state.faults.removeFirst()
            return outcome(of: fault) { createMessage(form: form, state: &state) }
        }

        /// What a request answers under `fault`: an error, a dropped connection, or the normal
        /// reply from `carryOut` (delayed, or carried out and then dropped). Shared by every API.
        func outcome(of fault: Fault?, carryOut: () -> Outcome) -> Outcome {
            var outcome: Outcome
            switch fault {
            case .tooManyRequests(let retryAfter):
                outcome = .error(
                    429, code: 20429, "Too Many Requests", headers: retryAfter.map { [("Retry-After", String($0))] } ?? [])
            case .serverError(let status):
                outcome = .error(status, code: 20500, status == 503 ? "Service Unavailable" : "Internal Server Error")
            case .twilioError(let code, let status, let message):
                outcome = .error(status, code: code, message)
            case .unauthorized:
                outcome = .error(401, code: 20003, "Authenticate", headers: [("WWW-Authenticate", "Basic realm=\"Twilio API\"")])
            case .dropBeforeCreating:
                outcome = Outcome(status: nil)
            case .slowReply(let seconds):
                outcome = carryOut()
                outcome.extraDelay = seconds
            case .dropAfterCreating:
                outcome = carryOut()
                outcome.status = nil
                outcome.body = nil
                outcome.errorCode = nil
            case nil:
                outcome = carryOut()
            }
            outcome.fault = fault
            return outcome
        }

        private func createMessage(form: [Field], state: inout State) -> Outcome {
            func value(_ name: String) -> String? {
                form.first { $0.name == name }.flatMap { $0.value.isEmpty ? nil : $0.value }
            }
            guard let to = value("To") else { return .error(400, code: 21604, "A 'To' phone number is required.") }
            let from = value("From")
            let service = value("MessagingServiceSid")
            guard from != nil || service != nil else {
                return .error(400, code: 21603, "A 'From' or 'MessagingServiceSid' parameter is required")
            }
            guard Format.isValidRecipient(to) else {
                return .error(400, code: 21211, "The 'To' number \(to) is not a valid phone number.")
            }
            if let from {
                guard Format.isValidSender(from) else {
                    return .error(
                        400, code: 21212,
                        "The 'From' number \(from) is not a valid phone number, shortcode, or alphanumeric sender ID.")
                }
                guard from != to else {
                    return .error(400, code: 21266, "'To' and 'From' number cannot be the same: \(to)")
                }
            }
            let body = value("Body") ?? ""
            let media = form.filter { $0.name == "MediaUrl" }.map(\.value)
            guard !body.isEmpty || !media.isEmpty || value("ContentSid") != nil else {
                return .error(400, code: 21602, "Message body is required.")
            }
            guard body.unicodeScalars.count <= 1600 else {
                return .error(400, code: 21617, "The concatenated message body exceeds the 1600 character limit.")
            }

            let now = state.now ?? Date()
            let message = FakeMessage(
                sid: "SM" + Format.randomHex(32), accountSID: accountSID, to: to,
                from: from ?? FakeTwilio.messagingServiceNumber, messagingServiceSID: service, body: body,
                mediaURLs: media, statusCallback: value("StatusCallback"), status: "sent",
                numSegments: body.isEmpty ? 1 : Format.segmentCount(body), direction: "outbound-api",
                dateCreated: now, dateUpdated: now, dateSent: now, errorCode: nil, errorMessage: nil,
                sequence: state.nextSequence)
            state.nextSequence += 1
            state.indexBySID[message.sid] = state.messages.count
            state.messages.append(message)
            // The reply shows the message as Twilio first reports it: queued.
            return Outcome(status: 201, body: Self.json(message, status: "queued"), messageSID: message.sid)
        }

        // MARK: Read

        private func list(query: [Field], state: State) -> Outcome {
            func value(_ name: String) -> String? { query.first { $0.name == name }?.value }
            let filterNames = ["To", "From", "DateSent", "DateSent<", "DateSent>"]
            let filters = filterNames.compactMap { name in value(name).map { (name, $0) } }

            var dateFilters: [(name: String, filter: Format.DateFilter)] = []
            for (name, text) in filters where name.hasPrefix("DateSent") {
                guard let filter = Format.parseDateFilter(text) else {
                    return .error(400, code: 20001, "Invalid \(name) value: \(text)")
                }
                dateFilters.append((name, filter))
            }
            var pageSize = 50
            if let text = value("PageSize") {
                guard let size = Int(text), size >= 1 else {
                    return .error(400, code: 20001, "Invalid PageSize value: \(text)")
                }
                pageSize = min(size, 1000)
            }
            let page = value("Page").flatMap { Int($0) }.map { max(0, $0) } ?? 0
            let token = value("PageToken")

            let day: Double = 86_400
            func matches(_ message: FakeMessage) -> Bool {
                if let to = value("To"), message.to != to { return false }
                if let from = value("From"), message.from != from { return false }
                for (name, filter) in dateFilters {
                    guard let sent = message.dateSent else { return false }
                    switch (name, filter) {
                    case ("DateSent", .day(let start)):
                        if sent < start || sent >= start + day { return false }
                    case ("DateSent", .instant(let instant)):
                        let start = Date(timeIntervalSince1970: (instant.timeIntervalSince1970 / day).rounded(.down) * day)
                        if sent < start || sent >= start + day { return false }
                    case ("DateSent>", .day(let start)), ("DateSent>", .instant(let start)):
                        if sent < start { return false }
                    case ("DateSent<", .day(let start)):
                        if sent >= start + day { return false }
                    case ("DateSent<", .instant(let instant)):
                        if sent > instant { return false }
                    default: break
                    }
                }
                return true
            }
            // Newest first; equal dates in reverse creation order.
            func isNewer(_ a: FakeMessage, than b: FakeMessage) -> Bool {
                a.dateCreated != b.dateCreated ? a.dateCreated > b.dateCreated : a.sequence > b.sequence
            }
            let matching = state.messages.filter(matches).sorted(by: isNewer)

            // Page tokens are Twilio's: PA<sid> starts after that message, PB<sid> ends before it.
            var items: [FakeMessage]
            if let token, token.count > 2 {
                let anchor = state.indexBySID[String(token.dropFirst(2))].map { state.messages[$0] }
                switch (token.prefix(2), anchor) {
                case ("PA", let anchor?):
                    items = Array(matching.filter { isNewer(anchor, than: $0) }.prefix(pageSize))
                case ("PB", let anchor?):
                    items = Array(matching.filter { isNewer($0, than: anchor) }.suffix(pageSize))
                default:
                    items = []
                }
            } else {
                items = Array(matching.dropFirst(page * pageSize).prefix(pageSize))
            }

            let filterQuery = filters.map { "\(Format.encode($0.0))=\(Format.encode($0.1))&" }.joined()
            let base = accountPath + "/Messages.json?" + filterQuery + "PageSize=\(pageSize)&Page="
            var uri = base + "\(page)"
            if let token { uri += "&PageToken=" + Format.encode(token) }
            var next: String?
            if let last = items.last, matching.contains(where: { isNewer(last, than: $0) }) {
                next = base + "\(page + 1)&PageToken=PA" + last.sid
            }
            var previous: String?
            if page > 0, let first = items.first, matching.contains(where: { isNewer($0, than: first) }) {
                previous = base + "\(page - 1)&PageToken=PB" + first.sid
            }
            let start = page * pageSize
            return Outcome(
                status: 200,
                body: .object([
                    ("end", .int(items.isEmpty ? start : start + items.count - 1)),
                    ("first_page_uri", .string(base + "0")),
                    ("next_page_uri", .optional(next)),
                    ("page", .int(page)),
                    ("page_size", .int(pageSize)),
                    ("previous_page_uri", .optional(previous)),
                    ("messages", .array(items.map { Self.json($0) })),
                    ("start", .int(start)),
                    ("uri", .string(uri)),
                ]))
        }

        // MARK: JSON

        static func json(_ message: FakeMessage, status: String? = nil) -> JSON {
            .object([
                ("account_sid", .string(message.accountSID)),
                ("api_version", .string("2010-04-01")),
                ("body", .string(message.body)),
                ("date_created", .string(Format.rfc2822(message.dateCreated))),
                ("date_sent", .optional(message.dateSent.map(Format.rfc2822))),
                ("date_updated", .string(Format.rfc2822(message.dateUpdated))),
                ("direction", .string(message.direction)),
                ("error_code", .optional(message.errorCode)),
                ("error_message", .optional(message.errorMessage)),
                ("from", .string(message.from)),
                ("messaging_service_sid", .optional(message.messagingServiceSID)),
                ("num_media", .string(String(message.mediaURLs.count))),
                ("num_segments", .string(String(message.numSegments))),
                ("price", .null),
                ("price_unit", .string("USD")),
                ("sid", .string(message.sid)),
                ("status", .string(status ?? message.status)),
                ("subresource_uris", .object([
                    ("media", .string("/2010-04-01/Accounts/\(message.accountSID)/Messages/\(message.sid)/Media.json")),
                    ("feedback", .string("/2010-04-01/Accounts/\(message.accountSID)/Messages/\(message.sid)/Feedback.json")),
                ])),
                ("to", .string(message.to)),
                ("uri", .string(message.uri)),
            ])
        }
    }
}
