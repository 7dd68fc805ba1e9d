import BizPostgres

extension PostgresTestDatabase {
    /// Waits until a daemon LISTENs for change notifications on this database, so that
    /// changes made from now on reach it.
    public func waitUntilListened() throws {
        let connection = try connect()
        let listening = try eventually {
            try connection.query(
                "SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN%' AND state = 'idle'", [name]
            ).count > 0
        }
        if !listening { throw ChildProcess.Failure("no daemon LISTENs on \(name) after 10 s") }
    }
}
