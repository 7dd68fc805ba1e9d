/// Encodes the commands that store a value under a phone's cache key, `business:<phone>`,
/// without expiry.
public enum StoreCommands {
    /// The Redis command `SET business:<phone> <value>` in RESP multibulk form (binary-safe).
    public static func redisSet(index: Int, value: UnsafeRawBufferPointer) -> [UInt8] {
        var buffer = ByteBuffer(capacity: value.count + 64)
        appendRedisSet(index: index, value: value, to: &buffer)
        return Array(buffer.readable)
    }

    /// The memcached command `set business:<phone> 0 0 <len>\r\n<value>\r\n`.
    public static func memcachedSet(index: Int, value: UnsafeRawBufferPointer) -> [UInt8] {
        var buffer = ByteBuffer(capacity: value.count + 64)
        appendMemcachedSet(index: index, value: value, to: &buffer)
        return Array(buffer.readable)
    }

    static func appendRedisSet(index: Int, value: UnsafeRawBufferPointer, to buffer: inout ByteBuffer) {
        let keyLength = KeySpace.cacheKeyPrefix.utf8.count + KeySpace.phoneLength
        appendASCII("*3\r\n$3\r\nSET\r\n$\(keyLength)\r\n", to: &buffer)
        appendKey(index, to: &buffer)
        appendASCII("\r\n$\(value.count)\r\n", to: &buffer)
        if value.count > 0 { buffer.append(value.baseAddress!, count: value.count) }
        appendASCII("\r\n", to: &buffer)
    }

    static func appendMemcachedSet(index: Int, value: UnsafeRawBufferPointer, to buffer: inout ByteBuffer) {
        appendASCII("set ", to: &buffer)
        appendKey(index, to: &buffer)
        appendASCII(" 0 0 \(value.count)\r\n", to: &buffer)
        if value.count > 0 { buffer.append(value.baseAddress!, count: value.count) }
        appendASCII("\r\n", to: &buffer)
    }

    private static func appendKey(_ index: Int, to buffer: inout ByteBuffer) {
        appendASCII(KeySpace.cacheKeyPrefix, to: &buffer)
        buffer.reserve(KeySpace.phoneLength)
        KeySpace.writePhone(index, to: buffer.writePointer)
        buffer.didWrite(KeySpace.phoneLength)
    }

    private static func appendASCII(_ text: String, to buffer: inout ByteBuffer) {
        var text = text
        text.withUTF8 { buffer.append(UnsafeRawPointer($0.baseAddress!), count: $0.count) }
    }
}
