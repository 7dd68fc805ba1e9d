/// A configuration value (flag, environment variable or file entry) that cannot be used.
public enum ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `name` was given a value that does not fit; `reason` says what would.
    case invalidValue(name: String, reason: String)
    /// A required value was not given.
    case missing(name: String)
    /// A flag the program does not know.
    case unknownOption(String)
    /// Line `line` of the configuration file at `path` cannot be used.
    case inFile(path: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .invalidValue(let name, let reason): "invalid \(name): \(reason)"
        case .missing(let name): "\(name) is required"
        case .unknownOption(let option): "unknown option '\(option)'"
        case .inFile(let path, let line, let reason): "\(path):\(line): \(reason)"
        }
    }
}
