import BizCore
import Testing

@Suite struct MessageSenderTests {
    private let sid = "MG" + String(repeating: "0123456789abcdef", count: 2)

    @Test("Messaging Service SIDs are MG and 32 hex digits, either case")
    func validSIDs() {
        #expect(MessageSender.isMessagingServiceSID(sid))
        #expect(MessageSender.isMessagingServiceSID("MG" + String(repeating: "ABCDEF12", count: 4)))
        #expect(MessageSender.isMessagingServiceSID("MG" + String(repeating: "0", count: 32)))
    }

    @Test(
        "Anything else is not a Messaging Service SID",
        arguments: [
            "", "MG", "MG" + String(repeating: "0", count: 31), "MG" + String(repeating: "0", count: 33),
            "mg" + String(repeating: "0", count: 32), "AC" + String(repeating: "0", count: 32),
            "MG" + String(repeating: "0", count: 31) + "g", " MG" + String(repeating: "0", count: 32),
            "MG" + String(repeating: "0", count: 31) + "\u{0661}",
        ])
    func invalidSIDs(_ text: String) {
        #expect(!MessageSender.isMessagingServiceSID(text))
    }

    @Test("parse reads a SID or a number written any common way")
    func parse() throws {
        #expect(try MessageSender.parse(sid) == .messagingService(sid))
        let number = try PhoneNumberParser().parse("+15550100001")
        #expect(try MessageSender.parse("(555) 010-0001") == .phone(number))
        let london = try PhoneNumberParser().parse("+442079460958")
        #expect(try MessageSender.parse("020 7946 0958", defaultCountryCode: #require(CountryCallingCode("44"))) == .phone(london))
    }

    @Test("parse names what is wrong")
    func parseErrors() {
        #expect(throws: SMSValidationError.invalidMessagingServiceSID("MG123")) { try MessageSender.parse("MG123") }
        #expect(throws: SMSValidationError.invalidSender("555-0100", .invalidLength)) { try MessageSender.parse("555-0100") }
        #expect(throws: SMSValidationError.invalidSender("hello", .invalidCharacter)) { try MessageSender.parse("hello") }
    }

    @Test("A sender's description masks a number and shows a SID")
    func description() throws {
        #expect(MessageSender.phone(try PhoneNumberParser().parse("+15550100001")).description == "+1555***0001")
        #expect(MessageSender.messagingService(sid).description == sid)
    }
}
