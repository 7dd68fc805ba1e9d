/// Why migrating a database failed.
public enum MigrationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A migration file is not called `NNNN_name.sql`.
    case invalidFileName(String)
    /// Two migrations share a version number.
    case duplicateVersion(Int)
    /// A migration's SQL failed; nothing of it was applied.
    case migrationFailed(version: Int, name: String, error: PostgresError)
    /// The bookkeeping around the migrations (lock, `schema_migrations`, transactions) failed.
    case bookkeepingFailed(PostgresError)

    /// One line for people: which migration failed and PostgreSQL's message.
    public var description: String {
        switch self {
        case .invalidFileName(let fileName):
            "migration file '\(fileName)' is not named NNNN_name.sql"
        case .duplicateVersion(let version):
            "two migrations have version \(version)"
        case .migrationFailed(let version, let name, let error):
            "migration \(Migration(version: version, name: name, sql: "").identifier) failed: \(error)"
        case .bookkeepingFailed(let error):
            "cannot track migrations: \(error)"
        }
    }
}
