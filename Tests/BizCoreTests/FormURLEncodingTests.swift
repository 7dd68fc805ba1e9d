import BizCore
import Testing

@Suite("FormURLEncoding")
struct FormURLEncodingTests {
    @Test("Plus is a space and percent escapes are bytes of UTF-8")
    func decodes() throws {
        let fields = try FormURLEncoding.decode("name=Caf%C3%A9+Noir&public_phone=%2B1+(555)+010-0001&empty=&bare&&x=a%3Db")
        #expect(fields == ["name": "Café Noir", "public_phone": "+1 (555) 010-0001", "empty": "", "bare": "", "x": "a=b"])
        #expect(try FormURLEncoding.decode("") == [:])
    }

    @Test("Broken percent escapes are refused", arguments: ["a=%", "a=%4", "a=%zz", "%g1=b", "a=%4G"])
    func badPercent(_ body: String) {
        #expect(throws: FormDecodingError.invalidPercentEncoding) { try FormURLEncoding.decode(body) }
    }

    @Test("Bytes that are not UTF-8 are refused")
    func badUTF8() {
        #expect(throws: FormDecodingError.invalidUTF8) { try FormURLEncoding.decode("a=%C3%28") }
        #expect(throws: FormDecodingError.invalidUTF8) { try FormURLEncoding.decode([0x61, 0x3D, 0xFF]) }
    }

    @Test("A repeated name is refused rather than resolved")
    func duplicates() {
        #expect(throws: FormDecodingError.duplicateField("csrf")) { try FormURLEncoding.decode("csrf=a&name=x&csrf=b") }
    }

    @Test("Bodies over the limit are refused before reading")
    func limit() throws {
        let body = "a=" + String(repeating: "x", count: 98)
        #expect(try FormURLEncoding.decode(body, limit: 100)["a"]?.count == 98)
        #expect(throws: FormDecodingError.tooLarge(limit: 99)) { try FormURLEncoding.decode(body, limit: 99) }
    }

    @Test("Encoding round-trips through decoding")
    func roundTrip() throws {
        let value = "a b&c=d+e%f/?#é☕<'\""
        let encoded = FormURLEncoding.encode([("q", value), ("sort", "public_phone")])
        #expect(encoded == "q=a+b%26c%3Dd%2Be%25f%2F%3F%23%C3%A9%E2%98%95%3C%27%22&sort=public_phone")
        #expect(try FormURLEncoding.decode(encoded) == ["q": value, "sort": "public_phone"])
    }

    @Test("Errors read as sentences")
    func descriptions() {
        #expect(FormDecodingError.duplicateField("q").description == "the field 'q' appears more than once")
        #expect(FormDecodingError.tooLarge(limit: 10).description == "the form is larger than 10 bytes")
    }
}
