import BizAdmin
import Foundation
import Testing

/// The businesses table: sorting, paging, searching, escaping.
@Suite struct BusinessListTests {
    /// The positions of `names` in `page`, in the order given; nil for a name not shown.
    private func order(of names: [String], in page: String) -> [String] {
        names.compactMap { name in page.range(of: ">\(name)<").map { (name, $0.lowerBound) } }
            .sorted { $0.1 < $1.1 }.map(\.0)
    }

    @Test func everyColumnSortsBothWaysWithAnArrow() throws {
        let fixture = try AdminFixture()
        // Each column orders the three the same way: Alpha, Bravo, Charlie.
        try fixture.insertBusiness(
            name: "Alpha", publicPhone: "+15550100001", twilioPhone: "+15550100011", businessType: "bakery",
            customSettings: #"{"tenDlcStatus": "approved"}"#)
        try fixture.insertBusiness(
            name: "Bravo", publicPhone: "+15550100002", twilioPhone: "+15550100012", businessType: "cafe",
            customSettings: #"{"tenDlcStatus": "pending"}"#)
        try fixture.insertBusiness(
            name: "Charlie", publicPhone: "+15550100003", twilioPhone: "+15550100013", businessType: "deli",
            customSettings: #"{"tenDlcStatus": "rejected"}"#)
        let browser = try fixture.signIn(try fixture.makeRole(in: "biz_viewer"))
        let names = ["Alpha", "Bravo", "Charlie"]
        let columns = [
            ("name", "Name"), ("public_phone", "Public phone"), ("twilio_phone", "Twilio phone"),
            ("business_type", "Business type"), ("ten_dlc", "10DLC"), ("updated", "Updated"),
        ]
        for (column, title) in columns {
            for (direction, arrow, flipped) in [("asc", "▲", "desc"), ("desc", "▼", "asc")] {
                let response = fixture.get("/", query: [("sort", column), ("dir", direction)], cookie: browser.cookie)
                #expect(response.status == 200)
                let page = AdminFixture.text(response)
                let expected = direction == "asc" ? names : names.reversed()
                #expect(order(of: names, in: page) == expected, "\(column) \(direction)")
                #expect(page.contains(">\(title) \(arrow)</a>"), "\(column) \(direction)")
                #expect(AdminFixture.count("▲", in: page) + AdminFixture.count("▼", in: page) == 1)
                // The sorted header's link flips the direction, back on page 1.
                #expect(page.contains("href=\"/?sort=\(column)&amp;dir=\(flipped)&amp;page=1&amp;size=20\""))
            }
        }
        let page = AdminFixture.text(fixture.get("/", cookie: browser.cookie))
        #expect(page.contains("<td>approved</td>") && page.contains("<td>bakery</td>") && page.contains("<td>+15550100011</td>"))
    }

    @Test func pagingClampsBadPagesAndSizes() throws {
        let fixture = try AdminFixture()
        for number in 1...25 {
            try fixture.insertBusiness(name: String(format: "Business %02d", number))
        }
        let browser = try fixture.signIn(try fixture.makeRole(in: "biz_admin"))
        func view(_ query: [(String, String)]) -> (page: String, rows: Int) {
            let response = fixture.get("/", query: query, cookie: browser.cookie)
            #expect(response.status == 200, "\(query)")
            let page = AdminFixture.text(response)
            return (page, AdminFixture.count(">Edit</a>", in: page))
        }
        let first = view([])
        #expect(first.page.contains("Page 1 of 2") && first.rows == 20)
        #expect(first.page.contains(">Business 01<") && !first.page.contains(">Business 21<"))
        #expect(first.page.contains("<span aria-disabled=\"true\">« First</span>"))
        #expect(first.page.contains("href=\"/?sort=name&amp;dir=asc&amp;page=2&amp;size=20\">Next ›</a>"))

        let zero = view([("page", "0")])
        #expect(zero.page.contains("Page 1 of 2") && zero.rows == 20)
        let past = view([("page", "99")])
        #expect(past.page.contains("Page 2 of 2") && past.rows == 5 && past.page.contains(">Business 25<"))
        #expect(past.page.contains("href=\"/?sort=name&amp;dir=asc&amp;page=1&amp;size=20\">‹ Previous</a>"))
        let huge = view([("page", "999999999999999999999")])
        #expect(huge.page.contains("Page 1 of 2"))
        let enormousPage = view([("page", String(Int.max))])
        #expect(enormousPage.page.contains("Page 2 of 2") && enormousPage.rows == 5)
        for size in ["1000", "abc", "-5"] {
            let clamped = view([("size", size)])
            #expect(clamped.page.contains("Page 1 of 2") && clamped.rows == 20, "size \(size)")
        }
        let ten = view([("size", "10"), ("page", "3")])
        #expect(ten.page.contains("Page 3 of 3") && ten.rows == 5)
        #expect(ten.page.contains("<option value=\"10\" selected>10</option>"))
        let fifty = view([("size", "50")])
        #expect(fifty.page.contains("Page 1 of 1") && fifty.rows == 25)
    }

    @Test func searchFindsNamesAndPhonesInAnyFormat() throws {
        let fixture = try AdminFixture()
        try fixture.insertBusiness(name: "Acme Plumbing", publicPhone: "+15550100042")
        try fixture.insertBusiness(name: "Bravo Bakery", publicPhone: "+15550100043", twilioPhone: "+15550100044")
        let browser = try fixture.signIn(try fixture.makeRole(in: "biz_viewer"))
        func shown(_ search: String) -> [String] {
            let page = AdminFixture.text(fixture.get("/", query: [("q", search)], cookie: browser.cookie))
            return order(of: ["Acme Plumbing", "Bravo Bakery"], in: page)
        }
        #expect(shown("plumb") == ["Acme Plumbing"])
        #expect(shown("(555) 010-0042") == ["Acme Plumbing"])
        #expect(shown("555.010.0044") == ["Bravo Bakery"])
        #expect(shown("+1 555 010 0043") == ["Bravo Bakery"])
        #expect(shown("a") == ["Acme Plumbing", "Bravo Bakery"])
        #expect(shown("%") == [])
        let none = AdminFixture.text(fixture.get("/", query: [("q", "nothing like it")], cookie: browser.cookie))
        #expect(none.contains("No businesses match.") && none.contains("Page 1 of 1"))
        #expect(none.contains("value=\"nothing like it\""))
        // The search stays in the sort links.
        #expect(none.contains("&amp;q=nothing+like+it\""))
    }

    @Test func everyValueIsEscaped() throws {
        let fixture = try AdminFixture()
        try fixture.insertBusiness(
            name: "<script>alert(1)</script>", businessType: "\"><img src=x>",
            customSettings: #"{"tenDlcStatus": "<b>bold</b>"}"#)
        let browser = try fixture.signIn(try fixture.makeRole(in: "biz_admin"))
        let page = AdminFixture.text(fixture.get("/", query: [("q", "<script>")], cookie: browser.cookie))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(page.contains("&quot;&gt;&lt;img src=x&gt;"))
        #expect(page.contains("&lt;b&gt;bold&lt;/b&gt;"))
        #expect(!page.contains("<script>") && !page.contains("<img") && !page.contains("<b>"))
    }
}
