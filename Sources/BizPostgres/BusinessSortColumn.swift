/// A column the admin list of businesses can be sorted by.
///
/// Each case maps to a fixed SQL expression: the ORDER BY clause is built from this
/// whitelist only, never from text a person typed.
public enum BusinessSortColumn: String, CaseIterable, Sendable {
    /// The name, case-insensitively.
    case name
    /// The public phone number.
    case publicPhone
    /// The Twilio phone number.
    case twilioPhone
    /// The business type.
    case businessType
    /// The 10DLC status that `biz10dlc sync` records as `custom_settings.tenDlcStatus`.
    case tenDlcStatus
    /// When the row last changed.
    case updatedAt

    /// The SQL expression sorted on. Each has an index on (expression, id) (migration
    /// 0006); the 10DLC status is sorted through the column `ten_dlc_status`, which a
    /// trigger keeps equal to `custom_settings ->> 'tenDlcStatus'`.
    var sqlExpression: String {
        switch self {
        case .name: "lower(name)"
        case .publicPhone: "public_phone"
        case .twilioPhone: "twilio_phone"
        case .businessType: "business_type"
        case .tenDlcStatus: "ten_dlc_status"
        case .updatedAt: "updated_at"
        }
    }
}
