import BizCore
import Foundation
import Testing

@Suite struct BusinessJSONTests {
    static let keys = ["id", "name", "public_phone", "twilio_phone", "business_type", "custom_settings", "created_at", "updated_at"]

    private func acme(
        name: String = "Acme Plumbing", publicPhone: String? = "+15550100001", twilioPhone: String? = "+15550100002",
        businessType: String? = "plumber", customSettings: String = #"{"tz": "America/Chicago"}"#
    ) -> Business {
        Business(
            id: "00000000-0000-4000-8000-000000000001", name: name, publicPhone: publicPhone, twilioPhone: twilioPhone,
            businessType: businessType, customSettingsJSON: customSettings,
            createdAt: "2026-01-02T03:04:05.000000Z", updatedAt: "2026-01-02T03:04:06.000000Z")
    }

    private func object(_ json: String) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])
        return try #require(value as? [String: Any], "not an object: \(json)")
    }

    /// The top-level keys of a one-line JSON object, in the order written.
    /// Walks the text, skipping strings and nested values.
    private func topLevelKeys(_ json: String) -> [String] {
        var keys: [String] = []
        var depth = 0
        var inString = false
        var escaped = false
        var current = ""
        var expectingKey = false
        for character in json.unicodeScalars {
            if inString {
                if escaped {
                    escaped = false
                    switch character {
                    case "n": current += "\n"
                    case "r": current += "\r"
                    case "t": current += "\t"
                    default: current.unicodeScalars.append(character)
                    }
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    inString = false
                    if expectingKey && depth == 1 { keys.append(current) }
                    expectingKey = false
                } else {
                    current.unicodeScalars.append(character)
                }
                continue
            }
            switch character {
            case "\"":
                inString = true
                current = ""
            case "{", "[":
                depth += 1
                if depth == 1 { expectingKey = true }
            case "}", "]": depth -= 1
            case ",": if depth == 1 { expectingKey = true }
            case ":": expectingKey = false
            default: break
            }
        }
        return keys
    }

    // MARK: Business.json

    @Test("The protocol's example business, byte for byte")
    func exactText() {
        #expect(
            acme().json
                == #"{"id":"00000000-0000-4000-8000-000000000001","name":"Acme Plumbing","public_phone":"+15550100001","twilio_phone":"+15550100002","business_type":"plumber","custom_settings":{"tz": "America/Chicago"},"created_at":"2026-01-02T03:04:05.000000Z","updated_at":"2026-01-02T03:04:06.000000Z"}"#
        )
    }

    @Test("Keys are in the documented order and the text parses as JSON")
    func keyOrderAndParse() throws {
        let json = acme().json
        #expect(topLevelKeys(json) == Self.keys)
        let object = try object(json)
        #expect(Set(object.keys) == Set(Self.keys))
        #expect(object["id"] as? String == "00000000-0000-4000-8000-000000000001")
        #expect(object["name"] as? String == "Acme Plumbing")
        #expect(object["public_phone"] as? String == "+15550100001")
        #expect(object["twilio_phone"] as? String == "+15550100002")
        #expect(object["business_type"] as? String == "plumber")
        #expect(object["created_at"] as? String == "2026-01-02T03:04:05.000000Z")
        #expect(object["updated_at"] as? String == "2026-01-02T03:04:06.000000Z")
        let settings = try #require(object["custom_settings"] as? [String: Any])
        #expect(settings["tz"] as? String == "America/Chicago")
    }

    @Test("Missing optional columns are null")
    func nulls() throws {
        let json = acme(publicPhone: nil, twilioPhone: nil, businessType: nil).json
        #expect(json.contains(#""public_phone":null,"twilio_phone":null,"business_type":null,"#))
        #expect(topLevelKeys(json) == Self.keys)
        let object = try object(json)
        #expect(object["public_phone"] is NSNull)
        #expect(object["twilio_phone"] is NSNull)
        #expect(object["business_type"] is NSNull)
    }

    @Test("custom_settings is embedded as an object, nested values included")
    func nestedSettings() throws {
        let settings = #"{"hours": {"mon": [9, 17], "tue": null}, "vip": true, "note": "a\"b"}"#
        let object = try object(acme(customSettings: settings).json)
        let embedded = try #require(object["custom_settings"] as? [String: Any])
        #expect(embedded["vip"] as? Bool == true)
        #expect(embedded["note"] as? String == "a\"b")
        let hours = try #require(embedded["hours"] as? [String: Any])
        #expect(hours["mon"] as? [Int] == [9, 17])
    }

    @Test(
        "Stored settings that are not one line of object text become {}",
        arguments: ["", " ", "null", "[]", "[1,2]", "\"text\"", "42", "true", " {}", "{} ", "{\"a\":\n1}", "{\"a\":\r1}",
                    "{\"a\":1}\n", "{", "}", "not json"])
    func badSettings(_ settings: String) throws {
        let json = acme(customSettings: settings).json
        #expect(json.contains(#","custom_settings":{},"created_at":"#))
        let object = try object(json)
        let embedded = try #require(object["custom_settings"] as? [String: Any])
        #expect(embedded.isEmpty)
        #expect(!json.contains("\n") && !json.contains("\r"))
    }

    @Test("Stored settings that only look like an object do not leak into the reply")
    func settingsInjection() throws {
        // Starts with '{' and ends with '}' but is not one JSON object (Business.json promises {} then).
        let json = acme(customSettings: #"{},"id":"spoofed","x":{}"#).json
        let object = try object(json)
        #expect(object["id"] as? String == "00000000-0000-4000-8000-000000000001")
        #expect(topLevelKeys(json) == Self.keys, "got \(json)")
    }

    @Test("Stored settings with an unterminated string do not break the reply's JSON")
    func settingsUnbalanced() {
        let json = acme(customSettings: #"{"a":"}"#).json
        #expect((try? JSONSerialization.jsonObject(with: Data(json.utf8))) != nil, "not JSON: \(json)")
    }

    @Test("Text with quotes, backslashes, controls and Unicode survives a JSON round trip")
    func escapingRoundTrip() throws {
        let tricky = "Bob's \"Best\" \\ Plumbing\n\r\t\u{0}\u{1}\u{1F}\u{7F} Café ☕ 🍰 \u{2028}\u{2029} </script> \u{FEFF}"
        let business = Business(
            id: tricky, name: tricky, publicPhone: tricky, twilioPhone: nil, businessType: tricky,
            customSettingsJSON: "{}", createdAt: tricky, updatedAt: "")
        let json = business.json
        #expect(!json.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{2028}" || $0 == "\u{2029}" })
        #expect(topLevelKeys(json) == Self.keys)
        let object = try object(json)
        #expect(object["id"] as? String == tricky)
        #expect(object["name"] as? String == tricky)
        #expect(object["public_phone"] as? String == tricky)
        #expect(object["business_type"] as? String == tricky)
        #expect(object["created_at"] as? String == tricky)
        #expect(object["updated_at"] as? String == "")
    }

    @Test("Random strings survive the round trip")
    func randomRoundTrip() throws {
        var generator = SeededGenerator(seed: 2029)
        let alphabet: [Unicode.Scalar] =
            (0..<0x80).compactMap(Unicode.Scalar.init)
            + ["\u{80}", "\u{9F}", "\u{A0}", "é", "ß", "\u{2028}", "\u{2029}", "\u{FFFD}", "\u{FFFF}", "😀", "\u{10FFFF}", "\u{301}"]
        var failures: [String] = []
        for _ in 0..<500 {
            var name = ""
            for _ in 0..<Int.random(in: 0...40, using: &generator) {
                name.unicodeScalars.append(alphabet.randomElement(using: &generator)!)
            }
            let json = acme(name: name).json
            let parsed = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            if json.contains("\n") || parsed?["name"] as? String != name {
                failures.append("name \(name.debugDescription) became \(json.debugDescription)")
            }
        }
        let failureCount = failures.count
        #expect(failureCount == 0, "for example \(failures.first ?? "")")
    }

    // MARK: JSONObjectWriter

    @Test(
        "String escapes",
        arguments: [
            ("plain", #""plain""#),
            ("", #""""#),
            ("a\"b", #""a\"b""#),
            ("a\\b", #""a\\b""#),
            ("\\\"", #""\\\"""#),
            ("line\nbreak", #""line\nbreak""#),
            ("cr\rhere", #""cr\rhere""#),
            ("tab\there", #""tab\there""#),
            ("\u{0}", #""\u0000""#),
            ("\u{1}", #""\u0001""#),
            ("\u{8}", #""\u0008""#),
            ("\u{C}", #""\u000c""#),
            ("\u{1B}", #""\u001b""#),
            ("\u{1F}", #""\u001f""#),
            (" ", #"" ""#),
            ("\u{7F}", "\"\u{7F}\""),
            ("/", #""/""#),
            ("\u{2028}", #""\u2028""#),
            ("\u{2029}", #""\u2029""#),
            ("Café", "\"Café\""),
            ("🍰", "\"🍰\""),
        ])
    func quoting(_ value: String, _ expected: String) {
        var text = ""
        JSONObjectWriter.appendQuoted(value, to: &text)
        #expect(text == expected)
    }

    @Test("appendQuoted appends to what is there")
    func appendQuotedAppends() {
        var text = "prefix:"
        JSONObjectWriter.appendQuoted("x", to: &text)
        JSONObjectWriter.appendQuoted("y", to: &text)
        #expect(text == #"prefix:"x""y""#)
    }

    @Test("An empty writer gives {}")
    func emptyObject() {
        var writer = JSONObjectWriter()
        #expect(writer.finish() == "{}")
    }

    @Test("Members of every kind, in the order added")
    func members() throws {
        var inner = JSONObjectWriter()
        inner.add("l1", integer: 3)
        inner.add("redis", integer: UInt64.max)
        var writer = JSONObjectWriter()
        writer.add("uptime_seconds", integer: 12)
        writer.add("negative", integer: Int8(-5))
        writer.add("redis_configured", bool: true)
        writer.add("off", bool: false)
        writer.add("nothing", string: nil)
        writer.add("hits", rawObject: inner.finish())
        writer.add("we\"ird\nkey", string: "v")
        let json = writer.finish()
        #expect(
            json
                == #"{"uptime_seconds":12,"negative":-5,"redis_configured":true,"off":false,"nothing":null,"hits":{"l1":3,"redis":18446744073709551615},"we\"ird\nkey":"v"}"#
        )
        #expect(topLevelKeys(json) == ["uptime_seconds", "negative", "redis_configured", "off", "nothing", "hits", "we\"ird\nkey"])
        let object = try object(json)
        #expect(object["uptime_seconds"] as? Int == 12)
        #expect(object["redis_configured"] as? Bool == true)
        #expect(object["off"] as? Bool == false)
        #expect(object["nothing"] is NSNull)
        #expect(object["we\"ird\nkey"] as? String == "v")
    }

    @Test("Raw objects: one line from { to } is kept as is, anything else is {}")
    func rawObjects() {
        for (raw, expected) in [
            ("{}", "{}"), (#"{"a":1}"#, #"{"a":1}"#), (#"{ "a" : [1, {"b": 2}] }"#, #"{ "a" : [1, {"b": 2}] }"#),
            ("[]", "{}"), ("{\n}", "{}"), ("{\r}", "{}"), (" {}", "{}"), ("{} ", "{}"), ("", "{}"), ("{", "{}"),
        ] {
            var writer = JSONObjectWriter()
            writer.add("k", rawObject: raw)
            #expect(writer.finish() == "{\"k\":\(expected)}", "raw \(raw.debugDescription)")
        }
    }
}
