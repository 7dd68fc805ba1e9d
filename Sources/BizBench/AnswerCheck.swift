import Glibc

/// Whether a hit answers the phone that was asked for: its value must contain the phone's
/// E.164 text in quotes, as a business's `"public_phone":"+15550000042"` does.
///
/// The check jumps from `+` to `+` with `memchr` (a `+` is rare in business JSON) and
/// compares the digits against the index arithmetically, so it neither allocates nor needs
/// the phone's text.
public enum AnswerCheck {
    /// Whether `value` contains `"<phone index>"`.
    public static func containsQuotedPhone(_ value: UnsafeRawBufferPointer, index: Int) -> Bool {
        guard let base = value.baseAddress, value.count >= KeySpace.phoneLength + 2 else { return false }
        var from = 1  // the quote before the `+` must fit
        // The last place a `+` can start the phone and leave room for the closing quote.
        let lastPlus = value.count - KeySpace.phoneLength - 1
        while from <= lastPlus {
            guard let found = memchr(base + from, Int32(UInt8(ascii: "+")), lastPlus + 1 - from) else { return false }
            let plus = base.distance(to: UnsafeRawPointer(found))
            if matches(base + plus, index: index) { return true }
            from = plus + 1
        }
        return false
    }

    /// Whether `"<phone index>"` starts one byte before `plus` (the caller checked that the
    /// quotes are in bounds).
    @inline(__always)
    private static func matches(_ plus: UnsafeRawPointer, index: Int) -> Bool {
        guard plus.load(fromByteOffset: -1, as: UInt8.self) == UInt8(ascii: "\""),
            plus.load(fromByteOffset: KeySpace.phoneLength, as: UInt8.self) == UInt8(ascii: "\""),
            plus.loadUnaligned(fromByteOffset: 1, as: UInt32.self) == KeySpace.countryAndAreaWord
        else { return false }
        var number = 0
        for offset in (KeySpace.phoneLength - KeySpace.indexDigits)..<KeySpace.phoneLength {
            let digit = plus.load(fromByteOffset: offset, as: UInt8.self) &- 0x30
            guard digit < 10 else { return false }
            number = number &* 10 &+ Int(digit)
        }
        return number == index
    }

    /// Convenience for tests and tools: the same check on an array.
    public static func containsQuotedPhone(_ value: [UInt8], index: Int) -> Bool {
        value.withUnsafeBytes { containsQuotedPhone($0, index: index) }
    }
}
