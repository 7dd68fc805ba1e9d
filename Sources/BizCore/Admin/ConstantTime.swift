/// Comparisons whose time does not depend on where two secrets differ, so that a client
/// cannot guess a token byte by byte from how long refusals take.
public enum ConstantTime {
    /// Whether the two texts have the same UTF-8 bytes. Every byte is compared whatever the
    /// earlier ones were; only the length shows in the time taken, and tokens have a fixed
    /// length.
    public static func equals(_ lhs: some StringProtocol, _ rhs: some StringProtocol) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices {
            difference |= left[index] ^ right[index]
        }
        return difference == 0
    }
}
