import BizPostgres

extension PostgresConnection {
    /// Waits (up to 10 s) until a daemon LISTENs for change notifications on the database
    /// `database` of this connection's server, so that changes made from now on reach it.
    public func waitUntilListened(database: String) throws {
        let listening = try eventually {
            try query(
                "SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN%' AND state = 'idle'", [database]
            ).count > 0
        }
        if !listening { throw ChildProcess.Failure("no daemon LISTENs on \(database) after 10 s") }
    }
}

extension PostgresTestDatabase {
    /// Waits until a daemon LISTENs for change notifications on this database, so that
    /// changes made from now on reach it.
    public func waitUntilListened() throws {
        try connect().waitUntilListened(database: name)
    }
}
