/// What the list says after a form was handled: the form's POST redirects to the list with
/// `done=` one of these. The message is fixed text, never taken from the URL.
enum ListNotice: String, CaseIterable {
    case created
    case saved
    case deleted

    /// The query parameter that carries it.
    static let parameterName = "done"

    var message: String {
        switch self {
        case .created: "Business created."
        case .saved: "Changes saved."
        case .deleted: "Business deleted."
        }
    }
}
