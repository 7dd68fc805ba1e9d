/// One metric as Prometheus sees it: a name, a help text, a type, and its samples (one per
/// combination of labels).
public struct MetricFamily: Sendable, Equatable {
    /// The samples, by the metric's type.
    public enum Samples: Sendable, Equatable {
        /// A count that only grows (from zero at start); the name ends in `_total`.
        case counter([MetricSample])
        /// A value that may go up and down.
        case gauge([MetricSample])
        /// Observations counted in buckets, with their sum.
        case histogram([HistogramSample])
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`, by convention `<program>_<what>_<unit>[_total]`.
    public let name: String
    /// One line saying what is measured; the encoder escapes it.
    public let help: String
    /// The type and the samples.
    public let samples: Samples

    public init(name: String, help: String, samples: Samples) {
        self.name = name
        self.help = help
        self.samples = samples
    }

    /// A counter with one sample per set of labels.
    public static func counter(_ name: String, help: String, _ samples: [MetricSample]) -> MetricFamily {
        MetricFamily(name: name, help: help, samples: .counter(samples))
    }

    /// A counter without labels.
    public static func counter(_ name: String, help: String, value: some BinaryInteger) -> MetricFamily {
        counter(name, help: help, [MetricSample(.none, value)])
    }

    /// A gauge with one sample per set of labels.
    public static func gauge(_ name: String, help: String, _ samples: [MetricSample]) -> MetricFamily {
        MetricFamily(name: name, help: help, samples: .gauge(samples))
    }

    /// A gauge without labels.
    public static func gauge(_ name: String, help: String, value: Double) -> MetricFamily {
        gauge(name, help: help, [MetricSample(.none, value)])
    }

    /// A histogram with one series per set of labels.
    public static func histogram(_ name: String, help: String, _ samples: [HistogramSample]) -> MetricFamily {
        MetricFamily(name: name, help: help, samples: .histogram(samples))
    }
}

/// One sample of a counter or gauge.
public struct MetricSample: Sendable, Equatable {
    /// The labels that tell this sample from the family's others.
    public let labels: MetricLabels
    /// The count or level; counters are whole numbers.
    public let value: Double

    public init(_ labels: MetricLabels, _ value: Double) {
        self.labels = labels
        self.value = value
    }

    public init(_ labels: MetricLabels, _ value: some BinaryInteger) {
        self.init(labels, Double(value))
    }
}

/// One series of a histogram: its labels (never `le`, which the encoder adds) and counts.
public struct HistogramSample: Sendable, Equatable {
    /// The labels that tell this series from the family's others.
    public let labels: MetricLabels
    /// The buckets' counts and the sum.
    public let snapshot: HistogramSnapshot

    public init(_ labels: MetricLabels, _ snapshot: HistogramSnapshot) {
        self.labels = labels
        self.snapshot = snapshot
    }
}
