import BizCore

/// Work an event loop hands to a backend worker.
enum BackendJob: Sendable {
    /// Look the number up in PostgreSQL for its flight (see `LookupSettings.flights`),
    /// answering every waiter; `generation` was read before Redis was asked. The loop
    /// that leads the flight gets the answer back to write to Redis on its own link.
    /// `startedAt`: when the request that started the flight was read (monotonic ns).
    case fetch(PhoneNumber, generation: UInt64, leader: LoopMailbox, startedAt: UInt64)
    /// Delete the number's Redis keys, then answer the request.
    case invalidate(PhoneNumber, ReplyAddress)
}
