/// Writes the `GET` request for a phone index in one protocol: a fixed prefix, the phone's
/// seven index digits, a fixed suffix. Every request has the same length, `length`.
///
/// The request bytes are written from a template of a few dozen bytes plus seven digits,
/// rather than copied from a table of all N pre-encoded requests: measured here, random reads
/// from such a table (2.5 MB for 100,000 keys) missed the cache on most requests and were the
/// largest user-space cost of the load loop, while the template stays in L1.
public struct RequestEncoder: Sendable {
    /// The protocol the requests are written in.
    public let benchProtocol: BenchProtocol
    /// The length of every request in bytes.
    public let length: Int
    /// Where the phone starts inside a request.
    public let phoneOffset: Int
    /// The request of phone 0; writing a request copies it and patches the index digits.
    private let template: [UInt8]
    /// Where the index digits start.
    private let digitsOffset: Int

    /// An encoder for `benchProtocol`; `redisFormat` chooses how Redis requests are written.
    public init(protocol benchProtocol: BenchProtocol, redisFormat: RedisRequestFormat = .multibulk) {
        self.benchProtocol = benchProtocol
        let prefix = benchProtocol.requestPrefix(redisFormat: redisFormat)
        phoneOffset = prefix.count
        template = prefix + KeySpace.phoneBytes(0) + benchProtocol.requestSuffix
        length = template.count
        digitsOffset = phoneOffset + KeySpace.phonePrefix.count
    }

    /// Writes the request for phone `index` into the `length` bytes at `destination`.
    @inline(__always)
    public func write(_ index: Int, to destination: UnsafeMutableRawPointer) {
        template.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress!, byteCount: length) }
        var rest = UInt32(truncatingIfNeeded: index)
        var position = digitsOffset + KeySpace.indexDigits - 1
        while position >= digitsOffset {
            let quotient = rest / 10
            destination.storeBytes(
                of: UInt8(truncatingIfNeeded: rest &- quotient &* 10) &+ 0x30, toByteOffset: position, as: UInt8.self)
            rest = quotient
            position &-= 1
        }
    }

    /// The request for phone `index`.
    public func request(_ index: Int) -> [UInt8] {
        precondition(index >= 0 && index < KeySpace.maximumKeys, "phone index out of range")
        return [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
            write(index, to: UnsafeMutableRawPointer(buffer.baseAddress!))
            count = length
        }
    }
}
