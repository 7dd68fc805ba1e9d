import BizCore
import Testing

@Suite struct OutboundSMSTests {
    private let sid = "MG" + String(repeating: "0123456789abcdef", count: 2)
    private let alice = try! PhoneNumberParser().parse("+15550100001")
    private let bob = try! PhoneNumberParser().parse("+15550100002")

    @Test("A valid text keeps its fields, body unchanged")
    func valid() throws {
        let sms = try OutboundSMS(to: alice, sender: .phone(bob), body: "  Your table is ready.\n")
        #expect(sms.to == alice)
        #expect(sms.sender == .phone(bob))
        #expect(sms.body == "  Your table is ready.\n")
        let viaService = try OutboundSMS(to: alice, sender: .messagingService(sid), body: "hi")
        #expect(viaService.sender == .messagingService(sid))
    }

    @Test("Numbers given as text are parsed into E.164")
    func parsesNumbers() throws {
        let sms = try OutboundSMS(to: "(555) 010-0001", from: "1 555 010 0002", messagingServiceSID: nil, body: "hi")
        #expect(sms.to.e164 == "+15550100001")
        #expect(sms.sender == .phone(bob))
        let uk = try #require(CountryCallingCode("44"))
        let abroad = try OutboundSMS(
            to: "020 7946 0958", from: nil, messagingServiceSID: sid, body: "hi", defaultCountryCode: uk)
        #expect(abroad.to.e164 == "+442079460958")
        #expect(abroad.sender == .messagingService(sid))
    }

    @Test("Bodies of 1 to 1600 characters are accepted, counted as Swift Characters")
    func bodyLengths() throws {
        _ = try OutboundSMS(to: alice, sender: .phone(bob), body: "x")
        _ = try OutboundSMS(to: alice, sender: .phone(bob), body: String(repeating: "x", count: 1600))
        // 1600 family emoji: 1600 Characters, 17,600 UTF-16 code units.
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\u{200D}\u{1F466}"
        _ = try OutboundSMS(to: alice, sender: .phone(bob), body: String(repeating: family, count: 1600))
        // "é" written as e + combining acute accent is one Character.
        _ = try OutboundSMS(to: alice, sender: .phone(bob), body: String(repeating: "e\u{301}", count: 1600))
    }

    @Test("Empty, blank and overlong bodies are refused")
    func badBodies() {
        #expect(throws: SMSValidationError.emptyBody) { try OutboundSMS(to: alice, sender: .phone(bob), body: "") }
        #expect(throws: SMSValidationError.blankBody) { try OutboundSMS(to: alice, sender: .phone(bob), body: " \n\t\r\n\u{00A0}\u{2003}") }
        #expect(throws: SMSValidationError.bodyTooLong(characters: 1601)) {
            try OutboundSMS(to: alice, sender: .phone(bob), body: String(repeating: "x", count: 1601))
        }
        #expect(throws: SMSValidationError.bodyTooLong(characters: 1601)) {
            try OutboundSMS(to: alice, sender: .phone(bob), body: String(repeating: "\u{1F44D}", count: 1601))
        }
    }

    @Test("Exactly one sender is required")
    func senders() {
        #expect(throws: SMSValidationError.missingSender) {
            try OutboundSMS(to: "+15550100001", from: nil, messagingServiceSID: nil, body: "hi")
        }
        #expect(throws: SMSValidationError.conflictingSenders) {
            try OutboundSMS(to: "+15550100001", from: "+15550100002", messagingServiceSID: sid, body: "hi")
        }
    }

    @Test("Invalid numbers and SIDs are named with the parser's reason")
    func invalidParts() {
        #expect(throws: SMSValidationError.invalidRecipient("555-0100", .invalidLength)) {
            try OutboundSMS(to: "555-0100", from: "+15550100002", messagingServiceSID: nil, body: "hi")
        }
        #expect(throws: SMSValidationError.invalidSender("+1 (055) 010-0002", .invalidAreaCode)) {
            try OutboundSMS(to: "+15550100001", from: "+1 (055) 010-0002", messagingServiceSID: nil, body: "hi")
        }
        #expect(throws: SMSValidationError.invalidMessagingServiceSID("MGxyz")) {
            try OutboundSMS(to: "+15550100001", from: nil, messagingServiceSID: "MGxyz", body: "hi")
        }
        #expect(throws: SMSValidationError.invalidMessagingServiceSID("nope")) {
            try OutboundSMS(to: alice, sender: .messagingService("nope"), body: "hi")
        }
    }

    @Test("A text cannot be sent from its recipient, however the numbers are written")
    func senderIsRecipient() {
        #expect(throws: SMSValidationError.senderIsRecipient(alice)) {
            try OutboundSMS(to: alice, sender: .phone(alice), body: "hi")
        }
        #expect(throws: SMSValidationError.senderIsRecipient(alice)) {
            try OutboundSMS(to: "555.010.0001", from: "+1 (555) 010-0001", messagingServiceSID: nil, body: "hi")
        }
    }

    @Test("Recipient is checked before sender, and senders before the body")
    func order() {
        #expect(throws: SMSValidationError.invalidRecipient("x", .invalidCharacter)) {
            try OutboundSMS(to: "x", from: nil, messagingServiceSID: nil, body: "")
        }
        #expect(throws: SMSValidationError.missingSender) {
            try OutboundSMS(to: "+15550100001", from: nil, messagingServiceSID: nil, body: "")
        }
    }

    @Test("Descriptions never contain the body, and mask valid numbers")
    func descriptions() {
        let secret = "secret body text"
        func failure(_ make: () throws -> OutboundSMS) -> SMSValidationError? {
            do {
                _ = try make()
                return nil
            } catch {
                return error as? SMSValidationError
            }
        }
        let errors = [
            failure { try OutboundSMS(to: alice, sender: .phone(alice), body: secret) },
            failure { try OutboundSMS(to: alice, sender: .phone(bob), body: String(repeating: secret, count: 200)) },
            failure { try OutboundSMS(to: "bad", from: "+15550100002", messagingServiceSID: nil, body: secret) },
            failure { try OutboundSMS(to: "+15550100001", from: nil, messagingServiceSID: "MG1", body: secret) },
        ].compactMap { $0 }
        #expect(errors.count == 4)
        for error in errors {
            #expect(!error.description.contains("secret"))
            #expect(!error.description.contains("+15550100001"))
        }
        #expect(SMSValidationError.senderIsRecipient(alice).description == "the recipient +1555***0001 is also the sender")
        #expect(SMSValidationError.bodyTooLong(characters: 1700).description.contains("1700"))
        #expect(SMSValidationError.invalidRecipient("555", .invalidLength).description.contains("'555'"))
    }
}
