import BizCore
import BizHTTP

/// The frame every page shares (head, style sheet, who is signed in, sign-out), and the
/// headers every page is sent with.
enum Layout {
    /// The name of the hidden field that carries the session's CSRF token in every form.
    static let csrfFieldName = "csrf"
    /// The name of the hidden field in which a form carries the list view it returns to,
    /// as a query string (`sort=name&dir=asc&page=3&size=20`).
    static let viewFieldName = "view"

    /// The hidden field with the list view a form returns to.
    static func viewField(_ view: BusinessListQuery) -> HTMLText {
        HTMLText.element("input", ["type": "hidden", "name": viewFieldName, "value": view.queryString])
    }

    /// A whole HTML document titled `title` around `content`; with a session, the header
    /// names the role and offers sign-out.
    static func document(title: String, session: AdminSession?, content: HTMLText) -> HTMLText {
        let head = HTMLText.element(
            "head", [:],
            HTMLText.element("meta", ["charset": "utf-8"])
                + HTMLText.element("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"])
                + HTMLText.element("title", text: title + " · bizadmin")
                + HTMLText.element("link", ["rel": "stylesheet", "href": AdminPaths.styleSheet])
                + HTMLText.element("script", ["src": AdminPaths.script, "defer": ""]))
        var banner = HTMLText.element("strong", text: "bizadmin")
        if let session {
            let access = session.canWrite ? "can edit" : "read only"
            banner.append(
                HTMLText.element(
                    "span", [:],
                    HTMLText(escaping: "Signed in as \(session.role) (\(access)) ")
                        + form(action: AdminPaths.logout, session: session, HTMLText.element("button", ["type": "submit"], text: "Sign out"))))
        }
        let body = HTMLText.element(
            "body", [:], HTMLText.element("header", [:], banner) + HTMLText.element("main", [:], content))
        return HTMLText(markup: "<!DOCTYPE html>\n") + HTMLText.element("html", ["lang": "en"], head + body)
    }

    /// A POST form to `action` carrying the session's CSRF token.
    static func form(action: String, session: AdminSession, _ content: HTMLText) -> HTMLText {
        HTMLText.element("form", ["method": "post", "action": action], csrfField(session.csrfToken) + content)
    }

    /// The hidden field with a CSRF token.
    static func csrfField(_ token: String) -> HTMLText {
        HTMLText.element("input", ["type": "hidden", "name": "csrf", "value": token])
    }

    /// `html` as a response: never cached, never framed, no inline scripts and no resources
    /// from elsewhere.
    static func response(_ html: HTMLText, status: Int = 200, headers: [HTTPResponse.Header] = []) -> HTTPResponse {
        HTTPResponse(
            status: status,
            headers: [
                HTTPResponse.Header("Content-Type", "text/html; charset=utf-8"),
                HTTPResponse.Header("Cache-Control", "no-store"),
                HTTPResponse.Header(
                    "Content-Security-Policy",
                    "default-src 'none'; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
                HTTPResponse.Header("X-Content-Type-Options", "nosniff"),
                HTTPResponse.Header("Referrer-Policy", "same-origin"),
            ] + headers,
            body: Array(html.markup.utf8))
    }

    /// 303 See Other to `location`, for after a form is handled and for pages that need a
    /// session.
    static func redirect(to location: String, headers: [HTTPResponse.Header] = []) -> HTTPResponse {
        HTTPResponse(status: 303, headers: [HTTPResponse.Header("Location", location)] + headers)
    }
}
