/// Which local users may talk to bizcached, judged by the peer credentials of each
/// connection (`SO_PEERCRED`): its user id or its primary group id must be listed.
/// Root and the daemon's own user are always allowed.
public struct PeerPolicy: Sendable, Equatable {
    public var userIDs: Set<UInt32>
    public var groupIDs: Set<UInt32>

    public init(userIDs: Set<UInt32>, groupIDs: Set<UInt32>) {
        self.userIDs = userIDs
        self.groupIDs = groupIDs
    }

    /// Whether a peer with these credentials may ask; `ownUserID` is the daemon's.
    public func allows(userID: UInt32, groupID: UInt32, ownUserID: UInt32) -> Bool {
        userID == 0 || userID == ownUserID || userIDs.contains(userID) || groupIDs.contains(groupID)
    }

    /// Splits `"1001,deploy, 1002"` into its entries; empty entries are an error.
    public static func entries(_ list: String, name: String) throws(ConfigurationError) -> [String] {
        let entries = list.split(separator: ",", omittingEmptySubsequences: false)
            .map { String($0.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed()) }
        guard !entries.contains(where: \.isEmpty) else {
            throw .invalidValue(name: name, reason: "expected a comma-separated list of names or numeric ids")
        }
        return entries
    }
}
