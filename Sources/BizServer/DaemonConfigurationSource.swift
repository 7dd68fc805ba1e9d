import BizCore
import BizSystem

/// Where bizcached's configuration comes from: the arguments and environment it was
/// started with, and the configuration file, which `load()` reads afresh each time (at
/// start, and again on every reload).
public struct DaemonConfigurationSource: Sendable {
    public let arguments: [String]
    public let environment: [String: String]
    public let processorCount: Int

    public init(arguments: [String], environment: [String: String], processorCount: Int) {
        self.arguments = arguments
        self.environment = environment
        self.processorCount = processorCount
    }

    /// Reads the configuration file (if any) and parses everything.
    /// - Throws: `ConfigurationError`; a problem in the file names its path and line.
    public func load() throws(ConfigurationError) -> DaemonConfiguration.Invocation {
        if arguments.contains("--help") || arguments.contains("-h") { return .help }
        let (path, required) = try DaemonConfiguration.configurationFilePath(arguments: arguments, environment: environment)
        let text: String?
        do {
            text = try TextFile.read(path)
        } catch {
            throw .invalidValue(name: "configuration file", reason: error.description)
        }
        if text == nil && required {
            throw .invalidValue(name: "configuration file", reason: "\(path) does not exist")
        }
        let file = try text.map { text throws(ConfigurationError) in
            try DaemonConfiguration.parseFile(path: path, text: text)
        }
        return try DaemonConfiguration.parse(
            arguments: arguments, environment: environment, file: file, processorCount: processorCount)
    }
}
