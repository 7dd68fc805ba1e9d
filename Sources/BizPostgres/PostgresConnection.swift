import CLibpq
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One blocking connection to PostgreSQL through libpq.
///
/// Not `Sendable`: a connection belongs to one thread at a time (confine it, or guard it with
/// a `Mutex`). Every call blocks until the server answers. Values travel as text in both
/// directions; results are copied into Swift before the call returns.
///
/// When a call throws ``PostgresError/connectionLost(_:)``, the connection stays unusable
/// until ``reset()`` succeeds; prepared statements and `LISTEN`s do not survive a reset.
public final class PostgresConnection {
    /// The password for connections whose connection string has none; see `usePassword(_:)`.
    private static let fallbackPassword = Mutex<String?>(nil)

    /// Sets the password every later connection uses when its connection string gives none,
    /// such as the one systemd hands over as a credential, so that it never has to appear in
    /// a connection string, on a command line or in the environment. Nil forgets it.
    public static func usePassword(_ password: String?) {
        fallbackPassword.withLock { $0 = password }
    }

    private let handle: OpaquePointer
    private var preparedStatements: Set<String> = []

    /// Opens a connection.
    ///
    /// - Parameters:
    ///   - connectionString: a libpq `key=value` string (`host=/run/postgresql dbname=app`),
    ///     a `postgres://` or `postgresql://` URI, or a bare database name. Values libpq takes
    ///     from the environment (`PGHOST`, `PGPASSWORD`...) fill in what it leaves out.
    ///   - connectTimeout: how long to wait for the server to accept and authenticate,
    ///     name resolution included (a `connect_timeout` in the string is ignored).
    ///   - login: a role and password that override any user and password the string or
    ///     the environment give, for a person signing in with their own PostgreSQL role
    ///     (the admin pages); `usePassword(_:)`'s process-wide password is then not used.
    ///     libpq keeps the password for the connection's lifetime; the caller need not.
    /// - Throws: ``PostgresError/connectionFailed(_:)``, whose message never contains the
    ///   password or the connection string.
    public init(
        connectionString: String, connectTimeout: Duration = .seconds(5), login: (user: String, password: String)? = nil
    ) throws(PostgresError) {
        let password = try Self.password(in: connectionString)
        let fallbackPassword = login == nil ? Self.fallbackPassword.withLock { $0 } : nil
        // Keywords after `dbname` override what the expanded connection string says:
        // results are decoded as UTF-8, so the client encoding is not negotiable, and a
        // login names the role itself. The fallback password comes before, so a password
        // in the string wins.
        var keywords: [String?] = ["application_name", "dbname", "client_encoding", nil]
        var values: [String?] = ["bizcached", connectionString, "UTF8", nil]
        if let fallbackPassword {
            keywords.insert("password", at: 1)
            values.insert(fallbackPassword, at: 1)
        }
        if let login {
            keywords.insert(contentsOf: ["user", "password"], at: keywords.count - 1)
            values.insert(contentsOf: [login.user, login.password], at: values.count - 1)
        }
        let connection = withCStrings(keywords) { keywords in
            withCStrings(values) { values in PQconnectStartParams(keywords, values, 1) }
        }
        guard let connection else { throw .connectionFailed("out of memory") }
        if let problem = Self.completeConnecting(connection, within: connectTimeout) {
            let message = Self.redacted(
                problem,
                secrets: [connectionString, password, fallbackPassword, login?.password, PQpass(connection).map { String(cString: $0) }])
            PQfinish(connection)
            throw .connectionFailed(message)
        }
        PQsetNoticeProcessor(connection, { _, _ in }, nil)  // NOTICEs would go to stderr
        handle = connection
    }

    /// Drives a non-blocking connection attempt to its end; returns why it failed, or nil.
    private static func completeConnecting(_ connection: OpaquePointer, within timeout: Duration) -> String? {
        guard PQstatus(connection) != CONNECTION_BAD else { return errorMessage(of: connection) }
        let deadline = Deadline(after: timeout)
        var status = PGRES_POLLING_WRITING
        while true {
            switch status {
            case PGRES_POLLING_OK:
                return nil
            case PGRES_POLLING_FAILED:
                return errorMessage(of: connection)
            default:
                let events = status == PGRES_POLLING_READING ? POLLIN : POLLOUT
                guard deadline.wait(for: Int16(events), on: PQsocket(connection)) else {
                    return "no answer within \(timeout)"
                }
                status = PQconnectPoll(connection)
            }
        }
    }

    deinit {
        PQfinish(handle)
    }

    /// Bounds how long each later `prepare` and `queryPreparedPipelined` waits for the
    /// server; nil: no limit. A call that runs out of time throws
    /// ``PostgresError/timedOut(_:)`` and leaves the connection unusable: discard it.
    public var timeLimit: Duration?
    /// Why the connection was given up on (a timed-out call), or nil.
    private var abandonedReason: String?

    // MARK: State

    /// True while libpq considers the connection usable.
    public var isConnected: Bool { PQstatus(handle) == CONNECTION_OK }

    /// Where the connection goes, safe to log: `db=bizcached host=/run/postgresql port=5432 user=app`.
    public var serverDescription: String {
        func text(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
            pointer.map { String(cString: $0) } ?? "?"
        }
        return "db=\(text(PQdb(handle))) host=\(text(PQhost(handle))) port=\(text(PQport(handle)))"
            + " user=\(text(PQuser(handle)))"
    }

    /// The process ID of the server backend serving this connection.
    public var backendProcessID: Int32 { PQbackendPID(handle) }

    /// The connection's socket, for `poll`/`epoll` while waiting for notifications;
    /// -1 when there is none.
    public var socketDescriptor: Int32 { PQsocket(handle) }

    /// Closes the connection and opens it again with the same parameters.
    /// Forgets prepared statements and `LISTEN`s, which the new session does not have.
    public func reset() throws(PostgresError) {
        preparedStatements.removeAll()
        PQreset(handle)
        guard isConnected else { throw .connectionFailed(errorMessage) }
    }

    // MARK: Statements

    /// Runs one statement with `$1`, `$2`... bound to `parameters` (text; nil is NULL).
    /// Values are sent apart from the SQL, so they are never interpreted as SQL.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws(PostgresError) -> PostgresRows {
        try Self.check(sql: sql, parameters: parameters)
        let result = withCStrings(parameters) { values in
            PQexecParams(handle, sql, Int32(values.count), nil, values, nil, nil, 0)
        }
        return try consume(result)
    }

    /// Runs a script of one or more statements separated by `;`, without parameters.
    /// Stops at the first error. Returns the result of the last statement.
    @discardableResult
    public func execute(_ sql: String) throws(PostgresError) -> PostgresRows {
        try Self.check(sql: sql, parameters: [])
        return try consume(PQexec(handle, sql))
    }

    /// Prepares `sql` as the named statement `name` in this session; parameter types are
    /// inferred by the server.
    public func prepare(name: String, sql: String) throws(PostgresError) {
        try Self.check(sql: name + sql, parameters: [])
        if let timeLimit {
            guard PQsendPrepare(handle, name, sql, 0, nil) == 1 else { throw .connectionLost(errorMessage) }
            let deadline = Deadline(after: timeLimit)
            try awaitResult(until: deadline, limit: timeLimit)
            let result = PQgetResult(handle)
            // A NULL ends the statement's results.
            try awaitResult(until: deadline, limit: timeLimit)
            while let extra = PQgetResult(handle) { PQclear(extra) }
            try consume(result)
        } else {
            try consume(PQprepare(handle, name, sql, 0, nil))
        }
        preparedStatements.insert(name)
    }

    /// True when ``prepare(name:sql:)`` prepared `name` in the current session.
    public func isPrepared(_ name: String) -> Bool {
        preparedStatements.contains(name)
    }

    /// Runs the prepared statement `name` with `parameters` (text; nil is NULL).
    ///
    /// If the server no longer knows the statement (SQLSTATE `26000`), it is forgotten
    /// here too, so ``isPrepared(_:)`` turns false and the caller can prepare it again.
    @discardableResult
    public func queryPrepared(name: String, _ parameters: [String?] = []) throws(PostgresError) -> PostgresRows {
        try Self.check(sql: name, parameters: parameters)
        let result = withCStrings(parameters) { values in
            PQexecPrepared(handle, name, Int32(values.count), values, nil, nil, 0)
        }
        do throws(PostgresError) {
            return try consume(result)
        } catch {
            if error.sqlState == "26000" { preparedStatements.remove(name) }
            throw error
        }
    }

    /// Runs the prepared statement `name` once per parameter set in one libpq pipeline: all
    /// executions are sent before any result is read, so they cost one round trip together.
    /// Each gets its own result; a failed one does not stop the others (each runs in its own
    /// implicit transaction). Throws only when the connection itself fails.
    public func queryPreparedPipelined(
        name: String, _ parameterSets: [[String?]]
    ) throws(PostgresError) -> [Result<PostgresRows, PostgresError>] {
        guard !parameterSets.isEmpty else { return [] }
        for parameters in parameterSets { try Self.check(sql: name, parameters: parameters) }
        if let abandonedReason { throw .connectionLost(abandonedReason) }
        let deadline = timeLimit.map { Deadline(after: $0) }
        guard PQenterPipelineMode(handle) == 1 else { throw .unexpectedResult("cannot enter pipeline mode: \(errorMessage)") }
        defer { _ = PQexitPipelineMode(handle) }
        for parameters in parameterSets {
            let sent = withCStrings(parameters) { values in
                PQsendQueryPrepared(handle, name, Int32(values.count), values, nil, nil, 0)
            }
            guard sent == 1 else { throw .connectionLost(errorMessage) }
            // A sync after each execution: a failing one then aborts only itself.
            guard PQpipelineSync(handle) == 1 else { throw .connectionLost(errorMessage) }
        }
        var results: [Result<PostgresRows, PostgresError>] = []
        results.reserveCapacity(parameterSets.count)
        for _ in parameterSets {
            // One result for the execution, the NULL that ends it, then the sync marker.
            if let deadline, let timeLimit { try awaitResult(until: deadline, limit: timeLimit) }
            guard let result = PQgetResult(handle) else { throw .connectionLost(errorMessage) }
            do throws(PostgresError) {
                results.append(.success(try consume(result)))
            } catch {
                if case .connectionLost = error { throw error }
                if error.sqlState == "26000" { preparedStatements.remove(name) }
                results.append(.failure(error))
            }
            // Then a NULL ends the execution's results, and the sync marker follows.
            var synced = false
            for _ in 0..<4 where !synced {
                if let deadline, let timeLimit { try awaitResult(until: deadline, limit: timeLimit) }
                guard let extra = PQgetResult(handle) else { continue }
                synced = PQresultStatus(extra) == PGRES_PIPELINE_SYNC
                PQclear(extra)
            }
            guard synced else { throw .connectionLost("pipeline out of step: \(errorMessage)") }
        }
        return results
    }

    /// Quotes `identifier` for use as a name in SQL: `my "table"` becomes `"my ""table"""`.
    public func quoteIdentifier(_ identifier: String) throws(PostgresError) -> String {
        guard !identifier.utf8.contains(0),
            let quoted = PQescapeIdentifier(handle, identifier, identifier.utf8.count)
        else { throw .unexpectedResult("cannot quote identifier: \(errorMessage)") }
        defer { PQfreemem(quoted) }
        return String(cString: quoted)
    }

    // MARK: LISTEN/NOTIFY

    /// Subscribes this session to `channel`; see ``notifications()``.
    public func listen(_ channel: String) throws(PostgresError) {
        try execute("LISTEN " + quoteIdentifier(channel))
    }

    /// Reads whatever the server has sent and returns the notifications received since the
    /// last call, oldest first; empty when there are none. Does not block: wait for
    /// ``socketDescriptor`` to become readable first to avoid spinning.
    public func notifications() throws(PostgresError) -> [PostgresNotification] {
        guard PQconsumeInput(handle) == 1 else { throw .connectionLost(errorMessage) }
        var received: [PostgresNotification] = []
        while let notify = PQnotifies(handle) {
            defer { PQfreemem(notify) }
            received.append(
                PostgresNotification(
                    channel: notify.pointee.relname.map { String(cString: $0) } ?? "",
                    payload: notify.pointee.extra.map { String(cString: $0) } ?? "",
                    senderProcessID: notify.pointee.be_pid))
        }
        return received
    }

    /// Waits until `PQgetResult` would not block, reading what arrives; gives the
    /// connection up when `deadline` passes first.
    private func awaitResult(until deadline: Deadline, limit: Duration) throws(PostgresError) {
        while PQisBusy(handle) == 1 {
            guard deadline.wait(for: Int16(POLLIN), on: PQsocket(handle)) else {
                abandonedReason = "a query took longer than \(limit)"
                throw .timedOut("no answer within \(limit)")
            }
            guard PQconsumeInput(handle) == 1 else { throw .connectionLost(errorMessage) }
        }
    }

    // MARK: Results

    /// Turns a `PGresult` into rows or an error, and frees it.
    @discardableResult
    private func consume(_ result: OpaquePointer?) throws(PostgresError) -> PostgresRows {
        guard let result else {
            throw isConnected ? .unexpectedResult(errorMessage) : .connectionLost(errorMessage)
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return Self.rows(of: result)
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
            let message = Self.field(result, "M") ?? Self.clean(PQresultErrorMessage(result))
            let sqlState = Self.field(result, "C")
            // 57P01..57P03: the server is shutting the session down (pg_terminate_backend).
            guard isConnected, let sqlState, !sqlState.hasPrefix("57P") else {
                throw .connectionLost(isConnected ? message : errorMessage)
            }
            throw .queryFailed(sqlState: sqlState, message: message)
        default:
            let status = PQresStatus(PQresultStatus(result)).map { String(cString: $0) } ?? "unknown"
            throw .unexpectedResult("result status \(status) is not supported (COPY, pipelines)")
        }
    }

    private static func rows(of result: OpaquePointer) -> PostgresRows {
        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        let columns = (0..<columnCount).map { column in
            PQfname(result, column).map { String(cString: $0) } ?? ""
        }
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            rows.append(
                (0..<columnCount).map { column -> String? in
                    guard PQgetisnull(result, row, column) == 0, let value = PQgetvalue(result, row, column)
                    else { return nil }
                    let bytes = UnsafeRawBufferPointer(start: value, count: Int(PQgetlength(result, row, column)))
                    return String(decoding: bytes, as: UTF8.self)
                })
        }
        let affected = PQcmdTuples(result).flatMap { Int(String(cString: $0)) }
        return PostgresRows(columns: columns, rows: rows, affectedRowCount: affected)
    }

    /// A diagnostic field of an error result, by its one-letter code (`C` SQLSTATE, `M` message).
    private static func field(_ result: OpaquePointer, _ code: Unicode.Scalar) -> String? {
        PQresultErrorField(result, Int32(code.value)).map { String(cString: $0) }
    }

    // MARK: Errors

    /// libpq's message for the connection's last failure, password removed.
    private var errorMessage: String {
        Self.redacted(Self.errorMessage(of: handle), secrets: [PQpass(handle).map { String(cString: $0) }])
    }

    private static func errorMessage(of connection: OpaquePointer) -> String {
        let message = clean(PQerrorMessage(connection))
        return message.isEmpty ? "unknown libpq error" : message
    }

    /// libpq's multi-line, newline-terminated text as one line with single spaces.
    private static func clean(_ text: UnsafeMutablePointer<CChar>?) -> String {
        guard let text else { return "" }
        return String(cString: text).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    private static func redacted(_ message: String, secrets: [String?]) -> String {
        var message = message
        for case let secret? in secrets where !secret.isEmpty {
            message = message.replacing(secret, with: "***")
        }
        return message
    }

    /// The password a connection string carries, after checking that libpq can parse it.
    /// libpq's parse errors quote the offending text, which may be the password, so they
    /// are not passed on.
    private static func password(in connectionString: String) throws(PostgresError) -> String? {
        let isConnectionString =
            connectionString.hasPrefix("postgresql://") || connectionString.hasPrefix("postgres://")
            || connectionString.contains("=")
        guard isConnectionString else { return nil }  // a bare database name
        var parseError: UnsafeMutablePointer<CChar>?
        guard !connectionString.utf8.contains(0), let options = PQconninfoParse(connectionString, &parseError) else {
            if let parseError { PQfreemem(parseError) }
            throw .connectionFailed(
                "invalid connection string: expected libpq key=value pairs or a postgres:// URI")
        }
        defer { PQconninfoFree(options) }
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "password" {
                return option.pointee.val.map { String(cString: $0) }
            }
            option += 1
        }
        return nil
    }

    /// Text with a NUL byte cannot reach the server intact; PostgreSQL rejects NUL in text too.
    private static func check(sql: String, parameters: [String?]) throws(PostgresError) {
        guard parameters.count <= 65_535 else {
            throw .queryFailed(sqlState: "54023", message: "more than 65535 parameters")
        }
        if sql.utf8.contains(0) || parameters.contains(where: { $0?.utf8.contains(0) == true }) {
            throw .queryFailed(sqlState: "22021", message: "text contains a NUL byte (0x00)")
        }
    }
}

/// Calls `body` with C strings for `strings` (nil stays nil), valid only during the call.
private func withCStrings<Result>(
    _ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> Result
) -> Result {
    var storage: [CChar] = []
    storage.reserveCapacity(strings.reduce(0) { $0 + ($1?.utf8.count ?? 0) + 1 })
    var offsets: [Int?] = []
    offsets.reserveCapacity(strings.count)
    for string in strings {
        guard let string else {
            offsets.append(nil)
            continue
        }
        offsets.append(storage.count)
        storage.append(contentsOf: string.utf8.lazy.map { CChar(bitPattern: $0) })
        storage.append(0)
    }
    return storage.withUnsafeBufferPointer { buffer in
        body(offsets.map { offset in offset.flatMap { offset in buffer.baseAddress.map { $0 + offset } } })
    }
}
