/// Accumulates bytes read from a connection and hands out complete request lines.
///
/// A line may hold at most `maximumLineLength` bytes before its `\n` (a `\r` before the
/// `\n` counts toward the limit). Once more bytes than that arrive without a newline,
/// `nextLine` reports `.tooLong` and the buffer is of no further use: the protocol closes
/// the connection.
public struct LineBuffer: Sendable {
    /// What `nextLine` found.
    public enum Next: Equatable {
        /// A complete line, without its `\n`.
        case line(ArraySlice<UInt8>)
        /// No complete line yet.
        case incomplete
        /// The pending line is over the limit.
        case tooLong
    }

    public let maximumLineLength: Int
    private var bytes: [UInt8] = []
    private var start = 0
    /// Where to resume the search for `\n`, so a slow client costs linear time.
    private var scanned = 0

    public init(maximumLineLength: Int = 1024) {
        self.maximumLineLength = maximumLineLength
    }

    /// Bytes received but not yet returned as lines.
    public var pendingByteCount: Int { bytes.count - start }

    /// Appends bytes read from the connection.
    public mutating func append(_ newBytes: UnsafeRawBufferPointer) {
        compactIfWorthIt()
        bytes.append(contentsOf: newBytes)
    }

    /// Appends bytes read from the connection.
    public mutating func append(_ newBytes: some Sequence<UInt8>) {
        compactIfWorthIt()
        bytes.append(contentsOf: newBytes)
    }

    /// Takes the next complete line, if there is one.
    public mutating func nextLine() -> Next {
        let searchFrom = max(start, scanned)
        let limit = min(bytes.count, start + maximumLineLength + 1)
        if searchFrom < limit, let newline = bytes[searchFrom..<limit].firstIndex(of: UInt8(ascii: "\n")) {
            let line = bytes[start..<newline]
            start = newline + 1
            scanned = start
            return .line(line)
        }
        if bytes.count - start > maximumLineLength { return .tooLong }
        scanned = bytes.count
        return .incomplete
    }

    private mutating func compactIfWorthIt() {
        if start == bytes.count {
            bytes.removeAll(keepingCapacity: true)
            start = 0
            scanned = 0
        } else if start > 4096 && start * 2 > bytes.count {
            bytes.removeSubrange(0..<start)
            scanned -= start
            start = 0
        }
    }
}
