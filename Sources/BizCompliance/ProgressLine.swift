import Foundation
import Glibc

/// A progress bar on standard error (done/total, rate, time left), drawn only when standard
/// error is a terminal and at most ten times a second.
public struct ProgressLine {
    private let total: Int
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let started = Date()
    private var lastDrawn = Date.distantPast

    public init(total: Int) {
        self.total = total
    }

    /// Redraws with `done` items finished.
    public mutating func update(done: Int) {
        guard isTerminal, total > 0 else { return }
        let now = Date()
        guard done == total || now.timeIntervalSince(lastDrawn) >= 0.1 else { return }
        lastDrawn = now
        let elapsed = max(now.timeIntervalSince(started), 0.001)
        let rate = Double(done) / elapsed
        let left = rate > 0 ? Double(total - done) / rate : 0
        let width = 30
        let filled = width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = String(format: "\r[%@] %d/%d  %.1f/s  %ds left ", bar, done, total, rate, Int(left.rounded()))
        FileHandle.standardError.write(Data(line.utf8))
        if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
