/// Synthetic business JSON of a chosen size, shaped like bizcached's values and holding the
/// phone in quotes:
/// `{"id":"00000000-0000-4000-8000-000000000042","name":"Business 0000042 ...","public_phone":"+15550000042",...}`.
///
/// The text is built once as a template; each value is the template with the index written
/// into its three number fields, so every value of a run has the same length.
public struct SyntheticBusiness: Sendable {
    /// The length of every value.
    public let length: Int
    private let template: [UInt8]
    /// Where the 12-digit id suffix, the 7-digit name number and the phone start.
    private let idOffset: Int
    private let nameOffset: Int
    private let phoneOffset: Int

    /// Values of about `size` bytes (exactly `size` unless that is below the unpadded
    /// length, about 270 bytes).
    public init(size: Int) {
        let idHead = #"{"id":"00000000-0000-4000-8000-"#
        let nameHead = #"000000000000","name":"Business "#
        let nameNumber = "0000000"
        let phoneHead = #"","public_phone":""#
        let tail = #"","twilio_phone":null,"business_type":"synthetic","custom_settings":{},"#
            + #""created_at":"2026-01-01T00:00:00.000000Z","updated_at":"2026-01-01T00:00:00.000000Z"}"#
        let phone = KeySpace.phone(0)
        let unpadded = idHead.utf8.count + nameHead.utf8.count + nameNumber.utf8.count + phoneHead.utf8.count
            + phone.utf8.count + tail.utf8.count
        let padWords = Array(" lorem ipsum dolor sit amet consectetur adipiscing elit".utf8)
        var padding: [UInt8] = []
        while padding.count < size - unpadded { padding.append(padWords[padding.count % padWords.count]) }
        var text = Array(idHead.utf8)
        idOffset = text.count
        text += Array(nameHead.utf8)
        nameOffset = text.count
        text += Array(nameNumber.utf8) + padding + Array(phoneHead.utf8)
        phoneOffset = text.count
        text += Array(phone.utf8) + Array(tail.utf8)
        template = text
        length = text.count
    }

    /// Writes the value of phone `index` into the `length` bytes at `destination`.
    public func write(index: Int, to destination: UnsafeMutableRawPointer) {
        template.withUnsafeBytes { destination.copyMemory(from: $0.baseAddress!, byteCount: length) }
        Self.writeDigits(index, count: 12, to: destination + idOffset)
        Self.writeDigits(index, count: 7, to: destination + nameOffset)
        KeySpace.writePhone(index, to: destination + phoneOffset)
    }

    /// The value of phone `index`.
    public func value(index: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: length) { buffer, count in
            write(index: index, to: UnsafeMutableRawPointer(buffer.baseAddress!))
            count = length
        }
    }

    private static func writeDigits(_ number: Int, count: Int, to destination: UnsafeMutableRawPointer) {
        var rest = number
        for position in stride(from: count - 1, through: 0, by: -1) {
            destination.storeBytes(of: UInt8(truncatingIfNeeded: 0x30 + rest % 10), toByteOffset: position, as: UInt8.self)
            rest /= 10
        }
    }
}
