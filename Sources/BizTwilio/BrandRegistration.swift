/// An A2P brand registration, as `GET /v1/a2p/BrandRegistrations` lists it
/// (`messaging.v1.brand_registrations`), with the fields the 10DLC sync reads.
///
/// Decoding ignores other fields; `sid` is required.
public struct BrandRegistration: Hashable, Sendable, Decodable {
    /// `BN` followed by 32 hexadecimal digits.
    public let sid: String
    /// `PENDING`, `APPROVED`, `FAILED`, `IN_REVIEW`, `DELETION_PENDING`, `DELETION_FAILED` or
    /// `SUSPENDED` (Twilio's `brand_registrations_enum_status`), as Twilio writes it.
    public let status: String?
    /// Why the registration failed, in Twilio's words.
    public let failureReason: String?

    /// Builds a brand registration by hand, for tests and fakes.
    public init(sid: String, status: String?, failureReason: String? = nil) {
        self.sid = sid
        self.status = status
        self.failureReason = failureReason
    }

    private enum CodingKeys: String, CodingKey {
        case sid, status
        case failureReason = "failure_reason"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sid = try container.decode(String.self, forKey: .sid)
        status = try container.decodeIfPresent(String.self, forKey: .status)
        failureReason = try container.decodeIfPresent(String.self, forKey: .failureReason)
    }
}
