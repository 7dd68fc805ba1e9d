import BizCore
import Testing

@Suite struct PrometheusTextTests {
    @Test func aCounterAndAGaugeWithHelpTypeAndLabels() {
        let text = PrometheusText.encode([
            .counter("app_lookups_total", help: "Lookups answered.", [
                MetricSample(["tier": "l1", "result": "hit"], 12),
                MetricSample(["tier": "redis", "result": "not_found"], 0),
            ]),
            .gauge("app_entries", help: "Entries held now.", value: 3),
        ])
        #expect(text == """
            # HELP app_lookups_total Lookups answered.
            # TYPE app_lookups_total counter
            app_lookups_total{tier="l1",result="hit"} 12
            app_lookups_total{tier="redis",result="not_found"} 0
            # HELP app_entries Entries held now.
            # TYPE app_entries gauge
            app_entries 3

            """)
    }

    @Test func labelValuesEscapeBackslashQuoteAndLineFeed() {
        let text = PrometheusText.encode([
            .gauge("app_info", help: "x", [MetricSample(["path": "C:\\dir \"quoted\"\nnext"], 1)])
        ])
        #expect(text.contains(#"app_info{path="C:\\dir \"quoted\"\nnext"} 1"#))
        #expect(text.split(separator: "\n").count == 3)
    }

    @Test func helpEscapesBackslashAndLineFeedButNotQuotes() {
        let text = PrometheusText.encode([.counter("app_total", help: "a \"b\" \\ c\nd", value: 1)])
        #expect(text.hasPrefix(#"# HELP app_total a "b" \\ c\nd"# + "\n"))
    }

    @Test func anEmptyFamilyKeepsItsHeader() {
        #expect(PrometheusText.encode([.counter("app_total", help: "h", [])]) == "# HELP app_total h\n# TYPE app_total counter\n")
    }

    @Test func aHistogramHasCumulativeBucketsInfSumAndCount() {
        let snapshot = HistogramSnapshot(upperBounds: [0.001, 0.01, 0.1], bucketCounts: [2, 0, 3, 1], sum: 1.25)
        let text = PrometheusText.encode([
            .histogram("app_duration_seconds", help: "How long.", [HistogramSample(["tier": "l1"], snapshot)])
        ])
        #expect(text == """
            # HELP app_duration_seconds How long.
            # TYPE app_duration_seconds histogram
            app_duration_seconds_bucket{tier="l1",le="0.001"} 2
            app_duration_seconds_bucket{tier="l1",le="0.01"} 2
            app_duration_seconds_bucket{tier="l1",le="0.1"} 5
            app_duration_seconds_bucket{tier="l1",le="+Inf"} 6
            app_duration_seconds_sum{tier="l1"} 1.25
            app_duration_seconds_count{tier="l1"} 6

            """)
    }

    @Test func anUnlabelledHistogramHasOnlyLe() {
        let snapshot = HistogramSnapshot(empty: HistogramBuckets(nanoseconds: [1_000, 2_500]))
        let text = PrometheusText.encode([.histogram("app_seconds", help: "h", [HistogramSample(.none, snapshot)])])
        #expect(text.contains("app_seconds_bucket{le=\"1e-06\"} 0\n"))
        #expect(text.contains("app_seconds_bucket{le=\"2.5e-06\"} 0\n"))
        #expect(text.contains("app_seconds_bucket{le=\"+Inf\"} 0\napp_seconds_sum 0\napp_seconds_count 0\n"))
    }

    @Test(arguments: [
        (0.0, "0"), (42.0, "42"), (-3.0, "-3"), (0.25, "0.25"), (1e-06, "1e-06"), (2.5e-06, "2.5e-06"),
        (1.5e15, "1500000000000000"), (1e20, "1e+20"), (Double.infinity, "+Inf"), (-Double.infinity, "-Inf"), (Double.nan, "NaN"),
    ])
    func values(_ value: Double, _ text: String) {
        #expect(PrometheusText.format(value) == text)
    }

    @Test func names() {
        #expect(PrometheusText.isValidMetricName("bizcached_lookups_total"))
        #expect(PrometheusText.isValidMetricName("a:b_c"))
        #expect(!PrometheusText.isValidMetricName("9lives"))
        #expect(!PrometheusText.isValidMetricName("has-dash"))
        #expect(!PrometheusText.isValidMetricName(""))
        #expect(PrometheusText.isValidLabelName("tier"))
        #expect(!PrometheusText.isValidLabelName("a:b"))
        #expect(!PrometheusText.isValidLabelName("__name__"))
    }

    @Test func theContentTypeIsVersion004() {
        #expect(PrometheusText.contentType == "text/plain; version=0.0.4; charset=utf-8")
    }
}
