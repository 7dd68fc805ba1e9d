import Foundation

/// Files tests leave for people to look at, such as screenshots: under `$BIZ_TEST_ARTIFACTS`
/// when set (scripts/test sets it, and CI lists what is there), else under
/// `.build/test-artifacts/` in the package.
public enum TestArtifacts {
    /// The package's root folder.
    public static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The folder for all artifacts.
    public static var root: URL {
        if let folder = ProcessInfo.processInfo.environment["BIZ_TEST_ARTIFACTS"], !folder.isEmpty {
            return URL(fileURLWithPath: folder, relativeTo: packageRoot).standardizedFileURL
        }
        return packageRoot.appendingPathComponent(".build/test-artifacts")
    }

    /// `name`'s folder under `root`, created, emptied of what an earlier run left.
    public static func emptyFolder(named name: String) throws -> URL {
        let folder = root.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
