import BizCore
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A synchronous client of Twilio's Messages API (`/2010-04-01`): send a text, list the
/// texts between two numbers, fetch one by SID.
///
/// Every call blocks the calling thread until Twilio answers or `timeout` passes, so it is
/// meant for worker threads, not an event loop. A client may be shared between threads.
///
/// Sends never reuse a connection (see `HTTPTransport`), so the HTTP stack cannot re-send a
/// text on its own; whether to send again after a failure is the caller's decision, guided by
/// `TwilioError.failureKind`.
public final class TwilioClient: Sendable {
    /// Twilio's REST API.
    public static let defaultAPIBase = URL(string: "https://api.twilio.com")!

    /// The account every request is made for and signed with.
    public let credentials: TwilioCredentials
    /// Where the API is: `https://api.twilio.com`, or a fake in tests. Paths are appended to
    /// it, so a base with a path prefix (a proxy) works too.
    public let apiBase: URL
    /// How long one HTTP request may take, connection included.
    public let timeout: Duration

    private let transport: HTTPTransport
    private let base: String

    /// - Parameters:
    ///   - credentials: the account SID and auth token.
    ///   - apiBase: the API's address, `https://api.twilio.com` unless testing.
    ///   - timeout: the longest wait for one HTTP request (each page of a listing counts
    ///     separately). Fractions of a second are honoured.
    public init(credentials: TwilioCredentials, apiBase: URL = TwilioClient.defaultAPIBase, timeout: Duration = .seconds(15)) {
        self.credentials = credentials
        self.apiBase = apiBase
        self.timeout = timeout
        var base = apiBase.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        self.base = base
        transport = HTTPTransport(timeout: timeout)
    }

    /// The path of the account's Messages list.
    private var messagesPath: String {
        "/2010-04-01/Accounts/\(FormEncoding.percentEncode(credentials.accountSID))/Messages"
    }

    // MARK: - Sending

    /// Creates a message: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` with the form
    /// fields `To`, `From` or `MessagingServiceSid`, and `Body`.
    ///
    /// - Returns: the new message as Twilio describes it (status `queued` or `accepted`).
    /// - Throws: `TwilioError`; its `failureKind` says whether to retry, give up, or check
    ///   whether the message was created after all (`.ambiguous`).
    public func send(_ message: OutboundSMS) throws(TwilioError) -> TwilioMessage {
        var fields: [(name: String, value: String)] = [("To", message.to.e164)]
        switch message.sender {
        case .phone(let number): fields.append(("From", number.e164))
        case .messagingService(let sid): fields.append(("MessagingServiceSid", sid))
        }
        fields.append(("Body", message.body))
        var request = try makeRequest(url: base + messagesPath + ".json")
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(FormEncoding.encode(fields).utf8)
        let scrubber = Scrubber(secrets: [credentials.authToken, message.body])
        let reply = try transport.perform(request, freshConnection: true)
        return try decode(TwilioMessage.self, from: reply, scrubber: scrubber)
    }

    // MARK: - Reading

    /// The messages sent to `to` (and from `from`, if given) since `sentAfter`, in the order
    /// Twilio lists them (newest first).
    ///
    /// Asks for `DateSent>=` the UTC day before `sentAfter` (Twilio filters by whole days),
    /// follows `next_page_uri` until it is null, then keeps the messages whose `date_sent`
    /// (or, while unsent, `date_created`) is at or after `sentAfter`; a message with neither
    /// date is kept.
    ///
    /// - Parameters:
    ///   - pageSize: messages per page (Twilio allows 1 to 1,000).
    ///   - maxPages: how many pages to read at most; more than that is an error rather than
    ///     a silently short list.
    public func messages(
        to: PhoneNumber, from: PhoneNumber?, sentAfter: Date, pageSize: Int = 1_000, maxPages: Int = 20
    ) throws(TwilioError) -> [TwilioMessage] {
        var query: [(name: String, value: String)] = [("To", to.e164)]
        if let from { query.append(("From", from.e164)) }
        query.append(("DateSent>", RFC2822Date.day(sentAfter.addingTimeInterval(-86_400))))
        query.append(("PageSize", String(min(max(pageSize, 1), 1_000))))
        var url = base + messagesPath + ".json?" + FormEncoding.encode(query)
        let scrubber = Scrubber(secrets: [credentials.authToken])
        var found: [TwilioMessage] = []
        for _ in 0..<max(maxPages, 1) {
            let request = try makeRequest(url: url)
            let reply = try transport.perform(request, freshConnection: false)
            let page = try decode(MessagePage.self, from: reply, scrubber: scrubber)
            found += page.messages
            guard let next = page.nextPageURI, !next.isEmpty else {
                return found.filter { message in
                    guard let date = message.dateSent ?? message.dateCreated else { return true }
                    return date >= sentAfter
                }
            }
            url = try resolve(nextPage: next)
        }
        throw .malformedReply("the listing has more than \(max(maxPages, 1)) pages; stopped reading")
    }

    /// One message: `GET /2010-04-01/Accounts/{AccountSid}/Messages/{sid}.json`.
    public func message(sid: String) throws(TwilioError) -> TwilioMessage {
        let request = try makeRequest(url: base + messagesPath + "/" + FormEncoding.percentEncode(sid) + ".json")
        let scrubber = Scrubber(secrets: [credentials.authToken])
        let reply = try transport.perform(request, freshConnection: false)
        return try decode(TwilioMessage.self, from: reply, scrubber: scrubber)
    }

    // MARK: - Plumbing

    private func makeRequest(url text: String) throws(TwilioError) -> URLRequest {
        guard let url = URL(string: text) else { throw .notSent("cannot build a URL on \(apiBase.host ?? "the API base")") }
        var request = URLRequest(url: url)
        request.setValue(credentials.authorizationHeader, forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.setValue("bizcached/\(BizcachedVersion.current)", forHTTPHeaderField: "User-Agent")
        return request
    }

    /// The absolute URL of a `next_page_uri`. Twilio sends a path (`/2010-04-01/…?…`), which
    /// is appended to `apiBase`; an absolute URL is followed only to `apiBase`'s own origin,
    /// since the request carries the credentials.
    private func resolve(nextPage: String) throws(TwilioError) -> String {
        if nextPage.hasPrefix("/") { return base + nextPage }
        if let url = URL(string: nextPage), url.scheme == apiBase.scheme, url.host == apiBase.host,
            url.port == apiBase.port
        {
            return nextPage
        }
        throw .malformedReply("next_page_uri points outside the API")
    }

    /// The value of a 2xx reply, or the `TwilioError` of any other.
    private func decode<Value: Decodable>(
        _ type: Value.Type, from reply: HTTPReply, scrubber: Scrubber
    ) throws(TwilioError) -> Value {
        guard (200...299).contains(reply.status) else {
            throw Self.rejection(reply, scrubber: scrubber)
        }
        do {
            return try JSONDecoder().decode(Value.self, from: reply.body)
        } catch let error as DecodingError {
            throw .malformedReply("HTTP \(reply.status) reply: \(Self.summary(of: error))")
        } catch {
            throw .malformedReply("HTTP \(reply.status) reply: \(Swift.type(of: error))")
        }
    }

    /// `.rejected` for an HTTP error reply, with Twilio's code and scrubbed message when the
    /// body is Twilio's JSON error, and `Retry-After` when it is whole seconds.
    static func rejection(_ reply: HTTPReply, scrubber: Scrubber) -> TwilioError {
        let retryAfter = reply.retryAfter
            .flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            .flatMap { $0 >= 0 ? Duration.seconds($0) : nil }
        let body = try? JSONDecoder().decode(TwilioErrorBody.self, from: reply.body)
        let message: String
        if let body, body.code != nil || body.message != nil {
            message = scrubber.scrub(body.message ?? "no message")
        } else {
            message = reply.body.isEmpty ? "empty reply body" : "reply body is not a Twilio error"
        }
        return .rejected(status: reply.status, code: body?.code, message: message, retryAfter: retryAfter)
    }

    /// Where and how decoding failed, without any of the values (which may be personal data).
    static func summary(of error: DecodingError) -> String {
        func path(_ context: DecodingError.Context, _ last: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (last.map { [$0] } ?? [])
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "the top level" : text
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing \(path(context, key))"
        case .valueNotFound(_, let context): return "null at \(path(context))"
        case .typeMismatch(let type, let context): return "\(path(context)) is not a \(type)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "unreadable value at \(path(context))"
        @unknown default: return "undecodable"
        }
    }
}

/// One page of `GET Messages.json`.
private struct MessagePage: Decodable {
    let messages: [TwilioMessage]
    let nextPageURI: String?

    private enum CodingKeys: String, CodingKey {
        case messages
        case nextPageURI = "next_page_uri"
    }
}
