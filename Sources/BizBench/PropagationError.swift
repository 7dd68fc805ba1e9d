import BizPostgres

/// Why `bizbench propagation` could not do its work. (Updates that do not propagate in time
/// are not errors: the result counts them.)
public enum PropagationError: Error, CustomStringConvertible {
    /// Talking to a bizcached failed.
    case bench(BenchError)
    /// Talking to PostgreSQL failed.
    case database(PostgresError)
    /// A number of the benchmark's reserved range belongs to a business it did not create.
    case phoneTaken(String)
    /// An instance did not answer a benchmark business's first name before the timeout.
    case notWarmed(instance: String, phone: String, lastReply: String)
    /// A benchmark business vanished from the table while the benchmark ran.
    case rowVanished(String)

    /// True when a server could not be reached at all (exit status 69).
    public var isUnavailable: Bool {
        switch self {
        case .bench(.cannotConnect): true
        case .database(.connectionFailed): true
        default: false
        }
    }

    /// The reason, for an `error: ...` line.
    public var description: String {
        switch self {
        case .bench(let error): error.description
        case .database(let error): error.description
        case .phoneTaken(let phone):
            "\(phone) belongs to a business bizbench did not create; the numbers "
                + "\(PropagationBenchmark.phone(0)) to \(PropagationBenchmark.phone(PropagationSettings.maximumPhones - 1)) "
                + "are reserved for the benchmark"
        case .notWarmed(let instance, let phone, let lastReply):
            "bizcached at \(instance) did not answer the new business for \(phone) in time (last reply: \(lastReply))"
        case .rowVanished(let phone): "the benchmark business with \(phone) was deleted while the benchmark ran"
        }
    }
}
