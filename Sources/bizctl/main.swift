import BizClient
import BizCore
import BizPostgres
import BizSystem
import Glibc

// bizctl: talk to a running bizcached, or migrate the database. Exit codes follow sysexits.h.

let exitNotFound: Int32 = 1, exitUsage: Int32 = 64, exitDataError: Int32 = 65, exitUnavailable: Int32 = 69

func fail(_ message: String, _ status: Int32) -> Never {
    ProcessEnvironment.printError(message)
    exit(status)
}

if ArgumentScanner.asksForVersion(Array(CommandLine.arguments.dropFirst())) {
    print("bizctl \(BizcachedVersion.current)")
    exit(0)
}

let invocation: ControlInvocation
do {
    invocation = try ControlInvocation.parse(
        arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessEnvironment.variables)
} catch {
    fail("\(error)\nTry 'bizctl --help'.", exitUsage)
}

do {
    PostgresConnection.usePassword(try ServiceCredentials.databasePassword(environment: ProcessEnvironment.variables))
} catch {
    fail("\(error)", exitUsage)
}

/// Sends one request to the daemon and returns its reply, or exits 69.
func ask(_ line: String) -> ServerReply {
    do {
        let client = try BizcachedClient(socketPath: invocation.socketPath, timeout: invocation.timeout)
        let reply = try client.request(line)
        if case .error(_, let code, let message) = reply { fail("bizcached answered \(code): \(message)", exitUnavailable) }
        return reply
    } catch {
        fail(error.description, exitUnavailable)
    }
}

switch invocation.action {
case .help(let subcommand):
    print(ControlInvocation.usage(subcommand), terminator: "")
case .lookup(let phone):
    switch ask("GET \(phone)") {
    case .ok(let json?): print(json)
    case .notFound: fail("no business has the number \(phone)", exitNotFound)
    case let other: fail("unexpected reply \(other)", exitUnavailable)
    }
case .ping:
    guard case .pong = ask("PING") else { fail("unexpected reply to PING", exitUnavailable) }
    print("PONG")
case .stats:
    guard case .ok(let json?) = ask("STATS") else { fail("unexpected reply to STATS", exitUnavailable) }
    print(json)
case .metrics:
    guard case .ok(let json?) = ask("METRICS"), let text = MetricsReply.text(fromJSON: json) else {
        fail("unexpected reply to METRICS", exitUnavailable)
    }
    print(text, terminator: "")
case .invalidate(let phone):
    guard case .ok(nil) = ask("INVALIDATE \(phone)") else { fail("unexpected reply to INVALIDATE", exitUnavailable) }
    print("OK")
case .migrate:
    let connection: PostgresConnection
    do {
        connection = try PostgresConnection(connectionString: invocation.databaseURL ?? "")
    } catch {
        fail(error.description, exitUnavailable)
    }
    do {
        let applied = try Migrator().apply(on: connection)
        if applied.isEmpty { print("schema is up to date") }
        for migration in applied { print("applied \(migration.version) \(migration.name)") }
    } catch {
        fail(error.description, exitDataError)
    }
}
