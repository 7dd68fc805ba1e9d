import Synchronization

/// A count that any thread may add to, with relaxed atomics, in a heap object of its own
/// padded past a cache line, so that counters updated by different cores never share one.
///
/// Each count is exact; reading several counters is not a snapshot taken at one instant.
public final class MetricCounter: Sendable {
    private let atomic = Atomic<Int>(0)
    private let padding: (Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0)

    public init() {}

    /// Adds `count` (one by default).
    public func add(_ count: Int = 1) { atomic.add(count, ordering: .relaxed) }

    /// The count so far.
    public var value: Int { atomic.load(ordering: .relaxed) }
}
