import Foundation

/// The process's environment and standard error, for the executables' `main.swift`.
public enum ProcessEnvironment {
    /// The environment variables.
    public static var variables: [String: String] { ProcessInfo.processInfo.environment }

    /// Prints `error: <message>` on standard error.
    public static func printError(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }
}
