/// Why ``BusinessAdminStore`` could not do what was asked, in terms the admin UI answers
/// with: 403 for ``permissionDenied(_:)``, 404 for ``notFound(id:)``, a form error for
/// ``phoneInUse(phone:businessID:)`` and ``invalidValue(_:)``.
public enum AdminStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// PostgreSQL refused the statement to the logged-in role (SQLSTATE `42501`): a viewer
    /// tried to change something, or the role has no grant on the table.
    case permissionDenied(String)
    /// No business has this id (or the role may not see it).
    case notFound(id: String)
    /// Another business already uses `phone`, as its public or its Twilio number.
    case phoneInUse(phone: String, businessID: String)
    /// A value the table does not accept: a phone not in E.164, custom settings that are
    /// not a JSON object, a missing name.
    case invalidValue(String)
    /// Any other failure, connection problems included.
    case database(PostgresError)

    /// Sorts a PostgreSQL failure into the case the UI needs.
    init(_ error: PostgresError) {
        switch error.sqlState {
        case "42501": self = .permissionDenied(Self.message(of: error))
        case "23505":
            if let (phone, business) = Self.phoneClaim(in: Self.message(of: error)) {
                self = .phoneInUse(phone: phone, businessID: business)
            } else {
                self = .invalidValue(Self.message(of: error))
            }
        case "23502", "23514", "22P02", "22001", "22023":
            self = .invalidValue(Self.message(of: error))
        default: self = .database(error)
        }
    }

    /// True for ``permissionDenied(_:)``.
    public var isPermissionDenied: Bool {
        if case .permissionDenied = self { true } else { false }
    }

    /// One line for people and logs, without secrets.
    public var description: String {
        switch self {
        case .permissionDenied(let message): "permission denied: \(message)"
        case .notFound(let id): "no business with id \(id)"
        case .phoneInUse(let phone, let business): "phone number \(phone) is already used by business \(business)"
        case .invalidValue(let message): "invalid value: \(message)"
        case .database(let error): error.description
        }
    }

    private static func message(of error: PostgresError) -> String {
        if case .queryFailed(_, let message) = error { message } else { error.description }
    }

    /// The number and holder in the triggers' "phone number X already belongs to business Y".
    private static func phoneClaim(in message: String) -> (String, String)? {
        let words = message.split(separator: " ")
        guard words.count == 8, words[0] == "phone", words[1] == "number", words[3] == "already",
            words[4] == "belongs", words[5] == "to", words[6] == "business"
        else { return nil }
        return (String(words[2]), String(words[7]))
    }
}
