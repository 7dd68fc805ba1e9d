/// The `Cookie` request header and the admin session's `Set-Cookie` response header.
public enum CookieHeader {
    /// The name of the admin session cookie.
    public static let sessionCookieName = "bizadmin_session"

    /// The cookies of a `Cookie` header (`a=1; b=2`), by name. Values in double quotes lose
    /// them; pieces without `=` are skipped. When a name repeats, the first value is kept:
    /// browsers send the cookie with the longest path first.
    public static func parse(_ header: String) -> [String: String] {
        var cookies: [String: String] = [:]
        for piece in header.split(separator: ";") {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let name = String(piece[..<equals].trimmingWhitespace())
            var value = piece[piece.index(after: equals)...].trimmingWhitespace()
            if value.count >= 2, value.first == "\"", value.last == "\"" {
                value = value.dropFirst().dropLast()
            }
            guard !name.isEmpty, cookies[name] == nil else { continue }
            cookies[name] = String(value)
        }
        return cookies
    }

    /// The `Set-Cookie` value that gives the browser a session token: `HttpOnly` (no script
    /// reads it), `SameSite=Strict` (no other site's page sends it), `Path=/`, and `Secure`
    /// when the pages are served over TLS. No `Max-Age`: the cookie lasts until the browser
    /// closes, and the server ends idle sessions itself.
    ///
    /// - Precondition: `token` is a `SessionToken` (hexadecimal digits only).
    public static func sessionCookie(token: String, secure: Bool) -> String {
        precondition(SessionToken.isWellFormed(token), "a session cookie carries a session token")
        return "\(sessionCookieName)=\(token)" + attributes(secure: secure)
    }

    /// The `Set-Cookie` value that makes the browser drop the session cookie, for sign-out
    /// and expired sessions.
    public static func clearedSessionCookie(secure: Bool) -> String {
        "\(sessionCookieName)=" + attributes(secure: secure) + "; Max-Age=0"
    }

    private static func attributes(secure: Bool) -> String {
        "; Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }
}
