import BizClient
import BizCore
import BizTestSupport
import Foundation
import Testing

/// The lookup path end to end: PostgreSQL fills Redis and the LRU, later lookups use them.
@Suite struct LookupTierTests {
    @Test func firstLookupComesFromPostgresThenRedisHoldsItThenTheLRUAnswers() throws {
        let fixture = try ServerFixture()
        let id = try fixture.insertBusiness(
            name: "Acme Plumbing", publicPhone: "+15550100001", twilioPhone: "+15550100002",
            type: "plumber", settings: #"{"tz": "America/Chicago"}"#)

        let first = try #require(try fixture.lookup("+1 (555) 010-0001"))
        #expect(first["id"] as? String == id)
        #expect(first["name"] as? String == "Acme Plumbing")
        #expect(first["public_phone"] as? String == "+15550100001")
        #expect(first["twilio_phone"] as? String == "+15550100002")
        #expect((first["custom_settings"] as? [String: Any])?["tz"] as? String == "America/Chicago")
        #expect(try fixture.daemon.hits("postgres") == 1)
        #expect(try fixture.daemon.hits("redis") == 0)
        #expect(try fixture.daemon.hits("l1") == 0)

        // Redis is written after the reply went out.
        let redis = try #require(fixture.redis)
        #expect(try eventually(within: 2) { try redis.cli("EXISTS", "business:+15550100001") == "1" })
        let ttl = try #require(Int(try redis.cli("TTL", "business:+15550100001")))
        #expect((290...300).contains(ttl))
        let stored = try redis.cli("GET", "business:+15550100001")
        let storedObject = try JSONSerialization.jsonObject(with: Data(stored.utf8)) as? [String: Any]
        #expect(storedObject?["id"] as? String == id)

        _ = try #require(try fixture.lookup("5550100001"))
        #expect(try fixture.daemon.hits("l1") == 1)
        #expect(try fixture.daemon.hits("postgres") == 1)
    }

    @Test func aKeyOnlyInRedisIsARedisHit() throws {
        let fixture = try ServerFixture()
        let redis = try #require(fixture.redis)
        let json = #"{"id":"x","name":"Only In Redis","public_phone":"+15550100077"}"#
        try redis.cli("SET", "business:+15550100077", json, "EX", "300")

        #expect(try fixture.daemon.request("GET 555-010-0077") == .ok(json))
        #expect(try fixture.daemon.hits("redis") == 1)
        #expect(try fixture.daemon.hits("postgres") == 0)
    }

    @Test(arguments: ["not json", #"{"name":"}"#, #"{"a":1},{"b":2}"#, "{\"a\":\n1}", ""])
    func aMalformedRedisValueIsIgnoredAndReplacedFromPostgres(_ value: String) throws {
        let fixture = try ServerFixture()
        let redis = try #require(fixture.redis)
        try fixture.insertBusiness(name: "Real", publicPhone: "+15550100078")
        try redis.cli("SET", "business:+15550100078", value)

        let business = try #require(try fixture.lookup("+15550100078"))
        #expect(business["name"] as? String == "Real")
        #expect(try fixture.daemon.hits("postgres") == 1)
        #expect(try eventually(within: 2) { try redis.cli("GET", "business:+15550100078").contains("\"Real\"") })
    }

    @Test func aRedisThatStopsAnsweringIsBypassedNotWaitedForForever() throws {
        let fixture = try ServerFixture(arguments: ["--l1-capacity", "0"])
        let redis = try #require(fixture.redis)
        try fixture.insertBusiness(name: "Frozen Redis", publicPhone: "+15550100015")
        #expect(try fixture.lookup("5550100015")?["name"] as? String == "Frozen Redis")

        // SIGSTOP: the connection stays open, but nothing is answered.
        redis.suspend()
        defer { redis.resume() }
        let started = Date()
        let client = try fixture.daemon.client(timeout: 20)
        #expect(try client.request("GET 5550100015") != .notFound)
        guard case .ok(let json?) = try client.request("GET 5550100015") else {
            Issue.record("no answer while Redis is frozen")
            return
        }
        #expect(json.contains("Frozen Redis"))
        #expect(Date().timeIntervalSince(started) < 15)
        #expect(try fixture.daemon.hits("postgres") >= 2)

        redis.resume()
        #expect(try fixture.lookup("5550100015")?["name"] as? String == "Frozen Redis")
    }

    @Test func runsWithoutRedis() throws {
        let fixture = try ServerFixture(withRedis: false)
        try fixture.insertBusiness(name: "No Redis", publicPhone: "+15550100010")

        #expect(try fixture.lookup("5550100010")?["name"] as? String == "No Redis")
        #expect(try fixture.lookup("5550100010")?["name"] as? String == "No Redis")
        #expect(try fixture.daemon.hits("postgres") == 1)
        #expect(try fixture.daemon.hits("l1") == 1)
        #expect(try fixture.daemon.stats()["redis_configured"] as? Bool == false)
        #expect(try fixture.daemon.request("INVALIDATE 5550100010") == .ok(nil))
        #expect(try fixture.daemon.request("GET 5559990000") == .notFound)
    }

    @Test func anExpiredEntryIsFetchedAgain() throws {
        let fixture = try ServerFixture(arguments: ["--ttl", "1"])
        try fixture.insertBusiness(name: "Short Lived", publicPhone: "+15550100011")

        // One connection throughout: its loop sleeps through the TTL and must not judge
        // expiry by the time it last woke.
        let client = try fixture.daemon.client()
        #expect(try client.request("GET 5550100011") != .notFound)
        #expect(try client.request("GET 5550100011") != .notFound)
        #expect(try fixture.daemon.hits("l1") == 1)
        usleep(1_300_000)
        #expect(try client.request("GET 5550100011") != .notFound)
        #expect(try fixture.daemon.hits("l1") == 1)
        // Redis has its own copy with the same TTL; one of the two slower tiers answered.
        #expect(try fixture.daemon.hits("postgres") + fixture.daemon.hits("redis") == 2)
    }

    @Test func invalidateDropsTheLRUAndTheRedisKey() throws {
        let fixture = try ServerFixture()
        let redis = try #require(fixture.redis)
        try fixture.insertBusiness(name: "Real", publicPhone: "+15550100012")
        #expect(try fixture.lookup("5550100012")?["name"] as? String == "Real")
        #expect(try eventually(within: 2) { try redis.cli("EXISTS", "business:+15550100012") == "1" })

        // Something else wrote a wrong value to Redis: Redis reports the change, the LRU
        // drops its copy, and the wrong value is served until INVALIDATE.
        try redis.cli("SET", "business:+15550100012", #"{"name":"Wrong"}"#)
        #expect(try eventually(within: 2) { try fixture.lookup("5550100012")?["name"] as? String == "Wrong" })
        #expect(try fixture.daemon.request("INVALIDATE +1 555 010 0012") == .ok(nil))
        #expect(try redis.cli("EXISTS", "business:+15550100012") == "0")
        #expect(try fixture.lookup("5550100012")?["name"] as? String == "Real")
        #expect(try fixture.daemon.hits("postgres") == 2)
    }

    @Test func aChangeInPostgresReachesTheCachesWithoutWaitingForTheTTL() throws {
        let fixture = try ServerFixture()
        let redis = try #require(fixture.redis)
        let id = try fixture.insertBusiness(name: "Before", publicPhone: "+15550100016", twilioPhone: "+15550100017")
        #expect(try fixture.lookup("5550100016")?["name"] as? String == "Before")
        #expect(try fixture.lookup("5550100017")?["name"] as? String == "Before")

        // The trigger's NOTIFY drops both numbers from the LRU and Redis.
        try fixture.database.connect().query("UPDATE businesses SET name = 'After' WHERE id = $1::uuid", [id])
        #expect(try waitForName("After", of: "5550100016", in: fixture))
        #expect(try fixture.lookup("5550100017")?["name"] as? String == "After")

        // A number moved away from the business is dropped too: its old key answers NOTFOUND.
        try fixture.database.connect().query("UPDATE businesses SET twilio_phone = NULL WHERE id = $1::uuid", [id])
        var gone = false
        for _ in 0..<200 where !gone {
            gone = try fixture.daemon.request("GET 5550100017") == .notFound
            if !gone { usleep(50_000) }
        }
        #expect(gone)
        // The old business is gone from Redis (the lookup may have cached the absence).
        #expect(try eventually(within: 2) { ["", "NOTFOUND"].contains(try redis.cli("GET", "business:+15550100017")) })

        try fixture.database.connect().query("DELETE FROM businesses WHERE id = $1::uuid", [id])
        var deleted = false
        for _ in 0..<200 where !deleted {
            deleted = try fixture.daemon.request("GET 5550100016") == .notFound
            if !deleted { usleep(50_000) }
        }
        #expect(deleted)
    }

    @Test func theChangeListenerListensAgainAfterItsConnectionIsCut() throws {
        let fixture = try ServerFixture()
        let id = try fixture.insertBusiness(name: "One", publicPhone: "+15550100018")
        #expect(try fixture.lookup("5550100018")?["name"] as? String == "One")

        let admin = try fixture.database.connectAdministrator()
        let listeners = "SELECT pid::text AS pid FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN%'"
        var first: String?
        for _ in 0..<40 where first == nil {
            first = try admin.query(listeners, [fixture.database.name]).rows.first?.first ?? nil
            if first == nil { usleep(50_000) }
        }
        let terminatedPID = try #require(first)
        try admin.query("SELECT pg_terminate_backend($1::int)", [terminatedPID])

        // Once a new session listens, a change must still reach the caches.
        var listening = false
        for _ in 0..<200 where !listening {
            let pids = try admin.query(listeners, [fixture.database.name]).rows.compactMap { $0.first ?? nil }
            listening = pids.contains { $0 != terminatedPID }
            if !listening { usleep(50_000) }
        }
        #expect(listening)
        try fixture.database.connect().query("UPDATE businesses SET name = 'Two' WHERE id = $1::uuid", [id])
        #expect(try waitForName("Two", of: "5550100018", in: fixture))
        #expect(fixture.daemon.log.contains("postgres reconnected"))
    }

    /// Polls for up to 10 s (the suite runs tests in parallel on two cores) until the
    /// number's business has `name`.
    private func waitForName(_ name: String, of phone: String, in fixture: ServerFixture) throws -> Bool {
        for _ in 0..<200 {
            if try fixture.lookup(phone)?["name"] as? String == name { return true }
            usleep(50_000)
        }
        return false
    }

    @Test func aNumberClaimedByTwoBusinessesIsAmbiguous() throws {
        let fixture = try ServerFixture(sql: """
            SET session_replication_role = replica;
            INSERT INTO businesses (name, public_phone) VALUES ('Twin A', '+15550100013');
            INSERT INTO businesses (name, twilio_phone) VALUES ('Twin B', '+15550100013');
            SET session_replication_role = DEFAULT;
            """)
        guard case .error(.ambiguous?, _, _) = try fixture.daemon.request("GET 5550100013") else {
            Issue.record("expected ERR AMBIGUOUS")
            return
        }
        #expect(try fixture.daemon.request("PING") == .pong)
    }

    @Test func postgresUnreachableAnswersUnavailableAndKeepsServingCachedNumbers() throws {
        let fixture = try ServerFixture()
        try fixture.insertBusiness(name: "Cached", publicPhone: "+15550100014")
        _ = try #require(try fixture.lookup("5550100014"))

        // The daemon's sessions are cut and the database is renamed away: every reconnect fails.
        let admin = try fixture.database.connectAdministrator()
        _ = try admin.query("ALTER DATABASE \(fixture.database.name) ALLOW_CONNECTIONS false")
        _ = try admin.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [fixture.database.name])
        defer { _ = try? admin.query("ALTER DATABASE \(fixture.database.name) ALLOW_CONNECTIONS true") }

        #expect(try fixture.lookup("5550100014")?["name"] as? String == "Cached")
        guard case .error(.unavailable?, _, _) = try fixture.daemon.request("GET 5559990001") else {
            Issue.record("expected ERR UNAVAILABLE")
            return
        }
        #expect(try fixture.daemon.request("PING") == .pong)
    }
}
