/// What a US A2P campaign's `campaign_status` (a free-form string in Twilio's API, examples
/// `IN_PROGRESS`, `VERIFIED`, `FAILED`) means for sending. Ordered best first.
public enum TenDLCCampaignState: Hashable, Sendable, Comparable {
    /// `VERIFIED`: the campaign's numbers can send. Best.
    case verified
    /// Under review: `PENDING`, `IN_PROGRESS`, a missing status, or any status not known to
    /// have failed (so a status Twilio adds later is never mistaken for a failure).
    case pending
    /// Refused or ended: one of `failedStatuses`. Worst.
    case failed

    /// The statuses that mean the campaign cannot send and will not without someone acting
    /// on it.
    public static let failedStatuses: Set<String> = [
        "FAILED", "REJECTED", "SUSPENDED", "EXPIRED", "DELETED", "DELETION_PENDING", "DELETION_FAILED",
        "CANCELED", "CANCELLED",
    ]

    /// The state of `campaignStatus`, compared without regard to case or surrounding spaces.
    public init(campaignStatus: String?) {
        let status = Self.normalized(campaignStatus)
        if status == "VERIFIED" {
            self = .verified
        } else if let status, Self.failedStatuses.contains(status) {
            self = .failed
        } else {
            self = .pending
        }
    }

    /// `status` upper-cased and trimmed; nil when nil or blank.
    static func normalized(_ status: String?) -> String? {
        trimmed(status)?.uppercased()
    }

    /// `text` without leading and trailing spaces, tabs and line breaks; nil when nil or
    /// blank. (BizCore has no Foundation.)
    static func trimmed(_ text: String?) -> String? {
        guard let text else { return nil }
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) })
        else { return nil }
        return String(text[first...last])
    }
}
