import CLinux
import Glibc

/// Turns SIGTERM, SIGINT and SIGHUP into calls on a thread of its own, so handlers may do
/// anything (no async-signal-safety limits). Also ignores SIGPIPE: a client that hangs up
/// shows as `EPIPE` on write instead of killing the process.
///
/// Call `blockSignals()` before any other thread starts so every thread inherits the mask.
public enum SignalWatcher {
    /// A signal the daemon reacts to.
    public enum Signal: Sendable {
        case terminate, interrupt, hangup
    }

    private static let watched: [Int32] = [SIGTERM, SIGINT, SIGHUP]

    /// Blocks the watched signals in the calling thread and ignores SIGPIPE.
    public static func blockSignals() {
        signal(SIGPIPE, SIG_IGN)
        var set = sigset_t()
        sigemptyset(&set)
        for number in watched { sigaddset(&set, number) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Starts a thread that calls `handler` for each watched signal as it arrives.
    public static func start(_ handler: @escaping @Sendable (Signal) -> Void) {
        Threads.start(name: "signals") {
            var set = sigset_t()
            sigemptyset(&set)
            for number in watched { sigaddset(&set, number) }
            while true {
                var received: Int32 = 0
                guard sigwait(&set, &received) == 0 else { continue }
                switch received {
                case SIGTERM: handler(.terminate)
                case SIGINT: handler(.interrupt)
                case SIGHUP: handler(.hangup)
                default: break
                }
            }
        }
    }
}
