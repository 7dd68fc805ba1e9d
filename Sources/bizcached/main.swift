import BizCore
import BizHTTP
import BizPostgres
import BizServer
import BizSystem
import Dispatch
import Glibc

// bizcached: parse the configuration, open the socket (or take systemd's), serve until
// SIGTERM or SIGINT, then drain and exit 0. Exit codes follow sysexits.h.

SignalWatcher.blockSignals()

let arguments = Array(CommandLine.arguments.dropFirst())
if ArgumentScanner.asksForVersion(arguments) {
    print("bizcached \(BizcachedVersion.current)")
    exit(0)
}
let source = DaemonConfigurationSource(
    arguments: arguments, environment: ProcessEnvironment.variables,
    processorCount: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

/// Prints a configuration problem and exits: 78 (EX_CONFIG) for the configuration file,
/// 64 (EX_USAGE) for flags and the environment.
func exitForConfiguration(_ error: ConfigurationError) -> Never {
    ProcessEnvironment.printError("\(error)\nTry 'bizcached --help'.")
    if case .inFile = error { exit(78) }
    exit(64)
}

let configuration: DaemonConfiguration
let onlyChecking: Bool
do {
    switch try source.load() {
    case .help:
        print(DaemonConfiguration.usage, terminator: "")
        exit(0)
    case .checkConfig(let parsed):
        configuration = parsed
        onlyChecking = true
    case .run(let parsed):
        configuration = parsed
        onlyChecking = false
    }
} catch {
    exitForConfiguration(error)
}
do {
    PostgresConnection.usePassword(try ServiceCredentials.databasePassword(environment: source.environment))
} catch {
    exitForConfiguration(error)
}
Log.level = configuration.logLevel
let socketGroup: UInt32?
let peerPolicy: PeerPolicy?
do {
    socketGroup = try configuration.socketGroup.map { group throws(ConfigurationError) in
        try LocalIdentity.groupIDs([group], setting: "--socket-group").first!
    }
    let users = try configuration.allowedUsers.map { list throws(ConfigurationError) in
        try LocalIdentity.userIDs(list, setting: "--allow-users")
    }
    let groups = try configuration.allowedGroups.map { list throws(ConfigurationError) in
        try LocalIdentity.groupIDs(list, setting: "--allow-groups")
    }
    peerPolicy = users == nil && groups == nil ? nil : PeerPolicy(userIDs: users ?? [], groupIDs: groups ?? [])
} catch {
    exitForConfiguration(error)
}
if onlyChecking {
    print("configuration OK")
    print(configuration.summary, terminator: "")
    exit(0)
}

let openFileLimit = ResourceLimits.raiseOpenFileLimit()
Log.info("open file limit", ["limit": String(openFileLimit)])
if openFileLimit < configuration.maxConnections + 64 {
    Log.warning("open file limit is below --max-connections", [
        "limit": String(openFileLimit), "max_connections": String(configuration.maxConnections),
    ])
}

let listener: UnixListener
do {
    if let inherited = try SocketActivation.listeningDescriptors().first {
        listener = try UnixListener(inheritedDescriptor: inherited)
    } else {
        listener = try UnixListener(path: configuration.socketPath, group: socketGroup)
    }
} catch {
    Log.error("cannot listen", ["socket": configuration.socketPath, "error": "\(error)"])
    exit(69)  // EX_UNAVAILABLE
}

let server: Server
do {
    server = try Server(configuration: configuration, listener: listener, peerPolicy: peerPolicy)
} catch {
    Log.error("cannot start", ["error": error.description])
    listener.close()
    exit(71)  // EX_OSERR
}

// Prometheus metrics over HTTP on loopback when configured (`METRICS` on the socket always),
// bound before any lookup is answered, so that an address in use stops the start.
let metricsServer: HTTPServer?
do {
    metricsServer = try configuration.metricsListen.map { endpoint throws(HTTPServerError) in
        try MetricsEndpoint.serve(on: endpoint, onError: { Log.warning("metrics listener", ["error": $0]) }) {
            server.metricsText()
        }
    }
} catch {
    Log.error("cannot serve metrics", ["error": error.description])
    listener.close()
    exit(69)  // EX_UNAVAILABLE
}
if let endpoint = metricsServer?.address { Log.info("serving metrics", ["url": "http://\(endpoint)/metrics"]) }

do {
    try server.start()
} catch {
    Log.error("cannot start", ["error": error.description])
    listener.close()
    exit(71)  // EX_OSERR
}
Log.info("started", ["pid": String(getpid()), "version": BizcachedVersion.current])

// Under systemd (Type=notify): READY=1 once the socket listens and PostgreSQL has answered,
// WATCHDOG=1 only while every event loop still turns, STOPPING=1 on the way out.
let notifier = ServiceManagerNotifier.fromEnvironment(ProcessEnvironment.variables)
let socketName = listener.path ?? "the socket systemd passed"
func readyStatus() -> String { "STATUS=answering lookups on \(socketName); \(server.statusSummary)" }
if let notifier {
    Threads.start(name: "notify") {
        _ = server.waitUntilDatabaseAnswered()
        notifier.notify("READY=1", readyStatus())
        while true {  // keeps `systemctl status` current
            sleep(10)
            notifier.notify(readyStatus())
        }
    }
    if let interval = ServiceManagerNotifier.watchdogPingInterval(ProcessEnvironment.variables) {
        Threads.start(name: "watchdog") {
            // Idle loops go round once a second, so a loop is stuck only after more than that.
            let maximumAge = max(2 * interval, 2_000_000_000)
            var warned = false
            while true {
                usleep(useconds_t(min(interval / 1_000, UInt64(UInt32.max))))
                if server.loopsAreTurning(within: maximumAge) {
                    notifier.notify("WATCHDOG=1")
                    warned = false
                } else if !warned {
                    Log.error("an event loop is stuck; no longer pinging the watchdog")
                    warned = true
                }
            }
        }
    }
}

SignalWatcher.start { signal in
    switch signal {
    case .terminate, .interrupt:
        Log.info("stopping", ["signal": "\(signal)"])
        notifier?.notify("STOPPING=1", "STATUS=stopping: answering the requests in flight")
        server.shutdown()
    case .hangup:
        // Connections stay open and keep being answered while the file is re-read.
        Log.info("reloading the configuration", ["signal": "\(signal)"])
        notifier?.notify(
            "RELOADING=1", "MONOTONIC_USEC=\(MonotonicClock.nanoseconds() / 1_000)",
            "STATUS=reloading the configuration")
        server.reload(from: source)
        notifier?.notify("READY=1", readyStatus())
    }
}

server.waitUntilStopped()
metricsServer?.stop()
Log.info("stopped")
exit(0)
