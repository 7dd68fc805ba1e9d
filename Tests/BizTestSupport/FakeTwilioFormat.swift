import BizCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Text formats the fake Twilio reads and writes: form and query encoding, JSON, RFC 2822
/// dates, phone-number shapes and SMS segment counting.
extension FakeTwilio {
    enum Format {
        // MARK: Random identifiers

        static func randomHex(_ count: Int) -> String {
            let digits = Array("0123456789abcdef")
            return String((0..<count).map { _ in digits[Int.random(in: 0..<16)] })
        }

        // MARK: URL encoding

        /// `application/x-www-form-urlencoded` pairs (a body or a query string): `+` is a space,
        /// `%XX` a byte of UTF-8; a malformed `%` stays as it is.
        static func parseForm<S: StringProtocol>(_ text: S) -> [Field] {
            text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
                if let equals = pair.firstIndex(of: "=") {
                    return Field(
                        name: decode(pair[..<equals], plusIsSpace: true),
                        value: decode(pair[pair.index(after: equals)...], plusIsSpace: true))
                }
                return Field(name: decode(pair, plusIsSpace: true), value: "")
            }
        }

        /// Percent-decodes `text`; `+` is a space only in form encoding, not in paths.
        static func decode<S: StringProtocol>(_ text: S, plusIsSpace: Bool) -> String {
            let bytes = Array(text.utf8)
            var decoded: [UInt8] = []
            decoded.reserveCapacity(bytes.count)
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                    let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
                {
                    decoded.append(high << 4 | low)
                    index += 3
                } else {
                    decoded.append(byte == UInt8(ascii: "+") && plusIsSpace ? UInt8(ascii: " ") : byte)
                    index += 1
                }
            }
            return String(decoding: decoded, as: UTF8.self)
        }

        /// Encodes a query name or value the way Twilio writes its page URIs: unreserved
        /// characters as they are, a space as `+`, everything else as `%XX` (`+` is `%2B`).
        static func encode(_ text: String) -> String {
            FormURLEncoding.encodeComponent(text)
        }

        private static func hexValue(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }

        // MARK: Dates

        private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

        /// `Thu, 03 Dec 2026 16:20:00 +0000`, as Twilio writes `date_created` and friends.
        static func rfc2822(_ date: Date) -> String {
            formatted(date, zone: "+0000")
        }

        /// `Thu, 03 Dec 2026 16:20:00 GMT`, for the HTTP `Date` header.
        static func httpDate(_ date: Date) -> String {
            formatted(date, zone: "GMT")
        }

        private static func formatted(_ date: Date, zone: String) -> String {
            var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
            var parts = tm()
            gmtime_r(&seconds, &parts)
            func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
            return "\(weekdays[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) "
                + "\(parts.tm_year + 1900) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) \(zone)"
        }

        /// A `DateSent` filter value: a whole GMT day, or an instant.
        enum DateFilter {
            case day(start: Date)
            case instant(Date)
        }

        /// Reads `YYYY-MM-DD` (a day), `YYYY-MM-DD[T ]HH:MM:SS[.fff][Z|±HH:MM]` (GMT unless a
        /// zone is given) or RFC 2822 (`Wed, 19 Jun 2019 22:04:00 -0000`).
        static func parseDateFilter(_ text: String) -> DateFilter? {
            let text = text.trimmingCharacters(in: .whitespaces)
            let characters = Array(text)
            func number(_ range: Range<Int>) -> Int32? {
                guard range.upperBound <= characters.count else { return nil }
                let slice = characters[range]
                guard slice.allSatisfy(\.isASCII), slice.allSatisfy(\.isNumber) else { return nil }
                return Int32(String(slice))
            }
            if characters.count >= 10, characters[4] == "-", characters[7] == "-",
                let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
                (1...12).contains(month), (1...31).contains(day)
            {
                guard let start = utc(year, month, day, 0, 0, 0) else { return nil }
                if characters.count == 10 { return .day(start: start) }
                guard characters.count >= 19, characters[10] == "T" || characters[10] == " ",
                    characters[13] == ":", characters[16] == ":",
                    let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
                    var instant = utc(year, month, day, hour, minute, second)
                else { return nil }
                var rest = characters[19...]
                if rest.first == "." {
                    let fraction = rest.dropFirst().prefix { $0.isASCII && $0.isNumber }
                    guard !fraction.isEmpty, let value = Double("0." + String(fraction)) else { return nil }
                    instant += value
                    rest = rest.dropFirst(1 + fraction.count)
                }
                let zone = String(rest)
                if zone.isEmpty || zone == "Z" { return .instant(instant) }
                guard let offset = zoneOffset(zone) else { return nil }
                return .instant(instant - offset)
            }
            // RFC 2822: [Day, ]DD Mon YYYY HH:MM:SS ±HHMM
            var words = text.split(separator: " ").map(String.init)
            if let first = words.first, first.hasSuffix(",") { words.removeFirst() }
            guard words.count == 5, let day = Int32(words[0]),
                let monthIndex = months.firstIndex(of: words[1]), let year = Int32(words[2])
            else { return nil }
            let clock = words[3].split(separator: ":")
            guard clock.count == 3, let hour = Int32(clock[0]), let minute = Int32(clock[1]),
                let second = Int32(clock[2]),
                let instant = utc(year, Int32(monthIndex + 1), day, hour, minute, second),
                let offset = zoneOffset(words[4])
            else { return nil }
            return .instant(instant - offset)
        }

        /// `Z`, `GMT`, `UT`, `±HHMM` or `±HH:MM`, in seconds east of GMT.
        private static func zoneOffset(_ zone: String) -> Double? {
            if zone == "Z" || zone == "GMT" || zone == "UT" || zone == "UTC" { return 0 }
            let digits = zone.dropFirst().filter { $0 != ":" }
            guard let sign = zone.first, sign == "+" || sign == "-", digits.count == 4,
                digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                let hours = Double(String(digits.prefix(2))), let minutes = Double(String(digits.suffix(2)))
            else { return nil }
            return (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
        }

        private static func utc(
            _ year: Int32, _ month: Int32, _ day: Int32, _ hour: Int32, _ minute: Int32, _ second: Int32
        ) -> Date? {
            guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour),
                (0...59).contains(minute), (0...60).contains(second)
            else { return nil }
            var parts = tm()
            parts.tm_year = year - 1900
            parts.tm_mon = month - 1
            parts.tm_mday = day
            parts.tm_hour = hour
            parts.tm_min = minute
            parts.tm_sec = second
            return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
        }

        // MARK: Phone numbers

        /// E.164 (`+` and 2 to 15 digits, the first not 0), or a channel address such as
        /// `whatsapp:+15551234567`.
        static func isValidRecipient(_ text: String) -> Bool {
            if let colon = text.firstIndex(of: ":") {
                let channel = text[..<colon]
                return !channel.isEmpty && channel.allSatisfy { $0.isASCII && $0.isLetter }
                    && isE164(String(text[text.index(after: colon)...]))
            }
            return isE164(text)
        }

        /// A recipient shape, a short code (3 to 8 digits), or an alphanumeric sender ID (1 to
        /// 11 letters, digits and inner spaces, at least one letter).
        static func isValidSender(_ text: String) -> Bool {
            if isValidRecipient(text) { return true }
            if (3...8).contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }) { return true }
            return (1...11).contains(text.count) && text.first != " " && text.last != " "
                && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " ") }
                && text.contains { $0.isASCII && $0.isLetter }
        }

        private static func isE164(_ text: String) -> Bool {
            let digits = text.utf8.dropFirst()
            return text.utf8.first == UInt8(ascii: "+") && (2...15).contains(digits.count)
                && digits.first != UInt8(ascii: "0")
                && digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        }

        // MARK: Segments

        private static let gsmBasic = Set(
            "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
                .unicodeScalars)
        private static let gsmExtended = Set("^{}\\[~]|€\u{0C}".unicodeScalars)

        /// How many SMS segments `body` takes: GSM-7 (extension characters count twice) 160
        /// septets alone or 153 per part, otherwise UCS-2 70 UTF-16 units alone or 67 per part.
        static func segmentCount(_ body: String) -> Int {
            var septets = 0
            var isGSM = true
            for scalar in body.unicodeScalars {
                if gsmBasic.contains(scalar) {
                    septets += 1
                } else if gsmExtended.contains(scalar) {
                    septets += 2
                } else {
                    isGSM = false
                    break
                }
            }
            if isGSM { return septets <= 160 ? 1 : (septets + 152) / 153 }
            let units = body.utf16.count
            return units <= 70 ? 1 : (units + 66) / 67
        }
    }

    // MARK: JSON

    /// A JSON value whose objects keep their keys in order.
    indirect enum JSON: Sendable {
        case string(String)
        case int(Int)
        case bool(Bool)
        case null
        case object([(String, JSON)])
        case array([JSON])

        static func optional(_ text: String?) -> JSON { text.map { .string($0) } ?? .null }
        static func optional(_ number: Int?) -> JSON { number.map { .int($0) } ?? .null }

        var bytes: [UInt8] {
            var text = ""
            write(into: &text)
            return Array(text.utf8)
        }

        func write(into text: inout String) {
            switch self {
            case .string(let value): Self.quote(value, into: &text)
            case .int(let value): text += String(value)
            case .bool(let value): text += value ? "true" : "false"
            case .null: text += "null"
            case .array(let values):
                text += "["
                for (index, value) in values.enumerated() {
                    if index > 0 { text += ", " }
                    value.write(into: &text)
                }
                text += "]"
            case .object(let members):
                text += "{"
                for (index, (key, value)) in members.enumerated() {
                    if index > 0 { text += ", " }
                    Self.quote(key, into: &text)
                    text += ": "
                    value.write(into: &text)
                }
                text += "}"
            }
        }

        private static func quote(_ value: String, into text: inout String) {
            JSONObjectWriter.appendQuoted(value, to: &text)
        }
    }
}
