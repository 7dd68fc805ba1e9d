/// A least-recently-used cache with a fixed capacity and a time to live per entry.
///
/// An expired entry is not returned by `value(forKey:now:)`, but it is kept for
/// `staleRetention` more nanoseconds (unless evicted) so that `staleValue(forKey:now:)`
/// can still offer it when the source of truth cannot be asked (stale-if-error).
///
/// Not thread-safe: `ShardedLRUCache` puts each instance behind a lock. Time is given by
/// the caller in nanoseconds of a monotonic clock, so the cache itself does no I/O and
/// tests can move time by hand. Entries live in one array linked by indices; a lookup or
/// insert allocates nothing once the cache is full.
public struct LRUCache<Key: Hashable, Value> {
    fileprivate struct Node {
        var key: Key
        var value: Value
        var expiresAt: UInt64
        var newer: Int32
        var older: Int32
    }

    /// The most entries kept; 0 disables the cache. See `resize(to:)`.
    public private(set) var capacity: Int
    /// How long an entry stays valid after it is inserted, in nanoseconds, unless the
    /// insert gives its own.
    public let timeToLive: UInt64
    /// How long an expired entry is kept for `staleValue(forKey:now:)`, in nanoseconds.
    public var staleRetention: UInt64

    private var index: [Key: Int32] = [:]
    private var nodes: [Node] = []
    private var newest: Int32 = -1
    private var oldest: Int32 = -1
    private var free: [Int32] = []
    /// Entries removed to make room for others, or to fit a smaller capacity, since the
    /// cache was made.
    public private(set) var evictions = 0

    public init(capacity: Int, timeToLive: UInt64, staleRetention: UInt64 = 0) {
        precondition(capacity >= 0 && capacity < Int(Int32.max), "capacity out of range")
        self.capacity = capacity
        self.timeToLive = timeToLive
        self.staleRetention = staleRetention
    }

    /// The number of entries held, expired ones included until they are touched or evicted.
    public var count: Int { index.count }

    /// The value for `key` if present and not expired at `now`; marks it most recently used.
    public mutating func value(forKey key: Key, now: UInt64) -> Value? {
        guard let slot = index[key] else { return nil }
        let position = Int(slot)
        if nodes[position].expiresAt <= now {
            if Self.adding(staleRetention, to: nodes[position].expiresAt) <= now { remove(slot: slot) }
            return nil
        }
        moveToFront(slot)
        return nodes[position].value
    }

    /// The value for `key` if present and expired less than `staleRetention` ago (or not
    /// expired at all), without changing its recency: for use when the source of truth
    /// failed. `isStale` tells whether it has expired.
    public func staleValue(forKey key: Key, now: UInt64) -> (value: Value, isStale: Bool)? {
        guard let slot = index[key] else { return nil }
        let node = nodes[Int(slot)]
        guard Self.adding(staleRetention, to: node.expiresAt) > now else { return nil }
        return (node.value, node.expiresAt <= now)
    }

    /// Inserts or replaces the value for `key`, valid until `now + timeToLive` (the
    /// cache's own unless given), evicting the least recently used entry when full.
    public mutating func insert(_ value: Value, forKey key: Key, now: UInt64, timeToLive: UInt64? = nil) {
        guard capacity > 0 else { return }
        let expiresAt = Self.adding(timeToLive ?? self.timeToLive, to: now)
        if let slot = index[key] {
            nodes[Int(slot)].value = value
            nodes[Int(slot)].expiresAt = expiresAt
            moveToFront(slot)
            return
        }
        if index.count >= capacity {
            remove(slot: oldest)
            evictions += 1
        }
        let node = Node(key: key, value: value, expiresAt: expiresAt, newer: -1, older: newest)
        let slot: Int32
        if let reused = free.popLast() {
            slot = reused
            nodes[Int(slot)] = node
        } else {
            slot = Int32(nodes.count)
            nodes.append(node)
        }
        if newest >= 0 { nodes[Int(newest)].newer = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
        index[key] = slot
    }

    /// Removes the entry for `key`; returns whether there was one.
    @discardableResult
    public mutating func removeValue(forKey key: Key) -> Bool {
        guard let slot = index[key] else { return false }
        remove(slot: slot)
        return true
    }

    /// Changes the capacity, evicting the least recently used entries beyond it.
    /// - Returns: how many entries were evicted.
    @discardableResult
    public mutating func resize(to capacity: Int) -> Int {
        precondition(capacity >= 0 && capacity < Int(Int32.max), "capacity out of range")
        self.capacity = capacity
        var evicted = 0
        while index.count > capacity {
            remove(slot: oldest)
            evicted += 1
        }
        evictions += evicted
        if index.isEmpty { removeAll() }  // give back the node storage of a cache turned off
        return evicted
    }

    /// Removes every entry.
    public mutating func removeAll() {
        index.removeAll(keepingCapacity: true)
        nodes.removeAll(keepingCapacity: true)
        free.removeAll(keepingCapacity: true)
        newest = -1
        oldest = -1
    }

    /// Keys from most to least recently used (for tests and diagnostics).
    public var keysByRecency: [Key] {
        var keys: [Key] = []
        var slot = newest
        while slot >= 0 {
            keys.append(nodes[Int(slot)].key)
            slot = nodes[Int(slot)].older
        }
        return keys
    }

    private static func adding(_ duration: UInt64, to time: UInt64) -> UInt64 {
        let (sum, overflow) = time.addingReportingOverflow(duration)
        return overflow ? UInt64.max : sum
    }

    private mutating func unlink(_ slot: Int32) {
        let node = nodes[Int(slot)]
        if node.newer >= 0 { nodes[Int(node.newer)].older = node.older } else { newest = node.older }
        if node.older >= 0 { nodes[Int(node.older)].newer = node.newer } else { oldest = node.newer }
    }

    private mutating func moveToFront(_ slot: Int32) {
        guard slot != newest else { return }
        unlink(slot)
        nodes[Int(slot)].older = newest
        nodes[Int(slot)].newer = -1
        if newest >= 0 { nodes[Int(newest)].newer = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
    }

    private mutating func remove(slot: Int32) {
        unlink(slot)
        index.removeValue(forKey: nodes[Int(slot)].key)
        free.append(slot)
    }
}

extension LRUCache: Sendable where Key: Sendable, Value: Sendable {}

extension LRUCache.Node: Sendable where Key: Sendable, Value: Sendable {}
