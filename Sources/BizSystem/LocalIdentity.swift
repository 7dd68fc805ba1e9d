import BizCore
import CLinux
import Glibc

/// Local users and groups: names to ids, and the credentials of a Unix-socket peer.
public enum LocalIdentity {
    /// The user and primary group of the process at the other end of a Unix socket.
    public static func peer(of descriptor: Int32) -> (userID: UInt32, groupID: UInt32)? {
        var credentials = bizcached_ucred()
        var length = socklen_t(MemoryLayout<bizcached_ucred>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0 else { return nil }
        return (credentials.uid, credentials.gid)
    }

    /// This process's user id.
    public static var userID: UInt32 { getuid() }

    /// The id of a user given by name or number; nil when there is no such user.
    public static func userID(_ entry: String) -> UInt32? {
        if let number = UInt32(entry) { return number }
        return getpwnam(entry).map { $0.pointee.pw_uid }
    }

    /// The ids of users given by name or number, for the configuration setting `setting`.
    public static func userIDs(_ entries: [String], setting: String) throws(ConfigurationError) -> Set<UInt32> {
        try resolve(entries, setting: setting, kind: "user", userID)
    }

    /// The ids of groups given by name or number, for the configuration setting `setting`.
    public static func groupIDs(_ entries: [String], setting: String) throws(ConfigurationError) -> Set<UInt32> {
        try resolve(entries, setting: setting, kind: "group", groupID)
    }

    private static func resolve(
        _ entries: [String], setting: String, kind: String, _ lookUp: (String) -> UInt32?
    ) throws(ConfigurationError) -> Set<UInt32> {
        var ids = Set<UInt32>()
        for entry in entries {
            guard let id = lookUp(entry) else { throw .invalidValue(name: setting, reason: "no \(kind) named '\(entry)'") }
            ids.insert(id)
        }
        return ids
    }

    /// The id of a group given by name or number; nil when there is no such group.
    public static func groupID(_ entry: String) -> UInt32? {
        if let number = UInt32(entry) { return number }
        return getgrnam(entry).map { $0.pointee.gr_gid }
    }
}
