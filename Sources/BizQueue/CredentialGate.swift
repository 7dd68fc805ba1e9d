import BizCore
import BizSystem
import Foundation
import Synchronization

/// Stops every sender thread while Twilio refuses the credentials, and hands out the
/// current ones. After an authentication failure sending pauses with exponential backoff
/// (5 s doubling up to 5 min); the token is read again before each new try, so a rotated
/// token file takes effect without a restart. No job is failed for it.
final class CredentialGate: Sendable {
    private struct State {
        var token: String?
        var pausedUntil: Date?
        var backoff: Double = 5
        /// Bumped whenever the token is read again, so threads rebuild their clients.
        var generation = 0
    }

    private let state = Mutex(State())
    private let readToken: @Sendable () throws -> String

    init(readToken: @escaping @Sendable () throws -> String) {
        self.readToken = readToken
    }

    /// Seconds to wait before sending is allowed again (0: now).
    var secondsPaused: Double {
        state.withLock { state in max(0, state.pausedUntil?.timeIntervalSinceNow ?? 0) }
    }

    /// The token to use and its generation, reading it if needed; nil while it cannot be read.
    func credentials() -> (token: String, generation: Int)? {
        state.withLock { state in
            if state.token == nil {
                do {
                    state.token = try readToken()
                    state.generation += 1
                } catch {
                    Log.error("cannot read the Twilio auth token", ["error": "\(error)"])
                    state.pausedUntil = Date().addingTimeInterval(state.backoff)
                    return nil
                }
            }
            return state.token.map { ($0, state.generation) }
        }
    }

    /// Twilio refused the credentials of `generation`: pause everyone, forget the token.
    func refused(generation: Int, detail: String) {
        state.withLock { state in
            guard state.generation == generation, state.token != nil else { return }  // already handled
            Log.error("twilio refused the credentials; sending paused, no job is failed for it", [
                "retry_in_seconds": String(Int(state.backoff)), "error": detail,
            ])
            state.pausedUntil = Date().addingTimeInterval(state.backoff)
            state.backoff = min(state.backoff * 2, 300)
            state.token = nil
        }
    }

    /// A send went through: the credentials work.
    func accepted() {
        state.withLock { state in
            state.backoff = 5
            state.pausedUntil = nil
        }
    }
}
