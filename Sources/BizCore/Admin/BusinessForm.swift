/// The business create or edit form as submitted (or as first shown), with the error to show
/// beside each field that has one.
///
/// `validate()` checks what `businesses` requires (migration 0001): a name; phones, when
/// given, that normalize to E.164 (stored normalized, so `555.010.0001` is kept as
/// `+15550100001`); `custom_settings` a JSON object (empty means `{}`). The two phones of one
/// business may be the same number, as the schema allows. Whether a phone already belongs to
/// another business only the database knows: the caller adds that error with `addError`
/// and shows the form again.
public struct BusinessForm: Equatable, Sendable {
    /// The longest name accepted, in characters.
    public static let maximumNameLength = 200
    /// The longest business type accepted, in characters.
    public static let maximumBusinessTypeLength = 100

    /// The fields' text as typed, by field; missing fields are empty.
    public var values: [BusinessFormField: String]
    /// The error to show beside each field that has one.
    public private(set) var errors: [BusinessFormField: String] = [:]

    /// The form as submitted: decoded fields by form name (see `FormURLEncoding`); names that
    /// are not fields (the CSRF token) are ignored.
    public init(fields: [String: String]) {
        var values: [BusinessFormField: String] = [:]
        for field in BusinessFormField.allCases {
            values[field] = fields[field.rawValue] ?? ""
        }
        self.values = values
    }

    /// The edit form of an existing business, filled with its columns.
    public init(business: Business) {
        self.init(fields: [
            BusinessFormField.name.rawValue: business.name,
            BusinessFormField.publicPhone.rawValue: business.publicPhone ?? "",
            BusinessFormField.twilioPhone.rawValue: business.twilioPhone ?? "",
            BusinessFormField.businessType.rawValue: business.businessType ?? "",
            BusinessFormField.customSettings.rawValue: business.customSettingsJSON,
        ])
    }

    /// The text of `field` as typed.
    public subscript(field: BusinessFormField) -> String {
        values[field] ?? ""
    }

    /// Whether any field has an error.
    public var hasErrors: Bool { !errors.isEmpty }

    /// Shows `message` beside `field`, replacing its error if it had one: for checks made
    /// elsewhere, such as "already used by another business".
    public mutating func addError(_ message: String, to field: BusinessFormField) {
        errors[field] = message
    }

    /// Checks every field, records an error for each that fails (clearing earlier ones), and
    /// returns the columns to store when none did.
    public mutating func validate(phoneParser: PhoneNumberParser = PhoneNumberParser()) -> BusinessInput? {
        errors = [:]
        let name = String(self[.name].trimmingWhitespace())
        if name.isEmpty {
            errors[.name] = "A name is required."
        } else if name.count > Self.maximumNameLength {
            errors[.name] = "At most \(Self.maximumNameLength) characters."
        } else if name.unicodeScalars.contains(where: Self.isControl) {
            errors[.name] = "Control characters are not allowed."
        }
        let publicPhone = phone(.publicPhone, parser: phoneParser)
        let twilioPhone = phone(.twilioPhone, parser: phoneParser)
        let businessType = String(self[.businessType].trimmingWhitespace())
        if businessType.count > Self.maximumBusinessTypeLength {
            errors[.businessType] = "At most \(Self.maximumBusinessTypeLength) characters."
        } else if businessType.unicodeScalars.contains(where: Self.isControl) {
            errors[.businessType] = "Control characters are not allowed."
        }
        let settings = self[.customSettings].trimmingWhitespace()
        let customSettings = settings.isEmpty ? "{}" : String(settings)
        if !JSONSyntax.isObject(customSettings) {
            errors[.customSettings] = "Must be a JSON object, such as {\"timezone\": \"America/Chicago\"}."
        }
        guard errors.isEmpty else { return nil }
        return BusinessInput(
            name: name, publicPhone: publicPhone ?? nil, twilioPhone: twilioPhone ?? nil,
            businessType: businessType.isEmpty ? nil : businessType, customSettingsJSON: customSettings)
    }

    /// The field's number: `.some(nil)` when left empty, nil (with an error recorded) when
    /// it is not a phone number.
    private mutating func phone(_ field: BusinessFormField, parser: PhoneNumberParser) -> PhoneNumber?? {
        let text = self[field].trimmingWhitespace()
        guard !text.isEmpty else { return .some(nil) }
        do {
            return try parser.parse(text)
        } catch {
            errors[field] = "Not a phone number: \(error)."
            return nil
        }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F
    }
}
