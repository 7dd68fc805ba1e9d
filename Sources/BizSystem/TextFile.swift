import Glibc

/// Small text files read whole, such as a configuration file.
public enum TextFile {
    /// The file's content as UTF-8 (invalid bytes replaced), or nil when it does not exist.
    /// - Parameter limit: the most bytes accepted; a larger file is an error (`EFBIG`).
    public static func read(_ path: String, limit: Int = 1 << 20) throws(SystemCallError) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw SystemCallError("open(\(path))")
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw SystemCallError("read(\(path))")
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
            guard bytes.count <= limit else { throw SystemCallError("read(\(path))", code: EFBIG) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
