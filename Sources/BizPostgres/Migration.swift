/// One schema change: a SQL script with a version number, from a file `NNNN_name.sql`.
public struct Migration: Equatable, Sendable {
    /// The number the file name starts with; migrations run in increasing order.
    public var version: Int
    /// The file name between the version and `.sql`, for example `businesses`.
    public var name: String
    /// The script, run as one transaction together with its `schema_migrations` row.
    /// It must not contain its own `BEGIN`/`COMMIT`.
    public var sql: String

    /// A migration from its parts.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// A migration from a file name `NNNN_name.sql`: at least four digits for a version
    /// above 0, `_`, then letters, digits, `_` or `-`.
    public init(fileName: String, sql: String) throws(MigrationError) {
        guard fileName.hasSuffix(".sql"), let underscore = fileName.firstIndex(of: "_") else {
            throw .invalidFileName(fileName)
        }
        let digits = fileName[..<underscore]
        let name = fileName[fileName.index(after: underscore)...].dropLast(".sql".count)
        guard digits.count >= 4, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let version = Int(digits), version > 0,
            !name.isEmpty,
            name.unicodeScalars.allSatisfy({ Self.nameCharacters.contains($0) })
        else { throw .invalidFileName(fileName) }
        self.init(version: version, name: String(name), sql: sql)
    }

    private static let nameCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-".unicodeScalars)

    /// `0001_businesses`: the file name without `.sql`.
    public var identifier: String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "_" + name
    }

    /// The migrations compiled into this module from the package's `migrations/` folder
    /// by the EmbedMigrations build plugin, in file-name order.
    public static func embedded() throws(MigrationError) -> [Migration] {
        var migrations: [Migration] = []
        for file in EmbeddedMigrations.files {
            migrations.append(try Migration(fileName: file.name, sql: file.sql))
        }
        return migrations
    }
}
