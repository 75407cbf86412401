/// Where the record lives.
public enum StorePath {
    /// `$XDG_STATE_HOME/nudge/nudge.sqlite`, else `~/.local/state/nudge/nudge.sqlite`.
    public static func resolve(environment: [String: String]) -> String {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return state + "/nudge/nudge.sqlite"
        }
        return ConfigPath.home(environment) + "/.local/state/nudge/nudge.sqlite"
    }
}
