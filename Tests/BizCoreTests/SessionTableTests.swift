import BizCore
import Testing

@Suite("SessionTable")
struct SessionTableTests {
    private let minute: UInt64 = 60_000_000_000

    @Test("A new session has two distinct 64-digit tokens and cannot write yet")
    func create() {
        var generator = SeededGenerator(seed: 1)
        let table = SessionTable()
        let (session, ended) = table.create(role: "alice", now: 5, using: &generator)
        #expect(ended.isEmpty && table.count == 1)
        #expect(SessionToken.isWellFormed(session.token) && SessionToken.isWellFormed(session.csrfToken))
        #expect(session.token != session.csrfToken)
        #expect(session.role == "alice" && !session.canWrite && session.createdAt == 5 && session.lastUsedAt == 5)
        #expect(table.lookUp(session.token, now: 6).activeSession?.role == "alice")
    }

    @Test("Sessions end after 30 idle minutes; each use restarts the idle time")
    func idleExpiry() {
        var generator = SeededGenerator(seed: 2)
        let table = SessionTable()
        let token = table.create(role: "alice", now: 0, using: &generator).session.token
        #expect(table.lookUp(token, now: 30 * minute).activeSession != nil)
        #expect(table.lookUp(token, now: 59 * minute).activeSession?.lastUsedAt == 59 * minute)
        guard case .expired(let session) = table.lookUp(token, now: 89 * minute + 1) else {
            Issue.record("expected an expired session")
            return
        }
        #expect(session.role == "alice")
        #expect(table.lookUp(token, now: 89 * minute + 2) == .unknown && table.count == 0)
    }

    @Test("Sign-out removes the session")
    func logout() {
        var generator = SeededGenerator(seed: 3)
        let table = SessionTable()
        let token = table.create(role: "alice", now: 0, using: &generator).session.token
        #expect(table.remove(token)?.role == "alice")
        #expect(table.remove(token) == nil)
        #expect(table.lookUp(token, now: 1) == .unknown)
    }

    @Test("Tokens that differ in any digit, or are malformed, find nothing")
    func wrongTokens() {
        var generator = SeededGenerator(seed: 4)
        let table = SessionTable()
        let token = table.create(role: "alice", now: 0, using: &generator).session.token
        var forged = Array(token)
        forged[63] = forged[63] == "0" ? "1" : "0"
        #expect(table.lookUp(String(forged), now: 1) == .unknown)
        #expect(table.remove(String(forged)) == nil && !table.setCanWrite(true, for: String(forged)))
        for bad in ["", String(token.prefix(16)), token.uppercased(), token + "0"] {
            #expect(table.lookUp(bad, now: 1) == .unknown)
        }
        #expect(table.count == 1)
    }

    @Test("The caller records whether the role may write")
    func canWrite() {
        var generator = SeededGenerator(seed: 5)
        let table = SessionTable()
        let token = table.create(role: "editor", now: 0, using: &generator).session.token
        #expect(table.setCanWrite(true, for: token))
        #expect(table.lookUp(token, now: 1).activeSession?.canWrite == true)
    }

    @Test("Forms must carry the session's own CSRF token")
    func csrf() {
        var generator = SeededGenerator(seed: 6)
        let table = SessionTable()
        let session = table.create(role: "alice", now: 0, using: &generator).session
        let other = table.create(role: "bob", now: 0, using: &generator).session
        #expect(session.acceptsCSRFToken(session.csrfToken))
        #expect(!session.acceptsCSRFToken(nil) && !session.acceptsCSRFToken(""))
        #expect(!session.acceptsCSRFToken(other.csrfToken) && !session.acceptsCSRFToken(session.token))
        #expect(!session.acceptsCSRFToken(String(session.csrfToken.dropLast())))
    }

    @Test("A full table drops expired sessions first, then the least recently used")
    func capacity() {
        var generator = SeededGenerator(seed: 7)
        let table = SessionTable(idleTimeout: 10 * minute, capacity: 2)
        let first = table.create(role: "a", now: 0, using: &generator).session
        let second = table.create(role: "b", now: 1 * minute, using: &generator).session
        _ = table.lookUp(first.token, now: 2 * minute)
        let (_, ended) = table.create(role: "c", now: 3 * minute, using: &generator)
        #expect(ended.map(\.role) == ["b"] && table.count == 2)
        #expect(table.lookUp(second.token, now: 3 * minute) == .unknown)
        let (_, laterEnded) = table.create(role: "d", now: 13 * minute, using: &generator)
        #expect(laterEnded.map(\.role) == ["a"])
        #expect(table.removeExpired(now: 30 * minute).map(\.role).sorted() == ["c", "d"] && table.count == 0)
    }

    @Test("Constant-time comparison agrees with ==")
    func constantTime() {
        #expect(ConstantTime.equals("abc", "abc"))
        #expect(!ConstantTime.equals("abc", "abd") && !ConstantTime.equals("abc", "ab") && !ConstantTime.equals("", "a"))
        #expect(ConstantTime.equals("", ""))
    }

    @Test("Tokens are hexadecimal bytes from the generator")
    func tokens() {
        #expect(SessionToken.hex([0x00, 0x0F, 0xA5, 0xFF]) == "000fa5ff")
        var one = SeededGenerator(seed: 9)
        var two = SeededGenerator(seed: 9)
        #expect(SessionToken.generate(using: &one) == SessionToken.generate(using: &two))
        #expect(SessionToken.generate(using: &one).count == 64)
    }
}
