/// Who a text is sent from: one of the account's own phone numbers, or a Twilio Messaging
/// Service, which picks a number from its sender pool.
///
/// `OutboundSMS.init` checks a `.messagingService` SID with `isMessagingServiceSID(_:)`; use
/// `MessageSender.parse(_:defaultCountryCode:)` to read either form from text.
public enum MessageSender: Hashable, Sendable, CustomStringConvertible {
    /// A phone number of the account, sent to Twilio as `From`.
    case phone(PhoneNumber)
    /// A Messaging Service SID (`MG` and 32 hexadecimal digits), sent as `MessagingServiceSid`.
    case messagingService(String)

    /// Reads `MG…` as a Messaging Service SID and anything else as a phone number, parsed
    /// with `PhoneNumberParser` (`defaultCountryCode` for numbers written without one).
    public static func parse(
        _ text: some StringProtocol,
        defaultCountryCode: CountryCallingCode = .northAmerica
    ) throws(SMSValidationError) -> MessageSender {
        if text.hasPrefix("MG") || text.hasPrefix("mg") {
            guard isMessagingServiceSID(text) else { throw .invalidMessagingServiceSID(String(text)) }
            return .messagingService(String(text))
        }
        do {
            return .phone(try PhoneNumberParser(defaultCountryCode: defaultCountryCode).parse(text))
        } catch {
            throw .invalidSender(String(text), error)
        }
    }

    /// Whether `text` is a Messaging Service SID: `MG` followed by exactly 32 hexadecimal
    /// digits (either case, as Twilio's own pattern `^MG[0-9a-fA-F]{32}$` allows).
    public static func isMessagingServiceSID(_ text: some StringProtocol) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 34, bytes[0] == UInt8(ascii: "M"), bytes[1] == UInt8(ascii: "G") else { return false }
        return bytes[2...].allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
                UInt8(ascii: "A")...UInt8(ascii: "F"):
                true
            default:
                false
            }
        }
    }

    /// The sender for logs: a phone number masked (`+1555***0001`), a SID in full (it is not
    /// personal data).
    public var description: String {
        switch self {
        case .phone(let number): number.masked
        case .messagingService(let sid): sid
        }
    }
}
