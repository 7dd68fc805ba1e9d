import BizCore
import Testing

@Suite struct PhoneNumberParserTests {
    let nanp = PhoneNumberParser()
    let uk = PhoneNumberParser(defaultCountryCode: CountryCallingCode("44")!)

    // MARK: Accepted forms

    @Test(
        "Every common way of writing a North American number gives the same E.164",
        arguments: [
            "+1 (555) 010-0001",
            "15550100001",
            "555.010.0001",
            "5550100001",
            "+15550100001",
            "1-555-010-0001",
            "(555) 010-0001",
            "555/010/0001",
            "+1\t555\t010\t0001",
            "  +1 555 010 0001  ",
            "1 (555) 010.0001",
            "001 555 010 0001",
            "00 1 555 010 0001",
        ])
    func northAmericanForms(_ text: String) throws {
        let number = try nanp.parse(text)
        #expect(number.e164 == "+15550100001")
        #expect(number.digits == 15_550_100_001)
    }

    @Test("Bytes and text parse the same way")
    func bytesAndTextAgree() throws {
        let text = "+1 (555) 010-0001"
        #expect(try nanp.parse(Array(text.utf8)) == nanp.parse(text))
        #expect(try nanp.parse(Array(text.utf8)[...]) == nanp.parse(text))
        #expect(try nanp.parse(Substring(text)) == nanp.parse(text))
    }

    @Test(
        "Default country code 44: national with trunk 0, +44 and 0044 agree",
        arguments: [
            "020 7946 0958",
            "+44 20 7946 0958",
            "0044 20 7946 0958",
            "00 44 20 7946 0958",
            "20 7946 0958",
            "(020) 7946-0958",
        ])
    func unitedKingdomForms(_ text: String) throws {
        #expect(try uk.parse(text).e164 == "+442079460958")
    }

    @Test("With default code 44, a +1 number is still North American")
    func internationalIgnoresDefault() throws {
        #expect(try uk.parse("+1 555 010 0001").e164 == "+15550100001")
        #expect(try uk.parse("001 555 010 0001").e164 == "+15550100001")
    }

    @Test("With default code 44, a national number is not read as NANP")
    func nationalUsesDefaultCode() throws {
        // Ten national digits that would be a NANP number get +44 in front instead.
        #expect(try uk.parse("5550100001").e164 == "+445550100001")
        // Eleven digits starting with 1 are not taken as "1 + ten digits" outside NANP.
        #expect(try uk.parse("15550100001").e164 == "+4415550100001")
    }

    @Test("Other country codes pass through")
    func otherCountries() throws {
        #expect(try nanp.parse("+49 30 123456").e164 == "+4930123456")
        #expect(try nanp.parse("+61 2 9876 5432").e164 == "+61298765432")
        #expect(try nanp.parse("+7 495 123-45-67").e164 == "+74951234567")
    }

    @Test("Length limits: 7 and 15 digits are the E.164 bounds")
    func e164LengthBounds() throws {
        #expect(try nanp.parse("+4912345").e164 == "+4912345")  // 7 digits
        #expect(try nanp.parse("+491234567890123").e164 == "+491234567890123")  // 15 digits
        #expect(throws: PhoneNumberError.invalidLength) { try nanp.parse("+491234") }  // 6
        #expect(throws: PhoneNumberError.invalidLength) { try nanp.parse("+4912345678901234") }  // 16
    }

    @Test("Exactly 64 bytes of input is allowed")
    func sixtyFourBytesAllowed() throws {
        let text = "+1 555 010 0001" + String(repeating: " ", count: 64 - 15)
        #expect(text.utf8.count == 64)
        #expect(try nanp.parse(text).e164 == "+15550100001")
    }

    @Test("Country code with leading digits of 15 national digits does not overflow")
    func largestValues() throws {
        #expect(try nanp.parse("+999999999999999").digits == 999_999_999_999_999)
        let code999 = try #require(CountryCallingCode("999"))
        #expect(throws: PhoneNumberError.invalidLength) {
            try PhoneNumberParser(defaultCountryCode: code999).parse("999999999999999")
        }
        #expect(try PhoneNumberParser(defaultCountryCode: code999).parse("999999999999").e164 == "+999999999999999")
    }

    // MARK: Rejected inputs, with the specific error

    @Test(
        "Characters that are neither digits nor separators are invalid",
        arguments: [
            "abc",
            "+15550100001,twilio_phone.neq.x",
            "' OR 1=1 --",
            "+1 555 010 0001 ext 2",
            "5550100001;",
            "5550100001\r",
            "5550100001\n",
            "555_010_0001",
            "+1 555 010 0001#",
            "*67 555 010 0001",
        ])
    func invalidCharacters(_ text: String) {
        #expect(throws: PhoneNumberError.invalidCharacter) { try nanp.parse(text) }
    }

    @Test("A NUL byte is an invalid character")
    func nulByte() {
        #expect(throws: PhoneNumberError.invalidCharacter) { try nanp.parse([0]) }
        #expect(throws: PhoneNumberError.invalidCharacter) { try nanp.parse(Array("555010\u{0}0001".utf8)) }
        #expect(throws: PhoneNumberError.invalidCharacter) { try nanp.parse(Array("5550100001".utf8) + [0]) }
    }

    @Test(
        "Non-ASCII digits and look-alikes are invalid",
        arguments: [
            "\u{0665}\u{0665}\u{0665}\u{0660}\u{0661}\u{0660}\u{0660}\u{0660}\u{0660}\u{0661}",  // Arabic-Indic
            "\u{FF15}\u{FF15}\u{FF15}0100001",  // fullwidth digits
            "\u{0967}\u{0968}\u{0969}4567890",  // Devanagari
            "＋15550100001",  // fullwidth plus
            "555\u{00A0}010\u{00A0}0001",  // no-break space
            "555\u{2013}010\u{2013}0001",  // en dash
        ])
    func nonASCII(_ text: String) {
        #expect(throws: PhoneNumberError.invalidCharacter) { try nanp.parse(text) }
    }

    @Test("Invalid UTF-8 bytes are invalid characters")
    func invalidUTF8() {
        #expect(throws: PhoneNumberError.invalidCharacter) { try nanp.parse([0xFF, 0xFE]) }
        #expect(throws: PhoneNumberError.invalidCharacter) { try nanp.parse([0x35, 0x80, 0x35]) }
    }

    @Test("A plus that is not the first non-separator is invalid")
    func misplacedPlus() {
        #expect(throws: PhoneNumberError.invalidCharacter) { try nanp.parse("++15550100001") }
        #expect(throws: PhoneNumberError.invalidCharacter) { try nanp.parse("+ +15550100001") }
        #expect(throws: PhoneNumberError.invalidCharacter) { try nanp.parse("1+5550100001") }
        #expect(throws: PhoneNumberError.invalidCharacter) { try nanp.parse("0+15550100001") }
        #expect(throws: PhoneNumberError.invalidCharacter) { try nanp.parse("5550100001+") }
    }

    @Test("+0 has no country code", arguments: ["+015550100001", "+00 44 20 7946 0958", "+ 0 44 20 7946 0958", "+0 555 010 0001"])
    func plusZero(_ text: String) {
        #expect(throws: PhoneNumberError.invalidCharacter) { try nanp.parse(text) }
    }

    @Test("A lone +0 is rejected")
    func lonePlusZero() {
        #expect(throws: PhoneNumberError.self) { try nanp.parse("+0") }
    }

    @Test("Nothing but separators, or nothing, is empty", arguments: ["", " ", "+", "()", " - . ( ) / \t", "+ ()"])
    func empty(_ text: String) {
        #expect(throws: PhoneNumberError.empty) { try nanp.parse(text) }
    }

    @Test("Only zeros is a length error", arguments: ["0", "00", "000", "0000000000", "+1 000"])
    func onlyZeros(_ text: String) {
        #expect(throws: PhoneNumberError.invalidLength) { try nanp.parse(text) }
    }

    @Test("Too few digits", arguments: ["+1555", "555", "555010001", "+1 555 010 000", "+123456"])
    func tooFewDigits(_ text: String) {
        #expect(throws: PhoneNumberError.invalidLength) { try nanp.parse(text) }
    }

    @Test("Too many digits", arguments: ["1234567890123456", "+1234567890123456", "+15550100001 2", "555010000100", "25550100001"])
    func tooManyDigits(_ text: String) {
        #expect(throws: PhoneNumberError.invalidLength) { try nanp.parse(text) }
    }

    @Test("Many digits within 64 bytes stop at the digit limit, not overflow")
    func manyDigits() {
        let digits = String(repeating: "9", count: 64)
        #expect(throws: PhoneNumberError.invalidLength) { try nanp.parse(digits) }
    }

    @Test("Three or more leading zeros are neither national nor international")
    func tripleZero() {
        #expect(throws: PhoneNumberError.invalidLength) { try nanp.parse("000 44 20 7946 0958") }
        #expect(throws: PhoneNumberError.invalidLength) { try uk.parse("000 44 20 7946 0958") }
    }

    @Test("A trunk 0 is not allowed in North America")
    func nanpTrunkZero() {
        #expect(throws: PhoneNumberError.invalidLength) { try nanp.parse("0 555 010 0001") }
    }

    @Test("Inputs over 64 bytes are too long, whatever they hold")
    func tooLong() {
        let sixtyFive = String(repeating: " ", count: 50) + "+1 555 010 0001"
        #expect(sixtyFive.utf8.count == 65)
        #expect(throws: PhoneNumberError.tooLong) { try nanp.parse(sixtyFive) }
        #expect(throws: PhoneNumberError.tooLong) { try nanp.parse(String(repeating: "a", count: 65)) }
        #expect(throws: PhoneNumberError.tooLong) { try nanp.parse(String(repeating: "5", count: 10_000)) }
    }

    @Test(
        "North American area codes cannot start with 0 or 1",
        arguments: [
            "+1 (055) 010-0001",
            "+1 (155) 010-0001",
            "1 055 010 0001",
            "1 155 010 0001",
            "155 010 0001",
            "+10000000000",
            "+11999999999",
            "001 155 010 0001",
        ])
    func badAreaCode(_ text: String) {
        #expect(throws: PhoneNumberError.invalidAreaCode) { try nanp.parse(text) }
    }

    @Test("Area codes 2xx to 9xx are fine", arguments: 2...9)
    func goodAreaCodes(_ first: Int) throws {
        let number = try nanp.parse("+1 \(first)00 555 0100")
        #expect(number.e164 == "+1\(first)005550100")
    }

    @Test("A North American number must have ten digits after the 1", arguments: ["+1555010000", "+155501000011", "+1 800 555 01"])
    func nanpLength(_ text: String) {
        #expect(throws: PhoneNumberError.invalidLength) { try nanp.parse(text) }
    }

    @Test("Parsed numbers round-trip through their E.164 text")
    func roundTrip() throws {
        var generator = SeededGenerator(seed: 7)
        var failures: [String] = []
        for _ in 0..<2_000 {
            let areaFirst = Int.random(in: 2...9, using: &generator)
            let rest = (0..<9).map { _ in String(Int.random(in: 0...9, using: &generator)) }.joined()
            let e164 = "+1\(areaFirst)\(rest)"
            let number = try nanp.parse(e164)
            let national = try nanp.parse(String(e164.dropFirst(2)))  // ten national digits
            if number.e164 != e164 || national != number || PhoneNumber(e164: e164) != number {
                failures.append(e164)
            }
        }
        let failureCount = failures.count
        #expect(failureCount == 0, "for example \(failures.first ?? "")")
    }

    @Test("Error descriptions are readable")
    func errorDescriptions() {
        #expect(PhoneNumberError.empty.description == "no digits")
        #expect(PhoneNumberError.tooLong.description.contains("64"))
        #expect(PhoneNumberError.invalidCharacter.description.contains("+"))
        #expect(PhoneNumberError.invalidLength.description.contains("digits"))
        #expect(PhoneNumberError.invalidAreaCode.description.contains("area code"))
    }

    @Test("The default country code is North America")
    func defaultIsNorthAmerica() {
        #expect(PhoneNumberParser().defaultCountryCode == .northAmerica)
        #expect(PhoneNumberParser.maximumLength == 64)
    }
}
