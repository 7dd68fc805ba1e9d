import Synchronization

/// When each event loop last went round (monotonic nanoseconds), so that a watchdog ping
/// proves every loop still turns, not just that the process exists.
final class LoopHeartbeats: Sendable {
    private final class Beat: Sendable {
        let at = Atomic<UInt64>(0)
    }

    private let beats: [Beat]

    init(loops: Int, now: UInt64) {
        beats = (0..<max(1, loops)).map { _ in
            let beat = Beat()
            beat.at.store(now, ordering: .relaxed)
            return beat
        }
    }

    /// Loop `loop` went round at `now`.
    func beat(_ loop: Int, now: UInt64) {
        beats[loop % beats.count].at.store(now, ordering: .relaxed)
    }

    /// Whether every loop went round within `maximumAge` before `now`.
    func allBeat(within maximumAge: UInt64, now: UInt64) -> Bool {
        beats.allSatisfy { now &- $0.at.load(ordering: .relaxed) <= maximumAge }
    }
}
