import Foundation

/// Metrics text as Prometheus's own Python client reads it
/// (`prometheus_client.parser.text_string_to_metric_families`): a second opinion on the
/// exposition, independent of the code that wrote it.
public struct ParsedMetrics: Sendable {
    /// One sample line.
    public struct Sample: Sendable, Equatable {
        public let name: String
        public let labels: [String: String]
        public let value: Double
    }

    /// Family names (as the parser gives them: a counter's without `_total`) and their types.
    public let types: [String: String]
    public let samples: [Sample]

    /// The value of the sample `name` with exactly `labels`, nil when there is none.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// The samples named `name`.
    public func samples(_ name: String) -> [Sample] { samples.filter { $0.name == name } }
}

public enum PrometheusTextParser {
    /// Why the parser cannot run here (python3 or its prometheus_client module is
    /// missing), or nil when it can; `scripts/install-deps` installs both. Tests that read
    /// metrics then fail with this reason rather than skip, as tests needing PostgreSQL do.
    public static let unavailableReason: String? = {
        guard let result = try? ChildProcess.run(ChildProcess.lookUp("python3"), ["-c", "import prometheus_client"]) else {
            return "python3 cannot be run"
        }
        return result.status == 0 ? nil : "python3 has no prometheus_client (scripts/install-deps installs it): \(result.output)"
    }()

    /// Parses `text`; throws when the Python parser refuses it or cannot run.
    public static func parse(_ text: String) throws -> ParsedMetrics {
        if let unavailableReason { throw ChildProcess.Failure(unavailableReason) }
        let directory = NSTemporaryDirectory() + "prometheus-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let input = directory + "/metrics.txt"
        let script = directory + "/parse.py"
        try text.write(toFile: input, atomically: true, encoding: .utf8)
        try pythonScript.write(toFile: script, atomically: true, encoding: .utf8)
        // The script comes on standard input, as `python3 -`; the text is its argument.
        let result = try ChildProcess.run(
            "/bin/sh", ["-c", "exec \"$0\" - \"$1\" < \"$2\"", ChildProcess.lookUp("python3"), input, script])
        guard result.status == 0 else { throw ChildProcess.Failure("prometheus_client refused the metrics:\n\(result.output)") }
        var types: [String: String] = [:]
        var samples: [ParsedMetrics.Sample] = []
        for line in result.output.split(separator: "\n") {
            // Lines that are not JSON (a warning on standard error) are skipped.
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else { continue }
            if let family = object["family"] as? String, let type = object["type"] as? String {
                types[family] = type
            } else if let name = object["name"] as? String, let labels = object["labels"] as? [String: String],
                let value = object["value"] as? Double
            {
                samples.append(ParsedMetrics.Sample(name: name, labels: labels, value: value))
            }
        }
        return ParsedMetrics(types: types, samples: samples)
    }

    /// Prints one JSON line per family and per sample (an infinite or NaN value as a string:
    /// JSON has no number for it).
    private static let pythonScript = """
        import json, math, sys
        from prometheus_client.parser import text_string_to_metric_families
        with open(sys.argv[1], encoding="utf-8") as f:
            text = f.read()
        for family in text_string_to_metric_families(text):
            print(json.dumps({"family": family.name, "type": family.type}))
            for sample in family.samples:
                value = sample.value
                if math.isinf(value) or math.isnan(value):
                    value = str(value)
                print(json.dumps({"name": sample.name, "labels": sample.labels, "value": value}))
        """
}
