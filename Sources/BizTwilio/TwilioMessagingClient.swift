import BizCore
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A synchronous client of what the 10DLC sync needs from Twilio: Messaging Services, their
/// phone numbers and US A2P campaigns, and A2P brands (the Messaging API,
/// `https://messaging.twilio.com/v1`), and the account's incoming phone numbers (the 2010 API,
/// `https://api.twilio.com/2010-04-01`).
///
/// Every call blocks the calling thread until Twilio answers or `timeout` passes (per HTTP
/// request; a listing makes one request per page), so it is meant for a batch job or a worker
/// thread, not an event loop. A client may be shared between threads.
///
/// **Listings** return every page: Messaging API pages are followed through
/// `meta.next_page_url` (absolute) until it is null, the 2010 API's through `next_page_uri`
/// (relative). A link is followed only to the origin of the base its API was configured with,
/// since every request carries the credentials; one that points elsewhere is a
/// `.malformedReply`, as is a listing longer than `maxPages` pages.
///
/// **Failures** are `TwilioError`s, as from `TwilioClient`: 401 replies come back as
/// `.rejected(status: 401, …)` (whose `failureKind` is `.authentication`) rather than hanging
/// in URLSession's challenge handling, Twilio's messages are scrubbed, and redirects are not
/// followed. `withRetries(_:schedule:sleep:_:)` retries the transient ones.
public final class TwilioMessagingClient: Sendable {
    /// Twilio's Messaging API.
    public static let defaultMessagingBase = URL(string: "https://messaging.twilio.com")!
    /// Twilio's 2010 REST API.
    public static let defaultAPIBase = TwilioClient.defaultAPIBase
    /// The environment variable the 10DLC sync reads the Messaging API base from (a fake in
    /// tests); the 2010 API's is `TWILIO_API_BASE`, as for `bizqueue`.
    public static let messagingBaseEnvironmentVariable = "TWILIO_MESSAGING_API_BASE"

    /// The account every request is made for and signed with.
    public let credentials: TwilioCredentials
    /// Where the Messaging API is. Paths (`/v1/…`) are appended to it.
    public let messagingBase: URL
    /// Where the 2010 API is. Paths (`/2010-04-01/…`) are appended to it.
    public let apiBase: URL
    /// How long one HTTP request may take, connection included.
    public let timeout: Duration
    /// The `PageSize` every listing asks for (1 to 1,000).
    public let pageSize: Int
    /// How many pages one listing may have; reading more is an error rather than an endless
    /// loop or a silently short list.
    public let maxPages: Int

    private let transport: HTTPTransport
    private let messagingRoot: String
    private let apiRoot: String
    private let scrubber: Scrubber

    /// - Parameters:
    ///   - credentials: the account SID and auth token.
    ///   - messagingBase: the Messaging API's address, `https://messaging.twilio.com` unless
    ///     testing.
    ///   - apiBase: the 2010 API's address, `https://api.twilio.com` unless testing.
    ///   - timeout: the longest wait for one HTTP request (each page counts separately).
    ///     Fractions of a second are honoured.
    ///   - pageSize: the `PageSize` to ask for, clamped to 1…1,000 (Twilio's limits).
    ///   - maxPages: the most pages one listing may have (at least 1).
    public init(
        credentials: TwilioCredentials, messagingBase: URL = TwilioMessagingClient.defaultMessagingBase,
        apiBase: URL = TwilioMessagingClient.defaultAPIBase, timeout: Duration = .seconds(15),
        pageSize: Int = 1_000, maxPages: Int = 1_000
    ) {
        self.credentials = credentials
        self.messagingBase = messagingBase
        self.apiBase = apiBase
        self.timeout = timeout
        self.pageSize = min(max(pageSize, 1), 1_000)
        self.maxPages = max(maxPages, 1)
        messagingRoot = Self.root(messagingBase)
        apiRoot = Self.root(apiBase)
        scrubber = Scrubber(secrets: [credentials.authToken])
        transport = HTTPTransport(timeout: timeout)
    }

    // MARK: - Messaging API

    /// Every Messaging Service of the account: `GET /v1/Services`, all pages.
    public func services() throws(TwilioError) -> [MessagingService] {
        try messagingList("/v1/Services", key: "services")
    }

    /// The sender numbers of a Messaging Service: `GET /v1/Services/{sid}/PhoneNumbers`, all
    /// pages. An entry without `service_sid` gets `service`.
    public func phoneNumbers(service: String) throws(TwilioError) -> [ServicePhoneNumber] {
        let numbers: [ServicePhoneNumber] = try messagingList(
            "/v1/Services/\(FormEncoding.percentEncode(service))/PhoneNumbers", key: "phone_numbers")
        return numbers.map { $0.withServiceSID(defaultingTo: service) }
    }

    /// The US A2P campaigns of a Messaging Service (normally none or one):
    /// `GET /v1/Services/{sid}/Compliance/Usa2p`, all pages. An entry without
    /// `messaging_service_sid` gets `service`.
    public func usAppToPersonCampaigns(service: String) throws(TwilioError) -> [A2PCampaign] {
        let campaigns: [A2PCampaign] = try messagingList(
            "/v1/Services/\(FormEncoding.percentEncode(service))/Compliance/Usa2p", key: "compliance")
        return campaigns.map { $0.withMessagingServiceSID(defaultingTo: service) }
    }

    /// Every A2P brand registration of the account: `GET /v1/a2p/BrandRegistrations` (list
    /// key `data`), all pages.
    public func brandRegistrations() throws(TwilioError) -> [BrandRegistration] {
        try messagingList("/v1/a2p/BrandRegistrations", key: "data")
    }

    /// Adds one of the account's incoming numbers to a Messaging Service:
    /// `POST /v1/Services/{sid}/PhoneNumbers` with the form field `PhoneNumberSid`.
    ///
    /// Sent on a fresh connection (see `HTTPTransport`), so the HTTP stack never repeats it.
    /// Twilio answers 409 (code 21710) when the number is in this service already and 409
    /// (21712) when it is in another one; both are `.rejected` with a permanent `failureKind`.
    ///
    /// - Returns: the service's new PhoneNumber resource.
    public func attach(phoneNumberSID: String, toService service: String) throws(TwilioError) -> ServicePhoneNumber {
        let url = messagingRoot + "/v1/Services/\(FormEncoding.percentEncode(service))/PhoneNumbers"
        var request = try makeRequest(url: url, base: messagingBase)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(FormEncoding.encode([("PhoneNumberSid", phoneNumberSID)]).utf8)
        let reply = try transport.perform(request, freshConnection: true)
        let number = try decode(ServicePhoneNumber.self, from: reply, decoder: JSONDecoder())
        return number.withServiceSID(defaultingTo: service)
    }

    // MARK: - 2010 API

    /// The account's incoming phone numbers:
    /// `GET /2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers.json`, all pages.
    ///
    /// - Parameter phoneNumber: when given, sent as the `PhoneNumber` filter, and only entries
    ///   whose `phone_number` is exactly this number are returned (Twilio's filter also
    ///   matches numbers that merely contain the digits). Nil lists every number.
    public func incomingPhoneNumbers(phoneNumber: PhoneNumber?) throws(TwilioError) -> [IncomingPhoneNumber] {
        var query: [(name: String, value: String)] = []
        if let phoneNumber { query.append(("PhoneNumber", phoneNumber.e164)) }
        query.append(("PageSize", String(pageSize)))
        let path = "/2010-04-01/Accounts/\(FormEncoding.percentEncode(credentials.accountSID))/IncomingPhoneNumbers.json"
        var url = apiRoot + path + "?" + FormEncoding.encode(query)
        var found: [IncomingPhoneNumber] = []
        for _ in 0..<maxPages {
            let reply = try transport.perform(try makeRequest(url: url, base: apiBase), freshConnection: false)
            let page = try decode(IncomingPhoneNumberPage.self, from: reply, decoder: JSONDecoder())
            found += page.incomingPhoneNumbers
            guard let next = page.nextPageURI, !next.isEmpty else {
                guard let phoneNumber else { return found }
                return found.filter { $0.phoneNumber == phoneNumber.e164 }
            }
            url = try NextPageLink.resolve(next, base: apiBase, root: apiRoot, field: "next_page_uri")
        }
        throw tooManyPages("IncomingPhoneNumbers")
    }

    // MARK: - Plumbing

    /// Every item of a Messaging API listing, following `meta.next_page_url`.
    private func messagingList<Item: Decodable>(_ path: String, key: String) throws(TwilioError) -> [Item] {
        var url = messagingRoot + path + "?" + FormEncoding.encode([("PageSize", String(pageSize))])
        let decoder = JSONDecoder()
        decoder.userInfo[MessagingListPage<Item>.expectedKey] = key
        var items: [Item] = []
        for _ in 0..<maxPages {
            let reply = try transport.perform(try makeRequest(url: url, base: messagingBase), freshConnection: false)
            let page = try decode(MessagingListPage<Item>.self, from: reply, decoder: decoder)
            items += page.items
            guard let next = page.nextPageURL, !next.isEmpty else { return items }
            url = try NextPageLink.resolve(next, base: messagingBase, root: messagingRoot, field: "next_page_url")
        }
        throw tooManyPages(String(path.split(separator: "/").last ?? "the"))
    }

    private func tooManyPages(_ listing: String) -> TwilioError {
        .malformedReply("the \(listing) listing has more than \(maxPages) pages; stopped reading")
    }

    private func makeRequest(url text: String, base: URL) throws(TwilioError) -> URLRequest {
        guard let url = URL(string: text) else { throw .notSent("cannot build a URL on \(base.host ?? "the API base")") }
        var request = URLRequest(url: url)
        request.setValue(credentials.authorizationHeader, forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.setValue("bizcached/\(BizcachedVersion.current)", forHTTPHeaderField: "User-Agent")
        return request
    }

    /// The value of a 2xx reply, or the `TwilioError` of any other.
    private func decode<Value: Decodable>(
        _ type: Value.Type, from reply: HTTPReply, decoder: JSONDecoder
    ) throws(TwilioError) -> Value {
        guard (200...299).contains(reply.status) else {
            throw TwilioClient.rejection(reply, scrubber: scrubber)
        }
        do {
            return try decoder.decode(Value.self, from: reply.body)
        } catch let error as DecodingError {
            throw .malformedReply("HTTP \(reply.status) reply: \(TwilioClient.summary(of: error))")
        } catch {
            throw .malformedReply("HTTP \(reply.status) reply: \(Swift.type(of: error))")
        }
    }

    /// `url` as text without trailing slashes.
    private static func root(_ url: URL) -> String {
        var text = url.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}

/// One page of `GET IncomingPhoneNumbers.json`.
private struct IncomingPhoneNumberPage: Decodable {
    let incomingPhoneNumbers: [IncomingPhoneNumber]
    let nextPageURI: String?

    private enum CodingKeys: String, CodingKey {
        case incomingPhoneNumbers = "incoming_phone_numbers"
        case nextPageURI = "next_page_uri"
    }
}
