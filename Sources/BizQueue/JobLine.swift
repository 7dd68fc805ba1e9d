import BizCore
import Foundation

/// One job of `bizqueue enqueue --jsonl`: a JSON object on one line, with the same fields
/// as the flags: `to`, `from` or `messaging_service`, `body`, and optionally
/// `idempotency_key`, `at`, `business_id`, `max_attempts`.
public enum JobLine {
    /// Parses and validates a line; the error says what is wrong with it.
    public static func parse(
        _ line: String, defaultCountryCode: CountryCallingCode = .northAmerica
    ) throws(ConfigurationError) -> QueueInvocation.EnqueueRequest {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
            throw .invalidValue(name: "line", reason: "expected one JSON object")
        }
        let known: Set<String> = ["to", "from", "messaging_service", "body", "idempotency_key", "at", "business_id", "max_attempts"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw .invalidValue(name: "line", reason: "unknown field '\(unknown)'")
        }
        func text(_ key: String) throws(ConfigurationError) -> String? {
            guard let value = object[key], !(value is NSNull) else { return nil }
            guard let string = value as? String else { throw .invalidValue(name: key, reason: "expected a string") }
            return string
        }
        var maxAttempts: Int?
        if let value = object["max_attempts"], !(value is NSNull) {
            guard let number = value as? Int else { throw .invalidValue(name: "max_attempts", reason: "expected a whole number") }
            maxAttempts = number
        }
        return try .make(
            to: text("to"), from: text("from"), messagingService: text("messaging_service"), body: text("body"),
            idempotencyKey: text("idempotency_key"), at: text("at"), businessID: text("business_id"),
            maxAttempts: maxAttempts, defaultCountryCode: defaultCountryCode)
    }
}

extension NewJob {
    /// The row for a validated request.
    public init(_ request: QueueInvocation.EnqueueRequest) {
        let (from, service): (String?, String?) = switch request.message.sender {
        case .phone(let number): (number.e164, nil)
        case .messagingService(let sid): (nil, sid)
        }
        self.init(
            toNumber: request.message.to.e164, fromNumber: from, messagingServiceSID: service, body: request.message.body,
            idempotencyKey: request.idempotencyKey, runAt: request.at, businessID: request.businessID,
            maxAttempts: request.maxAttempts)
    }
}
