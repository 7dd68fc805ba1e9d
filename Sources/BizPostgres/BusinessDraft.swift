/// The values of a business that a person creates or edits; the database sets `id`,
/// `created_at` and `updated_at`.
public struct BusinessDraft: Sendable, Equatable {
    /// The name; required.
    public var name: String
    /// The public number in E.164, or nil.
    public var publicPhone: String?
    /// The Twilio number in E.164, or nil.
    public var twilioPhone: String?
    /// The business type, or nil.
    public var businessType: String?
    /// The JSON text of the `custom_settings` object.
    public var customSettingsJSON: String

    /// A draft with the given values.
    public init(
        name: String, publicPhone: String? = nil, twilioPhone: String? = nil, businessType: String? = nil,
        customSettingsJSON: String = "{}"
    ) {
        self.name = name
        self.publicPhone = publicPhone
        self.twilioPhone = twilioPhone
        self.businessType = businessType
        self.customSettingsJSON = customSettingsJSON
    }
}
