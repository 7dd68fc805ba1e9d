import BizAdmin
import BizCore
import BizHTTP
import BizTestSupport
import Testing

/// Signing in and out, the throttle, and sessions that expire.
@Suite struct SignInTests {
    @Test func pagesWithoutASessionAndTheStyleSheet() throws {
        let fixture = try AdminFixture()
        let login = fixture.get("/login")
        #expect(login.status == 200)
        let page = AdminFixture.text(login)
        #expect(page.contains(#"<form method="post" action="/login">"#))
        #expect(AdminFixture.csrfToken(in: page) == AdminFixture.cookieValue("bizadmin_login", in: login))
        #expect(AdminFixture.header("Content-Type", in: login) == ["text/html; charset=utf-8"])

        let css = fixture.get("/static/admin.css")
        #expect(css.status == 200)
        #expect(AdminFixture.header("Content-Type", in: css) == ["text/css; charset=utf-8"])
        #expect(AdminFixture.text(css).contains("table"))

        // One small script, from the program itself: the page loads it, and the policy
        // allows scripts from this origin only (nothing inline).
        let script = fixture.get("/static/admin.js")
        #expect(script.status == 200)
        #expect(AdminFixture.header("Content-Type", in: script) == ["text/javascript; charset=utf-8"])
        #expect(AdminFixture.text(script).contains("addEventListener(\"change\""))
        #expect(page.contains(#"<script src="/static/admin.js" defer></script>"#))
        let policy = AdminFixture.header("Content-Security-Policy", in: login).first ?? ""
        #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"))

        for path in ["/", "/businesses/new"] {
            let refused = fixture.get(path)
            #expect(refused.status == 303, "\(path)")
            #expect(AdminFixture.header("Location", in: refused) == ["/login"])
        }
        let forged = fixture.post("/businesses", form: [("name", "Forged")])
        #expect(forged.status == 303)
        #expect(try fixture.owner.query("SELECT count(*)::text AS n FROM businesses")[0, "n"] == "0")
        #expect(fixture.get("/nowhere").status == 404)
        #expect(fixture.application.handle(HTTPRequest(method: "PUT", path: "/")).status == 405)
    }

    @Test func anAdminSignsInWithAStrictHttpOnlyCookieAndSignsOut() throws {
        let fixture = try AdminFixture()
        let role = try fixture.makeRole(in: "biz_admin")
        let response = fixture.submitLogin(role: role)
        #expect(response.status == 303)
        #expect(AdminFixture.header("Location", in: response) == ["/"])
        let cookie = try #require(AdminFixture.header("Set-Cookie", in: response).first { $0.hasPrefix("bizadmin_session=") })
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"))
        #expect(!cookie.contains("Secure"))
        #expect(fixture.application.connectionCount == 1)
        let sessions = try fixture.owner.query(
            "SELECT count(*)::text AS n FROM pg_stat_activity WHERE usename = $1 AND datname = current_database()", [role])
        #expect(sessions[0, "n"] == "1", "one connection as the signed-in role")

        let token = try #require(AdminFixture.cookieValue("bizadmin_session", in: response))
        let list = fixture.get("/", cookie: "bizadmin_session=\(token)")
        #expect(list.status == 200)
        #expect(AdminFixture.text(list).contains("Signed in as \(role) (can edit)"))

        let csrf = try #require(AdminFixture.csrfToken(in: AdminFixture.text(list)))
        #expect(fixture.post("/logout", form: [], cookie: "bizadmin_session=\(token)").status == 403)
        let out = fixture.post("/logout", form: [("csrf", csrf)], cookie: "bizadmin_session=\(token)")
        #expect(out.status == 303)
        #expect(AdminFixture.header("Location", in: out) == ["/login"])
        #expect(AdminFixture.header("Set-Cookie", in: out).contains { $0.hasPrefix("bizadmin_session=;") && $0.contains("Max-Age=0") })
        #expect(fixture.application.connectionCount == 0)
        #expect(fixture.get("/", cookie: "bizadmin_session=\(token)").status == 303)
    }

    @Test func cookiesAreSecureBehindTLS() throws {
        let database = try PostgresTestDatabase()
        try database.applyMigrations()
        let application = AdminApplication(settings: AdminSettings(databaseURL: database.connectionString, secureCookies: true))
        defer { application.closeAll() }
        let role = try TemporaryLoginRole(in: "biz_viewer", on: database, withPassword: true)
        defer { role.drop() }
        let page = application.handle(HTTPRequest(method: "GET", path: "/login"))
        let token = try #require(AdminFixture.cookieValue("bizadmin_login", in: page))
        #expect(AdminFixture.header("Set-Cookie", in: page).allSatisfy { $0.hasSuffix("; Secure") })
        let body = FormURLEncoding.encode([("csrf", token), ("role", role.name), ("password", TemporaryLoginRole.password)])
        let signedIn = application.handle(
            HTTPRequest(method: "POST", path: "/login", headers: ["cookie": "bizadmin_login=\(token)"], body: Array(body.utf8)))
        #expect(signedIn.status == 303)
        let cookies = AdminFixture.header("Set-Cookie", in: signedIn)
        #expect(cookies.count == 2 && cookies.allSatisfy { $0.contains("; Secure") })
    }

    @Test func theSignInFormNeedsItsOwnToken() throws {
        let fixture = try AdminFixture()
        let role = try fixture.makeRole(in: "biz_admin")
        let page = fixture.get("/login")
        let token = try #require(AdminFixture.cookieValue("bizadmin_login", in: page))
        let other = String(repeating: "0", count: 64)
        let noCookie = fixture.post("/login", form: [("csrf", token), ("role", role), ("password", "x")])
        let wrongToken = fixture.post(
            "/login", form: [("csrf", other), ("role", role), ("password", "x")], cookie: "bizadmin_login=\(token)")
        for response in [noCookie, wrongToken] {
            #expect(response.status == 403)
            #expect(AdminFixture.cookieValue("bizadmin_session", in: response) == nil)
        }
        #expect(fixture.application.connectionCount == 0)
    }

    @Test func fiveFailuresForOneNameSlowFurtherTries() throws {
        let fixture = try AdminFixture()
        let missing = "biztest_nobody_" + String(UInt64.random(in: .min ... .max), radix: 16)
        for attempt in 1...5 {
            let response = fixture.submitLogin(role: missing, password: "secret password \(attempt)")
            #expect(response.status == 401, "attempt \(attempt)")
            let page = AdminFixture.text(response)
            #expect(page.contains("Sign-in failed"))
            #expect(!page.contains("secret password"))
        }
        let slowed = fixture.submitLogin(role: missing)
        #expect(slowed.status == 429)
        #expect(AdminFixture.text(slowed).contains("Too many failed sign-ins"))
        #expect(AdminFixture.header("Retry-After", in: slowed) == ["1"])

        // Other names are not slowed, and the wait passes.
        let admin = try fixture.makeRole(in: "biz_admin")
        #expect(fixture.submitLogin(role: admin).status == 303)
        fixture.clock.advance(seconds: 2)
        #expect(fixture.submitLogin(role: missing).status == 401)
    }

    @Test func anIdleSessionExpiresAfterThirtyMinutes() throws {
        let fixture = try AdminFixture()
        let browser = try fixture.signIn(try fixture.makeRole(in: "biz_admin"))
        fixture.clock.advance(seconds: 29 * 60)
        #expect(fixture.get("/", cookie: browser.cookie).status == 200)
        fixture.clock.advance(seconds: 29 * 60)
        #expect(fixture.get("/", cookie: browser.cookie).status == 200, "each request restarts the idle time")

        fixture.clock.advance(seconds: 31 * 60)
        let expired = fixture.get("/", cookie: browser.cookie)
        #expect(expired.status == 401)
        #expect(AdminFixture.text(expired).contains("Your session expired"))
        #expect(AdminFixture.header("Set-Cookie", in: expired).contains { $0.hasPrefix("bizadmin_session=;") && $0.contains("Max-Age=0") })
        #expect(fixture.application.connectionCount == 0)
        #expect(fixture.get("/", cookie: browser.cookie).status == 303)
        let forged = fixture.post(
            "/businesses", form: [("csrf", browser.csrf), ("name", "Late")], cookie: browser.cookie)
        #expect(forged.status == 303)
    }
}
