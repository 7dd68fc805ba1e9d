import BizCore
import Testing

@Suite("CookieHeader")
struct CookieHeaderTests {
    private let token = String(repeating: "ab", count: 32)

    @Test("Cookies are read by name; quotes removed, first of a repeated name kept")
    func parse() {
        let cookies = CookieHeader.parse(#"theme=dark;bizadmin_session="abc" ; junk; empty=; bizadmin_session=later; =x"#)
        #expect(cookies == ["theme": "dark", "bizadmin_session": "abc", "empty": ""])
        #expect(CookieHeader.parse("") == [:])
    }

    @Test("The session cookie is HttpOnly, SameSite=Strict, for the whole site, Secure only behind TLS")
    func sessionCookie() {
        #expect(CookieHeader.sessionCookie(token: token, secure: false) == "bizadmin_session=\(token); Path=/; HttpOnly; SameSite=Strict")
        #expect(CookieHeader.sessionCookie(token: token, secure: true) == "bizadmin_session=\(token); Path=/; HttpOnly; SameSite=Strict; Secure")
    }

    @Test("Sign-out clears the cookie with Max-Age=0")
    func cleared() {
        #expect(CookieHeader.clearedSessionCookie(secure: true) == "bizadmin_session=; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age=0")
        #expect(CookieHeader.clearedSessionCookie(secure: false) == "bizadmin_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
    }

    @Test("A session cookie read back gives the token")
    func roundTrip() {
        let header = CookieHeader.sessionCookie(token: token, secure: true)
        let pair = String(header.prefix { $0 != ";" })
        #expect(CookieHeader.parse(pair)[CookieHeader.sessionCookieName] == token)
    }
}
