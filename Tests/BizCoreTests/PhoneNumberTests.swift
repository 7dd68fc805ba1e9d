import BizCore
import Testing

@Suite struct PhoneNumberTests {
    private func number(_ e164: String) throws -> PhoneNumber {
        try #require(PhoneNumber(e164: e164))
    }

    // MARK: init(e164:)

    @Test("The canonical form is accepted", arguments: ["+15550100001", "+442079460958", "+4912345", "+491234567890123", "+74951234567"])
    func acceptsCanonical(_ text: String) throws {
        let phone = try number(text)
        #expect(phone.e164 == text)
        #expect(phone.description == text)
        #expect(String(phone.digits) == String(text.dropFirst()))
    }

    @Test(
        "Anything but the canonical form is refused",
        arguments: [
            "", "+", "15550100001", "5550100001", "+1 555 010 0001", "+1-555-010-0001", "(555) 010-0001",
            " +15550100001", "+15550100001 ", "+15550100001\n", "+015550100001", "0015550100001",
            "+1555", "+1234567890123456", "+10550100001", "+11550100001", "+1555010000a", "++15550100001",
            "+\u{0661}5550100001", "+442079460958,x",
        ])
    func refusesNonCanonical(_ text: String) {
        #expect(PhoneNumber(e164: text) == nil)
    }

    @Test("init(e164:) accepts substrings")
    func acceptsSubstring() throws {
        let line = "key business:+15550100001"
        let phone = try #require(PhoneNumber(e164: line.split(separator: ":")[1]))
        #expect(phone.e164 == "+15550100001")
    }

    @Test("init(e164:) matches the parser's result")
    func agreesWithParser() throws {
        let parsed = try PhoneNumberParser().parse("+1 (555) 010-0001")
        #expect(try number("+15550100001") == parsed)
    }

    // MARK: masked

    @Test(
        "Masking keeps at most four digits at each end, fewer than half in all",
        arguments: [
            ("+15550100001", "+1555***0001"),
            ("+442079460958", "+4420***0958"),
            ("+491234567890123", "+4912***0123"),
            ("+491234567", "+491***567"),
            ("+49123456", "+49***56"),
        ])
    func masking(_ e164: String, _ expected: String) throws {
        #expect(try number(e164).masked == expected)
    }

    @Test("The shortest numbers show two digits at each end")
    func maskingShort() throws {
        #expect(try number("+4912345").masked == "+49***45")
    }

    @Test("A masked number never shows all its digits", arguments: 7...15)
    func maskingHidesSomething(_ length: Int) throws {
        // Digits 4, 9, then 1, 2, 3, ... up to `length` digits in all.
        let digits = "49" + String((1...(length - 2)).map { Character(String($0 % 10)) })
        let phone = try number("+" + digits)
        let masked = phone.masked
        let shown = masked.filter(\.isNumber)
        #expect(masked.contains("***"))
        #expect(shown.count < digits.count, "masked \(phone.e164) as \(masked), which hides no digit")
        #expect(!masked.contains(digits))
    }

    @Test("Masking never reveals the middle digits of a North American number")
    func maskingHidesExchange() throws {
        let masked = try number("+12025550147").masked
        #expect(masked == "+1202***0147")
        #expect(!masked.contains("555"))
    }

    // MARK: Equality, hashing, ordering

    @Test("Equal numbers hash alike and different ones differ")
    func hashing() throws {
        let a = try PhoneNumberParser().parse("555.010.0001")
        let b = try PhoneNumberParser().parse("+1 (555) 010-0001")
        let c = try PhoneNumberParser().parse("+1 (555) 010-0002")
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a != c)
        #expect(Set([a, b, c]).count == 2)
    }

    @Test("Numbers order by their E.164 text")
    func ordering() throws {
        let numbers = try ["+4912345", "+15550100002", "+442079460958", "+15550100001", "+999999999999999"].map(number)
        #expect(numbers.sorted().map(\.e164) == ["+15550100001", "+15550100002", "+442079460958", "+4912345", "+999999999999999"])
        #expect(try number("+15550100001") < number("+15550100002"))
        #expect(!(try number("+15550100001") < number("+15550100001")))
    }
}
