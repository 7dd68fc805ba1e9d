import BizCore
import Testing

@Suite struct MetricsReplyTests {
    @Test func theTextTravelsOnOneLineAndComesBackUnchanged() throws {
        let text = "# HELP a_total Say \"hi\" \\ bye\n# TYPE a_total counter\na_total{x=\"q\\\"\"} 1\n"
        let json = MetricsReply.json(text: text)
        #expect(!json.contains("\n"))
        #expect(JSONSyntax.isSingleLineObject(json))
        #expect(json.hasPrefix(##"{"format":"prometheus-text-0.0.4","text":"# HELP"##))
        #expect(MetricsReply.text(fromJSON: json) == text)
        let reply = Reply.ok(json: json)
        #expect(reply.filter { $0 == 0x0A }.count == 1)
    }

    @Test func anotherFormatIsNotTakenForThisOne() {
        #expect(MetricsReply.text(fromJSON: #"{"format":"openmetrics-1.0.0","text":"x"}"#) == nil)
        #expect(MetricsReply.text(fromJSON: #"{"text":"x"}"#) == nil)
    }
}
