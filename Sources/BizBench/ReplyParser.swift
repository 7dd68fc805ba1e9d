import Glibc

/// What a reply to one `GET` said.
public enum ReplyKind: UInt8, Sendable {
    /// A value: the business of the requested phone (or so the server claims).
    case hit
    /// The server has nothing for the phone.
    case miss
    /// An error reply (`ERR ...`, `-ERR ...`, `SERVER_ERROR ...`) or a reply of the wrong type.
    case error
}

/// One complete reply found at the start of a byte buffer.
public struct ParsedReply: Equatable, Sendable {
    /// Hit, miss or error.
    public var kind: ReplyKind
    /// How many bytes the reply takes, its terminator included.
    public var length: Int
    /// Where the value starts within the reply (hits only).
    public var valueStart: Int
    /// How many bytes the value has (0 unless a hit).
    public var valueCount: Int

    /// A reply of `length` bytes whose value (if a hit) is `valueCount` bytes from `valueStart`.
    public init(kind: ReplyKind, length: Int, valueStart: Int = 0, valueCount: Int = 0) {
        self.kind = kind
        self.length = length
        self.valueStart = valueStart
        self.valueCount = valueCount
    }
}

/// The outcome of looking for a reply at the start of the received bytes.
public enum ReplyParseResult: Equatable, Sendable {
    /// A reply is complete.
    case reply(ParsedReply)
    /// More bytes are needed.
    case incomplete
    /// The bytes cannot be a reply: the stream cannot be followed any further.
    case invalid
}

/// Finds the reply at the start of received bytes, without copying or allocating.
///
/// Parsers are stateless: given everything received and not yet consumed, they report
/// the first reply, or that it is incomplete; the caller drops `length` bytes and asks again.
/// Feeding bytes one at a time only costs rescans of a partial reply.
public protocol ReplyParser {
    static func parse(_ bytes: UnsafeRawBufferPointer) -> ReplyParseResult
}

/// Byte-level helpers shared by the parsers.
enum ReplyBytes {
    /// The offset of the first `byte` at or after `from`, if any.
    @inline(__always)
    static func find(_ byte: UInt8, in bytes: UnsafeRawBufferPointer, from: Int) -> Int? {
        guard from < bytes.count, let base = bytes.baseAddress,
            let found = memchr(base + from, Int32(byte), bytes.count - from)
        else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// Whether `bytes` has `literal` at `offset`.
    @inline(__always)
    static func has(_ literal: StaticString, in bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard offset >= 0, offset + count <= bytes.count else { return false }
        return memcmp(bytes.baseAddress! + offset, literal.utf8Start, count) == 0
    }

    /// The non-negative decimal number in `bytes[start..<end]`, or nil when that is empty, holds
    /// anything but digits, or is absurdly long.
    @inline(__always)
    static func decimal(in bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int? {
        guard start < end, end - start <= 18 else { return nil }
        var value = 0
        for offset in start..<end {
            let digit = bytes[offset] &- 0x30
            guard digit < 10 else { return nil }
            value = value &* 10 &+ Int(digit)
        }
        return value
    }
}
