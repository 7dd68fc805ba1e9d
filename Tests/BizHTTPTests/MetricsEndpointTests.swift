import BizCore
import BizHTTP
import BizTestSupport
import Synchronization
import Testing

@Suite struct MetricsEndpointTests {
    @Test func getAndHeadOfMetricsAnswerTheExpositionAsVersion004Text() {
        for method in ["GET", "HEAD"] {
            let response = MetricsEndpoint.respond(to: HTTPRequest(method: method, path: "/metrics")) { "a_total 1\n" }
            #expect(response.status == 200)
            #expect(response.headers == [.init("Content-Type", "text/plain; version=0.0.4; charset=utf-8")])
            #expect(response.body == Array("a_total 1\n".utf8))
        }
    }

    @Test(arguments: ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "get"])
    func otherMethodsAre405AndSayWhatIsAllowed(_ method: String) {
        let response = MetricsEndpoint.respond(to: HTTPRequest(method: method, path: "/metrics")) {
            Issue.record("rendered for \(method)")
            return ""
        }
        #expect(response.status == 405)
        #expect(response.headers.contains(.init("Allow", "GET, HEAD")))
    }

    @Test(arguments: ["/", "/metrics/", "/Metrics", "/metrics.txt", "/admin", ""])
    func otherPathsAre404(_ path: String) {
        #expect(MetricsEndpoint.respond(to: HTTPRequest(method: "GET", path: path)) { "" }.status == 404)
    }

    @Test func servedOverHTTPEachScrapeRendersAfresh() throws {
        let endpoint = try LoopbackEndpoint("127.0.0.1:\(try LoopbackHTTPClient.freePort())", settingName: "test")
        let scrapes = Atomic<Int>(0)
        let server = try MetricsEndpoint.serve(on: endpoint, onError: { _ in }) {
            "scrapes_total \(scrapes.add(1, ordering: .relaxed).newValue)\n"
        }
        defer { server.stop() }
        let first = try LoopbackHTTPClient.request("GET", "/metrics", port: endpoint.port)
        #expect(first.status == 200)
        #expect(first.headers["content-type"] == PrometheusText.contentType)
        #expect(first.body == "scrapes_total 1\n")
        #expect(try LoopbackHTTPClient.request("GET", "/metrics", port: endpoint.port).body == "scrapes_total 2\n")
        #expect(try LoopbackHTTPClient.request("GET", "/", port: endpoint.port).status == 404)
        let post = try LoopbackHTTPClient.request("POST", "/metrics", port: endpoint.port, body: "x=1")
        #expect(post.status == 405)
        #expect(post.headers["allow"] == "GET, HEAD")
        #expect(scrapes.load(ordering: .relaxed) == 2)
    }
}
