/// Numbers as plain decimal text with a fixed count of fraction digits (`1234.5`), for
/// reports and JSON, without Foundation's formatters.
public enum DecimalText {
    /// `value` rounded to `fractionDigits` digits after the point; non-finite values print as 0.
    public static func fixed(_ value: Double, fractionDigits: Int) -> String {
        guard value.isFinite else { return "0" }
        var scale: UInt64 = 1
        for _ in 0..<fractionDigits { scale *= 10 }
        let magnitude = (abs(value) * Double(scale)).rounded()
        guard magnitude < 9.0e18 else { return String(value) }
        let scaled = UInt64(magnitude)
        var text = value < 0 && scaled > 0 ? "-" : ""
        text += String(scaled / scale)
        if fractionDigits > 0 {
            let fraction = String(scaled % scale)
            text += "." + String(repeating: "0", count: fractionDigits - fraction.count) + fraction
        }
        return text
    }
}
