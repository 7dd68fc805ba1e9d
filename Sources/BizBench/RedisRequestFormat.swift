/// How `bizbench run --protocol redis` writes its `GET`s. The default is `multibulk`: an
/// inline command makes Redis itself slower (it splits inline lines with allocations), which
/// would charge the client's choice of encoding to the server in a comparison.
public enum RedisRequestFormat: String, CaseIterable, Sendable {
    /// An inline command, `GET business:+15550000042\r\n`: one line, like the other protocols.
    case inline
    /// A RESP array of bulk strings, `*2\r\n$3\r\nGET\r\n$21\r\nbusiness:+15550000042\r\n`, as
    /// real clients (hiredis, redis-benchmark) send it. Redis parses it with less work than an
    /// inline command (measured here: about a third less server CPU per GET at saturation).
    case multibulk

    /// The bytes of a `GET` before the phone.
    var requestPrefix: [UInt8] {
        switch self {
        case .inline:
            return Array("GET \(KeySpace.cacheKeyPrefix)".utf8)
        case .multibulk:
            let keyLength = KeySpace.cacheKeyPrefix.utf8.count + KeySpace.phoneLength
            return Array("*2\r\n$3\r\nGET\r\n$\(keyLength)\r\n\(KeySpace.cacheKeyPrefix)".utf8)
        }
    }
}
