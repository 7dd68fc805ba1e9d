import BizCore

/// Work an event loop hands to a backend worker, and where the answer goes.
struct BackendJob: Sendable {
    enum Kind: Sendable {
        /// Look the number up in Redis, then PostgreSQL, filling the caches.
        case lookup(PhoneNumber)
        /// Look the number up in PostgreSQL (Redis was just asked and had nothing), filling
        /// both caches.
        case lookupInDatabase(PhoneNumber)
        /// Delete the number's Redis key.
        case invalidate(PhoneNumber)
    }

    let kind: Kind
    let mailbox: LoopMailbox
    let connectionID: UInt64
    let sequence: UInt64
}
