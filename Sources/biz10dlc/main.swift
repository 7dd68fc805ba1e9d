import BizCompliance
import BizCore
import BizPostgres
import BizSystem
import BizTwilio
import Foundation
import Glibc

// biz10dlc: records which business numbers may send US A2P 10DLC texts (see README).
// Exit status: 0 every business checked, 1 some failed, 3 Twilio refused the credentials,
// 64 usage error, 69 PostgreSQL or Twilio unreachable.

let exitSomeFailed: Int32 = 1, exitCredentials: Int32 = 3, exitUsage: Int32 = 64, exitUnavailable: Int32 = 69

func fail(_ message: String, _ status: Int32) -> Never {
    ProcessEnvironment.printError(message)
    exit(status)
}

if ArgumentScanner.asksForVersion(Array(CommandLine.arguments.dropFirst())) {
    print("biz10dlc \(BizcachedVersion.current)")
    exit(0)
}

let usage = """
    usage: biz10dlc sync [--dry-run] [--attach-to MG…] [--json] [--database-url URL]

    Asks Twilio which business numbers (businesses.twilio_phone) belong to a Messaging Service
    with a verified US A2P campaign, records it in custom_settings (has10DLC, tenDlcStatus,
    messagingServiceSid, campaignStatus, lastTwilioSync; other keys are kept), and keeps one
    open 10DLC_REGISTRATION task per business whose number cannot send.

      --dry-run        print what would change; change nothing
      --attach-to MG…  attach numbers that are in the account but in no service to this
                       service, when its campaign is verified
      --json           print the summary as JSON
      --version        print the version

    Reads DATABASE_URL (its password, if it has none, from the systemd credential
    database-password, DATABASE_PASSWORD_FILE or PGPASSWORD), TWILIO_ACCOUNT_SID, the auth token from the systemd credential
    twilio-auth-token ($CREDENTIALS_DIRECTORY), TWILIO_AUTH_TOKEN_FILE or TWILIO_AUTH_TOKEN,
    TWILIO_API_BASE (https://api.twilio.com) and TWILIO_MESSAGING_API_BASE
    (https://messaging.twilio.com).
    Exit status: 0 all businesses checked, 1 some failed, 3 Twilio refused the credentials,
    64 usage error, 69 PostgreSQL or Twilio unreachable.

    """

let environment = ProcessEnvironment.variables
let scanner: ArgumentScanner
do {
    scanner = try ArgumentScanner(Array(CommandLine.arguments.dropFirst()), valueOptions: ["attach-to", "database-url"])
    try scanner.rejectUnknown(["attach-to", "database-url", "dry-run", "json", "help"])
} catch {
    fail("\(error)\nTry 'biz10dlc --help'.", exitUsage)
}
if scanner.flag("help") {
    print(usage, terminator: "")
    exit(0)
}
guard scanner.positionals == ["sync"] else { fail("expected the command 'sync'\nTry 'biz10dlc --help'.", exitUsage) }
guard let databaseURL = scanner.value("database-url") ?? environment["DATABASE_URL"], !databaseURL.isEmpty else {
    fail("--database-url or DATABASE_URL is required", exitUsage)
}
do {
    PostgresConnection.usePassword(try ServiceCredentials.databasePassword(environment: ProcessEnvironment.variables))
} catch {
    fail("\(error)", exitUsage)
}
guard let account = environment["TWILIO_ACCOUNT_SID"], !account.isEmpty else { fail("TWILIO_ACCOUNT_SID is required", exitUsage) }
let token: String
do {
    guard let secret = try ServiceCredentials.secret(
        named: "twilio-auth-token", fileVariable: "TWILIO_AUTH_TOKEN_FILE", variable: "TWILIO_AUTH_TOKEN",
        environment: environment)
    else { fail("TWILIO_AUTH_TOKEN, TWILIO_AUTH_TOKEN_FILE or the credential twilio-auth-token is required", exitUsage) }
    token = secret
} catch {
    fail("\(error)", exitUsage)
}
func baseURL(_ variable: String, _ fallback: URL) -> URL {
    guard let text = environment[variable], !text.isEmpty else { return fallback }
    guard let url = URL(string: text), url.scheme == "https" || url.scheme == "http" else { fail("invalid \(variable)", exitUsage) }
    return url
}
var options = TenDLCSync.Options()
options.dryRun = scanner.flag("dry-run")
if let target = scanner.value("attach-to") {
    guard MessageSender.isMessagingServiceSID(target) else { fail("invalid --attach-to: expected MG and 32 hex digits", exitUsage) }
    options.attachTo = target
}
let client = TwilioMessagingClient(
    credentials: TwilioCredentials(accountSID: account, authToken: token),
    messagingBase: baseURL(TwilioMessagingClient.messagingBaseEnvironmentVariable, TwilioMessagingClient.defaultMessagingBase),
    apiBase: baseURL("TWILIO_API_BASE", TwilioMessagingClient.defaultAPIBase))
let store: ComplianceStore
do {
    store = ComplianceStore(connection: try PostgresConnection(connectionString: databaseURL))
} catch {
    fail(error.description, exitUnavailable)
}
let sync = TenDLCSync(store: store, client: client, options: options) { line in print(line) }
var progress: ProgressLine?
do {
    let summary = try sync.run { done, total in
        if progress == nil { progress = ProgressLine(total: total) }
        progress?.update(done: done)
    }
    print(scanner.flag("json") ? summary.json : summary.text, terminator: scanner.flag("json") ? "\n" : "")
    exit(summary.failures > 0 ? exitSomeFailed : 0)
} catch .authentication(let error) {
    fail(SyncError.authentication(error).description, exitCredentials)
} catch {
    fail(error.description, exitUnavailable)
}
