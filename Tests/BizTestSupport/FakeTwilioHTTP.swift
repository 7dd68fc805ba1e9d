import Dispatch
import Foundation
import Glibc
import Synchronization

/// The fake Twilio's HTTP/1.1 layer: a loopback TCP listener with one thread per connection.
///
/// It speaks what URLSession (libcurl) and other clients send: keep-alive connections,
/// pipelined requests, requests split across many reads, `Content-Length` and `chunked`
/// bodies, and `Expect: 100-continue` (answered with `100 Continue` before the body is read).
/// A response may be delayed, or replaced by closing the connection.
extension FakeTwilio {
    /// One parsed request.
    struct HTTPRequest: Sendable {
        let method: String
        /// The request target as sent (origin form, with its query).
        let target: String
        let version: String
        /// Header fields in order, names lowercased.
        let headers: [(name: String, value: String)]
        let body: [UInt8]
        let arrivedAt: Date

        /// The value of header `name` (lowercase); repeats joined with `, `.
        func header(_ name: String) -> String? {
            let values = headers.filter { $0.name == name }.map(\.value)
            return values.isEmpty ? nil : values.joined(separator: ", ")
        }
    }

    struct HTTPResponse: Sendable {
        var status: Int
        /// Besides `Date`, `Content-Length` and `Connection`, which the server adds.
        var headers: [(name: String, value: String)]
        var body: [UInt8]
    }

    /// What the server does with a request.
    enum HTTPAction: Sendable {
        /// Waits `delay` seconds, then sends the response.
        case respond(HTTPResponse, delay: Double)
        /// Waits `delay` seconds, then closes the connection without answering.
        case drop(delay: Double)
    }

    final class HTTPServer: Sendable {
        /// The port the listener got from the kernel, on 127.0.0.1.
        let port: Int
        private let listener: Int32
        private let handler: @Sendable (HTTPRequest) -> HTTPAction
        private let stopped = Atomic<Bool>(false)
        /// Open connections; `stop()` shuts them down under this lock, and a connection's
        /// thread closes its descriptor under it, so a number is never shut down after reuse.
        private let connections = Mutex<Set<Int32>>([])
        private let acceptLoopEnded = DispatchSemaphore(value: 0)

        static let maxHeadBytes = 64 * 1024
        static let maxBodyBytes = 16 * 1024 * 1024

        init(handler: @escaping @Sendable (HTTPRequest) -> HTTPAction) throws {
            self.handler = handler
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else { throw ChildProcess.Failure("socket: \(String(cString: strerror(errno)))") }
            var yes: Int32 = 1
            setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    bind(descriptor, pointer, length) == 0 && Glibc.listen(descriptor, 1024) == 0
                        && getsockname(descriptor, pointer, &length) == 0
                }
            }
            guard bound else {
                let reason = String(cString: strerror(errno))
                Glibc.close(descriptor)
                throw ChildProcess.Failure("cannot listen on 127.0.0.1: \(reason)")
            }
            listener = descriptor
            port = Int(UInt16(bigEndian: address.sin_port))
            Thread.detachNewThread { [self] in acceptLoop() }
        }

        /// Stops accepting, shuts every connection down (a delayed reply is abandoned) and
        /// closes the listener. Idempotent.
        func stop() {
            let first = connections.withLock { open -> Bool in
                guard !stopped.exchange(true, ordering: .sequentiallyConsistent) else { return false }
                for descriptor in open { shutdown(descriptor, Int32(SHUT_RDWR)) }
                return true
            }
            guard first else { return }
            shutdown(listener, Int32(SHUT_RDWR))  // wakes accept() with EINVAL
            acceptLoopEnded.wait()
            Glibc.close(listener)
        }

        private var isStopped: Bool { stopped.load(ordering: .sequentiallyConsistent) }

        private func acceptLoop() {
            defer { acceptLoopEnded.signal() }
            while !isStopped {
                let descriptor = accept(listener, nil, nil)
                guard descriptor >= 0 else {
                    if errno != EINTR && errno != ECONNABORTED && !isStopped { usleep(5_000) }
                    continue
                }
                _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)  // test runners spawn children
                let admitted = connections.withLock { open -> Bool in
                    guard !isStopped else { return false }
                    open.insert(descriptor)
                    return true
                }
                guard admitted else {
                    Glibc.close(descriptor)
                    return
                }
                var one: Int32 = 1
                setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                Thread.detachNewThread { [self] in
                    let graceful = serve(descriptor)
                    finish(descriptor, graceful: graceful)
                }
            }
        }

        /// Closes a connection: after a final answer, gracefully (the client reads it to the
        /// end); after a drop or an error, at once.
        private func finish(_ descriptor: Int32, graceful: Bool) {
            if graceful && !isStopped {
                shutdown(descriptor, Int32(SHUT_WR))
                var timeout = timeval(tv_sec: 1, tv_usec: 0)
                setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                var sink = [UInt8](repeating: 0, count: 4096)
                while sink.withUnsafeMutableBytes({ read(descriptor, $0.baseAddress, $0.count) }) > 0 {}
            }
            connections.withLock { open in
                open.remove(descriptor)
                Glibc.close(descriptor)
            }
        }

        /// Sleeps `seconds` unless the server stops first; false if it stopped.
        private func pause(_ seconds: Double) -> Bool {
            let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, seconds) * 1e9)
            while !isStopped {
                let now = DispatchTime.now().uptimeNanoseconds
                if now >= deadline { return true }
                usleep(useconds_t(min(deadline - now, 10_000_000) / 1_000))
            }
            return false
        }

        // MARK: One connection

        /// Serves requests until the client closes, a request asks for `close`, or a fault
        /// drops the connection. Returns whether to close gracefully.
        private func serve(_ descriptor: Int32) -> Bool {
            var buffer: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65536)

            /// Reads more bytes into `buffer`; false at end of stream or on an error.
            func fill() -> Bool {
                while true {
                    let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                    if count < 0 && errno == EINTR { continue }
                    guard count > 0 else { return false }
                    buffer.append(contentsOf: chunk[0..<count])
                    return true
                }
            }

            func reject(_ status: Int, _ reason: String) -> Bool {
                let response = HTTPResponse(
                    status: status, headers: [("Content-Type", "text/plain")], body: Array((reason + "\n").utf8))
                _ = write(Self.serialize(response, keepAlive: false), to: descriptor)
                return true
            }

            while !isStopped {
                // The head: request line and header fields, up to an empty line.
                var headEnd: Int?
                while true {
                    while buffer.count >= 2 && buffer[0] == 13 && buffer[1] == 10 { buffer.removeFirst(2) }
                    headEnd = Self.find([13, 10, 13, 10], in: buffer, from: 0)
                    if headEnd != nil { break }
                    if buffer.count > Self.maxHeadBytes { return reject(431, "Request Header Fields Too Large") }
                    guard fill() else { return false }
                }
                guard let headEnd, let head = Self.parseHead(buffer[0..<headEnd]) else {
                    return reject(400, "Bad Request")
                }
                let bodyStart = headEnd + 4

                // The body's framing.
                var contentLength = 0
                var chunked = false
                if let codings = head.header("transfer-encoding") {
                    guard codings.lowercased().split(separator: ",").last?.trimmingCharacters(in: .whitespaces)
                        == "chunked"
                    else { return reject(501, "Not Implemented") }
                    chunked = true
                } else if let lengthText = head.header("content-length") {
                    let values = Set(lengthText.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                    guard values.count == 1, let value = values.first, !value.isEmpty,
                        value.allSatisfy({ $0.isASCII && $0.isNumber }), let length = Int(value)
                    else { return reject(400, "Bad Request") }
                    guard length <= Self.maxBodyBytes else { return reject(413, "Content Too Large") }
                    contentLength = length
                }

                var body: [UInt8] = []
                var consumed = bodyStart
                var sentContinue = false
                func sendContinueIfAsked() -> Bool {
                    guard !sentContinue, head.version == "HTTP/1.1",
                        head.header("expect")?.lowercased() == "100-continue"
                    else { return true }
                    sentContinue = true
                    return write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), to: descriptor)
                }
                if chunked {
                    decoding: while true {
                        switch Self.decodeChunked(buffer, from: bodyStart) {
                        case .complete(let decoded, let end):
                            body = decoded
                            consumed = end
                            break decoding
                        case .malformed:
                            return reject(400, "Bad Request")
                        case .incomplete:
                            if buffer.count - bodyStart > Self.maxBodyBytes { return reject(413, "Content Too Large") }
                            guard sendContinueIfAsked(), fill() else { return false }
                        }
                    }
                } else {
                    while buffer.count - bodyStart < contentLength {
                        guard sendContinueIfAsked(), fill() else { return false }
                    }
                    body = Array(buffer[bodyStart..<bodyStart + contentLength])
                    consumed = bodyStart + contentLength
                }
                buffer.removeFirst(consumed)

                let connection = head.header("connection")?.lowercased() ?? ""
                let keepAlive = head.version == "HTTP/1.1"
                    ? !connection.contains("close") : connection.contains("keep-alive")
                let request = HTTPRequest(
                    method: head.method, target: head.target, version: head.version, headers: head.headers,
                    body: body, arrivedAt: Date())
                switch handler(request) {
                case .respond(let response, let delay):
                    guard pause(delay) else { return false }
                    guard write(Self.serialize(response, keepAlive: keepAlive), to: descriptor) else { return false }
                    if !keepAlive { return true }
                case .drop(let delay):
                    _ = pause(delay)
                    return false
                }
            }
            return false
        }

        private func write(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes {
                    send(descriptor, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
                }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return false }
                offset += written
            }
            return true
        }

        // MARK: Parsing and writing

        struct Head {
            let method: String
            let target: String
            let version: String
            let headers: [(name: String, value: String)]

            func header(_ name: String) -> String? {
                let values = headers.filter { $0.name == name }.map(\.value)
                return values.isEmpty ? nil : values.joined(separator: ", ")
            }
        }

        static func parseHead(_ bytes: ArraySlice<UInt8>) -> Head? {
            let lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
            let requestLine = lines[0].split(separator: " ", omittingEmptySubsequences: false)
            guard requestLine.count == 3, !requestLine[0].isEmpty, !requestLine[1].isEmpty,
                requestLine[2] == "HTTP/1.1" || requestLine[2] == "HTTP/1.0"
            else { return nil }
            var headers: [(name: String, value: String)] = []
            for line in lines.dropFirst() {
                // No obsolete line folding, no whitespace before the colon.
                guard let colon = line.firstIndex(of: ":"), line.first != " ", line.first != "\t" else { return nil }
                let name = line[..<colon]
                guard !name.isEmpty, !name.contains(" "), !name.contains("\t") else { return nil }
                headers.append(
                    (name.lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
            return Head(
                method: String(requestLine[0]), target: String(requestLine[1]), version: String(requestLine[2]),
                headers: headers)
        }

        enum ChunkedBody {
            case incomplete
            case malformed
            case complete(body: [UInt8], end: Int)
        }

        static func decodeChunked(_ bytes: [UInt8], from start: Int) -> ChunkedBody {
            var index = start
            var body: [UInt8] = []
            while true {
                guard let lineEnd = find([13, 10], in: bytes, from: index) else {
                    return bytes.count - index > 1024 ? .malformed : .incomplete
                }
                let sizeField = String(decoding: bytes[index..<lineEnd], as: UTF8.self)
                    .split(separator: ";", omittingEmptySubsequences: false)[0]
                    .trimmingCharacters(in: .whitespaces)
                guard !sizeField.isEmpty, sizeField.count <= 8, let size = Int(sizeField, radix: 16) else {
                    return .malformed
                }
                index = lineEnd + 2
                if size == 0 {
                    while true {  // trailer fields, up to an empty line
                        guard let end = find([13, 10], in: bytes, from: index) else { return .incomplete }
                        if end == index { return .complete(body: body, end: end + 2) }
                        index = end + 2
                    }
                }
                guard bytes.count >= index + size + 2 else { return .incomplete }
                guard bytes[index + size] == 13, bytes[index + size + 1] == 10 else { return .malformed }
                body.append(contentsOf: bytes[index..<index + size])
                index += size + 2
            }
        }

        static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
            guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
            var index = start
            while index <= bytes.count - needle.count {
                if bytes[index] == needle[0] {
                    var matches = true
                    for offset in 1..<needle.count where bytes[index + offset] != needle[offset] {
                        matches = false
                        break
                    }
                    if matches { return index }
                }
                index += 1
            }
            return nil
        }

        static func serialize(_ response: HTTPResponse, keepAlive: Bool) -> [UInt8] {
            var head = "HTTP/1.1 \(response.status) \(reasonPhrase(response.status))\r\n"
            head += "Date: \(Format.httpDate(Date()))\r\n"
            for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
            head += "Content-Length: \(response.body.count)\r\n"
            head += "Connection: \(keepAlive ? "keep-alive" : "close")\r\n\r\n"
            return Array(head.utf8) + response.body
        }

        static func reasonPhrase(_ status: Int) -> String {
            switch status {
            case 200: "OK"
            case 201: "Created"
            case 204: "No Content"
            case 400: "Bad Request"
            case 401: "Unauthorized"
            case 403: "Forbidden"
            case 404: "Not Found"
            case 405: "Method Not Allowed"
            case 413: "Content Too Large"
            case 429: "Too Many Requests"
            case 431: "Request Header Fields Too Large"
            case 500: "Internal Server Error"
            case 501: "Not Implemented"
            case 502: "Bad Gateway"
            case 503: "Service Unavailable"
            case 504: "Gateway Timeout"
            default: "Status \(status)"
            }
        }
    }
}
