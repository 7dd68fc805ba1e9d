/// The wire protocols bizbench speaks: bizcached's own line protocol and the `GET` of the
/// two caches it is compared with.
public enum BenchProtocol: String, CaseIterable, Sendable {
    /// bizcached: `GET +15550000042\n`, answered `OK <json>\n`, `NOTFOUND\n` or `ERR ...\n`.
    case bizcached
    /// Redis: `GET business:+15550000042` as a RESP array (or inline: `RedisRequestFormat`),
    /// answered with a RESP bulk string.
    case redis
    /// memcached text protocol: `get business:+15550000042\r\n`, answered `VALUE ...` or `END`.
    case memcached

    /// The bytes of a request before the phone (Redis: in `redisFormat`).
    public func requestPrefix(redisFormat: RedisRequestFormat = .multibulk) -> [UInt8] {
        switch self {
        case .bizcached: Array("GET ".utf8)
        case .redis: redisFormat.requestPrefix
        case .memcached: Array("get \(KeySpace.cacheKeyPrefix)".utf8)
        }
    }

    /// The bytes of a request after the phone.
    public var requestSuffix: [UInt8] {
        switch self {
        case .bizcached: Array("\n".utf8)
        case .redis, .memcached: Array("\r\n".utf8)
        }
    }
}
