import BizCore

/// The URLs the pages link to, written in one place.
enum AdminPaths {
    static let login = "/login"
    static let logout = "/logout"
    static let list = "/"
    static let newBusiness = "/businesses/new"
    static let businesses = "/businesses"
    static let styleSheet = "/static/admin.css"
    static let script = "/static/admin.js"

    /// The list in the view `query` describes.
    static func list(_ query: BusinessListQuery) -> String { "/?" + query.queryString }
    /// The list in the view `query` describes, saying what was just done.
    static func list(_ query: BusinessListQuery, notice: ListNotice) -> String {
        list(query) + "&\(ListNotice.parameterName)=\(notice.rawValue)"
    }
    /// A form page reached from the list view `query`, which it returns to.
    static func fromView(_ path: String, _ query: BusinessListQuery) -> String { path + "?" + query.queryString }
    /// Where an existing business's edit form is posted.
    static func business(_ id: String) -> String { "/businesses/\(id)" }
    static func edit(_ id: String) -> String { "/businesses/\(id)/edit" }
    static func delete(_ id: String) -> String { "/businesses/\(id)/delete" }
}
