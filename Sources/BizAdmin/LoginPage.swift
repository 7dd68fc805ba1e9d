import BizCore
import BizHTTP

/// The sign-in page: a PostgreSQL role and its password.
enum LoginPage {
    /// The page, with `notice` above the form (a failure, an expired session) and `role`
    /// filled in. `csrfToken` is the one the sign-in cookie carries.
    static func render(notice: String?, role: String, csrfToken: String) -> HTMLText {
        var content = HTMLText.element("h1", text: "Sign in")
        if let notice { content.append(HTMLText.element("p", ["class": "notice", "role": "alert"], text: notice)) }
        let fields =
            Layout.csrfField(csrfToken)
            + HTMLText.element("label", ["for": "role"], text: "PostgreSQL role")
            + HTMLText.element(
                "input", ["type": "text", "id": "role", "name": "role", "value": role, "required": "", "autocomplete": "username"])
            + HTMLText.element("label", ["for": "password"], text: "Password")
            + HTMLText.element(
                "input", ["type": "password", "id": "password", "name": "password", "autocomplete": "current-password"])
            + HTMLText.element("p", [:], HTMLText.element("button", ["type": "submit"], text: "Sign in"))
        content.append(HTMLText.element("form", ["method": "post", "action": AdminPaths.login], fields))
        return Layout.document(title: "Sign in", session: nil, content: content)
    }
}
