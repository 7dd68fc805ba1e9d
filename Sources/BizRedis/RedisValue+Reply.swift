import CHiredis

extension RedisValue {
    /// Deep-copies a hiredis reply. The caller still owns `reply` and must `freeReplyObject` it.
    init(reply: UnsafePointer<redisReply>) {
        let reply = reply.pointee
        func text() -> String {
            guard let str = reply.str else { return "" }
            return String(decoding: UnsafeRawBufferPointer(start: str, count: reply.len), as: UTF8.self)
        }
        switch reply.type {
        case REDIS_REPLY_STRING:
            guard let str = reply.str else { self = .string([]); return }
            self = .string(Array(UnsafeRawBufferPointer(start: str, count: reply.len)))
        case REDIS_REPLY_STATUS:
            self = .status(text())
        case REDIS_REPLY_ERROR:
            self = .error(text())
        case REDIS_REPLY_INTEGER:
            self = .integer(Int(truncatingIfNeeded: reply.integer))
        case REDIS_REPLY_ARRAY:
            guard let elements = reply.element else { self = .array([]); return }
            self = .array(UnsafeBufferPointer(start: elements, count: reply.elements).map { element in
                element.map { RedisValue(reply: $0) } ?? .null
            })
        default: // REDIS_REPLY_NIL
            self = .null
        }
    }
}
