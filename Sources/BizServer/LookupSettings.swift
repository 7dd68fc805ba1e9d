import BizCore

/// What the lookup path needs to know, shared read-only by loops and workers.
struct LookupSettings: Sendable {
    let cache: ShardedLRUCache<PhoneNumber, [UInt8]>
    let l1Capacity: Int
    let ttlSeconds: Int
    let redis: RedisEndpoint?
    let databaseURL: String
    let stats: ServerStats
    let parser: RequestParser
    /// Who may connect, when restricted.
    let peerPolicy: PeerPolicy?

    /// The prefix of every cached business's Redis key: `business:<E.164>`.
    static let redisKeyPrefix: StaticString = "business:"

    /// The Redis key of a number's cached business JSON.
    static func redisKey(_ phone: PhoneNumber) -> String { "\(redisKeyPrefix)" + phone.e164 }
}
