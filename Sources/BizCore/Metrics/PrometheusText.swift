/// Prometheus's text exposition format, version 0.0.4: what `GET /metrics` answers and a
/// scraper (or `promtool check metrics`) reads.
///
/// Each family is written as `# HELP`, `# TYPE` and its sample lines; a histogram as
/// cumulative `_bucket{le="…"}` lines ending with `le="+Inf"`, then `_sum` and `_count`.
public enum PrometheusText {
    /// The `Content-Type` of a response in this format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The exposition of `families`, in the order given; every line ends in `\n`.
    public static func encode(_ families: [MetricFamily]) -> String {
        var text = ""
        for family in families { append(family, to: &text) }
        return text
    }

    private static func append(_ family: MetricFamily, to text: inout String) {
        assert(isValidMetricName(family.name), "invalid metric name \(family.name)")
        let type: String
        switch family.samples {
        case .counter: type = "counter"
        case .gauge: type = "gauge"
        case .histogram: type = "histogram"
        }
        text += "# HELP \(family.name) \(escapedHelp(family.help))\n"
        text += "# TYPE \(family.name) \(type)\n"
        switch family.samples {
        case .counter(let samples), .gauge(let samples):
            for sample in samples { appendLine(family.name, sample.labels, format(sample.value), to: &text) }
        case .histogram(let samples):
            for sample in samples {
                assert(!sample.labels.labels.contains { $0.name == "le" }, "le is the bucket label")
                let snapshot = sample.snapshot
                let cumulative = snapshot.cumulativeCounts
                for (bound, count) in zip(snapshot.upperBounds, cumulative) {
                    appendLine(family.name + "_bucket", sample.labels.adding("le", format(bound)), String(count), to: &text)
                }
                appendLine(family.name + "_bucket", sample.labels.adding("le", "+Inf"), String(snapshot.count), to: &text)
                appendLine(family.name + "_sum", sample.labels, format(snapshot.sum), to: &text)
                appendLine(family.name + "_count", sample.labels, String(snapshot.count), to: &text)
            }
        }
    }

    private static func appendLine(_ name: String, _ labels: MetricLabels, _ value: String, to text: inout String) {
        text += name
        if !labels.isEmpty {
            text += "{"
            for (index, label) in labels.labels.enumerated() {
                assert(isValidLabelName(label.name), "invalid label name \(label.name)")
                if index > 0 { text += "," }
                text += label.name
                text += "=\""
                text += escapedLabelValue(label.value)
                text += "\""
            }
            text += "}"
        }
        text += " "
        text += value
        text += "\n"
    }

    /// A sample value or bound: whole numbers below 2^53 (every count a double holds
    /// exactly) without a fraction (`42`), others in the shortest form that reads back
    /// exactly (`0.25`, `2.5e-06`, `1e+20`), and `+Inf`, `-Inf`, `NaN`.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return value.description
    }

    /// A label value with `\`, `"` and line feeds escaped, as the format requires.
    public static func escapedLabelValue(_ value: String) -> String { escaped(value, quotes: true) }

    /// A help text with `\` and line feeds escaped (quotes stay as they are there).
    public static func escapedHelp(_ help: String) -> String { escaped(help, quotes: false) }

    private static func escaped(_ text: String, quotes: Bool) -> String {
        let needsEscape = text.utf8.contains { byte in
            byte == UInt8(ascii: "\\") || byte == 0x0A || (quotes && byte == UInt8(ascii: "\""))
        }
        guard needsEscape else { return text }
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\"" where quotes: escaped += "\\\""
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// Whether `name` may name a metric: `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    public static func isValidMetricName(_ name: String) -> Bool {
        isName(name, allowingColon: true)
    }

    /// Whether `name` may name a label: `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__`
    /// (reserved for Prometheus itself).
    public static func isValidLabelName(_ name: String) -> Bool {
        isName(name, allowingColon: false) && !name.hasPrefix("__")
    }

    private static func isName(_ name: String, allowingColon: Bool) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        return name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
                true
            case UInt8(ascii: ":"):
                allowingColon
            default:
                false
            }
        }
    }
}
