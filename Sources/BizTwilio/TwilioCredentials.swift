import Foundation

/// The account SID and auth token that sign every request to Twilio (HTTP basic
/// authentication: the SID is the user name, the token the password).
///
/// `description`, `debugDescription` and `dump` show the SID only, never the token.
public struct TwilioCredentials: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The account SID, `AC` followed by 32 hexadecimal digits; it is also part of every path.
    public let accountSID: String
    /// The auth token: a secret.
    public let authToken: String

    public init(accountSID: String, authToken: String) {
        self.accountSID = accountSID
        self.authToken = authToken
    }

    /// Whether `text` has the shape of an account SID: `AC` and 32 hexadecimal digits.
    public static func isAccountSID(_ text: some StringProtocol) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 34, bytes[0] == UInt8(ascii: "A"), bytes[1] == UInt8(ascii: "C") else { return false }
        return bytes[2...].allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
        }
    }

    /// The value of the `Authorization` header.
    var authorizationHeader: String {
        "Basic " + Data("\(accountSID):\(authToken)".utf8).base64EncodedString()
    }

    public var description: String { "TwilioCredentials(accountSID: \(accountSID), authToken: <redacted>)" }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["accountSID": accountSID, "authToken": "<redacted>"], displayStyle: .struct)
    }
}

