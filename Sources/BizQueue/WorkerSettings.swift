import BizCore
import Foundation

/// Everything `bizqueue work` needs.
public struct WorkerSettings: Sendable {
    public var databaseURL: String
    /// Twilio's account; the token comes from `authToken()` so that a rotated token file is
    /// read again after an authentication failure.
    public var accountSID: String
    public var authToken: @Sendable () throws -> String
    /// `https://api.twilio.com` unless a test points it elsewhere.
    public var apiBase: URL
    /// Sender threads, each with its own PostgreSQL connection.
    public var concurrency: Int = 2
    /// Seconds between checks for due jobs when no notification arrives.
    public var pollInterval: Double = 10
    /// Seconds after which a job left `sending` is taken from its worker.
    public var visibilityTimeout: Double = 300
    /// Seconds an HTTP request to Twilio may take.
    public var requestTimeout: Double = 15
    public var pacing = PaceRules()
    public var retry = RetrySchedule()
    /// This process's name in `locked_by` (host and pid by default).
    public var workerName: String

    public init(databaseURL: String, accountSID: String, authToken: @escaping @Sendable () throws -> String, apiBase: URL, workerName: String) {
        self.databaseURL = databaseURL
        self.accountSID = accountSID
        self.authToken = authToken
        self.apiBase = apiBase
        self.workerName = workerName
    }
}
