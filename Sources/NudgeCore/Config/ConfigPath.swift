/// Where the config lives.
public enum ConfigPath {
    /// `--config PATH`, else `$NUDGE_CONFIG`, else `$XDG_CONFIG_HOME/nudge/config.toml`, else
    /// `~/.config/nudge/config.toml`. An empty or relative `XDG_CONFIG_HOME` is ignored, as the XDG
    /// base directory specification says.
    public static func resolve(explicit: String?, environment: [String: String]) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let env = environment["NUDGE_CONFIG"], !env.isEmpty { return env }
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            return xdg + "/nudge/config.toml"
        }
        return home(environment) + "/.config/nudge/config.toml"
    }

    /// `$HOME`, or "~" when unset.
    static func home(_ environment: [String: String]) -> String {
        if let home = environment["HOME"], !home.isEmpty { return home }
        return "~"
    }
}
