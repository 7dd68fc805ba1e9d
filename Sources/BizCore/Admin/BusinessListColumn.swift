/// A column of the admin's business table, by which the table can be sorted.
public enum BusinessListColumn: String, CaseIterable, Sendable {
    case name
    case publicPhone = "public_phone"
    case twilioPhone = "twilio_phone"
    case businessType = "business_type"
    /// `custom_settings.tenDlcStatus`, as `biz10dlc sync` records it.
    case tenDLC = "ten_dlc"
    case updated

    /// The column's header text.
    public var title: String {
        switch self {
        case .name: "Name"
        case .publicPhone: "Public phone"
        case .twilioPhone: "Twilio phone"
        case .businessType: "Business type"
        case .tenDLC: "10DLC"
        case .updated: "Updated"
        }
    }
}
