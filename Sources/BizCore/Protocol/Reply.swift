/// The encoded reply lines of the protocol, each ending in `\n`.
public enum Reply {
    /// `PONG\n`
    public static let pong: [UInt8] = Array("PONG\n".utf8)
    /// `OK\n`
    public static let ok: [UInt8] = Array("OK\n".utf8)
    /// `NOTFOUND\n`
    public static let notFound: [UInt8] = Array("NOTFOUND\n".utf8)
    /// `BYE\n`
    public static let bye: [UInt8] = Array("BYE\n".utf8)

    /// `OK <json>\n`. The JSON must be one line.
    public static func ok(json: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(json.utf8.count + 4)
        bytes += "OK ".utf8
        bytes += json.utf8
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// `OK <json>\n` from JSON bytes in memory (one line, already validated).
    public static func ok(jsonBytes json: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: json.count + 4) { buffer, count in
            buffer[0] = UInt8(ascii: "O")
            buffer[1] = UInt8(ascii: "K")
            buffer[2] = UInt8(ascii: " ")
            UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[3..<(3 + json.count)]))
                .copyMemory(from: json)
            buffer[3 + json.count] = UInt8(ascii: "\n")
            count = json.count + 4
        }
    }

    /// `ERR <CODE> <message>\n`; every CR or LF byte in the message becomes a space.
    public static func error(_ error: ProtocolError) -> [UInt8] {
        var bytes = Array("ERR \(error.code.rawValue) ".utf8)
        bytes += error.message.utf8.map { $0 == 0x0A || $0 == 0x0D ? UInt8(ascii: " ") : $0 }
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}
