import BizCore
import Testing

@Suite("BusinessForm")
struct BusinessFormTests {
    private func form(_ fields: [String: String]) -> BusinessForm {
        BusinessForm(fields: fields)
    }

    @Test("A full form gives normalized columns")
    func valid() {
        var form = form([
            "name": "  Acme Plumbing ", "public_phone": "555.010.0001", "twilio_phone": "+1 (555) 010-0002",
            "business_type": " plumber ", "custom_settings": "{\n  \"timezone\": \"America/Chicago\"\r\n}\n", "csrf": "x",
        ])
        let input = form.validate()
        #expect(!form.hasErrors)
        #expect(input?.name == "Acme Plumbing")
        #expect(input?.publicPhone?.e164 == "+15550100001" && input?.twilioPhone?.e164 == "+15550100002")
        #expect(input?.businessType == "plumber")
        #expect(input?.customSettingsJSON == "{\n  \"timezone\": \"America/Chicago\"\r\n}")
    }

    @Test("Only a name is required; empty fields become NULL and {}")
    func minimal() {
        var form = form(["name": "Acme", "public_phone": " ", "business_type": ""])
        #expect(form.validate() == BusinessInput(name: "Acme", publicPhone: nil, twilioPhone: nil, businessType: nil, customSettingsJSON: "{}"))
    }

    @Test("Each bad field gets its own error, and nothing to store")
    func errorsPerField() {
        var form = form([
            "name": "   ", "public_phone": "call me", "twilio_phone": "555", "business_type": "x",
            "custom_settings": "[1, 2]",
        ])
        #expect(form.validate() == nil)
        #expect(Set(form.errors.keys) == [.name, .publicPhone, .twilioPhone, .customSettings])
        #expect(form.errors[.name] == "A name is required.")
        #expect(form.errors[.publicPhone]?.hasPrefix("Not a phone number") == true)
        #expect(form.errors[.twilioPhone] == "Not a phone number: wrong number of digits for an E.164 number.")
        #expect(form.errors[.customSettings]?.hasPrefix("Must be a JSON object") == true)
        #expect(form[.publicPhone] == "call me", "the text typed is kept to show again")
    }

    @Test("Names longer than 200 characters or with control characters are refused")
    func nameLimits() {
        var long = form(["name": String(repeating: "é", count: 200)])
        #expect(long.validate()?.name.count == 200)
        long = form(["name": String(repeating: "é", count: 201)])
        #expect(long.validate() == nil && long.errors[.name] == "At most 200 characters.")
        var control = form(["name": "Acme\u{0}Plumbing"])
        #expect(control.validate() == nil && control.errors[.name] == "Control characters are not allowed.")
    }

    @Test("A script as a name is valid data; escaping is the page's job")
    func scriptName() {
        var form = form(["name": "<script>alert(1)</script>"])
        #expect(form.validate()?.name == "<script>alert(1)</script>")
    }

    @Test("custom_settings must be one JSON object", arguments: ["null", "\"x\"", "{", "{\"a\":1} {}", "{a:1}", "{\"a\":\"\\u0000\"} x"])
    func badSettings(_ text: String) {
        var form = form(["name": "Acme", "custom_settings": text])
        #expect(form.validate() == nil && form.errors.keys.elementsEqual([.customSettings]))
    }

    @Test("Both phones may be the same number, as the schema allows")
    func samePhones() {
        var form = form(["name": "Acme", "public_phone": "5550100001", "twilio_phone": "+15550100001"])
        let input = form.validate()
        #expect(input?.publicPhone == input?.twilioPhone && input?.publicPhone != nil)
    }

    @Test("Errors found by the database are added beside their field, and cleared by the next validation")
    func addedErrors() {
        var form = form(["name": "Acme", "public_phone": "5550100001"])
        #expect(form.validate() != nil)
        form.addError("Already used by Bob's Diner.", to: .publicPhone)
        #expect(form.hasErrors && form.errors[.publicPhone] == "Already used by Bob's Diner.")
        #expect(form.validate() != nil && !form.hasErrors)
    }

    @Test("The edit form starts from the business's columns")
    func fromBusiness() {
        let business = Business(
            id: "10000000-0000-4000-8000-000000000001", name: "Acme", publicPhone: "+15550100001", twilioPhone: nil,
            businessType: nil, customSettingsJSON: #"{"tenDlcStatus":"registered"}"#, createdAt: "", updatedAt: "")
        var form = BusinessForm(business: business)
        #expect(form[.name] == "Acme" && form[.twilioPhone] == "" && form[.customSettings] == #"{"tenDlcStatus":"registered"}"#)
        #expect(form.validate()?.publicPhone?.e164 == "+15550100001")
    }

    @Test("Field names match the columns")
    func fieldNames() {
        #expect(BusinessFormField.allCases.map(\.rawValue) == ["name", "public_phone", "twilio_phone", "business_type", "custom_settings"])
    }
}
