import BizPostgres
import BizTestSupport
import Foundation

/// A migrated database with businesses, a fake Twilio account, and `biz10dlc` runs against both.
final class TenDLCFixture {
    let database: PostgresTestDatabase
    let twilio: FakeTwilio
    let directory: String

    init() throws {
        database = try PostgresTestDatabase()
        try database.applyMigrations()
        twilio = try FakeTwilio()
        directory = NSTemporaryDirectory() + "biz10dlc-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    var environment: [String: String] {
        [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "DATABASE_URL": database.url,
            "TWILIO_ACCOUNT_SID": twilio.accountSID,
            "TWILIO_AUTH_TOKEN": twilio.authToken,
            "TWILIO_API_BASE": twilio.baseURL,
            "TWILIO_MESSAGING_API_BASE": twilio.baseURL,
        ]
    }

    /// Runs `biz10dlc` to completion.
    func run(_ arguments: [String] = ["sync"], environment extra: [String: String] = [:]) throws -> (status: Int32, output: String) {
        var variables = environment
        for (name, value) in extra { variables[name] = value }
        return try ChildProcess.run(try BuildProducts.path(of: "biz10dlc"), arguments, environment: variables)
    }

    /// Inserts a business with a Twilio number (and a key of its own in custom_settings);
    /// returns its id.
    @discardableResult
    func addBusiness(_ name: String, twilioPhone: String, settings: String = #"{"tz": "America/Chicago"}"#) throws -> String {
        try database.connect().query(
            "INSERT INTO businesses (name, twilio_phone, custom_settings) VALUES ($1, $2, $3::jsonb) RETURNING id::text AS id",
            [name, twilioPhone, settings]
        ).value(row: 0, column: "id")
    }

    /// A business's custom_settings as a dictionary.
    func settings(of id: String) throws -> [String: Any] {
        let text: String = try database.connect().query(
            "SELECT custom_settings::text AS s FROM businesses WHERE id = $1::uuid", [id]
        ).value(row: 0, column: "s")
        return (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    /// Open and closed registration tasks of a business: (status, data) pairs.
    func tasks(of id: String) throws -> [(status: String, data: [String: Any])] {
        let rows = try database.connect().query(
            "SELECT status, data::text AS data FROM tasks WHERE business_id = $1::uuid AND type = '10DLC_REGISTRATION' ORDER BY id",
            [id])
        return (0..<rows.count).map { row in
            let data = (try? JSONSerialization.jsonObject(with: Data((rows[row, "data"] ?? "{}").utf8))) as? [String: Any]
            return (rows[row, "status"] ?? "", data ?? [:])
        }
    }

    /// Every row of businesses and tasks as text, to compare before and after.
    func snapshot() throws -> String {
        let connection = try database.connect()
        let businesses = try connection.query("SELECT b::text AS row FROM businesses b ORDER BY id").rows
        let tasks = try connection.query("SELECT t::text AS row FROM tasks t ORDER BY id").rows
        return "\(businesses)\n\(tasks)"
    }
}
