import BizClient
import BizCore
import BizTestSupport
import Foundation
import Testing

/// `METRICS`, `bizctl metrics` and the HTTP `/metrics` listener, read back with
/// Prometheus's own Python parser while lookups move the counters.
@Suite
struct MetricsTests {
    /// `bizctl metrics` against the daemon, parsed.
    private func scrape(_ daemon: DaemonProcess) throws -> ParsedMetrics {
        let result = try ChildProcess.run(
            try BuildProducts.path(of: "bizctl"), ["metrics"], environment: ["BIZCACHED_SOCKET": daemon.socketPath])
        guard result.status == 0 else { throw ChildProcess.Failure("bizctl metrics exited \(result.status): \(result.output)") }
        return try PrometheusTextParser.parse(result.output)
    }

    /// How much a sample grew from `before` to `after` (a missing sample counts as absent, -1).
    private func growth(_ name: String, _ labels: [String: String], _ before: ParsedMetrics, _ after: ParsedMetrics) -> Double {
        guard let old = before.value(name, labels), let new = after.value(name, labels) else { return -1 }
        return new - old
    }

    @Test func countersMoveByTierAndResultAsLookupsAreAnswered() throws {
        let startedBefore = Date().timeIntervalSince1970
        let fixture = try ServerFixture()
        let redis = try #require(fixture.redis)
        try fixture.insertBusiness(name: "Metered", publicPhone: "+15550100040")
        let json = #"{"id":"x","name":"Only In Redis","public_phone":"+15550100041"}"#
        try redis.cli("SET", "business:+15550100041", json, "EX", "300")
        let before = try scrape(fixture.daemon)

        #expect(try fixture.lookup("5550100040")?["name"] as? String == "Metered")  // PostgreSQL
        #expect(try fixture.lookup("5550100040")?["name"] as? String == "Metered")  // the LRU
        #expect(try fixture.daemon.request("GET 5550100041") == .ok(json))  // Redis
        #expect(try fixture.daemon.request("GET 5559990040") == .notFound)  // PostgreSQL
        #expect(try fixture.daemon.request("GET 5559990040") == .notFound)  // the LRU's negative entry
        guard case .error(.badPhone?, _, _) = try fixture.daemon.request("GET not-a-phone") else {
            Issue.record("expected ERR BADPHONE")
            return
        }
        let after = try scrape(fixture.daemon)

        let lookups = "bizcached_lookups_total"
        #expect(growth(lookups, ["tier": "postgres", "result": "hit"], before, after) == 1)
        #expect(growth(lookups, ["tier": "postgres", "result": "not_found"], before, after) == 1)
        #expect(growth(lookups, ["tier": "l1", "result": "hit"], before, after) == 1)
        #expect(growth(lookups, ["tier": "l1", "result": "not_found"], before, after) == 1)
        #expect(growth(lookups, ["tier": "redis", "result": "hit"], before, after) == 1)
        #expect(growth(lookups, ["tier": "redis", "result": "not_found"], before, after) == 0)
        for result in ["stale", "ambiguous", "error"] {
            #expect(growth(lookups, ["tier": "postgres", "result": result], before, after) == 0, "\(result)")
        }
        #expect(after.samples(lookups).count == 9)

        // One latency observation per answer, in every tier's histogram.
        let duration = "bizcached_lookup_duration_seconds"
        #expect(growth(duration + "_count", ["tier": "l1"], before, after) == 2)
        #expect(growth(duration + "_count", ["tier": "redis"], before, after) == 1)
        #expect(growth(duration + "_count", ["tier": "postgres"], before, after) == 2)
        for tier in ["l1", "redis", "postgres"] {
            let buckets = after.samples(duration + "_bucket").filter { $0.labels["tier"] == tier }
            #expect(buckets.count == HistogramBuckets.lookupLatency.upperBounds.count + 1)
            #expect(zip(buckets, buckets.dropFirst()).allSatisfy { $0.value <= $1.value }, "buckets of \(tier) not cumulative")
            #expect(buckets.last?.labels["le"] == "+Inf")
            #expect(buckets.last?.value == after.value(duration + "_count", ["tier": tier]))
            #expect((after.value(duration + "_sum", ["tier": tier]) ?? -1) > 0)
        }

        #expect(growth("bizcached_backend_lookups_total", ["backend": "redis"], before, after) == 3)
        #expect(growth("bizcached_backend_lookups_total", ["backend": "postgres"], before, after) == 2)
        #expect(growth("bizcached_error_replies_total", ["code": "BADPHONE"], before, after) == 1)
        #expect(after.value("bizcached_lru_entries") == 3)
        #expect(after.value("bizcached_lru_capacity") == 10_000)
        #expect(after.value("bizcached_lru_evictions_total") == 0)
        #expect((after.value("bizcached_connections_open") ?? 0) >= 1)  // bizctl's own
        #expect((after.value("bizcached_connections_accepted_total") ?? 0) >= 8)
        #expect(after.value("bizcached_connections_refused_total", ["reason": "busy"]) == 0)
        #expect(after.value("bizcached_invalidations_total", ["source": "database"]) == 1)
        #expect(after.value("bizcached_redis_configured") == 1)
        #expect(after.value("bizcached_redis_tracking") == 1)
        #expect(after.value("bizcached_coalesced_lookups_total") == 0)
        #expect(after.value("bizcached_build_info", ["version": BizcachedVersion.current]) == 1)
        let started = try #require(after.value("bizcached_start_time_seconds"))
        #expect(started >= startedBefore.rounded(.down) && started <= Date().timeIntervalSince1970)

        #expect(after.types["bizcached_lookups"] == "counter")
        #expect(after.types["bizcached_lookup_duration_seconds"] == "histogram")
        #expect(after.types["bizcached_lru_entries"] == "gauge")

        // STATS counts the same answers.
        let l1 = (after.value(lookups, ["tier": "l1", "result": "hit"]) ?? 0) + (after.value(lookups, ["tier": "l1", "result": "not_found"]) ?? 0)
        #expect(Double(try fixture.daemon.hits("l1")) == l1)
        #expect(Double(try fixture.daemon.hits("postgres")) == after.value(lookups, ["tier": "postgres", "result": "hit"]))
    }

    @Test func theLRUsEvictionsAreCounted() throws {
        let fixture = try ServerFixture(withRedis: false, arguments: ["--l1-capacity", "1"])
        #expect(try fixture.daemon.request("GET 5559990041") == .notFound)
        #expect(try fixture.daemon.request("GET 5559990042") == .notFound)
        #expect(try fixture.daemon.request("GET 5559990043") == .notFound)
        let metrics = try scrape(fixture.daemon)
        #expect(metrics.value("bizcached_lru_capacity") == 1)
        #expect(metrics.value("bizcached_lru_entries") == 1)
        #expect(metrics.value("bizcached_lru_evictions_total") == 2)
    }

    @Test func theHTTPListenerServesTheSameMetricsAtSlashMetricsOnly() throws {
        let port = try LoopbackHTTPClient.freePort()
        let fixture = try ServerFixture(withRedis: false, arguments: ["--metrics-listen", "127.0.0.1:\(port)"])
        let first = try LoopbackHTTPClient.request("GET", "/metrics", port: port)
        #expect(first.status == 200)
        #expect(first.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        let before = try PrometheusTextParser.parse(first.body)
        #expect(before.value("bizcached_redis_configured") == 0)

        try fixture.insertBusiness(name: "Scraped", publicPhone: "+15550100042")
        #expect(try fixture.lookup("5550100042")?["name"] as? String == "Scraped")
        #expect(try fixture.lookup("5550100042")?["name"] as? String == "Scraped")
        let after = try PrometheusTextParser.parse(try LoopbackHTTPClient.request("GET", "/metrics", port: port).body)
        #expect(growth("bizcached_lookups_total", ["tier": "postgres", "result": "hit"], before, after) == 1)
        #expect(growth("bizcached_lookups_total", ["tier": "l1", "result": "hit"], before, after) == 1)
        #expect(growth("bizcached_lookup_duration_seconds_count", ["tier": "l1"], before, after) == 1)
        // The socket and HTTP give the same families.
        #expect(Set(try scrape(fixture.daemon).types.keys) == Set(after.types.keys))

        let head = try LoopbackHTTPClient.request("HEAD", "/metrics", port: port)
        #expect(head.status == 200 && head.body.isEmpty)
        #expect(try LoopbackHTTPClient.request("GET", "/", port: port).status == 404)
        #expect(try LoopbackHTTPClient.request("GET", "/metrics/extra", port: port).status == 404)
        let post = try LoopbackHTTPClient.request("POST", "/metrics", port: port, body: "reset=1")
        #expect(post.status == 405)
        #expect(post.headers["allow"] == "GET, HEAD")
        #expect(fixture.daemon.log.contains("serving metrics"))
    }

    @Test func aMetricsAddressInUseStopsTheDaemonWithExit69() throws {
        let port = try LoopbackHTTPClient.freePort()
        let fixture = try ServerFixture(withRedis: false, arguments: ["--metrics-listen", "127.0.0.1:\(port)"])
        do {
            _ = try fixture.secondDaemon(arguments: ["--metrics-listen", "127.0.0.1:\(port)"])
            Issue.record("a second daemon started with its metrics address in use")
        } catch let failure as ChildProcess.Failure {
            #expect(failure.description.contains("status 69"), "\(failure)")
            #expect(failure.description.contains("cannot serve metrics"), "\(failure)")
        }
    }
}
