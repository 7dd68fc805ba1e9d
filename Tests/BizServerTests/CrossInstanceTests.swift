import BizClient
import BizTestSupport
import Foundation
import Glibc
import Testing

/// Several bizcached instances share one Redis: a change seen by one reaches the LRU of
/// every other through Redis's client-side caching invalidations.
@Suite struct CrossInstanceTests {
    @Test func anInvalidateOnOneInstanceDropsTheLRUCopyOfAnother() throws {
        let fixture = try ServerFixture()
        let other = try fixture.secondDaemon()
        let id = try fixture.insertBusiness(name: "Old", publicPhone: "+15550400001")
        // The insert's own notification must have passed before the lookups fill the caches.
        #expect(try eventually { try fixture.daemon.counter("invalidations", "database") == 1 })
        #expect(try fixture.daemon.name(of: "+15550400001") == "Old")
        #expect(try fixture.daemon.name(of: "+15550400001") == "Old")
        #expect(try fixture.daemon.hits("l1") == 1)

        // Changed behind the trigger's back (no NOTIFY): only the INVALIDATE on the other
        // instance, through Redis, can tell the first one.
        try fixture.database.connect().execute("""
            SET session_replication_role = replica;
            UPDATE businesses SET name = 'New' WHERE id = '\(id)';
            """)
        #expect(try other.request("INVALIDATE +15550400001") == .ok(nil))
        #expect(try eventually(within: 2) { try fixture.daemon.name(of: "+15550400001") == "New" })
        #expect(try fixture.daemon.counter("invalidations", "redis") >= 1)
        #expect(try fixture.daemon.counter("invalidations", "database") == 1, "no notification for the update")
    }

    @Test func aValueChangedInRedisReplacesTheLRUCopy() throws {
        let fixture = try ServerFixture()
        let redis = try #require(fixture.redis)
        try fixture.insertBusiness(name: "From Postgres", publicPhone: "+15550400002")
        // The first lookup fills Redis from PostgreSQL; the second reads it back from the LRU.
        #expect(try fixture.daemon.name(of: "+15550400002") == "From Postgres")
        #expect(try fixture.daemon.name(of: "+15550400002") == "From Postgres")

        try redis.cli("SET", "business:+15550400002", #"{"name":"Written Elsewhere"}"#, "EX", "300")
        #expect(try eventually(within: 2) { try fixture.daemon.name(of: "+15550400002") == "Written Elsewhere" })
        try redis.cli("DEL", "business:+15550400002")
        #expect(try eventually(within: 2) { try fixture.daemon.name(of: "+15550400002") == "From Postgres" })
        try redis.cli("FLUSHALL")
        #expect(try eventually(within: 2) { try fixture.daemon.counter("l1_entries") == 0 })
    }

    @Test func losingTheInvalidationConnectionFlushesTheLRUAndSubscribesAgain() throws {
        let fixture = try ServerFixture()
        let redis = try #require(fixture.redis)
        let other = try fixture.secondDaemon()
        for number in 0..<5 {
            try fixture.insertBusiness(name: "Kept \(number)", publicPhone: "+1555040010\(number)")
        }
        #expect(try eventually { try fixture.daemon.counter("invalidations", "database") == 5 })
        for number in 0..<5 {
            #expect(try fixture.daemon.name(of: "+1555040010\(number)") == "Kept \(number)")
        }
        #expect(try fixture.daemon.counter("l1_entries") == 5)
        #expect(try fixture.daemon.stats()["redis_tracking"] as? Bool == true)

        // Cut both instances' subscriber connections.
        #expect(try Int(redis.cli("CLIENT", "KILL", "TYPE", "pubsub")) ?? 0 >= 2)
        func subscriptions() -> Int { fixture.daemon.log.components(separatedBy: "tracking invalidations").count - 1 }
        #expect(eventually(within: 5) { subscriptions() >= 2 }, "subscribed again")
        #expect(try fixture.daemon.counter("l1_entries") == 0, "the LRU could not be trusted and was emptied")
        #expect(try fixture.daemon.stats()["redis_tracking"] as? Bool == true)

        // Invalidations flow again on the new subscription.
        #expect(try fixture.daemon.name(of: "+15550400100") == "Kept 0")
        try fixture.database.connect().execute("""
            SET session_replication_role = replica;
            UPDATE businesses SET name = 'Moved On' WHERE public_phone = '+15550400100';
            """)
        #expect(try other.request("INVALIDATE +15550400100") == .ok(nil))
        #expect(try eventually(within: 2) { try fixture.daemon.name(of: "+15550400100") == "Moved On" })
    }
}
