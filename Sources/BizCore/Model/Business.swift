/// A row of the `businesses` table, as bizcached answers it.
///
/// Text columns are kept as the database gave them; `customSettingsJSON` is the JSON
/// text of the `custom_settings` object and the timestamps are ISO 8601 in UTC.
public struct Business: Sendable, Equatable {
    public var id: String
    public var name: String
    public var publicPhone: String?
    public var twilioPhone: String?
    public var businessType: String?
    public var customSettingsJSON: String
    public var createdAt: String
    public var updatedAt: String

    public init(
        id: String, name: String, publicPhone: String?, twilioPhone: String?,
        businessType: String?, customSettingsJSON: String, createdAt: String, updatedAt: String
    ) {
        self.id = id
        self.name = name
        self.publicPhone = publicPhone
        self.twilioPhone = twilioPhone
        self.businessType = businessType
        self.customSettingsJSON = customSettingsJSON
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The business as one line of JSON (no newline), keys in a fixed order:
    /// `id`, `name`, `public_phone`, `twilio_phone`, `business_type`, `custom_settings`,
    /// `created_at`, `updated_at`. `custom_settings` is embedded as an object; if the
    /// stored text is not a single-line JSON object, `{}` stands in its place.
    public var json: String {
        var writer = JSONObjectWriter()
        writer.add("id", string: id)
        writer.add("name", string: name)
        writer.add("public_phone", string: publicPhone)
        writer.add("twilio_phone", string: twilioPhone)
        writer.add("business_type", string: businessType)
        writer.add("custom_settings", rawObject: customSettingsJSON)
        writer.add("created_at", string: createdAt)
        writer.add("updated_at", string: updatedAt)
        return writer.finish()
    }
}
