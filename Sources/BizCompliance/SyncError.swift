import BizPostgres
import BizTwilio

/// Why a sync stopped before checking every business.
public enum SyncError: Error, CustomStringConvertible {
    /// Twilio refused the credentials: nothing can be checked until they are fixed.
    case authentication(TwilioError)
    /// The account's services could not be listed (after retries): no number can be judged.
    case twilioUnavailable(TwilioError)
    /// PostgreSQL failed while reading the businesses or lost the connection.
    case database(PostgresError)

    public var description: String {
        switch self {
        case .authentication(let error): "Twilio refused the credentials (check TWILIO_ACCOUNT_SID and the auth token): \(error)"
        case .twilioUnavailable(let error): "cannot list the account's Messaging Services: \(error)"
        case .database(let error): error.description
        }
    }
}
