import Glibc

/// The file a listening Unix socket was bound to, remembered by identity (device and inode)
/// so that it is removed only while it is still that file: when another instance has since
/// replaced it with its own socket, that socket stays.
struct BoundSocketFile: Sendable {
    /// The socket file's path.
    let path: String
    private let device: UInt64
    private let inode: UInt64

    /// Remembers the file now at `path`; nil when there is none.
    init?(path: String) {
        guard let identity = Self.identity(of: path) else { return nil }
        self.path = path
        (device, inode) = identity
    }

    /// Removes the file if it is still the one remembered.
    func remove() {
        guard let current = Self.identity(of: path), current == (device, inode) else { return }
        unlink(path)
    }

    private static func identity(of path: String) -> (UInt64, UInt64)? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        return (UInt64(status.st_dev), UInt64(status.st_ino))
    }
}
