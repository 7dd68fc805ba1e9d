import BizPostgres
import BizSystem

/// The businesses `bizbench propagation` creates, renames and deletes, on its own PostgreSQL
/// connection.
///
/// Every name starts with `propagation-bench <run>`, where `<run>` is unique to the run, and
/// every number comes from the benchmark's reserved range, so the rows of one run are told
/// apart from everything else, including the leftovers of an interrupted run.
final class BenchBusinesses {
    /// What every benchmark business's name starts with.
    static let namePrefix = "propagation-bench"

    /// The numbers of the businesses, E.164.
    let phones: [String]
    private let ids: [String]
    private let run: String
    private let connection: PostgresConnection
    private var inTransaction = false

    /// Deletes what an interrupted run left, then creates one business per number.
    ///
    /// - Throws: ``PropagationError/phoneTaken(_:)`` when another business has one of the
    ///   numbers; ``PropagationError/database(_:)``.
    init(connection: PostgresConnection, run: String, phones: [String]) throws(PropagationError) {
        self.connection = connection
        self.run = run
        self.phones = phones
        do {
            ids = try Self.create(connection: connection, run: run, phones: phones)
        } catch {
            Self.deleteQuietly(connection: connection, run: run)
            throw error
        }
    }

    private static func create(
        connection: PostgresConnection, run: String, phones: [String]
    ) throws(PropagationError) -> [String] {
        var ids: [String] = []
        do throws(PostgresError) {
            try connection.query(
                "DELETE FROM public.businesses WHERE name LIKE $1 AND public_phone LIKE $2",
                [namePrefix + " %", String(PropagationBenchmark.phone(0).dropLast(4)) + "%"])
            for phone in phones {
                let rows = try connection.query(
                    """
                    INSERT INTO public.businesses (name, public_phone, business_type, custom_settings)
                    VALUES ($1, $2, 'propagation benchmark', '{"source":"bizbench propagation"}')
                    RETURNING id::text AS id
                    """,
                    [name(run: run, phone: phone, version: 0), phone])
                ids.append(try rows.value(row: 0, column: "id"))
            }
        } catch where error.isUniqueViolation {
            throw .phoneTaken(phones[ids.count])
        } catch {
            throw .database(error)
        }
        return ids
    }

    /// The name of the business with `phone` after its `version`th update (0: as created).
    static func name(run: String, phone: String, version: Int) -> String {
        "\(namePrefix) \(run) \(phone) v\(version)"
    }

    /// The name of business `index` after its `version`th update.
    func name(of index: Int, version: Int) -> String {
        Self.name(run: run, phone: phones[index], version: version)
    }

    /// Renames business `index` to `name` in an explicit transaction (`BEGIN`, `UPDATE`,
    /// `COMMIT`) and returns once `COMMIT` has returned, with the monotonic time at which
    /// `COMMIT` was sent.
    func rename(_ index: Int, to name: String) throws(PropagationError) -> UInt64 {
        let rows: PostgresRows
        var commitSent: UInt64 = 0
        do throws(PostgresError) {
            try connection.execute("BEGIN")
            inTransaction = true
            rows = try connection.query(
                "UPDATE public.businesses SET name = $1 WHERE id = $2::uuid", [name, ids[index]])
            if rows.affectedRowCount == 1 {
                commitSent = MonotonicClock.nanoseconds()
                try connection.execute("COMMIT")
            } else {
                try connection.execute("ROLLBACK")
            }
            inTransaction = false
        } catch {
            throw .database(error)
        }
        guard rows.affectedRowCount == 1 else { throw .rowVanished(phones[index]) }
        return commitSent
    }

    /// Deletes this run's businesses (rolling back a transaction left open by a failure).
    func delete() throws(PropagationError) {
        do throws(PostgresError) {
            if inTransaction {
                try connection.execute("ROLLBACK")
                inTransaction = false
            }
            try connection.query("DELETE FROM public.businesses WHERE name LIKE $1", [Self.namePrefix + " \(run) %"])
        } catch {
            throw .database(error)
        }
    }

    private static func deleteQuietly(connection: PostgresConnection, run: String) {
        _ = try? connection.query("DELETE FROM public.businesses WHERE name LIKE $1", [namePrefix + " \(run) %"])
    }
}
