import Synchronization

/// Joins concurrent requests for the same key into one fetch.
///
/// The first `join` for a key makes its caller the leader, who fetches; later joins only
/// add their waiter. The leader's `finish` hands back every waiter, the leader's own
/// included, and the next `join` starts a new flight.
public final class SingleFlight<Key: Hashable & Sendable, Waiter: Sendable>: Sendable {
    private final class Shard: Sendable {
        let flights = Mutex<[Key: [Waiter]]>([:])
    }

    private let shards: [Shard]

    public init(shardCount: Int = 16) {
        shards = (0..<max(1, shardCount)).map { _ in Shard() }
    }

    private func shard(for key: Key) -> Shard {
        shards[Int(UInt(bitPattern: key.hashValue) % UInt(shards.count))]
    }

    /// Adds `waiter` to the key's flight; returns true when the caller must fetch (it
    /// started the flight) and later call `finish`.
    public func join(_ key: Key, _ waiter: Waiter) -> Bool {
        shard(for: key).flights.withLock { flights in
            if flights[key]?.append(waiter) != nil { return false }
            flights[key] = [waiter]
            return true
        }
    }

    /// Ends the key's flight and returns its waiters (empty if there was none).
    public func finish(_ key: Key) -> [Waiter] {
        shard(for: key).flights.withLock { $0.removeValue(forKey: key) ?? [] }
    }

    /// Flights in progress (for statistics and tests).
    public var count: Int {
        shards.reduce(0) { total, shard in total + shard.flights.withLock { $0.count } }
    }
}
