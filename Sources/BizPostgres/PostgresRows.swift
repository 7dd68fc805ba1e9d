/// The rows a statement returned, copied out of libpq: every value is text as PostgreSQL
/// prints it, or nil for SQL NULL.
public struct PostgresRows: Equatable, Sendable {
    /// The column names, in order.
    public let columns: [String]
    /// The rows, each with one value per column.
    public let rows: [[String?]]
    /// Rows affected by an `INSERT`, `UPDATE`, `DELETE`, `MERGE`, `SELECT` or similar command,
    /// nil for commands that do not report a count.
    public let affectedRowCount: Int?

    /// Makes a result; the connection builds these, tests may too.
    public init(columns: [String], rows: [[String?]], affectedRowCount: Int? = nil) {
        self.columns = columns
        self.rows = rows
        self.affectedRowCount = affectedRowCount
    }

    /// The number of rows.
    public var count: Int { rows.count }

    /// True when there are no rows.
    public var isEmpty: Bool { rows.isEmpty }

    /// The position of the first column called `name`, nil when there is none.
    public func columnIndex(_ name: String) -> Int? {
        columns.firstIndex(of: name)
    }

    /// The value in row `row` (from 0) and column `column`; nil when the value is NULL, the
    /// column does not exist or the row is out of range.
    public subscript(row: Int, column: String) -> String? {
        guard rows.indices.contains(row), let index = columnIndex(column) else { return nil }
        return rows[row][index]
    }

    /// The value in row `row` and column `column`, which must exist and not be NULL.
    public func value(row: Int, column: String) throws(PostgresError) -> String {
        guard rows.indices.contains(row) else {
            throw .unexpectedResult("row \(row) requested from a result of \(rows.count) rows")
        }
        guard let index = columnIndex(column) else {
            throw .unexpectedResult("no column '\(column)' in the result")
        }
        guard let value = rows[row][index] else {
            throw .unexpectedResult("column '\(column)' is NULL in row \(row)")
        }
        return value
    }
}
