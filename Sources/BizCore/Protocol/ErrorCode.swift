/// The code of an `ERR <CODE> <message>` reply (see protocol/PROTOCOL.md).
public enum ErrorCode: String, CaseIterable, Sendable {
    /// Unknown verb, missing or extra arguments, an empty line, bytes that are not text.
    case badRequest = "BADREQ"
    /// The argument is not a phone number.
    case badPhone = "BADPHONE"
    /// The line is longer than the limit; the server closes the connection after this reply.
    case tooLong = "TOOLONG"
    /// More than one business has this number.
    case ambiguous = "AMBIGUOUS"
    /// A backend needed for this answer (Redis or PostgreSQL) failed.
    case unavailable = "UNAVAILABLE"
    /// The server has as many connections as it may; it closes this one after the reply.
    case busy = "BUSY"
    /// The connecting user is not allowed to ask; the server closes the connection.
    case denied = "DENIED"
    /// A fault in bizcached itself.
    case `internal` = "INTERNAL"
}
