/// How fast texts may go out, as the worker's claims enforce it: at most `rate` texts per
/// second from one sender (a phone number or a messaging service), overridden per sender;
/// optionally a ceiling for everything and a cooldown per recipient.
///
/// A rule is a key and the seconds that must pass between two sends under it; the queue's
/// claim spreads a burst over time instead of rejecting it.
public struct PaceRules: Sendable, Equatable {
    /// Texts per second per sender unless overridden; 0: unlimited. Twilio's US long codes
    /// take about one a second.
    public var perSenderRate: Double = 1
    /// Per-sender rates by sender (E.164 number or `MG…` SID).
    public var senderRates: [String: Double] = [:]
    /// Texts per second for the whole worker fleet; 0: unlimited.
    public var globalRate: Double = 0
    /// Seconds that must pass between two texts to the same recipient; 0: none.
    public var recipientCooldown: Double = 0

    public init() {}

    /// The rules for one text: its keys and the interval in seconds between two sends.
    public func rules(sender: String, recipient: String) -> [(key: String, interval: Double)] {
        var rules: [(key: String, interval: Double)] = []
        let rate = senderRates[sender] ?? perSenderRate
        if rate > 0 { rules.append(("sender:" + sender, 1 / rate)) }
        if globalRate > 0 { rules.append(("global", 1 / globalRate)) }
        if recipientCooldown > 0 { rules.append(("recipient:" + recipient, recipientCooldown)) }
        return rules
    }

    /// Reads `SENDER=RATE,SENDER=RATE` (rates in texts per second).
    public static func senderRates(_ text: String, name: String) throws(ConfigurationError) -> [String: Double] {
        var rates: [String: Double] = [:]
        for entry in text.split(separator: ",", omittingEmptySubsequences: true) {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty, let rate = Double(parts[1]), rate > 0, rate.isFinite else {
                throw .invalidValue(name: name, reason: "expected SENDER=RATE pairs such as +15550100001=5,MG…=10")
            }
            rates[String(parts[0])] = rate
        }
        return rates
    }
}
