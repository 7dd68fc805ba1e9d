import BizCore
import BizSystem
import CMicroHTTPD
import Glibc
import Synchronization

/// An HTTP/1.1 server on one loopback address or Unix socket, run by GNU libmicrohttpd on
/// threads of its own: every request is answered by `handler`, on one of `Limits.threads`
/// threads.
///
/// The server owns libmicrohttpd's daemon handle; `stop()` (or releasing the server) shuts
/// it down and waits for its threads. A client that exceeds the limits is disconnected:
/// beyond `Limits.connections` at once, idle longer than `Limits.timeoutSeconds`, or with
/// headers larger than `Limits.memoryPerConnection`. A body larger than
/// `Limits.maximumBodyBytes` is answered 413 without reaching the handler.
public final class HTTPServer {
    /// Bounds on what clients may take.
    public struct Limits: Sendable, Equatable {
        /// Connections served at once; more are closed as soon as they are accepted.
        public var connections = 16
        /// Seconds a connection may stay idle, or take to send its request, before it is closed.
        public var timeoutSeconds = 10
        /// Bytes of buffers per connection, which also bounds a request's headers.
        public var memoryPerConnection = 32 * 1024
        /// The largest request body accepted.
        public var maximumBodyBytes = 64 * 1024
        /// Threads answering requests: 1 serves one request at a time; more serve that many
        /// at once (libmicrohttpd's thread pool).
        public var threads = 1

        public init() {}
    }

    /// Answers one request; called on one of the server's threads.
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    /// Where the server listens.
    public let address: HTTPListenAddress
    private var daemon: OpaquePointer?
    private let context: Unmanaged<Context>
    /// The Unix socket this server created, whose file is removed when it stops (its
    /// descriptor belongs to libmicrohttpd).
    private let unixListener: UnixListener?

    /// Binds `address` and starts serving. A Unix socket is created with mode 0660 (owner
    /// and group may connect); a stale socket file is replaced, a live one is an error.
    /// - Parameter onError: told of libmicrohttpd's error messages (a refused connection,
    ///   a malformed request), from the server's thread.
    public init(
        address: HTTPListenAddress, limits: Limits = Limits(), onError: @escaping @Sendable (String) -> Void,
        handler: @escaping Handler
    ) throws(HTTPServerError) {
        self.address = address
        // Retained for libmicrohttpd's callbacks until its thread has stopped (see `stop`).
        let context = Unmanaged.passRetained(
            Context(handler: handler, onError: onError, maximumBodyBytes: limits.maximumBodyBytes))
        self.context = context
        let started: OpaquePointer??
        switch address {
        case .loopback(let endpoint):
            unixListener = nil
            started = Self.withSocketAddress(of: endpoint) { socketAddress in
                Self.start(
                    listening: .address(socketAddress, port: endpoint.port, isIPv6: endpoint.isIPv6), limits: limits,
                    context: context)
            }
        case .unixSocket(let path):
            let listener: UnixListener
            do {
                listener = try UnixListener(path: path)
            } catch {
                context.release()
                throw .cannotListen(address: address.description, reason: error.description)
            }
            unixListener = listener
            // From here on libmicrohttpd owns the descriptor: it closes it when it stops, and
            // also when it fails to start, so only the socket file is left to remove then.
            let daemon = Self.start(listening: .descriptor(listener.descriptor), limits: limits, context: context)
            if daemon == nil { listener.removeSocketFile() }
            started = .some(daemon)
        }
        guard let started, let daemon = started else {
            let reason = started == nil ? "not a numeric address" : context.takeUnretainedValue().lastError ?? "unknown error"
            context.release()
            throw .cannotListen(address: address.description, reason: reason)
        }
        self.daemon = daemon
    }

    /// Binds a loopback `endpoint` and starts serving; see `init(address:limits:onError:handler:)`.
    public convenience init(
        endpoint: LoopbackEndpoint, limits: Limits = Limits(), onError: @escaping @Sendable (String) -> Void,
        handler: @escaping Handler
    ) throws(HTTPServerError) {
        try self.init(address: .loopback(endpoint), limits: limits, onError: onError, handler: handler)
    }

    deinit { stop() }

    /// Stops listening, closes every connection and waits for the server's thread, then
    /// removes the Unix socket file it created, unless another server has replaced it since.
    /// Safe to call more than once.
    public func stop() {
        guard let daemon else { return }
        self.daemon = nil
        MHD_stop_daemon(daemon)
        // No callback can run any more: the context may go.
        context.release()
        unixListener?.removeSocketFile()
    }

    // MARK: libmicrohttpd

    /// What libmicrohttpd's callbacks reach through their `void *` argument.
    private final class Context: Sendable {
        let handler: Handler
        let onError: @Sendable (String) -> Void
        let maximumBodyBytes: Int
        private let lastMessage = Mutex<String?>(nil)

        init(handler: @escaping Handler, onError: @escaping @Sendable (String) -> Void, maximumBodyBytes: Int) {
            self.handler = handler
            self.onError = onError
            self.maximumBodyBytes = maximumBodyBytes
        }

        /// The last error message libmicrohttpd gave, for a failed start.
        var lastError: String? { lastMessage.withLock { $0 } }

        func report(_ message: String) {
            lastMessage.withLock { $0 = message }
            onError(message)
        }
    }

    /// One request's body as it arrives, kept in libmicrohttpd's per-request pointer from
    /// the first call of the access handler until the request completes.
    private final class PendingRequest {
        var body: [UInt8] = []
        var isTooLarge = false
    }

    /// What libmicrohttpd listens on: an address it binds, or a socket bound already.
    private enum Listening {
        case address(UnsafeRawPointer, port: UInt16, isIPv6: Bool)
        case descriptor(Int32)
    }

    /// Starts libmicrohttpd's daemon on its own polling threads (epoll where it can).
    private static func start(listening: Listening, limits: Limits, context: Unmanaged<Context>) -> OpaquePointer? {
        var flags = MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_AUTO.rawValue | MHD_USE_ERROR_LOG.rawValue
        var port: UInt16 = 0
        if case .address(_, let boundPort, let isIPv6) = listening {
            port = boundPort
            if isIPv6 { flags |= MHD_USE_IPv6.rawValue }
        }
        // C callbacks capture nothing: they find the context through their `cls` argument.
        // libmicrohttpd calls `answer` once when the headers are in, then once per piece of
        // body, then once more with no data: the request is answered on that last call.
        let answer: MHD_AccessHandlerCallback = { cls, connection, url, method, _, data, dataSize, pending in
            guard let cls, let connection, let dataSize, let pending else { return MHD_Result.NO }
            let context = Unmanaged<Context>.fromOpaque(cls).takeUnretainedValue()
            guard let state = pending.pointee else {
                pending.pointee = Unmanaged.passRetained(PendingRequest()).toOpaque()
                return MHD_Result.YES
            }
            let request = Unmanaged<PendingRequest>.fromOpaque(state).takeUnretainedValue()
            if dataSize.pointee > 0 {
                if let data, !request.isTooLarge {
                    if request.body.count + dataSize.pointee > context.maximumBodyBytes {
                        request.isTooLarge = true
                        request.body = []
                    } else {
                        request.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: dataSize.pointee))
                    }
                }
                dataSize.pointee = 0
                return MHD_Result.YES
            }
            if request.isTooLarge {
                return HTTPServer.queue(HTTPResponse.text("request body too large\n", status: 413), on: connection)
            }
            let received = HTTPRequest(
                method: method.map { String(cString: $0) } ?? "", path: url.map { String(cString: $0) } ?? "",
                query: HTTPServer.values(of: .GET_ARGUMENT_KIND, on: connection),
                headers: Dictionary(
                    HTTPServer.values(of: .HEADER_KIND, on: connection).map { ($0.name.lowercased(), $0.value) },
                    uniquingKeysWith: { $1 }),
                body: request.body)
            return HTTPServer.queue(context.handler(received), on: connection)
        }
        let completed: MHD_RequestCompletedCallback = { _, _, pending, _ in
            guard let pending, let state = pending.pointee else { return }
            Unmanaged<PendingRequest>.fromOpaque(state).release()
            pending.pointee = nil
        }
        let log: MHD_LogCallback = { cls, format, arguments in
            guard let cls, let format, let arguments else { return }
            var buffer = [CChar](repeating: 0, count: 512)
            _ = vsnprintf(&buffer, buffer.count, format, arguments)
            var message = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            while message.last?.isNewline == true { message.removeLast() }
            Unmanaged<Context>.fromOpaque(cls).takeUnretainedValue().report(message)
        }
        let contextPointer = context.toOpaque()
        // The options travel as C variadic arguments: (option, value…) pairs ending in END.
        // The logger comes first, so that it gets the messages about the other options too.
        var options: [CVarArg] = [
            MHD_OPTION.EXTERNAL_LOGGER.rawValue, unsafeBitCast(log, to: OpaquePointer.self), OpaquePointer(contextPointer),
            MHD_OPTION.CONNECTION_LIMIT.rawValue, UInt32(clamping: limits.connections),
            MHD_OPTION.CONNECTION_TIMEOUT.rawValue, UInt32(clamping: limits.timeoutSeconds),
            MHD_OPTION.CONNECTION_MEMORY_LIMIT.rawValue, Int(limits.memoryPerConnection),
            MHD_OPTION.NOTIFY_COMPLETED.rawValue, unsafeBitCast(completed, to: OpaquePointer.self), OpaquePointer(contextPointer),
        ]
        switch listening {
        case .address(let address, _, _): options += [MHD_OPTION.SOCK_ADDR.rawValue, OpaquePointer(address)]
        case .descriptor(let descriptor): options += [MHD_OPTION.LISTEN_SOCKET.rawValue, descriptor]
        }
        if limits.threads > 1 { options += [MHD_OPTION.THREAD_POOL_SIZE.rawValue, UInt32(clamping: limits.threads)] }
        options.append(MHD_OPTION.END.rawValue)
        return withVaList(options) { arguments in
            MHD_start_daemon_va(UInt32(flags), port, nil, nil, answer, contextPointer, arguments)
        }
    }

    /// The name-value pairs of one kind (headers, query arguments) of a request, in order.
    private static func values(of kind: MHD_ValueKind, on connection: OpaquePointer) -> [(name: String, value: String)] {
        final class Collected { var pairs: [(name: String, value: String)] = [] }
        let collected = Collected()
        let iterator: MHD_KeyValueIterator = { cls, _, key, value in
            guard let cls, let key else { return MHD_Result.YES }
            Unmanaged<Collected>.fromOpaque(cls).takeUnretainedValue().pairs.append(
                (String(cString: key), value.map { String(cString: $0) } ?? ""))
            return MHD_Result.YES
        }
        withExtendedLifetime(collected) {
            _ = MHD_get_connection_values(connection, kind, iterator, Unmanaged.passUnretained(collected).toOpaque())
        }
        return collected.pairs
    }

    /// Hands a response to libmicrohttpd, which copies it.
    private static func queue(_ response: HTTPResponse, on connection: OpaquePointer) -> MHD_Result {
        let made = response.body.withUnsafeBytes { body in
            MHD_create_response_from_buffer(body.count, UnsafeMutableRawPointer(mutating: body.baseAddress), .RESPMEM_MUST_COPY)
        }
        guard let made else { return MHD_Result.NO }
        defer { MHD_destroy_response(made) }
        for header in response.headers where MHD_add_response_header(made, header.name, header.value) != MHD_Result.YES {
            return MHD_Result.NO
        }
        return MHD_queue_response(connection, UInt32(clamping: response.status), made)
    }

    /// Calls `body` with a `sockaddr_in` or `sockaddr_in6` for the endpoint's numeric
    /// address; nil when the address does not parse.
    private static func withSocketAddress<T>(of endpoint: LoopbackEndpoint, _ body: (UnsafeRawPointer) -> T) -> T? {
        if endpoint.isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = endpoint.port.bigEndian
            guard inet_pton(AF_INET6, endpoint.host, &address.sin6_addr) == 1 else { return nil }
            return withUnsafeBytes(of: &address) { body($0.baseAddress!) }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = endpoint.port.bigEndian
        guard inet_pton(AF_INET, endpoint.host, &address.sin_addr) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { body($0.baseAddress!) }
    }
}
