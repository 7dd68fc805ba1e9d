import BizCore
import BizHTTP
import BizTestSupport
import Foundation
import Glibc
import Synchronization
import Testing

/// The libmicrohttpd adapter on a real loopback socket.
@Suite struct HTTPServerTests {
    private static func endpoint(_ host: String = "127.0.0.1") throws -> LoopbackEndpoint {
        try LoopbackEndpoint("\(host):\(try LoopbackHTTPClient.freePort())", settingName: "test")
    }

    @Test func servesTheHandlersResponseWithItsStatusHeadersAndBody() throws {
        let endpoint = try Self.endpoint()
        let seen = Mutex<[HTTPRequest]>([])
        let errors = Mutex<[String]>([])
        let server = try HTTPServer(endpoint: endpoint, onError: { message in errors.withLock { $0.append(message) } }) { request in
            seen.withLock { $0.append(request) }
            return HTTPResponse.text("hello \(request.method) \(request.path)\n", status: 201, headers: [.init("X-Test", "yes")])
        }
        defer { server.stop() }
        let response = try LoopbackHTTPClient.request("GET", "/some/path?query=1", port: endpoint.port)
        #expect(response.status == 201)
        #expect(response.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(response.headers["x-test"] == "yes")
        #expect(response.headers["content-length"] == "21")
        #expect(response.body == "hello GET /some/path\n")
        let request = try #require(seen.withLock { $0.first })
        #expect(request.method == "GET" && request.path == "/some/path" && request.body.isEmpty)
        #expect(request.queryValue("query") == "1")
        #expect(errors.withLock { $0 }.isEmpty, "libmicrohttpd complained: \(errors.withLock { $0 })")
    }

    @Test func theHandlerIsGivenTheQueryTheHeadersAndTheBody() throws {
        let endpoint = try Self.endpoint()
        let seen = Mutex<HTTPRequest?>(nil)
        let server = try HTTPServer(endpoint: endpoint, onError: { _ in }) { request in
            seen.withLock { $0 = request }
            return HTTPResponse.text("ok\n", status: 303)
        }
        defer { server.stop() }
        let body = "name=Acme+%26+Sons&public_phone=%28555%29+010-0042"
        let response = try LoopbackHTTPClient.request(
            "POST", "/businesses/new?q=a+b%20c&page=2&page=3", port: endpoint.port,
            headers: [("Cookie", "session=abc; theme=dark"), ("Content-Type", "application/x-www-form-urlencoded")],
            body: body)
        #expect(response.status == 303)
        let request = try #require(seen.withLock { $0 })
        #expect(request.method == "POST")
        #expect(request.path == "/businesses/new")
        #expect(request.queryValue("q") == "a b c", "percent-decoded, + as a space")
        #expect(request.queryValue("page") == "3", "the last of repeated arguments")
        #expect(request.query.map(\.name) == ["q", "page", "page"])
        #expect(request.header("cookie") == "session=abc; theme=dark")
        #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
        #expect(request.body == Array(body.utf8), "the body exactly as sent")
    }

    @Test func aBodyOverTheLimitIsRefusedWith413BeforeTheHandler() throws {
        let endpoint = try Self.endpoint()
        let calls = Mutex(0)
        var limits = HTTPServer.Limits()
        limits.maximumBodyBytes = 1_000
        let server = try HTTPServer(endpoint: endpoint, limits: limits, onError: { _ in }) { _ in
            calls.withLock { $0 += 1 }
            return HTTPResponse.text("ok\n")
        }
        defer { server.stop() }
        let tooLarge = try LoopbackHTTPClient.request("POST", "/", port: endpoint.port, body: String(repeating: "x", count: 20_000))
        #expect(tooLarge.status == 413)
        let atTheLimit = try LoopbackHTTPClient.request("POST", "/", port: endpoint.port, body: String(repeating: "x", count: 1_000))
        #expect(atTheLimit.status == 200)
        #expect(calls.withLock { $0 } == 1)
    }

    @Test func aThreadPoolAnswersRequestsAtTheSameTime() throws {
        let endpoint = try Self.endpoint()
        var limits = HTTPServer.Limits()
        limits.threads = 3
        // Each request waits until all three are inside the handler: one thread alone could
        // never let that happen, and the requests would time out with 503 instead.
        let inside = Mutex(0)
        let server = try HTTPServer(endpoint: endpoint, limits: limits, onError: { _ in }) { _ in
            inside.withLock { $0 += 1 }
            let deadline = Date().addingTimeInterval(5)
            while inside.withLock({ $0 }) < 3, Date() < deadline { usleep(1_000) }
            return inside.withLock { $0 } >= 3 ? HTTPResponse.text("together\n") : HTTPResponse.text("alone\n", status: 503)
        }
        defer { server.stop() }
        // One request after another is inside: a thread busy in the handler accepts nothing,
        // so each new connection goes to a free thread.
        let statuses = Mutex<[Int]>([])
        let done = DispatchGroup()
        for number in 1...3 {
            done.enter()
            Thread.detachNewThread {
                let status = (try? LoopbackHTTPClient.request("GET", "/", port: endpoint.port).status) ?? -1
                statuses.withLock { $0.append(status) }
                done.leave()
            }
            let deadline = Date().addingTimeInterval(5)
            while inside.withLock({ $0 }) < number, Date() < deadline { usleep(1_000) }
        }
        done.wait()
        #expect(statuses.withLock { $0 } == [200, 200, 200])
    }

    @Test func aHeadRequestGetsTheHeadersWithoutTheBody() throws {
        let endpoint = try Self.endpoint()
        let server = try HTTPServer(endpoint: endpoint, onError: { _ in }) { _ in HTTPResponse.text("twelve bytes") }
        defer { server.stop() }
        let response = try LoopbackHTTPClient.request("HEAD", "/", port: endpoint.port)
        #expect(response.status == 200)
        #expect(response.headers["content-length"] == "12")
        #expect(response.body.isEmpty)
    }

    @Test func servesOnIPv6Loopback() throws {
        guard socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0) >= 0 else { return }  // no IPv6 on this host
        let endpoint = try LoopbackEndpoint("[::1]:\(try LoopbackHTTPClient.freePort())", settingName: "test")
        let server: HTTPServer
        do {
            server = try HTTPServer(endpoint: endpoint, onError: { _ in }) { _ in HTTPResponse.text("six\n") }
        } catch {
            // A host whose loopback has no ::1 cannot bind it; nothing to test there.
            #expect(error.description.contains("[::1]"))
            return
        }
        defer { server.stop() }
        let result = try ChildProcess.run(ChildProcess.lookUp("python3"), [
            "-c", "import urllib.request; print(urllib.request.urlopen('http://[::1]:\(endpoint.port)/').read().decode(), end='')",
        ])
        #expect(result.status == 0 && result.output == "six\n", "\(result.output)")
    }

    @Test func anAddressInUseIsATypedErrorWithTheReason() throws {
        let endpoint = try Self.endpoint()
        let first = try HTTPServer(endpoint: endpoint, onError: { _ in }) { _ in HTTPResponse.notFound }
        defer { first.stop() }
        #expect {
            _ = try HTTPServer(endpoint: endpoint, onError: { _ in }) { _ in HTTPResponse.notFound }
        } throws: { error in
            guard case .cannotListen(let address, let reason) = error as? HTTPServerError else { return false }
            return address == endpoint.description && reason.lowercased().contains("in use")
        }
    }

    @Test func aConnectionBeyondTheLimitWaitsUntilAnotherLeaves() throws {
        let endpoint = try Self.endpoint()
        var limits = HTTPServer.Limits()
        limits.connections = 1
        let server = try HTTPServer(endpoint: endpoint, limits: limits, onError: { _ in }) { _ in HTTPResponse.text("ok") }
        defer { server.stop() }
        let holder = try LoopbackHTTPClient.connect(port: endpoint.port)
        var holderOpen = true
        defer { if holderOpen { close(holder) } }
        // The held connection (no request yet) takes the one place; the next one is not
        // accepted meanwhile, so its request goes unanswered.
        let second = try LoopbackHTTPClient.connect(port: endpoint.port, timeout: 0.5)
        defer { close(second) }
        try LoopbackHTTPClient.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", on: second)
        var byte: UInt8 = 0
        #expect(read(second, &byte, 1) == -1 && errno == EAGAIN, "answered beyond the connection limit")
        // Once the first one leaves, the waiting request is served.
        close(holder)
        holderOpen = false
        var interval = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(second, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        let reply = String(decoding: try LoopbackHTTPClient.readToEnd(second), as: UTF8.self)
        #expect(reply.hasPrefix("HTTP/1.1 200"), "\(reply)")
    }

    @Test func anIdleConnectionIsClosedAfterTheTimeout() throws {
        let endpoint = try Self.endpoint()
        var limits = HTTPServer.Limits()
        limits.timeoutSeconds = 1
        let server = try HTTPServer(endpoint: endpoint, limits: limits, onError: { _ in }) { _ in HTTPResponse.text("ok") }
        defer { server.stop() }
        let idle = try LoopbackHTTPClient.connect(port: endpoint.port, timeout: 30)
        defer { close(idle) }
        try LoopbackHTTPClient.send("GET / HTTP/1.1\r\nHost: x\r\n", on: idle)  // never finished
        #expect(try LoopbackHTTPClient.readToEnd(idle).isEmpty)
    }

    @Test func stopClosesTheListener() throws {
        let endpoint = try Self.endpoint()
        let server = try HTTPServer(endpoint: endpoint, onError: { _ in }) { _ in HTTPResponse.text("ok") }
        #expect(try LoopbackHTTPClient.request("GET", "/", port: endpoint.port).status == 200)
        server.stop()
        server.stop()
        #expect(throws: ChildProcess.Failure.self) { try LoopbackHTTPClient.connect(port: endpoint.port) }
    }

    // MARK: Unix socket

    /// A socket path in a fresh temporary folder, and the folder.
    private static func socketPath() throws -> (path: String, folder: String) {
        var template = Array("/tmp/bizhttp-test.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw ChildProcess.Failure("mkdtemp failed") }
        let folder = String(cString: made)
        return (folder + "/http.sock", folder)
    }

    @Test func servesOnAUnixSocketWithMode0660AndRemovesItOnStop() throws {
        let (path, folder) = try Self.socketPath()
        defer { rmdir(folder) }
        let server = try HTTPServer(address: .unixSocket(path: path), onError: { _ in }) { request in
            HTTPResponse.text("over unix: \(request.path)\n")
        }
        #expect(server.address.description == "unix:" + path)
        var status = stat()
        #expect(stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFSOCK)
        #expect(status.st_mode & 0o777 == 0o660)
        let response = try LoopbackHTTPClient.request("GET", "/here", unixSocket: path)
        #expect(response.status == 200 && response.body == "over unix: /here\n")
        server.stop()
        #expect(access(path, F_OK) != 0, "the socket file is left behind")
    }

    @Test func aLiveUnixSocketIsNotTakenOverAndAStaleOneIsReplaced() throws {
        let (path, folder) = try Self.socketPath()
        defer { rmdir(folder) }
        let first = try HTTPServer(address: .unixSocket(path: path), onError: { _ in }) { _ in HTTPResponse.text("first") }
        #expect {
            _ = try HTTPServer(address: .unixSocket(path: path), onError: { _ in }) { _ in HTTPResponse.text("second") }
        } throws: { error in
            guard case .cannotListen(let address, let reason) = error as? HTTPServerError else { return false }
            return address == "unix:" + path && reason.contains("already listening")
        }
        #expect(try LoopbackHTTPClient.request("GET", "/", unixSocket: path).body == "first")
        first.stop()

        // A socket file nobody answers on, as a killed server leaves it.
        let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(stale, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        close(stale)
        #expect(bound == 0)
        let second = try HTTPServer(address: .unixSocket(path: path), onError: { _ in }) { _ in HTTPResponse.text("second") }
        defer { second.stop() }
        #expect(try LoopbackHTTPClient.request("GET", "/", unixSocket: path).body == "second")
    }

    @Test func stoppingLeavesASocketFileThatAnotherServerPutInItsPlace() throws {
        let (path, folder) = try Self.socketPath()
        defer { rmdir(folder) }
        let first = try HTTPServer(address: .unixSocket(path: path), onError: { _ in }) { _ in HTTPResponse.text("first") }
        // The file is removed while the first server runs (by hand, or by a cleanup script)
        // and a second server starts on the same path.
        #expect(unlink(path) == 0)
        let second = try HTTPServer(address: .unixSocket(path: path), onError: { _ in }) { _ in HTTPResponse.text("second") }
        first.stop()
        #expect(try LoopbackHTTPClient.request("GET", "/", unixSocket: path).body == "second")
        second.stop()
        #expect(access(path, F_OK) != 0, "the second server's socket file is left behind")
    }

    @Test func aFileInTheWayOfTheSocketIsLeftAloneAndReported() throws {
        let (path, folder) = try Self.socketPath()
        defer {
            unlink(path)
            rmdir(folder)
        }
        #expect(FileManager.default.createFile(atPath: path, contents: Data("keep me".utf8)))
        #expect(throws: HTTPServerError.self) {
            _ = try HTTPServer(address: .unixSocket(path: path), onError: { _ in }) { _ in HTTPResponse.notFound }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me")
    }
}
