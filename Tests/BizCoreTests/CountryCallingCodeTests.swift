import BizCore
import Testing

@Suite struct CountryCallingCodeTests {
    @Test(
        "One to three digits, with or without +",
        arguments: [("1", 1), ("+1", 1), ("44", 44), ("+44", 44), ("353", 353), ("+999", 999), ("7", 7)] as [(String, UInt16)])
    func accepted(_ text: String, _ value: UInt16) throws {
        let code = try #require(CountryCallingCode(text))
        #expect(code.value == value)
        #expect(code.description == "+\(value)")
    }

    @Test(
        "Anything else is refused",
        arguments: [
            "", "+", "0", "+0", "01", "044", "1234", "+1234", "++1", "1+", " 1", "1 ", "4a", "-1", "\u{0664}\u{0664}",
            "\u{FF14}\u{FF14}", "1.0", "+ 44", "44\n",
        ])
    func refused(_ text: String) {
        #expect(CountryCallingCode(text) == nil)
    }

    @Test("Substrings parse too")
    func substring() throws {
        let text = "code=44"
        let code = try #require(CountryCallingCode(text.split(separator: "=")[1]))
        #expect(code.value == 44)
    }

    @Test("North America is code 1 and equals a parsed 1")
    func northAmerica() throws {
        #expect(CountryCallingCode.northAmerica.value == 1)
        #expect(CountryCallingCode.northAmerica.description == "+1")
        #expect(CountryCallingCode("1") == .northAmerica)
        #expect(CountryCallingCode("+1") == .northAmerica)
        #expect(CountryCallingCode("44") != .northAmerica)
    }

    @Test("Each code length prefixes national numbers correctly", arguments: [("7", "+7"), ("44", "+44"), ("353", "+353")])
    func prefixesNationalNumbers(_ text: String, _ prefix: String) throws {
        let code = try #require(CountryCallingCode(text))
        let parser = PhoneNumberParser(defaultCountryCode: code)
        #expect(try parser.parse("0 123 4567").e164 == prefix + "1234567")
        #expect(try parser.parse("123 4567").e164 == prefix + "1234567")
    }
}
