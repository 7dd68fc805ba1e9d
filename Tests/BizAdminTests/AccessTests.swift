import BizAdmin
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
}
