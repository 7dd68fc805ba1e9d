import BizCore

extension Server {
    /// A one-line summary for the service manager's `STATUS=` (shown by `systemctl status`):
    /// clients, lookups so far and the share answered from memory, and a failed reload.
    ///
    ///     4 clients; 120533 lookups, 97% from memory, 2% from Redis
    public var statusSummary: String {
        let stats = self.stats
        func answered(_ tier: ServerStats.Tier) -> Int {
            ServerStats.LookupResult.allCases.reduce(0) { $0 + stats.lookups(tier, $1) }
        }
        let memory = answered(.l1), redis = answered(.redis)
        let total = memory + redis + answered(.postgres)
        func percent(_ part: Int) -> String { total == 0 ? "0%" : "\(part * 100 / total)%" }
        var summary = "\(stats.connections) client\(stats.connections == 1 ? "" : "s"); \(total) lookups"
        if total > 0 { summary += ", \(percent(memory)) from memory, \(percent(redis)) from Redis" }
        if lastReloadFailed { summary += "; the last reload failed (see the log)" }
        return summary
    }
}
