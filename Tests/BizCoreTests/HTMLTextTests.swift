import BizCore
import Testing

@Suite("HTMLText")
struct HTMLTextTests {
    @Test("A script in a business name shows as text")
    func scriptIsText() {
        #expect(HTMLText(escaping: "<script>alert(1)</script>").markup == "&lt;script&gt;alert(1)&lt;/script&gt;")
    }

    @Test("All five special characters are escaped, others kept")
    func fiveCharacters() {
        #expect(HTMLText.escape(#"Tom & Jerry's "Diner" <1>"#) == "Tom &amp; Jerry&#39;s &quot;Diner&quot; &lt;1&gt;")
        #expect(HTMLText.escape("Café ☕ 10DLC") == "Café ☕ 10DLC")
        #expect(HTMLText.escape("&amp;") == "&amp;amp;")
    }

    @Test("Attribute values cannot close their quotes")
    func attributes() {
        let link = HTMLText.element("a", ["href": "/?q=\" onmouseover='x'", "class": nil], text: "<b>")
        #expect(link.markup == #"<a href="/?q=&quot; onmouseover=&#39;x&#39;">&lt;b&gt;</a>"#)
    }

    @Test("Void elements have no end tag; empty attribute values are bare")
    func voidElements() {
        let input = HTMLText.element("input", ["name": "q", "value": "a&b", "required": ""])
        #expect(input.markup == #"<input name="q" value="a&amp;b" required>"#)
    }

    @Test("Pieces join in order")
    func joining() {
        var page = HTMLText(markup: "<p>") + HTMLText(escaping: "1 < 2")
        page.append(HTMLText(markup: "</p>"))
        #expect(page.description == "<p>1 &lt; 2</p>")
        #expect(HTMLText().markup.isEmpty)
    }
}
