import BizCore
import BizSystem

extension Server {
    /// Re-reads the configuration from `source` and applies what can change while running
    /// (see `apply(_:)`); a configuration that does not parse changes nothing. Logs what
    /// happened.
    /// - Returns: whether the configuration was read and applied.
    @discardableResult
    public func reload(from source: DaemonConfigurationSource) -> Bool {
        let configuration: DaemonConfiguration
        do {
            switch try source.load() {
            case .run(let loaded), .checkConfig(let loaded): configuration = loaded
            case .help: return false
            }
        } catch {
            Log.error("configuration reload failed; keeping the running configuration", ["error": error.description])
            recordReload(succeeded: false)
            return false
        }
        recordReload(succeeded: true)
        let (applied, needRestart) = apply(configuration)
        Log.info("configuration reloaded", [
            "file": configuration.configurationFile ?? "none",
            "applied": applied.isEmpty ? "no changes" : applied.joined(separator: ","),
        ])
        if !needRestart.isEmpty {
            Log.warning("some changed settings take a restart; they keep their running values", [
                "settings": needRestart.joined(separator: ",")
            ])
        }
        return true
    }
}
