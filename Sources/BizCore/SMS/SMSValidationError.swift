/// Why a text cannot be queued or sent. Thrown by `OutboundSMS`'s initializers and by
/// `MessageSender.parse`.
///
/// No case carries the message body. Text the user typed that is not a valid number is kept
/// as typed (the command line shows it back); valid numbers are shown masked.
public enum SMSValidationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The body has no characters at all.
    case emptyBody
    /// The body is nothing but whitespace and line breaks.
    case blankBody
    /// The body has more than `OutboundSMS.maximumBodyLength` characters; `characters` is its
    /// length as counted by `OutboundSMS` (Swift `Character`s).
    case bodyTooLong(characters: Int)
    /// The recipient, as given, is not a phone number.
    case invalidRecipient(String, PhoneNumberError)
    /// The sender number, as given, is not a phone number.
    case invalidSender(String, PhoneNumberError)
    /// Not `MG` followed by 32 hexadecimal digits.
    case invalidMessagingServiceSID(String)
    /// Neither a sender number nor a Messaging Service was given.
    case missingSender
    /// Both a sender number and a Messaging Service were given; exactly one is allowed.
    case conflictingSenders
    /// The text would be sent from the number it is sent to.
    case senderIsRecipient(PhoneNumber)

    public var description: String {
        switch self {
        case .emptyBody:
            "the message body is empty"
        case .blankBody:
            "the message body is only whitespace"
        case .bodyTooLong(let characters):
            "the message body has \(characters) characters; at most \(OutboundSMS.maximumBodyLength) are allowed"
        case .invalidRecipient(let text, let error):
            "invalid recipient number '\(text)': \(error)"
        case .invalidSender(let text, let error):
            "invalid sender number '\(text)': \(error)"
        case .invalidMessagingServiceSID(let text):
            "invalid Messaging Service SID '\(text)': expected MG followed by 32 hexadecimal digits"
        case .missingSender:
            "no sender: give exactly one of a sender number or a Messaging Service SID"
        case .conflictingSenders:
            "give exactly one sender: a sender number or a Messaging Service SID, not both"
        case .senderIsRecipient(let number):
            "the recipient \(number.masked) is also the sender"
        }
    }
}
