/// `bizbench run`: connects, warms up, measures and reports one load run.
public enum LoadRunner {
    /// Connects, warms up, measures, closes, and returns what was measured. Throws
    /// `.cannotConnect` when a connection cannot be opened.
    public static func run(_ settings: RunSettings) throws(BenchError) -> RunResult {
        var loop = try LoadLoop(settings: settings)
        try loop.connectAll()
        return loop.run()
    }
}
