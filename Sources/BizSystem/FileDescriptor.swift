import Glibc

/// Small wrappers around file-descriptor calls that retry on `EINTR`.
public enum FileDescriptor {
    /// Sets `O_NONBLOCK` and `FD_CLOEXEC`.
    public static func makeNonBlocking(_ descriptor: Int32) throws(SystemCallError) {
        let flags = fcntl(descriptor, F_GETFL)
        guard flags >= 0, fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0 else {
            throw SystemCallError("fcntl(O_NONBLOCK)")
        }
        let fdFlags = fcntl(descriptor, F_GETFD)
        guard fdFlags >= 0, fcntl(descriptor, F_SETFD, fdFlags | FD_CLOEXEC) == 0 else {
            throw SystemCallError("fcntl(FD_CLOEXEC)")
        }
    }

    /// Closes a descriptor, ignoring errors (there is nothing useful to do with them).
    public static func close(_ descriptor: Int32) {
        _ = Glibc.close(descriptor)
    }

    /// Writes all of `bytes` to a blocking descriptor.
    public static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemCallError) {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw SystemCallError("write")
            }
            offset += written
        }
    }
}
