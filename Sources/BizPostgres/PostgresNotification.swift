/// A message sent with `NOTIFY channel, 'payload'` to a connection that `LISTEN`s on `channel`.
public struct PostgresNotification: Equatable, Sendable {
    /// The channel the notification was sent on.
    public var channel: String
    /// The payload, empty when none was given.
    public var payload: String
    /// The process ID of the server backend that sent it.
    public var senderProcessID: Int32

    /// A notification from its parts.
    public init(channel: String, payload: String, senderProcessID: Int32) {
        self.channel = channel
        self.payload = payload
        self.senderProcessID = senderProcessID
    }
}
