/// One parsed request line of the bizcached protocol.
public enum Command: Equatable, Sendable {
    /// `GET <phone>`: the business that owns the number.
    case get(PhoneNumber)
    /// `PING`: liveness.
    case ping
    /// `STATS`: counters as JSON.
    case stats
    /// `METRICS`: counters, gauges and histograms in Prometheus's text format, in JSON.
    case metrics
    /// `INVALIDATE <phone>`: drop the cached entries for the number.
    case invalidate(PhoneNumber)
    /// `QUIT`: say goodbye and close.
    case quit
}
