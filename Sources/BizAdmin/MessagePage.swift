import BizCore
import BizHTTP

/// A page that only says something: refused (403), not found (404), the database failing.
enum MessagePage {
    /// A page titled `title` saying `message`, with a link back to the list.
    static func response(status: Int, title: String, message: String, session: AdminSession?) -> HTTPResponse {
        let content = HTMLText.element("h1", text: title) + HTMLText.element("p", text: message)
            + HTMLText.element("p", [:], HTMLText.element("a", ["href": AdminPaths.list], text: "Back to the businesses"))
        return Layout.response(Layout.document(title: title, session: session, content: content), status: status)
    }

    /// 403: the role may not do this (PostgreSQL refused it), or a form came without its token.
    static func forbidden(_ message: String, session: AdminSession?) -> HTTPResponse {
        response(status: 403, title: "Not allowed", message: message, session: session)
    }

    static func notFound(session: AdminSession?) -> HTTPResponse {
        response(status: 404, title: "Not found", message: "There is no such page or business.", session: session)
    }

    /// 400: a form or query that cannot be read at all.
    static func badRequest(_ message: String, session: AdminSession?) -> HTTPResponse {
        response(status: 400, title: "Bad request", message: message, session: session)
    }

    /// 503: the database failed; details go to the log, not the page.
    static func databaseFailure(session: AdminSession?) -> HTTPResponse {
        response(
            status: 503, title: "Database unavailable",
            message: "The database did not answer as expected. Try again, or sign in again.", session: session)
    }
}
