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
        try database.waitUntilListened()
    }

    /// Inserts one business and returns its id, once the daemon has handled the insert's
    /// change notification (which drops the numbers from the caches: a lookup made before
    /// that could see its cached answer dropped).
    @discardableResult
    func insertBusiness(
        name: String, publicPhone: String?, twilioPhone: String? = nil, type: String? = nil,
        settings: String = "{}"
    ) throws -> String {
        let notified = try daemon.counter("invalidations", "database")
        let numbers = Set([publicPhone, twilioPhone].compactMap { $0 }).count
        defer {
            if numbers > 0 {
                _ = try? eventually { try daemon.counter("invalidations", "database") >= notified + numbers }
            }
        }
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

extension ServerFixture {
    /// Another bizcached on the same PostgreSQL database and Redis, as on a second host.
    func secondDaemon(arguments: [String] = []) throws -> DaemonProcess {
        var flags = ["--database-url", database.url] + arguments
        if let redis { flags += ["--redis-url", redis.url] }
        return try DaemonProcess(arguments: flags)
    }

    /// Updates a business's name by id.
    func rename(_ id: String, to name: String) throws {
        try database.connect().query("UPDATE businesses SET name = $1 WHERE id = $2::uuid", [name, id])
    }
}

extension DaemonProcess {
    /// The `name` of the business a `GET` answers, nil for anything else.
    func name(of phone: String) throws -> String? {
        try businessName(in: request("GET \(phone)"))
    }

    /// A STATS counter by path, such as `["backend", "redis_gets"]`; -1 when missing.
    func counter(_ path: String...) throws -> Int {
        var object: Any = try stats()
        for key in path {
            guard let next = (object as? [String: Any])?[key] else { return -1 }
            object = next
        }
        return object as? Int ?? -1
    }
}

/// The `name` field of an `OK <json>` reply, nil for anything else.
func businessName(in reply: ServerReply) -> String? {
    guard case .ok(let json?) = reply,
        let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    else { return nil }
    return object["name"] as? String
}

/// Hands a non-Sendable value (a client connection) to the one thread that will use it.
final class UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
