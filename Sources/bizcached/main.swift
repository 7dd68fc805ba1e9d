import BizCore
import BizServer
import BizSystem
import Dispatch
import Glibc

// bizcached: parse the configuration, open the socket (or take systemd's), serve until
// SIGTERM or SIGINT, then drain and exit 0. Exit codes follow sysexits.h.

SignalWatcher.blockSignals()

let configuration: DaemonConfiguration
do {
    switch try DaemonConfiguration.parse(
        arguments: Array(CommandLine.arguments.dropFirst()),
        environment: ProcessEnvironment.variables,
        processorCount: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    {
    case .help:
        print(DaemonConfiguration.usage, terminator: "")
        exit(0)
    case .run(let parsed):
        configuration = parsed
    }
} catch {
    ProcessEnvironment.printError("\(error)\nTry 'bizcached --help'.")
    exit(64)  // EX_USAGE
}
Log.level = configuration.logLevel
let openFileLimit = ResourceLimits.raiseOpenFileLimit()
Log.info("open file limit", ["limit": String(openFileLimit)])
if openFileLimit < configuration.maxConnections + 64 {
    Log.warning("open file limit is below --max-connections", [
        "limit": String(openFileLimit), "max_connections": String(configuration.maxConnections),
    ])
}

/// Resolves user or group names from the configuration to ids, or exits 64.
func ids(_ entries: [String]?, _ kind: String, _ resolve: (String) -> UInt32?) -> Set<UInt32>? {
    guard let entries else { return nil }
    var ids = Set<UInt32>()
    for entry in entries {
        guard let id = resolve(entry) else {
            ProcessEnvironment.printError("no \(kind) named '\(entry)'")
            exit(64)  // EX_USAGE
        }
        ids.insert(id)
    }
    return ids
}
let socketGroup = ids(configuration.socketGroup.map { [$0] }, "group", LocalIdentity.groupID)?.first
let allowedUsers = ids(configuration.allowedUsers, "user", LocalIdentity.userID)
let allowedGroups = ids(configuration.allowedGroups, "group", LocalIdentity.groupID)
let peerPolicy = allowedUsers == nil && allowedGroups == nil
    ? nil : PeerPolicy(userIDs: allowedUsers ?? [], groupIDs: allowedGroups ?? [])

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
    try server.start()
} catch {
    Log.error("cannot start", ["error": error.description])
    listener.close()
    exit(71)  // EX_OSERR
}
Log.info("started", ["pid": String(getpid()), "version": BizcachedVersion.current])

SignalWatcher.start { signal in
    switch signal {
    case .terminate, .interrupt:
        Log.info("stopping", ["signal": "\(signal)"])
        server.shutdown()
    case .hangup:
        Log.info("ignoring SIGHUP: configuration reload is not supported yet")
    }
}

server.waitUntilStopped()
Log.info("stopped")
exit(0)
