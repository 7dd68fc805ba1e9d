import Dispatch
import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// An HTTP reply: status, the headers the client reads, body.
struct HTTPReply: Sendable {
    let status: Int
    /// `Retry-After`, as sent.
    let retryAfter: String?
    let body: Data
}

/// Runs one HTTP request over `URLSession` and waits for it on the calling thread, with a
/// deadline of its own, and turns transport failures into `TwilioError`s.
///
/// **Deadline.** On Linux `URLSession` (libcurl underneath) truncates its timeouts to whole
/// seconds, and a timeout under a second fires at once. So the session's own timeouts are set
/// a second above the deadline as a backstop, and the caller waits on a semaphore until the
/// exact deadline, then cancels the task: either way the result is `.ambiguous`.
///
/// **No silent re-sends.** libcurl re-sends a request, even a `POST`, on a fresh connection
/// when a reused keep-alive connection turns out to be closed before any reply byte arrives;
/// if the server had acted on the first copy, that is a duplicate text. Requests that create
/// something (`freshConnection: true`) therefore run in a session of their own, which is
/// invalidated afterwards, so their connection is never a reused one. Reads share one
/// session and reuse its connections.
///
/// **401 replies.** Twilio answers bad credentials with 401 and `WWW-Authenticate: Basic`.
/// On Linux, `URLSession` turns that into an authentication challenge and, unless the
/// delegate supplies a credential, never completes the task. The delegate here cancels the
/// challenge and hands back the 401 reply it has already received, body included.
///
/// **No redirects.** A redirect is not followed (it would carry the `Authorization` header
/// to wherever it points); the 3xx reply is returned as it is.
final class HTTPTransport: Sendable {
    let timeout: Duration
    private let configuration: URLSessionConfiguration
    private let delegate = ExchangeDelegate()
    private let sharedSession: URLSession

    init(timeout: Duration) {
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        configuration.timeoutIntervalForRequest = seconds.rounded(.up) + 1
        configuration.timeoutIntervalForResource = seconds.rounded(.up) + 1
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.urlCredentialStorage = nil
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        self.configuration = configuration
        sharedSession = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
    }

    deinit {
        sharedSession.invalidateAndCancel()
    }

    /// Sends `request` and waits for the reply, at most `timeout`.
    ///
    /// - Parameters:
    ///   - freshConnection: run on a new connection that is closed afterwards (for `POST`s
    ///     that create something; see the type's notes).
    ///
    /// Error messages name the host only, never the URL (a listing's query holds numbers).
    func perform(_ request: URLRequest, freshConnection: Bool) throws(TwilioError) -> HTTPReply {
        let session =
            freshConnection
            ? URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil) : sharedSession
        defer { if freshConnection { session.finishTasksAndInvalidate() } }

        let host = request.url?.host ?? "Twilio"
        let exchange = Exchange()
        let task = session.dataTask(with: request)
        delegate.register(task, exchange)
        defer { delegate.unregister(task) }
        task.resume()

        var outcome = exchange.wait(until: .now() + Self.dispatchInterval(timeout))
        if outcome == nil {
            task.cancel()
            // The reply may have completed just as the deadline passed: use it if so.
            outcome = exchange.wait(until: .now() + .seconds(2))
            if case .failure? = outcome { outcome = nil }
        }
        switch outcome {
        case nil:
            throw .ambiguous("no reply from \(host) within \(Self.text(timeout))")
        case .failure(let error)?:
            throw Self.transportError(error, host: host, timeout: timeout)
        case .success(let reply)?:
            return reply
        }
    }

    /// `URLError` codes after which the request certainly never went out: the connection
    /// was never made (or the URL was unusable). Everything else may have reached Twilio.
    static let notSentCodes: Set<URLError.Code> = [
        .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet, .badURL, .unsupportedURL,
    ]

    /// The `TwilioError` for a failed `URLSession` task: `.notSent` for `notSentCodes`,
    /// `.ambiguous` for anything else (timeouts, connections reset or closed, unknown errors).
    static func transportError(_ error: any Error, host: String, timeout: Duration) -> TwilioError {
        let nsError = error as NSError
        guard nsError.domain == NSURLErrorDomain, let code = URLError.Code(rawValue: nsError.code) else {
            return .ambiguous("request to \(host) failed (\(nsError.domain) error \(nsError.code))")
        }
        let reason: String
        switch code {
        case .cannotConnectToHost: reason = "cannot connect to \(host) (connection refused)"
        case .cannotFindHost, .dnsLookupFailed: reason = "cannot find host \(host)"
        case .notConnectedToInternet: reason = "no network connection"
        case .badURL, .unsupportedURL: reason = "unusable URL for \(host)"
        case .timedOut: reason = "no reply from \(host) within \(text(timeout))"
        case .networkConnectionLost: reason = "connection to \(host) lost"
        case .badServerResponse: reason = "\(host) closed the connection without a reply"
        case .cancelled: reason = "request to \(host) cancelled"
        default: reason = "request to \(host) failed (URLError \(nsError.code))"
        }
        return notSentCodes.contains(code) ? .notSent(reason) : .ambiguous(reason)
    }

    private static func dispatchInterval(_ duration: Duration) -> DispatchTimeInterval {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return .nanoseconds(0) }
        let (nanoseconds, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return .never }
        return .nanoseconds(Int(clamping: nanoseconds + attoseconds / 1_000_000_000))
    }

    /// `15 s`, `0.5 s`.
    static func text(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0 { return "\(seconds) s" }
        let milliseconds = seconds * 1_000 + attoseconds / 1_000_000_000_000_000
        return "\(Double(milliseconds) / 1_000) s"
    }
}

/// One request's reply as the delegate collects it, and the semaphore its caller waits on.
private final class Exchange: Sendable {
    struct State {
        var response: HTTPURLResponse?
        var body = Data()
        var challenged = false
        var outcome: Result<HTTPReply, any Error>?
    }

    let state = Mutex(State())
    private let done = DispatchSemaphore(value: 0)

    /// The outcome, or nil if it has not come by `deadline`.
    func wait(until deadline: DispatchTime) -> Result<HTTPReply, any Error>? {
        if state.withLock({ $0.outcome }) == nil {
            guard done.wait(timeout: deadline) == .success else { return nil }
            done.signal()  // leave it signalled for a later wait
        }
        return state.withLock { $0.outcome }
    }

    /// Records the task's end, once.
    func complete(error: (any Error)?) {
        let finished = state.withLock { state -> Bool in
            guard state.outcome == nil else { return false }
            // A cancelled challenge still leaves the whole 401 reply, which is the answer.
            if let response = state.response, error == nil || (state.challenged && response.statusCode == 401) {
                state.outcome = .success(
                    HTTPReply(
                        status: response.statusCode, retryAfter: response.value(forHTTPHeaderField: "Retry-After"),
                        body: state.body))
            } else {
                state.outcome = .failure(error ?? URLError(.badServerResponse))
            }
            return true
        }
        if finished { done.signal() }
    }
}

/// The delegate of every session of a transport: collects each task's reply into its
/// `Exchange`, refuses redirects and cancels authentication challenges.
private final class ExchangeDelegate: NSObject, URLSessionDataDelegate, Sendable {
    private let exchanges = Mutex<[ObjectIdentifier: Exchange]>([:])

    func register(_ task: URLSessionTask, _ exchange: Exchange) {
        exchanges.withLock { $0[ObjectIdentifier(task)] = exchange }
    }

    func unregister(_ task: URLSessionTask) {
        _ = exchanges.withLock { $0.removeValue(forKey: ObjectIdentifier(task)) }
    }

    private func exchange(_ task: URLSessionTask) -> Exchange? {
        exchanges.withLock { $0[ObjectIdentifier(task)] }
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        exchange(dataTask)?.state.withLock { $0.response = response as? HTTPURLResponse }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        exchange(dataTask)?.state.withLock { $0.body.append(data) }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
        completionHandler: @escaping @Sendable (URLSession.AuthChallengeDisposition, URLCredential?) -> Void
    ) {
        exchange(task)?.state.withLock { state in
            state.challenged = true
            if state.response == nil, let response = challenge.failureResponse as? HTTPURLResponse {
                state.response = response
            }
        }
        completionHandler(.cancelAuthenticationChallenge, nil)
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        exchange(task)?.complete(error: error)
    }
}
