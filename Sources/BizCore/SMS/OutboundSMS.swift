/// A text ready to hand to Twilio: a valid recipient, exactly one valid sender and a body
/// Twilio accepts.
///
/// **Body length.** Twilio accepts bodies of up to 1,600 characters. This type counts Swift
/// `Character`s (extended grapheme clusters), which is what a person sees as characters: an
/// emoji with a skin tone or a flag is one. Twilio counts encoded characters (Unicode scalars
/// or UTF-16 code units), which is more for such text, so a body near the limit that is full
/// of composed emoji may pass here and still be refused by Twilio (error 21617, classified as
/// permanent). Plain text and precomposed accented letters count the same either way.
public struct OutboundSMS: Hashable, Sendable {
    /// The most characters a body may have (Twilio's limit for one, possibly concatenated, text).
    public static let maximumBodyLength = 1600

    /// Who receives the text.
    public let to: PhoneNumber
    /// Who sends it.
    public let sender: MessageSender
    /// The text itself, unchanged (not trimmed).
    public let body: String

    /// Checks an already parsed recipient and sender, and the body.
    ///
    /// - Throws: `.emptyBody`, `.blankBody`, `.bodyTooLong`, `.invalidMessagingServiceSID`,
    ///   `.senderIsRecipient`.
    public init(to: PhoneNumber, sender: MessageSender, body: String) throws(SMSValidationError) {
        try Self.validate(body: body)
        switch sender {
        case .phone(let number):
            guard number != to else { throw .senderIsRecipient(to) }
        case .messagingService(let sid):
            guard MessageSender.isMessagingServiceSID(sid) else { throw .invalidMessagingServiceSID(sid) }
        }
        self.to = to
        self.sender = sender
        self.body = body
    }

    /// Parses numbers as people write them (`+1 (555) 010-0001`, `555.010.0001`) into E.164
    /// with `PhoneNumberParser`, and checks everything `init(to:sender:body:)` checks.
    ///
    /// - Parameters:
    ///   - to: the recipient's number.
    ///   - from: the sender's number; exactly one of `from` and `messagingServiceSID` is required.
    ///   - messagingServiceSID: `MG` and 32 hexadecimal digits.
    ///   - defaultCountryCode: the country calling code of numbers written without one.
    public init(
        to: String,
        from: String?,
        messagingServiceSID: String?,
        body: String,
        defaultCountryCode: CountryCallingCode = .northAmerica
    ) throws(SMSValidationError) {
        let parser = PhoneNumberParser(defaultCountryCode: defaultCountryCode)
        let recipient: PhoneNumber
        do {
            recipient = try parser.parse(to)
        } catch {
            throw .invalidRecipient(to, error)
        }
        let sender: MessageSender
        switch (from, messagingServiceSID) {
        case (nil, nil):
            throw .missingSender
        case (.some, .some):
            throw .conflictingSenders
        case (.some(let number), nil):
            do {
                sender = .phone(try parser.parse(number))
            } catch {
                throw .invalidSender(number, error)
            }
        case (nil, .some(let sid)):
            sender = .messagingService(sid)
        }
        try self.init(to: recipient, sender: sender, body: body)
    }

    /// Checks a body on its own: 1 to `maximumBodyLength` characters, not only whitespace.
    public static func validate(body: String) throws(SMSValidationError) {
        guard !body.isEmpty else { throw .emptyBody }
        guard !body.allSatisfy(\.isWhitespace) else { throw .blankBody }
        let count = body.count
        guard count <= maximumBodyLength else { throw .bodyTooLong(characters: count) }
    }
}
