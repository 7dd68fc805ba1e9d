import BizCore

/// Replies gathered during one round of work, posted to each loop's mailbox in one message
/// list, so a loop is woken once per round rather than once per reply.
struct ReplyBatch {
    private var byMailbox: [ObjectIdentifier: (mailbox: LoopMailbox, messages: [LoopMailbox.Message])] = [:]

    mutating func add(_ reply: [UInt8], for address: ReplyAddress) {
        add(.completed(address, reply), to: address.mailbox)
    }

    mutating func add(_ message: LoopMailbox.Message, to mailbox: LoopMailbox) {
        byMailbox[ObjectIdentifier(mailbox), default: (mailbox, [])].messages.append(message)
    }

    /// Adds the reply for every request waiting on the number's flight, and ends it.
    mutating func finishFlight(of phone: PhoneNumber, with reply: [UInt8], settings: LookupSettings) {
        for address in settings.flights.finish(phone) { add(reply, for: address) }
    }

    /// Posts everything gathered.
    func post() {
        for (mailbox, messages) in byMailbox.values { mailbox.post(messages) }
    }
}
