/// Brings a database's schema up to date by applying the migrations it has not seen yet.
///
/// Applied versions are recorded in `public.schema_migrations`. Each migration runs in its
/// own transaction together with its version row, so it is applied completely or not at all.
/// A session advisory lock makes concurrent migrators wait for each other.
public struct Migrator: Sendable {
    private let migrations: Result<[Migration], MigrationError>

    /// The key of the session advisory lock held while migrating: "bizcmigr" in ASCII.
    public static let advisoryLockKey: Int64 = 0x6269_7A63_6D69_6772

    /// A migrator for the migrations compiled into this module (see ``Migration/embedded()``).
    /// A badly named file is reported by ``apply(on:)``.
    public init() {
        do throws(MigrationError) {
            migrations = Self.validated(try Migration.embedded())
        } catch {
            migrations = .failure(error)
        }
    }

    /// A migrator for `migrations`, which may come in any order. Duplicate versions are
    /// reported by ``apply(on:)``.
    public init(migrations: [Migration]) {
        self.migrations = Self.validated(migrations)
    }

    private static func validated(_ migrations: [Migration]) -> Result<[Migration], MigrationError> {
        let sorted = migrations.sorted { $0.version < $1.version }
        if let duplicate = zip(sorted, sorted.dropFirst()).first(where: { $0.version == $1.version }) {
            return .failure(.duplicateVersion(duplicate.0.version))
        }
        return .success(sorted)
    }

    /// Applies, in version order, every migration not yet recorded in `schema_migrations`.
    /// The connection must not be inside a transaction.
    ///
    /// - Returns: the migrations applied by this call; empty when the schema was current.
    /// - Throws: ``MigrationError``. Migrations applied before the failing one stay applied.
    @discardableResult
    public func apply(on connection: PostgresConnection) throws(MigrationError) -> [Migration] {
        let migrations = try migrations.get()
        let lockKey = [String(Self.advisoryLockKey)]
        try bookkeeping { () throws(PostgresError) in
            try connection.query("SELECT pg_advisory_lock($1::bigint)", lockKey)
        }
        defer { _ = try? connection.query("SELECT pg_advisory_unlock($1::bigint)", lockKey) }

        let versions = try bookkeeping { () throws(PostgresError) in
            try connection.execute(
                """
                CREATE TABLE IF NOT EXISTS public.schema_migrations (
                    version    integer     PRIMARY KEY,
                    name       text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
            return try connection.query("SELECT version::text FROM public.schema_migrations")
        }
        let applied = Set(versions.rows.compactMap { $0.first.flatMap { $0 }.flatMap { Int($0) } })

        var newlyApplied: [Migration] = []
        for migration in migrations where !applied.contains(migration.version) {
            try bookkeeping { () throws(PostgresError) in try connection.execute("BEGIN") }
            do throws(PostgresError) {
                try connection.execute(migration.sql)
                try connection.query(
                    "INSERT INTO public.schema_migrations (version, name) VALUES ($1, $2)",
                    [String(migration.version), migration.name])
                try connection.execute("COMMIT")
            } catch {
                _ = try? connection.execute("ROLLBACK")
                throw .migrationFailed(version: migration.version, name: migration.name, error: error)
            }
            newlyApplied.append(migration)
        }
        return newlyApplied
    }

    @discardableResult
    private func bookkeeping<T>(_ body: () throws(PostgresError) -> T) throws(MigrationError) -> T {
        do throws(PostgresError) {
            return try body()
        } catch {
            throw .bookkeepingFailed(error)
        }
    }
}
