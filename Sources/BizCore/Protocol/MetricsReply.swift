/// The payload of the `METRICS` reply: Prometheus text (see `PrometheusText`) in a one-line
/// JSON object, `{"format":"prometheus-text-0.0.4","text":"# HELP …\n…"}`, so that the
/// reply stays one line like every other.
public enum MetricsReply {
    /// The `format` member: Prometheus's text exposition format, version 0.0.4.
    public static let format = "prometheus-text-0.0.4"

    /// The JSON object for the exposition `text`.
    public static func json(text: String) -> String {
        var object = JSONObjectWriter()
        object.add("format", string: format)
        object.add("text", string: text)
        return object.finish()
    }

    /// The exposition in a `METRICS` reply's JSON, nil when the JSON holds none in this format.
    public static func text(fromJSON json: String) -> String? {
        guard JSONMemberReader.string("format", in: json) == format else { return nil }
        return JSONMemberReader.string("text", in: json)
    }
}
