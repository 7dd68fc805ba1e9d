import BizCore
import BizHTTP
import BizPostgres
import BizQueue
import BizSystem
import Foundation
import Glibc

// bizqueue: submit texts to sms_queue, run the worker that sends them, and administer the
// queue. Exit codes follow sysexits.h.

let exitNotFound: Int32 = 1, exitUsage: Int32 = 64, exitDataError: Int32 = 65, exitUnavailable: Int32 = 69

func fail(_ message: String, _ status: Int32) -> Never {
    ProcessEnvironment.printError(message)
    exit(status)
}

if ArgumentScanner.asksForVersion(Array(CommandLine.arguments.dropFirst())) {
    print("bizqueue \(BizcachedVersion.current)")
    exit(0)
}

let environment = ProcessEnvironment.variables
let invocation: QueueInvocation
do {
    invocation = try QueueInvocation.parse(arguments: Array(CommandLine.arguments.dropFirst()), environment: environment)
} catch {
    fail("\(error)\nTry 'bizqueue --help'.", exitUsage)
}
if case .help = invocation.action {
    print(QueueInvocation.usage, terminator: "")
    exit(0)
}
do {
    PostgresConnection.usePassword(try ServiceCredentials.databasePassword(environment: ProcessEnvironment.variables))
} catch {
    fail("\(error)", exitUsage)
}
if let level = environment["BIZQUEUE_LOG_LEVEL"].flatMap(LogLevel.init(name:)) { Log.level = level }

func openStore() -> QueueStore {
    do {
        return QueueStore(connection: try PostgresConnection(connectionString: invocation.databaseURL))
    } catch {
        fail(error.description, exitUnavailable)
    }
}

/// Inserts one job; a database refusal of the job itself (a CHECK, a bad time) is the
/// job's fault, anything else is the database's.
func submit(_ request: QueueInvocation.EnqueueRequest, to store: QueueStore) -> Result<(id: Int64, inserted: Bool), PostgresError> {
    Result { () throws(PostgresError) in try store.enqueue(NewJob(request)) }
}

switch invocation.action {
case .help:
    break
case .enqueue(let request):
    switch submit(request, to: openStore()) {
    case .success(let (id, _)): print(id)
    case .failure(let error) where error.isConnectionProblem: fail(error.description, exitUnavailable)
    case .failure(let error): fail(error.description, exitDataError)
    }
case .enqueueLines:
    let store = openStore()
    var number = 0
    var bad = 0
    while let line = readLine(strippingNewline: true) {
        number += 1
        if line.allSatisfy(\.isWhitespace) { continue }
        do {
            switch submit(try JobLine.parse(line), to: store) {
            case .success(let (id, _)): print(id)
            case .failure(let error) where error.isConnectionProblem: fail("line \(number): \(error)", exitUnavailable)
            case .failure(let error):
                bad += 1
                ProcessEnvironment.printError("line \(number): \(error)")
            }
        } catch {
            bad += 1
            ProcessEnvironment.printError("line \(number): \(error)")
        }
    }
    if bad > 0 { fail("\(bad) of \(number) lines were not queued", exitDataError) }
case .work(let options):
    guard let account = environment["TWILIO_ACCOUNT_SID"], !account.isEmpty else {
        fail("TWILIO_ACCOUNT_SID is required", exitUsage)
    }
    let readToken: @Sendable () throws -> String = {
        guard let token = try ServiceCredentials.secret(
            named: "twilio-auth-token", fileVariable: "TWILIO_AUTH_TOKEN_FILE", variable: "TWILIO_AUTH_TOKEN",
            environment: environment)
        else { throw ConfigurationError.missing(name: "TWILIO_AUTH_TOKEN, TWILIO_AUTH_TOKEN_FILE or the credential twilio-auth-token") }
        return token
    }
    do {
        _ = try readToken()
    } catch {
        fail("\(error)", exitUsage)
    }
    guard let apiBase = URL(string: environment["TWILIO_API_BASE"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://api.twilio.com"),
        apiBase.scheme == "https" || apiBase.scheme == "http"
    else { fail("invalid TWILIO_API_BASE", exitUsage) }
    var settings = WorkerSettings(
        databaseURL: invocation.databaseURL, accountSID: account, authToken: readToken, apiBase: apiBase,
        workerName: options.workerName ?? "\(ProcessInfo.processInfo.hostName):\(getpid())")
    settings.concurrency = options.concurrency
    settings.pollInterval = options.pollInterval
    settings.visibilityTimeout = options.visibilityTimeout
    settings.requestTimeout = options.requestTimeout
    settings.pacing = options.pacing
    SignalWatcher.blockSignals()
    let worker = QueueWorker(settings: settings)
    // Prometheus metrics over HTTP on loopback when configured; bound before any text is sent.
    let metricsServer: HTTPServer?
    do {
        metricsServer = try options.metricsListen.map { endpoint throws(HTTPServerError) in
            try MetricsEndpoint.serve(on: endpoint, onError: { Log.warning("metrics listener", ["error": $0]) }) {
                worker.metricsText()
            }
        }
    } catch {
        fail(error.description, exitUnavailable)
    }
    if let endpoint = metricsServer?.address { Log.info("serving metrics", ["url": "http://\(endpoint)/metrics"]) }
    SignalWatcher.start { signal in
        guard signal != .hangup else { return }
        Log.info("stopping: finishing the texts in hand", ["signal": "\(signal)"])
        worker.stop()
    }
    worker.start()
    worker.waitUntilStopped()
    metricsServer?.stop()
    Log.info("stopped")
case .status:
    do {
        let (counts, age) = try openStore().status()
        for status in JobStatus.allCases { print("\(status.rawValue) \(counts[status] ?? 0)") }
        print("oldest_pending_seconds \(age.map { String(Int($0.rounded())) } ?? "-")")
    } catch {
        fail(error.description, exitUnavailable)
    }
case .list(let statusName, let limit):
    guard let status = JobStatus(rawValue: statusName) else {
        fail("invalid --status: expected one of \(JobStatus.allCases.map(\.rawValue).joined(separator: ", "))", exitUsage)
    }
    do {
        for job in try openStore().list(status: status, limit: limit) {
            let sender = job.fromNumber.flatMap { PhoneNumber(e164: $0)?.masked } ?? job.messagingServiceSID ?? "-"
            let recipient = PhoneNumber(e164: job.toNumber)?.masked ?? "-"
            print("\(job.id)\t\(job.status.rawValue)\tto=\(recipient)\tfrom=\(sender)\tattempts=\(job.attempts)/\(job.maxAttempts)"
                + "\trun_at=\(job.runAt)\tsid=\(job.twilioSID ?? "-")\terror=\(job.lastErrorCode.map(String.init) ?? "-") \(job.lastError ?? "")")
        }
    } catch {
        fail(error.description, exitUnavailable)
    }
case .retry(let id), .cancel(let id):
    let store = openStore()
    do {
        let isRetry = if case .retry = invocation.action { true } else { false }
        let done = isRetry ? try store.retry(id) : try store.cancel(id)
        guard done else {
            let state = try store.job(id)?.status.rawValue
            fail(state.map { "job \(id) is \($0)" + (isRetry ? "; only a failed job can be retried" : "; only a pending job can be cancelled") }
                ?? "no job \(id)", exitNotFound)
        }
        print(isRetry ? "job \(id) is pending again" : "job \(id) is cancelled")
    } catch {
        fail(error.description, exitUnavailable)
    }
case .prune(let seconds):
    do {
        print("deleted \(try openStore().prune(olderThan: seconds)) finished jobs")
    } catch {
        fail(error.description, exitUnavailable)
    }
}
