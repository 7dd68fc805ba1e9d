/// Reads durations written on the command line: `30s`, `5m`, `2h`, `7d`, or a bare number
/// of seconds (`90`), for flags such as `--older-than 30d` and `--visibility-timeout 5m`.
///
/// Whole numbers only (`1.5h` is refused: write `90m`), no sign, no spaces, lowercase units.
/// `0` is accepted; callers that need a positive duration check for it.
public enum DurationText {
    /// The longest duration accepted: 100 years, far beyond any sensible flag and well inside
    /// `Duration`'s range.
    public static let maximumSeconds: Int64 = 100 * 365 * 86_400

    /// Parses `<digits>[s|m|h|d]`.
    public static func parse(_ text: some StringProtocol) throws(DurationTextError) -> Duration {
        let utf8 = Array(text.utf8)
        guard !utf8.isEmpty else { throw .empty }
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        let digits = utf8.prefix(while: isDigit)
        let unit = utf8.dropFirst(digits.count)
        guard !digits.isEmpty else { throw .invalid(String(text)) }
        let secondsPerUnit: Int64
        switch unit.first {
        case nil: secondsPerUnit = 1
        case _ where unit.count > 1: throw .invalid(String(text))
        case UInt8(ascii: "s"): secondsPerUnit = 1
        case UInt8(ascii: "m"): secondsPerUnit = 60
        case UInt8(ascii: "h"): secondsPerUnit = 3_600
        case UInt8(ascii: "d"): secondsPerUnit = 86_400
        default: throw .invalid(String(text))
        }
        var count: Int64 = 0
        for digit in digits {
            count = count * 10 + Int64(digit - UInt8(ascii: "0"))
            guard count <= maximumSeconds else { throw .tooLong(String(text)) }
        }
        let (seconds, overflow) = count.multipliedReportingOverflow(by: secondsPerUnit)
        guard !overflow, seconds <= maximumSeconds else { throw .tooLong(String(text)) }
        return .seconds(seconds)
    }
}
