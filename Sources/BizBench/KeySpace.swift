/// The phones a benchmark asks for: phone `i` (0 ≤ i < N) is `+1555` followed by `i` as
/// seven digits, so `+15550000000`, `+15550000001`, ...
public enum KeySpace {
    /// The digits before the index, with the `+`.
    public static let phonePrefix: [UInt8] = Array("+1555".utf8)
    /// The four digits after the `+` ("1555") as a little-endian word, for comparing them at once.
    public static let countryAndAreaWord: UInt32 = 0x3535_3531
    /// How many digits the index takes.
    public static let indexDigits = 7
    /// The length of every phone's E.164 text (`+15550000042`).
    public static let phoneLength = 5 + 7
    /// The most keys there can be: seven digits.
    public static let maximumKeys = 10_000_000
    /// The prefix of the cache key under which Redis and memcached hold a phone's business.
    public static let cacheKeyPrefix = "business:"

    /// Writes phone `index` as E.164 text into the `phoneLength` bytes at `destination`.
    public static func writePhone(_ index: Int, to destination: UnsafeMutableRawPointer) {
        precondition(index >= 0 && index < maximumKeys, "phone index out of range")
        for (offset, byte) in phonePrefix.enumerated() {
            destination.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self)
        }
        var rest = index
        var position = phoneLength - 1
        while position >= phonePrefix.count {
            destination.storeBytes(of: UInt8(truncatingIfNeeded: 0x30 + rest % 10), toByteOffset: position, as: UInt8.self)
            rest /= 10
            position -= 1
        }
    }

    /// Phone `index` as E.164 text bytes.
    public static func phoneBytes(_ index: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: phoneLength) { buffer, count in
            writePhone(index, to: UnsafeMutableRawPointer(buffer.baseAddress!))
            count = phoneLength
        }
    }

    /// Phone `index` as E.164 text, for example `+15550000042`.
    public static func phone(_ index: Int) -> String {
        String(decoding: phoneBytes(index), as: UTF8.self)
    }

    /// The Redis or memcached key of phone `index`: `business:+15550000042`.
    public static func cacheKey(_ index: Int) -> [UInt8] {
        Array(cacheKeyPrefix.utf8) + phoneBytes(index)
    }
}
