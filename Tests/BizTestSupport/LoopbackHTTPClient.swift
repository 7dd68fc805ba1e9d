import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 client for tests of servers on 127.0.0.1 or a Unix socket: one request per connection,
/// written byte for byte as given, the reply read to the end.
public enum LoopbackHTTPClient {
    /// A reply as received.
    public struct Response: Sendable {
        public let status: Int
        /// Header names in lower case; the last value of a repeated header.
        public let headers: [String: String]
        public let body: String
        /// Every header line in order, names in lower case.
        public let headerLines: [(name: String, value: String)]

        /// Every value of a header that may repeat, such as `set-cookie`.
        public func values(of name: String) -> [String] {
            headerLines.filter { $0.name == name.lowercased() }.map(\.value)
        }

        /// The value a `Set-Cookie` header gives the cookie `name`.
        public func cookie(_ name: String) -> String? {
            values(of: "set-cookie").first { $0.hasPrefix(name + "=") }.map {
                String($0.dropFirst(name.count + 1).prefix { $0 != ";" })
            }
        }
    }

    /// A port on 127.0.0.1 that nothing listens on now (the kernel's pick, released again).
    public static func freePort() throws -> UInt16 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ChildProcess.Failure("socket: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw ChildProcess.Failure("bind: \(String(cString: strerror(errno)))") }
        return UInt16(bigEndian: address.sin_port)
    }

    /// A connected socket to 127.0.0.1:`port` whose reads and writes time out after `timeout` seconds.
    public static func connect(port: UInt16, timeout: Double = 10) throws -> Int32 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return try connect(to: &address, family: AF_INET, named: "127.0.0.1:\(port)", timeout: timeout)
    }

    /// A connected socket to the Unix socket at `path`, with the same timeouts.
    public static func connect(unixSocket path: String, timeout: Double = 10) throws -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw ChildProcess.Failure("socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        return try connect(to: &address, family: AF_UNIX, named: path, timeout: timeout)
    }

    /// A stream socket of `family` connected to `address` (a `sockaddr_in` or `sockaddr_un`).
    private static func connect<Address>(
        to address: inout Address, family: Int32, named name: String, timeout: Double
    ) throws -> Int32 {
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw ChildProcess.Failure("socket: \(String(cString: strerror(errno)))") }
        var interval = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<Address>.size)) == 0
            }
        }
        guard connected else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw ChildProcess.Failure("cannot connect to \(name): \(reason)")
        }
        return descriptor
    }

    /// Sends `METHOD path HTTP/1.1` (with `Connection: close`, `headers`, and the body if
    /// any) to 127.0.0.1:`port` and reads the whole reply. `Host` is `127.0.0.1:port`
    /// unless `headers` name one.
    public static func request(
        _ method: String, _ path: String, port: UInt16, headers: [(String, String)] = [], body: String? = nil,
        timeout: Double = 10
    ) throws -> Response {
        let descriptor = try connect(port: port, timeout: timeout)
        defer { close(descriptor) }
        return try exchange(method, path, on: descriptor, host: "127.0.0.1:\(port)", headers: headers, body: body)
    }

    /// The same request over the Unix socket at `path`; `Host` is `localhost` unless
    /// `headers` name one.
    public static func request(
        _ method: String, _ path: String, unixSocket socketPath: String, headers: [(String, String)] = [],
        body: String? = nil, timeout: Double = 10
    ) throws -> Response {
        let descriptor = try connect(unixSocket: socketPath, timeout: timeout)
        defer { close(descriptor) }
        return try exchange(method, path, on: descriptor, host: "localhost", headers: headers, body: body)
    }

    private static func exchange(
        _ method: String, _ path: String, on descriptor: Int32, host: String, headers: [(String, String)], body: String?
    ) throws -> Response {
        var head = "\(method) \(path) HTTP/1.1\r\n"
        if !headers.contains(where: { $0.0.lowercased() == "host" }) { head += "Host: \(host)\r\n" }
        head += "Connection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body {
            if !headers.contains(where: { $0.0.lowercased() == "content-type" }) { head += "Content-Type: text/plain\r\n" }
            head += "Content-Length: \(body.utf8.count)\r\n"
        }
        try send(head + "\r\n" + (body ?? ""), on: descriptor)
        let raw = try readToEnd(descriptor)
        guard let response = parse(raw) else {
            throw ChildProcess.Failure("not an HTTP response: \(String(decoding: raw.prefix(200), as: UTF8.self))")
        }
        return response
    }

    /// Writes all of `text`.
    public static func send(_ text: String, on descriptor: Int32) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { throw ChildProcess.Failure("write: \(String(cString: strerror(errno)))") }
            offset += written
        }
    }

    /// Reads until the peer closes; a reset after some bytes ends the reply too.
    public static func readToEnd(_ descriptor: Int32) throws -> [UInt8] {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                received += chunk[0..<count]
            } else if count == 0 || errno == ECONNRESET {
                return received
            } else if errno != EINTR {
                throw ChildProcess.Failure("read: \(String(cString: strerror(errno)))")
            }
        }
    }

    private static func parse(_ raw: [UInt8]) -> Response? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = raw.indices.first(where: { raw[$0...].starts(with: separator) }) else { return nil }
        let head = String(decoding: raw[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusWords = head[0].split(separator: " ")
        guard statusWords.count >= 2, statusWords[0].hasPrefix("HTTP/1."), let status = Int(statusWords[1]) else { return nil }
        var lines: [(name: String, value: String)] = []
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            lines.append((line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return Response(
            status: status, headers: Dictionary(lines.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }),
            body: String(decoding: raw[(end + 4)...], as: UTF8.self), headerLines: lines)
    }
}
