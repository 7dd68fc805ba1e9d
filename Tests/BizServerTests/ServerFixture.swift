import BizClient
import BizCore
import BizPostgres
import BizTestSupport
import Foundation

/// A migrated database of its own, optionally a Redis of its own, and a bizcached serving them.
final class ServerFixture {
    let database: PostgresTestDatabase
    let redis: RedisServerProcess?
    let daemon: DaemonProcess

    /// The repository's root folder, for files such as `protocol/vectors/`.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    init(withRedis: Bool = true, arguments: [String] = [], launcher: [String] = [], sql: String? = nil) throws {
        database = try PostgresTestDatabase()
        _ = try database.applyMigrations()
        if let sql { try database.connect().execute(sql) }
        redis = withRedis ? try RedisServerProcess() : nil
        var flags = ["--database-url", database.url] + arguments
        if let redis { flags += ["--redis-url", redis.url] }
        daemon = try DaemonProcess(arguments: flags, launcher: launcher)
    }

    /// Inserts one business and returns its id.
    @discardableResult
    func insertBusiness(
        name: String, publicPhone: String?, twilioPhone: String? = nil, type: String? = nil,
        settings: String = "{}"
    ) throws -> String {
        let rows = try database.connect().query(
            """
            INSERT INTO businesses (name, public_phone, twilio_phone, business_type, custom_settings)
            VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING id::text
            """, [name, publicPhone, twilioPhone, type, settings])
        return try rows.value(row: 0, column: "id")
    }

    /// The JSON object of a `GET` reply, or nil for anything else.
    func lookup(_ phone: String) throws -> [String: Any]? {
        guard case .ok(let json?) = try daemon.request("GET \(phone)") else { return nil }
        return try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    }
}
