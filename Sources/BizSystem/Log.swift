import BizCore
import Glibc
import Synchronization

/// The process log: one line per event on standard error, in logfmt
/// (`level=info msg="..." key=value ...`), written with a single `write(2)` so lines from
/// different threads never interleave.
///
/// When standard error is the journal (`$JOURNAL_STREAM` names its device and inode), each
/// line starts with its syslog priority (`<6>` for info), so that `journalctl -p` filters work.
///
/// Callers pass only values that are safe to show: no passwords, tokens or connection
/// strings, and phone numbers of SMS recipients masked (`PhoneNumber.masked`).
public enum Log {
    /// Whether standard error is connected to the journal, decided once.
    private static let writesToJournal: Bool = {
        guard let stream = ProcessEnvironment.variables["JOURNAL_STREAM"] else { return false }
        var status = stat()
        guard fstat(STDERR_FILENO, &status) == 0 else { return false }
        return stream == "\(status.st_dev):\(status.st_ino)"
    }()

    private static let threshold = Atomic<Int>(LogLevel.info.rawValue)

    /// The least severe level written.
    public static var level: LogLevel {
        get { LogLevel(rawValue: threshold.load(ordering: .relaxed)) ?? .info }
        set { threshold.store(newValue.rawValue, ordering: .relaxed) }
    }

    public static func debug(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) {
        write(.debug, message, fields)
    }

    public static func info(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) {
        write(.info, message, fields)
    }

    public static func warning(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) {
        write(.warning, message, fields)
    }

    public static func error(_ message: String, _ fields: KeyValuePairs<String, String> = [:]) {
        write(.error, message, fields)
    }

    private static func write(_ level: LogLevel, _ message: String, _ fields: KeyValuePairs<String, String>) {
        guard level >= self.level else { return }
        var line = writesToJournal ? "<\(level.syslogPriority)>" : ""
        line += "ts=\(timestamp()) level=\(level) msg=\(quoted(message))"
        for (key, value) in fields {
            line += " \(key)=\(quoted(value))"
        }
        line += "\n"
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            try? FileDescriptor.writeAll(STDERR_FILENO, UnsafeRawBufferPointer(buffer))
        }
    }

    /// A logfmt value: bare when it is a simple word, otherwise quoted with escapes.
    static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && value.unicodeScalars.allSatisfy {
            $0.value > 0x20 && $0.value < 0x7F && $0 != "\"" && $0 != "=" && $0 != "\\"
        }
        if plain { return value }
        var text = ""
        JSONObjectWriter.appendQuoted(value, to: &text)
        return text
    }

    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let millis = now.tv_nsec / 1_000_000
        let millisText = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(millisText)Z"
    }
}
