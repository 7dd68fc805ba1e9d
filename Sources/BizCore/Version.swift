/// The version of the bizcached programs.
public enum BizcachedVersion {
    public static let current = "0.1.0"
}
