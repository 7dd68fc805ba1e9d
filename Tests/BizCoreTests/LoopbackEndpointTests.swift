import BizCore
import Testing

@Suite struct LoopbackEndpointTests {
    @Test(arguments: [
        ("127.0.0.1:9464", "127.0.0.1", UInt16(9464)),
        ("127.0.0.53:1", "127.0.0.53", 1),
        ("localhost:65535", "127.0.0.1", 65535),
        ("[::1]:9465", "::1", 9465),
    ])
    func acceptsLoopback(text: String, host: String, port: UInt16) throws {
        let endpoint = try LoopbackEndpoint(text, settingName: "--metrics-listen")
        #expect(endpoint.host == host)
        #expect(endpoint.port == port)
    }

    @Test func describesItselfAsWritten() throws {
        #expect(try LoopbackEndpoint("[::1]:9465", settingName: "x").description == "[::1]:9465")
        #expect(try LoopbackEndpoint("127.0.0.1:9464", settingName: "x").description == "127.0.0.1:9464")
    }

    @Test(arguments: [
        "0.0.0.0:9464", "10.0.0.1:9464", "[::]:9464", "example.com:80", "127.0.0.1", "127.0.0.1:0",
        "127.0.0.1:70000", "127.0.0.1:abc", ":9464", "[::1]9464", "[::1", "127.0.0:9464", "127.0.0.256:1",
    ])
    func refusesAnythingElse(text: String) {
        #expect(throws: ConfigurationError.self) { try LoopbackEndpoint(text, settingName: "--metrics-listen") }
        do {
            _ = try LoopbackEndpoint(text, settingName: "--metrics-listen")
        } catch {
            #expect(error.description.hasPrefix("invalid --metrics-listen:"), "\(error)")
        }
    }
}
