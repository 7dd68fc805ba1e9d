import BizCore
import BizRedis
import BizTestSupport
import Testing

@Suite("RedisConnection against a private redis-server")
struct RedisConnectionTests {
    @Test func connectsOverUnixSocketAndPings() throws {
        let server = try RedisServerProcess()
        let connection = try RedisConnection(endpoint: server.endpoint)
        try connection.ping()
        #expect(connection.socketDescriptor >= 0)
        #expect(!connection.isBroken)
    }

    @Test func connectsThroughParsedURL() throws {
        let server = try RedisServerProcess()
        let connection = try RedisConnection(endpoint: RedisEndpoint(url: server.url))
        #expect(try connection.command("ECHO", "hi") == .string(Array("hi".utf8)))
    }

    @Test func setWithExpiryThenGet() throws {
        let server = try RedisServerProcess()
        let connection = try RedisConnection(endpoint: server.endpoint)
        let key = "business:+15550100001"
        try connection.set(key, value: Array(#"{"id":"b1"}"#.utf8), expireSeconds: 60)
        #expect(try connection.get(key) == Array(#"{"id":"b1"}"#.utf8))
        let ttl = try connection.ttl(key)
        #expect(ttl > 0 && ttl <= 60)
        let cliTTL = try #require(Int(try server.cli("TTL", key)))
        #expect(cliTTL > 0 && cliTTL <= 60)
    }

    @Test func valuesAndKeysAreBinarySafe() throws {
        let server = try RedisServerProcess()
        let connection = try RedisConnection(endpoint: server.endpoint)
        let value: [UInt8] = [0x00, 0x41, 0x0D, 0x0A, 0x00, 0xFF, 0x24, 0x2A, 0x0D, 0x0A]
        try connection.set("bin", value: value, expireSeconds: 30)
        #expect(try connection.get("bin") == value)
        let key: [UInt8] = [0x6B, 0x00, 0x0D, 0x0A]
        #expect(try connection.command([Array("SET".utf8), key, []]) == .status("OK"))
        #expect(try connection.command([Array("GET".utf8), key]) == .string([]))
        #expect(try connection.command([Array("STRLEN".utf8), Array("bin".utf8)]) == .integer(10))
    }

    @Test func getOfMissingKeyIsNil() throws {
        let server = try RedisServerProcess()
        let connection = try RedisConnection(endpoint: server.endpoint)
        #expect(try connection.get("nope") == nil)
        #expect(try connection.command("GET", "nope") == .null)
        #expect(try connection.ttl("nope") == -2)
    }

    @Test func deleteCountsExistingKeys() throws {
        let server = try RedisServerProcess()
        let connection = try RedisConnection(endpoint: server.endpoint)
        try connection.set("a", value: [1], expireSeconds: 30)
        try connection.set("b", value: [2], expireSeconds: 30)
        #expect(try connection.delete(["a", "b", "c"]) == 2)
        #expect(try connection.delete(["a"]) == 0)
        #expect(try connection.delete([]) == 0)
        #expect(try connection.get("a") == nil)
    }

    @Test func replyTypesAreConverted() throws {
        let server = try RedisServerProcess()
        let connection = try RedisConnection(endpoint: server.endpoint)
        #expect(try connection.command("RPUSH", "list", "x", "") == .integer(2))
        #expect(try connection.command("LRANGE", "list", "0", "-1") == .array([.string(Array("x".utf8)), .string([])]))
        #expect(try connection.command("LRANGE", "empty", "0", "-1") == .array([]))
        #expect(try connection.command("INCRBY", "n", "-5") == .integer(-5))
        #expect(try connection.command("PING") == .status("PONG"))
    }

    @Test func wrongTypeIsAnErrorReplyOrAServerError() throws {
        let server = try RedisServerProcess()
        let connection = try RedisConnection(endpoint: server.endpoint)
        _ = try connection.command("LPUSH", "list", "x")
        let reply = try connection.command("GET", "list")
        guard case .error(let message) = reply else {
            Issue.record("expected an error reply, got \(reply)")
            return
        }
        #expect(message.hasPrefix("WRONGTYPE"))
        #expect(throws: RedisError.server(message)) { try connection.get("list") }
        // An error reply leaves the connection usable.
        #expect(!connection.isBroken)
        try connection.ping()
    }

    @Test func pipelineReturnsRepliesInOrder() throws {
        let server = try RedisServerProcess()
        let connection = try RedisConnection(endpoint: server.endpoint)
        let commands = (0..<100).map { index -> [[UInt8]] in
            index.isMultiple(of: 2)
                ? [Array("SET".utf8), Array("k\(index)".utf8), Array("v\(index)".utf8)]
                : [Array("GET".utf8), Array("k\(index - 1)".utf8)]
        }
        let replies = try connection.pipeline(commands)
        #expect(replies.count == 100)
        for (index, reply) in replies.enumerated() {
            let expected: RedisValue = index.isMultiple(of: 2) ? .status("OK") : .string(Array("v\(index - 1)".utf8))
            #expect(reply == expected, "reply \(index)")
        }
        #expect(try connection.pipeline([]) == [])
        let mixed = try connection.pipeline([
            [Array("INCR".utf8), Array("k0".utf8)], [Array("GET".utf8), Array("missing".utf8)],
        ])
        #expect(mixed.count == 2)
        #expect(mixed.first.map { if case .error = $0 { true } else { false } } == true)
        #expect(mixed.last == .null)
    }

    @Test func authenticatesWithPassword() throws {
        let password = "s3cret-Pass"
        let server = try RedisServerProcess(extraArguments: ["--requirepass", password])
        var endpoint = server.endpoint
        endpoint.password = password
        try RedisConnection(endpoint: endpoint).ping()

        // Without AUTH the server refuses commands; that is a server error, not a broken connection.
        let anonymous = try RedisConnection(endpoint: server.endpoint)
        #expect(throws: RedisError.self) { try anonymous.ping() }
        #expect(!anonymous.isBroken)
    }

    @Test func wrongPasswordIsAuthenticationFailedWithoutThePassword() throws {
        let server = try RedisServerProcess(extraArguments: ["--requirepass", "right-one"])
        var endpoint = server.endpoint
        endpoint.password = "wrong-Pa55word"
        do {
            _ = try RedisConnection(endpoint: endpoint)
            Issue.record("connected with a wrong password")
        } catch {
            guard case .authenticationFailed = error else {
                Issue.record("expected authenticationFailed, got \(error)")
                return
            }
            #expect(!error.description.contains("wrong-Pa55word"))
            #expect(!"\(error)".contains("wrong-Pa55word"))
        }
    }

    @Test func authenticatesAsAclUser() throws {
        let server = try RedisServerProcess(extraArguments: ["--user", "alice", "on", ">alice-pw", "~*", "+@all"])
        let connection = try RedisConnection(endpoint: RedisEndpoint(url: "unix://alice:alice-pw@\(server.socketPath)"))
        #expect(try connection.command("ACL", "WHOAMI") == .string(Array("alice".utf8)))
        #expect(throws: RedisError.self) {
            try RedisConnection(endpoint: RedisEndpoint(url: "unix://alice:nope@\(server.socketPath)"))
        }
    }

    @Test func selectsTheEndpointsDatabase() throws {
        let server = try RedisServerProcess()
        let connection = try RedisConnection(endpoint: RedisEndpoint(url: "\(server.url)?db=3"))
        try connection.set("in-three", value: Array("yes".utf8), expireSeconds: 60)
        #expect(try server.cli("-n", "3", "GET", "in-three") == "yes")
        #expect(try server.cli("-n", "0", "EXISTS", "in-three") == "0")
    }

    @Test func databaseOutOfRangeFailsToConnect() throws {
        let server = try RedisServerProcess(extraArguments: ["--databases", "2"])
        #expect {
            try RedisConnection(endpoint: RedisEndpoint(url: "\(server.url)?db=5"))
        } throws: { error in
            guard let error = error as? RedisError, case .connectFailed(let message) = error else { return false }
            return message.contains("SELECT 5")
        }
    }

    @Test func missingSocketIsConnectFailed() throws {
        let endpoint = RedisEndpoint(address: .unix(path: "/tmp/bizredis-does-not-exist/redis.sock"))
        #expect {
            try RedisConnection(endpoint: endpoint)
        } throws: { error in
            guard let error = error as? RedisError, case .connectFailed = error else { return false }
            return true
        }
    }

    @Test func killedServerBreaksTheConnectionForGood() throws {
        let server = try RedisServerProcess()
        let connection = try RedisConnection(endpoint: server.endpoint)
        try connection.ping()
        server.kill()
        #expect {
            try connection.ping()
        } throws: { error in
            guard let error = error as? RedisError, case .connectionLost = error else { return false }
            return true
        }
        #expect(connection.isBroken)

        // A new server on the same path does not revive it: later calls fail at once.
        try server.restart()
        let start = ContinuousClock.now
        for _ in 0..<3 {
            #expect(throws: RedisError.self) { try connection.get("x") }
        }
        #expect(throws: RedisError.self) { try connection.pipeline([[Array("PING".utf8)]]) }
        #expect(ContinuousClock.now - start < .milliseconds(50))
        try RedisConnection(endpoint: server.endpoint).ping()
    }

    @Test func unresponsiveServerTimesOut() throws {
        let server = try RedisServerProcess()
        defer { server.resume() }
        let timeout = Duration.milliseconds(400)
        let connection = try RedisConnection(endpoint: server.endpoint, timeout: timeout)
        try connection.ping()
        server.suspend()
        let start = ContinuousClock.now
        #expect {
            try connection.ping()
        } throws: { error in
            guard let error = error as? RedisError, case .connectionLost = error else { return false }
            return true
        }
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(2), "took \(elapsed)")
        #expect(connection.isBroken)
    }
}
