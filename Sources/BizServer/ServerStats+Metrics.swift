import BizCore

extension ServerStats {
    /// What the daemon reports besides its own counters: the LRU and Redis as they are now.
    struct Gauges {
        var l1Entries: Int
        var l1Capacity: Int
        var l1Evictions: Int
        var redisConfigured: Bool
        var redisTracking: Bool
    }

    /// The `METRICS` families, named `bizcached_…` after Prometheus's conventions (base
    /// units, `_total` for counters).
    ///
    /// A `GET` is counted once in `bizcached_lookups_total`, by the tier that answered it,
    /// unless it waited for another request's lookup of the same number
    /// (`bizcached_coalesced_lookups_total`); replies that are errors of the request itself
    /// (`BADPHONE`, …) are in `bizcached_error_replies_total` only.
    func metricFamilies(_ gauges: Gauges) -> [MetricFamily] {
        let lookupSeries: [(Tier, [LookupResult])] = [
            (.l1, [.hit, .notFound]), (.redis, [.hit, .notFound]), (.postgres, LookupResult.allCases),
        ]
        var lookupSamples: [MetricSample] = []
        for (tier, results) in lookupSeries {
            for result in results {
                lookupSamples.append(MetricSample(["tier": tier.name, "result": result.name], lookups(tier, result)))
            }
        }
        func perBackend(_ value: (Backend) -> Int) -> [MetricSample] {
            Backend.allCases.map { MetricSample(["backend": $0.name], value($0)) }
        }
        return [
            .gauge("bizcached_build_info", help: "Always 1; the version label says which bizcached runs.", [
                MetricSample(["version": BizcachedVersion.current], 1)
            ]),
            .gauge("bizcached_start_time_seconds", help: "When the daemon started, in seconds since the Unix epoch.", value: startTime),
            .counter(
                "bizcached_lookups_total",
                help: "GETs answered, by the tier that answered (l1: memory) and the answer (hit: a business).",
                lookupSamples),
            .histogram(
                "bizcached_lookup_duration_seconds",
                help: "Time from reading a GET to its answer, by the tier that answered; l1 answers are timed per event-loop round.",
                Tier.allCases.map { HistogramSample(["tier": $0.name], latency($0)) }),
            .counter(
                "bizcached_coalesced_lookups_total",
                help: "GETs that waited for another request's lookup of the same number instead of starting their own.",
                value: coalescedLookups),
            .counter(
                "bizcached_backend_lookups_total",
                help: "Lookups sent to a backend: GETs to Redis, numbers queried in PostgreSQL.",
                perBackend(backendLookups)),
            .counter(
                "bizcached_backend_errors_total",
                help: "Failed connection attempts, lost connections and timeouts, by backend.",
                perBackend(backendErrors)),
            .counter(
                "bizcached_backend_reconnects_total",
                help: "Connections to a backend made again after an earlier one was lost or renewed.",
                perBackend(backendReconnects)),
            .counter(
                "bizcached_invalidations_total",
                help: "Numbers dropped from the caches, by what reported the change.",
                InvalidationSource.allCases.map { MetricSample(["source": $0.name], invalidations(from: $0)) }),
            .counter(
                "bizcached_error_replies_total",
                help: "ERR replies, by error code.",
                ErrorCode.allCases.map { MetricSample(["code": $0.rawValue], errors($0)) }),
            .gauge("bizcached_lru_entries", help: "Answers held in memory now.", value: Double(gauges.l1Entries)),
            .gauge("bizcached_lru_capacity", help: "The most answers held in memory.", value: Double(gauges.l1Capacity)),
            .counter(
                "bizcached_lru_evictions_total", help: "Answers dropped from memory to make room for others.",
                value: gauges.l1Evictions),
            .gauge("bizcached_connections_open", help: "Client connections open now.", value: Double(connections)),
            .counter(
                "bizcached_connections_accepted_total", help: "Client connections accepted, those then refused as busy included.",
                value: connectionsAccepted),
            .counter(
                "bizcached_connections_refused_total",
                help: "Client connections refused: busy (at --max-connections) or denied (user not allowed).",
                [MetricSample(["reason": "busy"], errors(.busy)), MetricSample(["reason": "denied"], errors(.denied))]),
            .gauge("bizcached_redis_configured", help: "1 when a Redis tier is configured.", value: gauges.redisConfigured ? 1 : 0),
            .gauge(
                "bizcached_redis_tracking",
                help: "1 while Redis's change reports are received; lookups use Redis only then.",
                value: gauges.redisTracking ? 1 : 0),
        ]
    }
}

extension LookupSettings {
    /// The `METRICS` exposition, read now.
    func metricsText() -> String {
        PrometheusText.encode(stats.metricFamilies(ServerStats.Gauges(
            l1Entries: cache.count, l1Capacity: l1Capacity, l1Evictions: cache.evictions,
            redisConfigured: redis != nil, redisTracking: tracking.current.clientID != nil)))
    }
}
