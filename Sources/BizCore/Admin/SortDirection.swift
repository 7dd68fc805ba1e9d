/// Ascending or descending, as the `dir` query parameter spells it.
public enum SortDirection: String, Sendable {
    case ascending = "asc"
    case descending = "desc"

    /// The other direction.
    public var reversed: SortDirection {
        self == .ascending ? .descending : .ascending
    }

    /// The arrow shown beside a column sorted this way: ▲ ascending, ▼ descending.
    public var arrow: String {
        self == .ascending ? "▲" : "▼"
    }
}
