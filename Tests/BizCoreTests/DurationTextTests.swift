import BizCore
import Testing

@Suite struct DurationTextTests {
    @Test(
        "Whole numbers with an optional unit",
        arguments: [
            ("30s", Duration.seconds(30)), ("5m", .seconds(300)), ("2h", .seconds(7_200)), ("7d", .seconds(604_800)),
            ("90", .seconds(90)), ("0", .zero), ("0s", .zero), ("007m", .seconds(420)), ("30d", .seconds(2_592_000)),
            ("36500d", .seconds(36_500 * 86_400)),
        ])
    func accepted(_ text: String, _ expected: Duration) throws {
        #expect(try DurationText.parse(text) == expected)
    }

    @Test("Substrings are accepted")
    func substring() throws {
        let flag = "--older-than=30d"
        #expect(try DurationText.parse(flag.split(separator: "=")[1]) == .seconds(2_592_000))
    }

    @Test(
        "Anything else is refused with the text as given",
        arguments: [
            "s", "m", "5x", "5ms", "5 m", " 5m", "5m ", "-5m", "+5m", "1.5h", "5M", "5H", "1e3", "5mm", "h5",
            "\u{0661}s", "5m\n", "five",
        ])
    func refused(_ text: String) {
        #expect(throws: DurationTextError.invalid(text)) { try DurationText.parse(text) }
    }

    @Test("Nothing is refused as empty")
    func empty() {
        #expect(throws: DurationTextError.empty) { try DurationText.parse("") }
    }

    @Test("More than 100 years is refused, however many digits", arguments: ["36501d", "876001h", "99999999999999999999999s", "3153600001"])
    func tooLong(_ text: String) {
        #expect(throws: DurationTextError.tooLong(text)) { try DurationText.parse(text) }
    }

    @Test("Errors say what is accepted")
    func descriptions() {
        #expect(DurationTextError.invalid("5x").description.contains("'5x'"))
        #expect(DurationTextError.invalid("5x").description.contains("30s, 5m, 2h, 7d"))
        #expect(DurationTextError.empty.description.contains("empty"))
        #expect(DurationTextError.tooLong("999d").description.contains("100 years"))
    }
}
