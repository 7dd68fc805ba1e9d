/// A business's columns as a valid create or edit form gives them, ready for `INSERT` or
/// `UPDATE`: every value satisfies the constraints of `businesses` (migration 0001) except
/// the uniqueness of phone numbers, which only the database can tell.
public struct BusinessInput: Equatable, Sendable {
    /// Trimmed, not empty, at most `BusinessForm.maximumNameLength` characters.
    public var name: String
    public var publicPhone: PhoneNumber?
    public var twilioPhone: PhoneNumber?
    /// Trimmed; nil when left empty.
    public var businessType: String?
    /// A JSON object, as typed (`{}` when left empty).
    public var customSettingsJSON: String

    public init(
        name: String, publicPhone: PhoneNumber?, twilioPhone: PhoneNumber?, businessType: String?,
        customSettingsJSON: String
    ) {
        self.name = name
        self.publicPhone = publicPhone
        self.twilioPhone = twilioPhone
        self.businessType = businessType
        self.customSettingsJSON = customSettingsJSON
    }
}
