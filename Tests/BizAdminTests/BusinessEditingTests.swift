import BizAdmin
import Glibc
import Testing

/// Creating, editing and deleting through the forms, as an admin.
@Suite struct BusinessEditingTests {
    @Test func anAdminCreatesEditsAndDeletesABusiness() throws {
        let fixture = try AdminFixture()
        let browser = try fixture.signIn(try fixture.makeRole(in: "biz_admin"))
        let list = AdminFixture.text(fixture.get("/", cookie: browser.cookie))
        #expect(list.contains("href=\"/businesses/new?sort=name&amp;dir=asc&amp;page=1&amp;size=20\""))

        let blank = fixture.get("/businesses/new", cookie: browser.cookie)
        #expect(blank.status == 200)
        #expect(AdminFixture.text(blank).contains(#"<form method="post" action="/businesses">"#))
        #expect(AdminFixture.csrfToken(in: AdminFixture.text(blank)) == browser.csrf)

        let created = fixture.post(
            "/businesses",
            form: [
                ("csrf", browser.csrf), ("name", "  Acme  "), ("public_phone", "555.010.0001"), ("twilio_phone", ""),
                ("business_type", "plumber"), ("custom_settings", #"{"timezone": "America/Chicago"}"#),
            ],
            cookie: browser.cookie)
        #expect(created.status == 303)
        #expect(AdminFixture.header("Location", in: created) == ["/?sort=name&dir=asc&page=1&size=20&done=created"])
        let row = try fixture.owner.query(
            "SELECT id::text AS id, name, public_phone, twilio_phone, business_type, custom_settings->>'timezone' AS tz FROM businesses")
        #expect(row.rows.count == 1)
        #expect(row[0, "name"] == "Acme" && row[0, "public_phone"] == "+15550100001" && row[0, "twilio_phone"] == nil)
        #expect(row[0, "business_type"] == "plumber" && row[0, "tz"] == "America/Chicago")
        let id = try #require(row[0, "id"])

        let edit = fixture.get("/businesses/\(id)/edit", cookie: browser.cookie)
        #expect(edit.status == 200)
        let form = AdminFixture.text(edit)
        #expect(form.contains("action=\"/businesses/\(id)\"") && form.contains("value=\"+15550100001\""))
        #expect(form.contains("value=\"Acme\""))

        let updated = fixture.post(
            "/businesses/\(id)",
            form: [
                ("csrf", browser.csrf), ("name", "Acme Plumbing"), ("public_phone", "(555) 010-0002"),
                ("twilio_phone", "+1 555 010 0003"), ("business_type", ""), ("custom_settings", ""),
            ],
            cookie: browser.cookie)
        #expect(updated.status == 303)
        let changed = try fixture.owner.query(
            "SELECT name, public_phone, twilio_phone, business_type, custom_settings::text AS settings FROM businesses")
        #expect(changed.rows == [["Acme Plumbing", "+15550100002", "+15550100003", nil, "{}"]])

        let confirm = fixture.get("/businesses/\(id)/delete", cookie: browser.cookie)
        #expect(confirm.status == 200)
        let question = AdminFixture.text(confirm)
        #expect(question.contains("Delete “Acme Plumbing”"))
        #expect(question.contains(#"<form method="post" action="/businesses/\#(id)/delete">"#))
        #expect(try fixture.storedName(id: id) == "Acme Plumbing", "asking deletes nothing")

        let deleted = fixture.post("/businesses/\(id)/delete", form: [("csrf", browser.csrf)], cookie: browser.cookie)
        #expect(deleted.status == 303)
        #expect(try fixture.storedName(id: id) == nil)
        #expect(fixture.post("/businesses/\(id)/delete", form: [("csrf", browser.csrf)], cookie: browser.cookie).status == 404)
        #expect(fixture.get("/businesses/\(id)/edit", cookie: browser.cookie).status == 404)
        #expect(fixture.get("/businesses/not-a-uuid/edit", cookie: browser.cookie).status == 404)
    }

    @Test func formsReturnToTheListViewTheyCameFromAndSayWhatTheyDid() throws {
        let fixture = try AdminFixture()
        var ids: [String] = []
        for number in 1...12 {
            ids.append(try fixture.insertBusiness(name: String(format: "Acme %02d", number)))
        }
        let browser = try fixture.signIn(try fixture.makeRole(in: "biz_admin"))
        let view = [("sort", "name"), ("dir", "desc"), ("page", "2"), ("size", "10"), ("q", "acme")]
        let viewQuery = "sort=name&dir=desc&page=2&size=10&q=acme"
        let list = AdminFixture.text(fixture.get("/", query: view, cookie: browser.cookie))
        // Page 2 of 12 by name descending: Acme 02 and Acme 01; their links carry the view.
        let escaped = viewQuery.replacingOccurrences(of: "&", with: "&amp;")
        #expect(list.contains("href=\"/businesses/\(ids[1])/edit?\(escaped)\""), "\(list)")
        #expect(list.contains("href=\"/businesses/\(ids[0])/delete?\(escaped)\""))
        #expect(!list.contains("role=\"status\""), "no notice without a form handled")

        let form = AdminFixture.text(fixture.get("/businesses/\(ids[1])/edit", query: view, cookie: browser.cookie))
        #expect(form.contains(#"<input type="hidden" name="view" value="\#(escaped)">"#), "\(form)")
        #expect(form.contains("<a href=\"/?\(escaped)\">Cancel</a>"))
        let saved = fixture.post(
            "/businesses/\(ids[1])", form: [("csrf", browser.csrf), ("view", viewQuery), ("name", "Acme 02 renamed")],
            cookie: browser.cookie)
        let location = try #require(AdminFixture.header("Location", in: saved).first)
        #expect(location == "/?\(viewQuery)&done=saved")
        let after = AdminFixture.text(fixture.get("/", query: view + [("done", "saved")], cookie: browser.cookie))
        #expect(after.contains(#"<p class="notice" role="status">Changes saved.</p>"#))
        #expect(after.contains(">Acme 02 renamed<") && after.contains("Page 2 of 2"))

        // An invalid form keeps the view for the next try.
        let invalid = fixture.post(
            "/businesses/\(ids[1])", form: [("csrf", browser.csrf), ("view", viewQuery), ("name", "")], cookie: browser.cookie)
        #expect(invalid.status == 422)
        #expect(AdminFixture.text(invalid).contains(#"name="view" value="\#(escaped)""#))

        let confirmation = AdminFixture.text(fixture.get("/businesses/\(ids[0])/delete", query: view, cookie: browser.cookie))
        #expect(confirmation.contains(#"name="view" value="\#(escaped)""#))
        let deleted = fixture.post(
            "/businesses/\(ids[0])/delete", form: [("csrf", browser.csrf), ("view", viewQuery)], cookie: browser.cookie)
        #expect(AdminFixture.header("Location", in: deleted) == ["/?\(viewQuery)&done=deleted"])
        let created = fixture.post(
            "/businesses", form: [("csrf", browser.csrf), ("view", viewQuery), ("name", "Acme 13")], cookie: browser.cookie)
        #expect(AdminFixture.header("Location", in: created) == ["/?\(viewQuery)&done=created"])

        // The notice is one of three fixed texts; anything else in done= shows nothing, and a
        // view field that is not a view falls back to the default list.
        let forged = AdminFixture.text(fixture.get("/", query: [("done", "<script>alert(1)</script>")], cookie: browser.cookie))
        #expect(!forged.contains("role=\"status\"") && !forged.contains("<script>alert"))
        let odd = fixture.post(
            "/businesses/\(ids[2])",
            form: [("csrf", browser.csrf), ("view", "sort=evil&page=-3&q=%3Cb%3E"), ("name", "Acme 03")], cookie: browser.cookie)
        #expect(AdminFixture.header("Location", in: odd) == ["/?sort=name&dir=asc&page=1&size=20&q=%3Cb%3E&done=saved"])
    }

    @Test func aSavedChangeNotifiesBizcached() throws {
        let fixture = try AdminFixture()
        let listener = try fixture.database.connect()
        try listener.listen("business_changed")
        let browser = try fixture.signIn(try fixture.makeRole(in: "biz_admin"))
        let created = fixture.post(
            "/businesses", form: [("csrf", browser.csrf), ("name", "Acme"), ("public_phone", "(555) 010-0007")],
            cookie: browser.cookie)
        #expect(created.status == 303)
        var payloads: [String] = []
        for _ in 0..<20 where payloads.isEmpty {
            usleep(50_000)
            payloads = try listener.notifications().map(\.payload)
        }
        #expect(payloads == ["+15550100007"])
    }

    @Test func validationErrorsShowBesideTheirFields() throws {
        let fixture = try AdminFixture()
        let acme = try fixture.insertBusiness(name: "Acme", publicPhone: "+15550100042")
        let browser = try fixture.signIn(try fixture.makeRole(in: "biz_admin"))

        let invalid = fixture.post(
            "/businesses",
            form: [
                ("csrf", browser.csrf), ("name", "   "), ("public_phone", "not a phone"), ("twilio_phone", ""),
                ("business_type", ""), ("custom_settings", "[1, 2]"),
            ],
            cookie: browser.cookie)
        #expect(invalid.status == 422)
        let page = AdminFixture.text(invalid)
        #expect(page.contains(#"<span class="error" id="name-error">A name is required.</span>"#))
        #expect(page.contains(#"id="public_phone-error">Not a phone number"#))
        #expect(page.contains(#"id="custom_settings-error">Must be a JSON object"#))
        #expect(!page.contains("twilio_phone-error"))
        // What was typed comes back, escaped.
        #expect(page.contains("value=\"not a phone\"") && page.contains(">[1, 2]</textarea>"))
        // Each error follows its own field.
        let nameField = try #require(page.range(of: "id=\"name\""))
        let nameError = try #require(page.range(of: "id=\"name-error\""))
        let phoneField = try #require(page.range(of: "id=\"public_phone\""))
        #expect(nameField.lowerBound < nameError.lowerBound && nameError.lowerBound < phoneField.lowerBound)

        let taken = fixture.post(
            "/businesses",
            form: [("csrf", browser.csrf), ("name", "Copycat"), ("public_phone", ""), ("twilio_phone", "(555) 010-0042")],
            cookie: browser.cookie)
        #expect(taken.status == 422)
        #expect(AdminFixture.text(taken).contains(#"id="twilio_phone-error">Already used by another business: Acme."#))

        // A business keeps its own number when edited.
        let other = try fixture.insertBusiness(name: "Other", publicPhone: "+15550100050")
        let keep = fixture.post(
            "/businesses/\(acme)", form: [("csrf", browser.csrf), ("name", "Acme Co"), ("public_phone", "+15550100042")],
            cookie: browser.cookie)
        #expect(keep.status == 303)
        let steal = fixture.post(
            "/businesses/\(other)", form: [("csrf", browser.csrf), ("name", "Other"), ("public_phone", "5550100042")],
            cookie: browser.cookie)
        #expect(steal.status == 422)
        #expect(AdminFixture.text(steal).contains(#"id="public_phone-error">Already used by another business: Acme Co."#))
        #expect(try fixture.owner.query("SELECT count(*)::text AS n FROM businesses")[0, "n"] == "2")
    }
}
