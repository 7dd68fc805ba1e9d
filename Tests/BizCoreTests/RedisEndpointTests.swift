import BizCore
import Testing

@Suite struct RedisEndpointTests {
    private func reason(_ url: String) -> String? {
        do {
            _ = try RedisEndpoint(url: url)
            return nil
        } catch {
            guard case .invalidValue(let name, let reason) = error, name == "REDIS_URL" else { return "unexpected \(error)" }
            return reason
        }
    }

    // MARK: TCP

    @Test(
        "redis:// URLs",
        arguments: [
            ("redis://localhost", RedisEndpoint(address: .tcp(host: "localhost", port: 6379))),
            ("redis://localhost:6380", RedisEndpoint(address: .tcp(host: "localhost", port: 6380))),
            ("redis://127.0.0.1:6379/2", RedisEndpoint(address: .tcp(host: "127.0.0.1", port: 6379), database: 2)),
            ("redis://cache.internal/15", RedisEndpoint(address: .tcp(host: "cache.internal", port: 6379), database: 15)),
            ("redis://h/", RedisEndpoint(address: .tcp(host: "h", port: 6379))),
            ("redis://h:1/15999", RedisEndpoint(address: .tcp(host: "h", port: 1), database: 15_999)),
            ("redis://h:65535", RedisEndpoint(address: .tcp(host: "h", port: 65_535))),
            ("redis://h?db=3", RedisEndpoint(address: .tcp(host: "h", port: 6379), database: 3)),
            ("redis://[::1]", RedisEndpoint(address: .tcp(host: "::1", port: 6379))),
            ("redis://[::1]:6380/1", RedisEndpoint(address: .tcp(host: "::1", port: 6380), database: 1)),
            ("redis://[fe80::1%eth0]:7000", RedisEndpoint(address: .tcp(host: "fe80::1%eth0", port: 7000))),
        ])
    func tcp(_ url: String, _ expected: RedisEndpoint) throws {
        #expect(try RedisEndpoint(url: url) == expected)
    }

    @Test(
        "Credentials",
        arguments: [
            ("redis://:secret@h", nil, "secret"),
            ("redis://user:secret@h:6380/1", "user", "secret"),
            ("redis://secret@h", nil, "secret"),
            ("redis://user:p:a:ss@h", "user", "p:a:ss"),
            ("redis://user:p@ss@h", "user", "p@ss"),
            ("redis://user:p/ss@h/2", "user", "p/ss"),
            ("redis://user:@h", "user", nil),  // an empty password means no AUTH password
        ] as [(String, String?, String?)])
    func credentials(_ url: String, _ username: String?, _ password: String?) throws {
        let endpoint = try RedisEndpoint(url: url)
        #expect(endpoint.username == username)
        #expect(endpoint.password == password)
        guard case .tcp(let host, _) = endpoint.address else {
            Issue.record("not tcp: \(endpoint)")
            return
        }
        #expect(host == "h")
    }

    @Test("A slash in the password does not end the host part")
    func slashInPassword() throws {
        let endpoint = try RedisEndpoint(url: "redis://user:p/ss@h:6380/2")
        #expect(endpoint.address == .tcp(host: "h", port: 6380))
        #expect(endpoint.database == 2)
    }

    @Test(
        "Bad redis:// URLs say why",
        arguments: [
            ("", "must start with redis:// or unix://"),
            ("localhost:6379", "must start with redis:// or unix://"),
            ("http://h", "must start with redis:// or unix://"),
            ("rediss://h", "must start with redis:// or unix://"),
            ("REDIS://h", "must start with redis:// or unix://"),
            ("redis://", "missing host"),
            ("redis:///2", "missing host"),
            ("redis://:6379", "missing host"),
            ("redis://user:pw@", "missing host"),
            ("redis://h:", "bad port"),
            ("redis://h:abc", "bad port"),
            ("redis://h:0", "port must be 1 to 65535"),
            ("redis://h:65536", "port must be 1 to 65535"),
            ("redis://h:-1", "port must be 1 to 65535"),
            ("redis://h/x", "db must be a number"),
            ("redis://h/-1", "db must be a number"),
            ("redis://h/16000", "db must be a number"),
            ("redis://h/1/2", "db must be a number"),
            ("redis://h?db=x", "db must be a number"),
            ("redis://h?db=16000", "db must be a number"),
            ("redis://h?timeout=5", "unknown parameter 'timeout=5'"),
            ("redis://h?db", "unknown parameter 'db'"),
            ("redis://[::1", "unclosed '[' in host"),
            ("redis://[::1]x", "bad port"),
            ("redis://[::1]:", "bad port"),
            ("redis://[]", "missing host"),
        ])
    func badTCP(_ url: String, _ why: String) {
        #expect(reason(url) == why)
    }

    // MARK: Unix sockets

    @Test(
        "unix:// URLs",
        arguments: [
            ("unix:///run/redis/redis.sock", RedisEndpoint(address: .unix(path: "/run/redis/redis.sock"))),
            ("unix:///tmp/r.sock?db=4", RedisEndpoint(address: .unix(path: "/tmp/r.sock"), database: 4)),
            ("unix:///tmp/r.sock?db=1&db=2", RedisEndpoint(address: .unix(path: "/tmp/r.sock"), database: 2)),
            ("unix:///tmp/r.sock?", RedisEndpoint(address: .unix(path: "/tmp/r.sock"))),
            ("unix://:pw@/tmp/r.sock", RedisEndpoint(address: .unix(path: "/tmp/r.sock"), password: "pw")),
            ("unix://u:pw@/tmp/r.sock?db=9", RedisEndpoint(address: .unix(path: "/tmp/r.sock"), database: 9, username: "u", password: "pw")),
            ("unix:///a b/r.sock", RedisEndpoint(address: .unix(path: "/a b/r.sock"))),
        ])
    func unix(_ url: String, _ expected: RedisEndpoint) throws {
        #expect(try RedisEndpoint(url: url) == expected)
    }

    @Test(
        "Bad unix:// URLs say why",
        arguments: [
            ("unix://", "unix:// needs an absolute socket path"),
            ("unix:///", "unix:// needs an absolute socket path"),
            ("unix://tmp/r.sock", "unix:// needs an absolute socket path"),
            ("unix://./r.sock", "unix:// needs an absolute socket path"),
            ("unix:///tmp/r.sock?db=-1", "db must be a number"),
            ("unix:///tmp/r.sock?database=1", "unknown parameter 'database=1'"),
        ])
    func badUnix(_ url: String, _ why: String) {
        #expect(reason(url) == why)
    }

    // MARK: Description

    @Test("The description shows where, never the credentials")
    func description() throws {
        let tcp = try RedisEndpoint(url: "redis://admin:hunter2@cache:6380/3")
        #expect(tcp.description == "redis://cache:6380/3")
        let unix = try RedisEndpoint(url: "unix://admin:hunter2@/run/redis.sock?db=5")
        #expect(unix.description == "unix:///run/redis.sock?db=5")
        for endpoint in [tcp, unix] {
            #expect(!endpoint.description.contains("hunter2"))
            #expect(!endpoint.description.contains("admin"))
            #expect(!"\(endpoint)".contains("hunter2"))
        }
    }

    @Test("A description parses back to the same place", arguments: [
        "redis://h", "redis://10.0.0.1:7000/12", "unix:///tmp/r.sock", "unix:///tmp/r.sock?db=3", "redis://[::1]:6380/2",
    ])
    func descriptionRoundTrip(_ url: String) throws {
        let endpoint = try RedisEndpoint(url: url)
        #expect(try RedisEndpoint(url: endpoint.description) == endpoint)
    }

    @Test("The memberwise initializer's defaults")
    func memberwiseDefaults() {
        let endpoint = RedisEndpoint(address: .tcp(host: "h", port: 1))
        #expect(endpoint.database == 0)
        #expect(endpoint.username == nil)
        #expect(endpoint.password == nil)
    }

    @Test("Error descriptions are readable")
    func errorText() throws {
        #expect(throws: ConfigurationError.invalidValue(name: "REDIS_URL", reason: "missing host")) {
            try RedisEndpoint(url: "redis://")
        }
        do {
            _ = try RedisEndpoint(url: "memcached://h")
            Issue.record("accepted memcached://")
        } catch {
            #expect(error.description == "invalid REDIS_URL: must start with redis:// or unix://")
        }
    }
}
