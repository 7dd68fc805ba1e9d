import BizTestSupport
import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// Synchronous requests through URLSession, with Twilio's Basic credentials.
///
/// Its session has a delegate that cancels authentication challenges: on Linux (Swift 6.3.1)
/// a 401 with `WWW-Authenticate`, which Twilio sends, otherwise leaves the task waiting
/// forever, past its timeout. A cancelled challenge is reported as `Challenged`.
struct FakeTwilioTestClient: Sendable {
    struct Reply {
        let status: Int
        let response: HTTPURLResponse
        let data: Data

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        }

        func header(_ name: String) -> String? { response.value(forHTTPHeaderField: name) }
    }

    /// The server answered 401 with an authentication challenge.
    struct Challenged: Error, Equatable {
        let method: String
        let realm: String?
    }

    struct NoResponse: Error {}

    /// Cancels every authentication challenge and remembers it by task.
    final class ChallengeCanceller: NSObject, URLSessionTaskDelegate, Sendable {
        let challenges = Mutex<[Int: Challenged]>([:])

        func urlSession(
            _ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
            completionHandler: @escaping @Sendable (URLSession.AuthChallengeDisposition, URLCredential?) -> Void
        ) {
            let space = challenge.protectionSpace
            challenges.withLock {
                $0[task.taskIdentifier] = Challenged(method: space.authenticationMethod, realm: space.realm)
            }
            completionHandler(.cancelAuthenticationChallenge, nil)
        }
    }

    let fake: FakeTwilio
    let authorization: String?
    let session: URLSession
    let canceller = ChallengeCanceller()
    let timeout: Double

    /// A client with the fake's credentials.
    init(_ fake: FakeTwilio, timeout: Double = 5) {
        self.init(fake, authorization: fake.authorizationHeader, timeout: timeout)
    }

    /// A client sending `authorization` (nil: no `Authorization` header).
    init(_ fake: FakeTwilio, authorization: String?, timeout: Double = 5) {
        self.fake = fake
        self.authorization = authorization
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.httpMaximumConnectionsPerHost = 64
        session = URLSession(configuration: configuration, delegate: canceller, delegateQueue: nil)
    }

    static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    /// Form encoding as a careful client does it: `+`, `&` and everything else reserved
    /// percent-encoded.
    static func formEncode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"))!
    }

    func post(_ form: String) throws -> Reply {
        try request("POST", fake.messagesPath, body: form)
    }

    func get(_ pathAndQuery: String) throws -> Reply {
        try request("GET", pathAndQuery)
    }

    /// GET of an absolute URL (a `next_page_url`).
    func get(url: String) throws -> Reply {
        try send("GET", URL(string: url)!, body: nil)
    }

    func request(_ method: String, _ pathAndQuery: String, body: String? = nil) throws -> Reply {
        try send(method, URL(string: fake.baseURL + pathAndQuery)!, body: body)
    }

    private func send(_ method: String, _ url: URL, body: String?) throws -> Reply {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = timeout
        if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
        if let body {
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(body.utf8)
        }
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<Reply, any Error>>(.failure(NoResponse()))
        let task = session.dataTask(with: request) { data, response, error in
            outcome.withLock { result in
                if let error {
                    result = .failure(error)
                } else if let response = response as? HTTPURLResponse {
                    result = .success(Reply(status: response.statusCode, response: response, data: data ?? Data()))
                }
            }
            done.signal()
        }
        task.resume()
        done.wait()
        if let challenged = canceller.challenges.withLock({ $0[task.taskIdentifier] }) { throw challenged }
        return try outcome.withLock { try $0.get() }
    }
}
