import BizCore
import Testing

@Suite struct HostAllowListTests {
    @Test(arguments: ["localhost", "localhost:8080", "127.0.0.1:8080", "127.0.0.1", "[::1]:8080", "[::1]", "LOCALHOST:1", "localhost."])
    func loopbackNamesAreAlwaysAllowed(_ host: String) {
        #expect(HostAllowList().allows(hostHeader: host))
    }

    @Test(arguments: [
        "evil.example", "evil.example:8080", "127.0.0.1.nip.io", "[::2]:80", "", ":8080", "localhost:80x", "local host",
        "[::1", "[::1]x", "[]:80", "admin.example.com:8080:1",
    ])
    func otherNamesAndMalformedHeadersAreRefused(_ host: String) {
        #expect(!HostAllowList().allows(hostHeader: host))
    }

    @Test func aProxysNameIsAllowedOnceAddedWhateverItsPortOrCase() {
        let list = HostAllowList(extraNames: ["admin.example.com"])
        #expect(list.allows(hostHeader: "admin.example.com"))
        #expect(list.allows(hostHeader: "Admin.Example.COM:443"))
        #expect(list.allows(hostHeader: "admin.example.com."))
        #expect(!list.allows(hostHeader: "other.example.com"))
        #expect(!list.allows(hostHeader: "admin.example.com.evil.example"))
    }

    @Test func aRequestWithoutHostIsNotABrowserAndIsAllowed() {
        #expect(HostAllowList().allows(hostHeader: nil))
    }

    @Test func hostNamesAreCheckedAndNormalized() {
        #expect(HostAllowList.hostName("Admin.Example.com.") == "admin.example.com")
        #expect(HostAllowList.hostName("10.0.0.5") == "10.0.0.5")
        for bad in ["", ".", "a..b", "-a.example", "a-.example", "a_b.example", "a b", "exämple.com", "a:80", "*.example.com"] {
            #expect(HostAllowList.hostName(bad) == nil, "\(bad)")
        }
    }
}
