/// A field of the business create and edit forms, by its form name (the column it fills).
public enum BusinessFormField: String, CaseIterable, Sendable {
    case name
    case publicPhone = "public_phone"
    case twilioPhone = "twilio_phone"
    case businessType = "business_type"
    case customSettings = "custom_settings"

    /// The field's label.
    public var label: String {
        switch self {
        case .name: "Name"
        case .publicPhone: "Public phone"
        case .twilioPhone: "Twilio phone"
        case .businessType: "Business type"
        case .customSettings: "Custom settings (JSON object)"
        }
    }
}
