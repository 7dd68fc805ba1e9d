/// What a request asks for, from its method and path.
enum AdminRoute: Equatable {
    case loginPage
    case login
    case logout
    case list
    case newBusinessForm
    case createBusiness
    case editForm(id: String)
    case updateBusiness(id: String)
    case deleteConfirmation(id: String)
    case deleteBusiness(id: String)
    case styleSheet
    case script
    /// The path exists but not for this method; `allowed` are the methods it takes.
    case methodNotAllowed(allowed: [String])
    case notFound

    /// The route of `method` on `path`; `HEAD` is answered as `GET`.
    init(method: String, path: String) {
        let isGet = method == "GET" || method == "HEAD"
        let isPost = method == "POST"
        func pick(get: AdminRoute?, post: AdminRoute?) -> AdminRoute {
            if isGet, let get { return get }
            if isPost, let post { return post }
            return .methodNotAllowed(allowed: (get == nil ? [] : ["GET", "HEAD"]) + (post == nil ? [] : ["POST"]))
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        switch Array(parts) {
        case [""]: self = pick(get: .list, post: nil)
        case ["login"]: self = pick(get: .loginPage, post: .login)
        case ["logout"]: self = pick(get: nil, post: .logout)
        case ["static", "admin.css"]: self = pick(get: .styleSheet, post: nil)
        case ["static", "admin.js"]: self = pick(get: .script, post: nil)
        case ["businesses"]: self = pick(get: nil, post: .createBusiness)
        case ["businesses", "new"]: self = pick(get: .newBusinessForm, post: nil)
        default:
            guard parts.count >= 2, parts.count <= 3, parts.first == "businesses", !parts[parts.startIndex + 1].isEmpty
            else {
                self = .notFound
                return
            }
            let id = String(parts[parts.startIndex + 1])
            switch parts.count == 3 ? parts.last! : "" {
            case "": self = pick(get: nil, post: .updateBusiness(id: id))
            case "edit": self = pick(get: .editForm(id: id), post: nil)
            case "delete": self = pick(get: .deleteConfirmation(id: id), post: .deleteBusiness(id: id))
            default: self = .notFound
            }
        }
    }
}
