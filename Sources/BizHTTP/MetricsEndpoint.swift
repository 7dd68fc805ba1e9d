import BizCore

/// Prometheus's scrape target: `GET /metrics` answers the exposition in the text format,
/// version 0.0.4; other methods on that path get 405, other paths 404.
public enum MetricsEndpoint {
    /// The one path served.
    public static let path = "/metrics"

    /// The response to `request`; `render` is called only for a request it answers.
    public static func respond(to request: HTTPRequest, render: () -> String) -> HTTPResponse {
        guard request.path == path else { return .notFound }
        guard request.method == "GET" || request.method == "HEAD" else { return .methodNotAllowed(allowed: ["GET", "HEAD"]) }
        return .text(render(), contentType: PrometheusText.contentType)
    }

    /// Serves `render()`'s exposition at `/metrics` on `endpoint` until the server is stopped.
    public static func serve(
        on endpoint: LoopbackEndpoint, limits: HTTPServer.Limits = HTTPServer.Limits(),
        onError: @escaping @Sendable (String) -> Void, render: @escaping @Sendable () -> String
    ) throws(HTTPServerError) -> HTTPServer {
        try HTTPServer(endpoint: endpoint, limits: limits, onError: onError) { request in
            respond(to: request, render: render)
        }
    }
}
