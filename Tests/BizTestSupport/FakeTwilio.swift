import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A fake of Twilio's REST API for sending texts (`api.twilio.com`, API version 2010-04-01),
/// served over HTTP/1.1 on 127.0.0.1 at an ephemeral port, for tests of code that sends SMS.
///
/// Point the client at `baseURL` instead of `https://api.twilio.com`, with HTTP Basic
/// credentials `accountSID:authToken`. The contract is Twilio's OpenAPI description
/// (`/work/shared/twilio-oai/twilio_api_v2010.json`); what the fake serves, under
/// `/2010-04-01/Accounts/{AccountSid}/`:
///
/// - `POST Messages.json` (`application/x-www-form-urlencoded`): `To` (E.164 or a channel
///   address such as `whatsapp:+1…`), `From` (E.164, short code or alphanumeric sender ID)
///   and/or `MessagingServiceSid`, `Body` (or `MediaUrl`/`ContentSid`), optional
///   `StatusCallback`. Answers 201 with the Message (`status` `queued`); the stored message is
///   `sent` at once, so later reads show `sent`. Without `From`, `from` is
///   `FakeTwilio.messagingServiceNumber`. Errors, each 400 with Twilio's code: 21604 no `To`,
///   21603 neither `From` nor `MessagingServiceSid`, 21211 `To` not a phone number (an
///   unencoded `+` arrives as a space and lands here), 21212 bad `From`, 21266 `To` equals
///   `From`, 21602 no body, 21617 body over 1600 characters.
/// - `GET Messages.json`: filters `To`, `From`, `DateSent` (a GMT day `YYYY-MM-DD`),
///   `DateSent>` (on or after; sent as `DateSent%3E=`) and `DateSent<` (on or before), also
///   accepting date-times; `PageSize` (default 50, at most 1000), `Page`, `PageToken`. Newest
///   first, under the key `messages`, with `first_page_uri`, `next_page_uri` (relative, null on
///   the last page), `previous_page_uri`, `page`, `page_size`, `start`, `end`, `uri`. Page
///   tokens are keyset positions, so messages created while paging are neither repeated nor
///   skipped. An unreadable filter or page size: 400, code 20001 (the fake's choice).
/// - `GET Messages/{Sid}.json`: the message, or 404 code 20404.
///
/// It also fakes the A2P 10DLC APIs (Messaging v1 Services, their PhoneNumbers and
/// Compliance/Usa2p, a2p/BrandRegistrations, and the 2010 IncomingPhoneNumbers) from the same
/// `baseURL`; see `FakeTwilioMessaging.swift`.
///
/// Every request needs Basic authentication with the account SID and the current (or
/// secondary) auth token, else 401 code 20003 `Authenticate` with `WWW-Authenticate`. Another
/// account SID in the path, or any other path: 404 code 20404. Another method on a Messages
/// path (including message update and delete, not faked): 405 code 20004. Error bodies are
/// `{"code": 21211, "message": "…", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}`.
///
/// Faults (`inject(_:)`, `setStandingFault(_:)`) and a delay for every request (`setDelay(_:)`)
/// provoke retries and timeouts; `requests` and `messages` record what happened.
///
/// Many clients may use it at once, including keep-alive connections from other processes.
///
/// What clients make of it, as with the real Twilio (seen with Swift 6.3.1 on Linux):
/// - A 401 carries `WWW-Authenticate: Basic realm="Twilio API"`. URLSession turns that into an
///   authentication challenge; without a task delegate the task never completes, not even at
///   its timeout (swift-corelibs-foundation issue 5456). A delegate answering
///   `.cancelAuthenticationChallenge` gets `NSURLErrorCancelled` at once.
/// - A drop on a reused keep-alive connection: the curl tool silently resends the POST on a
///   new connection (so `.dropAfterCreating` creates the message twice); URLSession instead
///   waits for its request timeout (`NSURLErrorTimedOut`). On a fresh connection both report
///   an error at once.
/// - URLSession counts timeouts in whole seconds: below 1 s a request times out at once.
public final class FakeTwilio: Sendable {
    /// The sender the fake reports for messages sent through a Messaging Service without
    /// `From` (Twilio's magic test number).
    public static let messagingServiceNumber = "+15005550006"

    /// `AC` followed by 32 hexadecimal digits.
    public let accountSID: String
    /// The loopback port it listens on.
    public let port: Int
    /// `http://127.0.0.1:<port>`: the client's replacement for `https://api.twilio.com`.
    public let baseURL: String

    let engine: Engine
    let server: HTTPServer

    /// Starts listening on 127.0.0.1 at a port the kernel picks.
    /// - Parameters:
    ///   - accountSID: the account whose path and credentials are accepted; random by default.
    ///   - authToken: the token accepted as the Basic password; random by default.
    public init(accountSID: String = FakeTwilio.randomSID(prefix: "AC"), authToken: String = FakeTwilio.randomHex(32))
        throws
    {
        let engine = Engine(accountSID: accountSID, authToken: authToken)
        self.engine = engine
        server = try HTTPServer { request in engine.handle(request) }
        self.accountSID = accountSID
        port = server.port
        baseURL = "http://127.0.0.1:\(server.port)"
        engine.state.withLock { [baseURL] in $0.messaging.baseURL = baseURL }
    }

    deinit {
        server.stop()
    }

    /// Stops listening and closes every connection; replies still waiting on a delay are
    /// abandoned. Also done when the fake goes away. Idempotent.
    public func stop() {
        server.stop()
    }

    // MARK: Identifiers and credentials

    /// `prefix` followed by 32 random lowercase hexadecimal digits (`AC…`, `MG…`, `SM…`).
    public static func randomSID(prefix: String) -> String { prefix + Format.randomHex(32) }

    /// `count` random lowercase hexadecimal digits.
    public static func randomHex(_ count: Int) -> String { Format.randomHex(count) }

    /// The token accepted now.
    public var authToken: String { engine.state.withLock { $0.authToken } }

    /// Rotates the auth token: from the next request on, only `token` (and the secondary token,
    /// if set) is accepted.
    public func setAuthToken(_ token: String) {
        engine.state.withLock { $0.authToken = token }
    }

    /// A second token accepted beside the primary one, as Twilio allows during rotation; nil
    /// removes it.
    public func setSecondaryAuthToken(_ token: String?) {
        engine.state.withLock { $0.secondaryAuthToken = token }
    }

    /// `Basic base64(accountSID:authToken)` with the current token, for `Authorization`.
    public var authorizationHeader: String {
        "Basic " + Data("\(accountSID):\(authToken)".utf8).base64EncodedString()
    }

    /// `/2010-04-01/Accounts/<AccountSid>/Messages.json`.
    public var messagesPath: String { "/2010-04-01/Accounts/\(accountSID)/Messages.json" }

    /// `baseURL` + `messagesPath`.
    public var messagesURL: String { baseURL + messagesPath }

    // MARK: Faults and timing

    /// Queues faults; each authenticated `POST Messages.json` to this account consumes the
    /// next one, in order (before the form is validated). Other requests consume none.
    public func inject(_ faults: Fault...) {
        inject(faults)
    }

    /// Queues faults, as `inject(_: Fault...)`.
    public func inject(_ faults: [Fault]) {
        engine.state.withLock { $0.faults.append(contentsOf: faults) }
    }

    /// Faults queued and not consumed yet.
    public var pendingFaults: [Fault] { engine.state.withLock { $0.faults } }

    /// A fault for every `POST Messages.json` that finds no queued fault (for example
    /// `.tooManyRequests(retryAfter: 1)` for an outage); nil ends it.
    public func setStandingFault(_ fault: Fault?) {
        engine.state.withLock { $0.standingFault = fault }
    }

    /// Delays every reply (and every fault's drop) by `seconds`, on top of a `.slowReply`:
    /// Twilio's latency, for throughput tests. 0 ends it.
    public func setDelay(_ seconds: Double) {
        engine.state.withLock { $0.delay = max(0, seconds) }
    }

    /// Dates the messages created from now on `date` instead of the time of the request
    /// (for `DateSent` filters); nil returns to the real clock.
    public func setNow(_ date: Date?) {
        engine.state.withLock { $0.now = date }
    }

    // MARK: What happened

    /// Every request received, in the order they were answered (or dropped).
    public var requests: [RecordedRequest] { engine.state.withLock { $0.requests } }

    /// Every message created, in creation order.
    public var messages: [FakeMessage] { engine.state.withLock { $0.messages } }

    /// The message with this SID, if it was created.
    public func message(sid: String) -> FakeMessage? {
        engine.state.withLock { state in state.indexBySID[sid].map { state.messages[$0] } }
    }

    /// The messages created for `to`, in creation order.
    public func messages(to: String) -> [FakeMessage] {
        engine.state.withLock { $0.messages.filter { $0.to == to } }
    }

    /// How many messages were created for `to`.
    public func sentCount(to: String) -> Int {
        engine.state.withLock { $0.messages.count { $0.to == to } }
    }

    /// How many `POST Messages.json` requests arrived (whatever they were answered).
    public var createRequestCount: Int {
        engine.state.withLock { $0.requests.count { $0.method == "POST" && $0.path.hasSuffix("/Messages.json") } }
    }

    /// Waits until at least `count` messages exist, up to `timeout` seconds; whether they do.
    @discardableResult
    public func waitForMessages(_ count: Int, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if engine.state.withLock({ $0.messages.count }) >= count { return true }
            if Date() >= deadline { return false }
            usleep(2_000)
        }
    }

    /// Forgets messages, recorded requests, queued and standing faults (path faults too), the
    /// delay and a pinned clock. Credentials stay, and so does the Messaging account (services,
    /// numbers, brands, campaigns, page sizes).
    public func clear() {
        engine.state.withLock { state in
            var messaging = state.messaging
            messaging.pathFaults = []
            state = State(authToken: state.authToken, secondaryAuthToken: state.secondaryAuthToken)
            state.messaging = messaging
        }
    }
}
