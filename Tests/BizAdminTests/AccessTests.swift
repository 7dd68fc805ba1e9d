import BizAdmin
import BizCore
import BizHTTP
import BizTestSupport
import Testing

/// Who may do what: CSRF tokens on every form, and viewers refused by PostgreSQL.
@Suite struct AccessTests {
    @Test func formsWithoutTheSessionsTokenAreRefused() throws {
        let fixture = try AdminFixture()
        let id = try fixture.insertBusiness(name: "Acme")
        let browser = try fixture.signIn(try fixture.makeRole(in: "biz_admin"))
        let other = String(repeating: "a", count: 64)
        let attempts: [(String, [(String, String)])] = [
            ("/businesses", [("name", "Forged")]),
            ("/businesses", [("csrf", other), ("name", "Forged")]),
            ("/businesses", [("csrf", ""), ("name", "Forged")]),
            ("/businesses/\(id)", [("csrf", other), ("name", "Forged")]),
            ("/businesses/\(id)/delete", [("csrf", other)]),
            ("/businesses/\(id)/delete", []),
        ]
        for (path, form) in attempts {
            let response = fixture.post(path, form: form, cookie: browser.cookie)
            #expect(response.status == 403, "\(path) \(form)")
            #expect(AdminFixture.text(response).contains("token"))
        }
        // A form naming a field twice cannot be read.
        let doubled = fixture.post(
            "/businesses", form: [("csrf", browser.csrf), ("name", "A"), ("name", "B")], cookie: browser.cookie)
        #expect(doubled.status == 400)
        #expect(try fixture.owner.query("SELECT name FROM businesses").rows == [["Acme"]])
    }

    @Test func aViewerSeesNoActionsAndPostgreSQLRefusesForgedChanges() throws {
        let fixture = try AdminFixture()
        let id = try fixture.insertBusiness(name: "Acme", publicPhone: "+15550100001")
        let browser = try fixture.signIn(try fixture.makeRole(in: "biz_viewer"))
        let list = AdminFixture.text(fixture.get("/", cookie: browser.cookie))
        #expect(list.contains(">Acme<") && list.contains("(read only)"))
        #expect(!list.contains("/edit\"") && !list.contains("/delete\"") && !list.contains("/businesses/new"))
        #expect(!list.contains(">Edit<") && !list.contains(">Delete<") && !list.contains("Actions"))
        for path in ["/businesses/new", "/businesses/\(id)/edit", "/businesses/\(id)/delete"] {
            #expect(fixture.get(path, cookie: browser.cookie).status == 403, "\(path)")
        }

        // Valid forms with the viewer's own token reach PostgreSQL, which refuses them.
        let forged: [(String, [(String, String)])] = [
            ("/businesses", [("csrf", browser.csrf), ("name", "Forged")]),
            ("/businesses/\(id)", [("csrf", browser.csrf), ("name", "Forged"), ("public_phone", "+15550100001")]),
            ("/businesses/\(id)/delete", [("csrf", browser.csrf)]),
        ]
        for (path, form) in forged {
            let response = fixture.post(path, form: form, cookie: browser.cookie)
            #expect(response.status == 403, "\(path)")
            #expect(AdminFixture.text(response).contains("permission denied"), "\(path)")
        }
        let rows = try fixture.owner.query("SELECT id::text AS id, name, public_phone FROM businesses")
        #expect(rows.rows == [[id, "Acme", "+15550100001"]])
        // The session is still usable afterwards.
        #expect(fixture.get("/", cookie: browser.cookie).status == 200)
    }

    @Test func requestsNamingAnotherHostAreRefusedWith421() throws {
        let fixture = try AdminFixture()
        let browser = try fixture.signIn(try fixture.makeRole(in: "biz_admin"))
        // A page on another site whose name resolves to 127.0.0.1 (DNS rebinding) makes
        // the browser send its own name in Host; nothing is answered or changed for it.
        let requests = [
            HTTPRequest(method: "GET", path: "/login", headers: ["host": "rebind.example:8080"]),
            HTTPRequest(method: "GET", path: "/static/admin.css", headers: ["host": "rebind.example"]),
            HTTPRequest(method: "GET", path: "/", headers: ["host": "rebind.example", "cookie": browser.cookie]),
            HTTPRequest(
                method: "POST", path: "/businesses",
                headers: [
                    "host": "rebind.example", "cookie": browser.cookie,
                    "content-type": "application/x-www-form-urlencoded",
                ],
                body: Array(FormURLEncoding.encode([("csrf", browser.csrf), ("name", "Rebound")]).utf8)),
        ]
        for request in requests {
            let response = fixture.application.handle(request)
            #expect(response.status == 421, "\(request.method) \(request.path)")
            #expect(AdminFixture.text(response).contains("--allow-host"))
        }
        #expect(try fixture.owner.query("SELECT count(*)::text AS n FROM businesses")[0, "n"] == "0")
        for host in ["localhost:8080", "127.0.0.1:8080", "[::1]:8080"] {
            let page = fixture.application.handle(HTTPRequest(method: "GET", path: "/", headers: ["host": host, "cookie": browser.cookie]))
            #expect(page.status == 200, "\(host)")
        }
    }

    @Test func aProxysHostNameIsAnsweredOnceAllowed() throws {
        let database = try PostgresTestDatabase()
        let application = AdminApplication(
            settings: AdminSettings(
                databaseURL: database.connectionString, allowedHosts: HostAllowList(extraNames: ["admin.example.com"])))
        let login = application.handle(HTTPRequest(method: "GET", path: "/login", headers: ["host": "admin.example.com"]))
        #expect(login.status == 200)
        let other = application.handle(HTTPRequest(method: "GET", path: "/login", headers: ["host": "other.example.com"]))
        #expect(other.status == 421)
    }
}
