import Foundation

/// Where SwiftPM put the package's executables: beside the test bundle that runs now.
public enum BuildProducts {
    /// The path of the executable product `name` (for example `bizcached`).
    public static func path(of name: String) throws -> String {
        let runner = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: runner).deletingLastPathComponent()
        // The runner may sit inside a bundle folder (…/debug/X.xctest/…); climb to the products.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        throw ChildProcess.Failure("no built '\(name)' near \(runner): build the package first")
    }
}
