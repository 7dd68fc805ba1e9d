import BizCore

/// What one `biz10dlc sync` run found and did.
public struct SyncSummary: Sendable, Equatable {
    public var checked = 0
    public var registered = 0
    public var newlyRegistered = 0
    public var newlyUnregistered = 0
    public var tasksOpened = 0
    public var tasksUpdated = 0
    public var tasksClosed = 0
    public var numbersAttached = 0
    public var failures = 0
    public var dryRun = false

    public init() {}

    /// One line per figure, for people.
    public var text: String {
        """
        \(dryRun ? "dry run: nothing was changed\n" : "")checked \(checked)
        registered \(registered)
        newly registered \(newlyRegistered)
        newly unregistered \(newlyUnregistered)
        tasks opened \(tasksOpened)
        tasks updated \(tasksUpdated)
        tasks closed \(tasksClosed)
        numbers attached \(numbersAttached)
        failures \(failures)

        """
    }

    /// One JSON object, for scripts.
    public var json: String {
        var object = JSONObjectWriter()
        object.add("dry_run", bool: dryRun)
        object.add("checked", integer: checked)
        object.add("registered", integer: registered)
        object.add("newly_registered", integer: newlyRegistered)
        object.add("newly_unregistered", integer: newlyUnregistered)
        object.add("tasks_opened", integer: tasksOpened)
        object.add("tasks_updated", integer: tasksUpdated)
        object.add("tasks_closed", integer: tasksClosed)
        object.add("numbers_attached", integer: numbersAttached)
        object.add("failures", integer: failures)
        return object.finish()
    }
}
