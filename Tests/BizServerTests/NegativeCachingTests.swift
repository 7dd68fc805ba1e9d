import BizClient
import BizTestSupport
import Foundation
import Testing

/// `NOTFOUND` answers are cached too, for a shorter time, and a new business ends them.
@Suite struct NegativeCachingTests {
    @Test func notFoundIsCachedInTheLRUAndInRedisForTheNegativeTTL() throws {
        let fixture = try ServerFixture()
        let redis = try #require(fixture.redis)
        #expect(try fixture.daemon.request("GET +15550500001") == .notFound)
        #expect(try fixture.daemon.counter("backend", "postgres_lookups") == 1)
        // Redis is written after the reply went out.
        #expect(try eventually(within: 2) { try redis.cli("GET", "business:+15550500001") == "NOTFOUND" })
        let ttl = try #require(Int(redis.cli("TTL", "business:+15550500001")))
        #expect((25...30).contains(ttl), "default negative TTL is 30 s, got \(ttl)")

        // Answered from the LRU, then (on another instance) from Redis: PostgreSQL is not asked again.
        #expect(try fixture.daemon.request("GET +15550500001") == .notFound)
        #expect(try fixture.daemon.hits("l1") == 1)
        let other = try fixture.secondDaemon()
        #expect(try other.request("GET +15550500001") == .notFound)
        #expect(try other.hits("redis") == 1)
        #expect(try other.counter("backend", "postgres_lookups") == 0)
        #expect(try fixture.daemon.counter("not_found") == 2)
    }

    @Test func insertingABusinessWithTheNumberEndsTheNegativeEntry() throws {
        let fixture = try ServerFixture()
        let other = try fixture.secondDaemon()
        #expect(try fixture.daemon.request("GET +15550500002") == .notFound)
        #expect(try other.request("GET +15550500002") == .notFound)
        try fixture.insertBusiness(name: "Just Opened", publicPhone: "+15550500002")
        #expect(try eventually(within: 2) { try fixture.daemon.name(of: "+15550500002") == "Just Opened" })
        #expect(try eventually(within: 2) { try other.name(of: "+15550500002") == "Just Opened" })
    }

    @Test func theNegativeTTLIsConfigurableAndZeroTurnsItOff() throws {
        let fixture = try ServerFixture(arguments: ["--negative-ttl", "1"])
        let redis = try #require(fixture.redis)
        #expect(try fixture.daemon.request("GET +15550500003") == .notFound)
        #expect(try eventually(within: 2) { try redis.cli("GET", "business:+15550500003") == "NOTFOUND" })
        #expect(try (0...1).contains(Int(redis.cli("TTL", "business:+15550500003")) ?? -1))
        usleep(1_500_000)
        #expect(try fixture.daemon.request("GET +15550500003") == .notFound)
        #expect(try fixture.daemon.counter("backend", "postgres_lookups") == 2, "expired: asked again")

        let off = try fixture.secondDaemon(arguments: ["--negative-ttl", "0"])
        #expect(try off.request("GET +15550500004") == .notFound)
        #expect(try off.request("GET +15550500004") == .notFound)
        #expect(try off.counter("backend", "postgres_lookups") == 2)
        #expect(try redis.cli("EXISTS", "business:+15550500004") == "0")
    }
}
