import BizClient
import BizTestSupport
import Foundation
import Glibc
import Testing

/// Concurrent misses for one number share one fetch from Redis and PostgreSQL.
@Suite struct BackendLoadTests {
    @Test func fiveHundredConcurrentMissesCostOneRedisGetAndOneQuery() throws {
        let fixture = try ServerFixture(arguments: ["--query-timeout", "20"])
        let redis = try #require(fixture.redis)
        try fixture.insertBusiness(name: "Popular", publicPhone: "+15550600001")
        // The extension is preloaded by scripts/services; its view lives in each database.
        let admin = try fixture.database.connect()
        try admin.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        let lookupsInPostgres = """
            SELECT coalesce(sum(s.calls), 0)::text AS calls
              FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
             WHERE d.datname = $1 AND s.query LIKE '%WHERE public_phone = $1 OR twilio_phone = $1%'
            """
        func statementCalls() throws -> Int {
            let calls: String = try admin.query(lookupsInPostgres, [fixture.database.name]).value(row: 0, column: "calls")
            return Int(calls) ?? -1
        }
        let callsBefore = try statementCalls()
        try redis.cli("CONFIG", "RESETSTAT")

        // Hold the table locked so that the first lookup's query waits: every request below
        // arrives while that one fetch is in flight.
        let locker = try fixture.database.connect()
        try locker.execute("BEGIN; LOCK TABLE businesses IN ACCESS EXCLUSIVE MODE")
        let clients = try (0..<500).map { _ in try fixture.daemon.client(timeout: 30) }
        for client in clients { try client.sendRaw(Array("GET +1 555 060 0001\n".utf8)) }
        #expect(try eventually(within: 10) { try fixture.daemon.counter("coalesced") == 499 })
        try locker.execute("COMMIT")

        for client in clients {
            let line = try client.readLine()
            #expect(line.hasPrefix("OK {") && line.contains(#""name":"Popular""#), "\(line.prefix(80))")
        }
        #expect(try fixture.daemon.counter("backend", "redis_gets") == 1)
        #expect(try fixture.daemon.counter("backend", "postgres_lookups") == 1)
        #expect(try fixture.daemon.hits("postgres") == 1)
        let commandStats = try redis.cli("INFO", "commandstats")
        let redisGets = commandStats.split(whereSeparator: \.isNewline).first { $0.hasPrefix("cmdstat_get:") }
        #expect(redisGets?.hasPrefix("cmdstat_get:calls=1,") == true, "\(commandStats)")
        #expect(try statementCalls() - callsBefore == 1)
    }

    @Test func requestsAfterAFlightEndedStartANewOne() throws {
        let fixture = try ServerFixture(withRedis: false, arguments: ["--l1-capacity", "0"])
        try fixture.insertBusiness(name: "Uncached", publicPhone: "+15550600002")
        #expect(try fixture.daemon.name(of: "+15550600002") == "Uncached")
        #expect(try fixture.daemon.name(of: "+15550600002") == "Uncached")
        #expect(try fixture.daemon.counter("backend", "postgres_lookups") == 2)
        #expect(try fixture.daemon.counter("coalesced") == 0)
    }
}
