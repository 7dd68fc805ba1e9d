import BizAdmin
import BizCore
import BizHTTP
import BizSystem
import Dispatch
import Glibc

// bizadmin: the businesses admin pages on a loopback address or a Unix socket, until
// SIGTERM or SIGINT.
// Exit codes follow sysexits.h.

let exitUsage: Int32 = 64, exitUnavailable: Int32 = 69

func fail(_ message: String, _ status: Int32) -> Never {
    ProcessEnvironment.printError(message)
    exit(status)
}

let arguments = Array(CommandLine.arguments.dropFirst())
if ArgumentScanner.asksForVersion(arguments) {
    print("bizadmin \(BizcachedVersion.current)")
    exit(0)
}
let invocation: AdminInvocation
do {
    invocation = try AdminInvocation.parse(arguments: arguments, environment: ProcessEnvironment.variables)
} catch {
    fail("\(error)\nTry 'bizadmin --help'.", exitUsage)
}
if invocation.showsHelp {
    print(AdminInvocation.usage, terminator: "")
    exit(0)
}
if let level = ProcessEnvironment.variables["BIZADMIN_LOG_LEVEL"].flatMap(LogLevel.init(name:)) { Log.level = level }

SignalWatcher.blockSignals()
let application = AdminApplication(
    settings: AdminSettings(
        databaseURL: invocation.databaseURL,
        sessionIdleTimeout: UInt64(invocation.sessionIdleTimeout * 1_000_000_000),
        secureCookies: invocation.behindTLS, allowedHosts: HostAllowList(extraNames: invocation.allowedHosts)))
var limits = HTTPServer.Limits()
limits.threads = invocation.threads
limits.connections = 64
let server: HTTPServer
do {
    server = try HTTPServer(
        address: invocation.listen, limits: limits, onError: { Log.warning("http", ["error": $0]) },
        handler: { application.handle($0) })
} catch {
    fail(error.description, exitUnavailable)
}
switch server.address {
case .loopback(let endpoint): Log.info("serving the admin pages", ["url": "http://\(endpoint)/"])
case .unixSocket(let path): Log.info("serving the admin pages", ["socket": path])
}

let stopped = DispatchSemaphore(value: 0)
SignalWatcher.start { signal in
    guard signal != .hangup else { return }
    Log.info("stopping", ["signal": "\(signal)"])
    stopped.signal()
}
// Idle sessions end (and their connections close) within a minute even when nobody asks.
while stopped.wait(timeout: .now() + .seconds(60)) == .timedOut {
    application.removeExpiredSessions()
}
server.stop()
application.closeAll()
Log.info("stopped")
