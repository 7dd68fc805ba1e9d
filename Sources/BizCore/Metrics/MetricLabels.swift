/// The labels of one time series, in the order they are written: `{tier="l1",result="hit"}`.
public struct MetricLabels: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    /// One label.
    public struct Label: Sendable, Equatable {
        /// A label name: ASCII letters, digits and `_`, not starting with a digit.
        public let name: String
        /// Any text; the encoder escapes it.
        public let value: String
    }

    /// No labels.
    public static let none = MetricLabels()

    /// The labels in the order they are written.
    public private(set) var labels: [Label]

    public init() { labels = [] }

    /// Labels from a literal such as `["tier": "l1", "result": "hit"]`, in the order written.
    public init(dictionaryLiteral elements: (String, String)...) {
        labels = elements.map { Label(name: $0.0, value: $0.1) }
    }

    /// These labels and one more after them.
    public func adding(_ name: String, _ value: String) -> MetricLabels {
        var copy = self
        copy.labels.append(Label(name: name, value: value))
        return copy
    }

    /// Whether there are no labels.
    public var isEmpty: Bool { labels.isEmpty }
}
