import Foundation

/// `systemctl --user`, with a timeout: what `nudge install`, `uninstall` and `doctor` ask the user manager.
public enum Systemctl {
    /// How a call went: its exit status (nil when it did not end in time or could not start), output and
    /// error output.
    public struct Result: Sendable {
        public var status: Int32?
        public var out: String
        public var err: String
        public var timedOut: Bool
    }

    public static func user(_ args: [String], timeout: Span = .seconds(30)) -> Result {
        do {
            let r = try Subprocess.run(["systemctl", "--user"] + args, timeout: timeout)
            return Result(
                status: r.timedOut ? nil : r.exitStatus, out: r.standardOutput, err: r.standardError,
                timedOut: r.timedOut)
        } catch {
            return Result(status: nil, out: "", err: "systemctl is not installed", timedOut: false)
        }
    }
}

/// Installs nudge as the user's systemd units (`nudge install`) and takes them away again.
public struct Installer {
    public var environment: [String: String]
    /// The binary the units run.
    public var binary: String
    public var systemctl: ([String]) -> Systemctl.Result = { Systemctl.user($0) }

    /// An installer for the running binary.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment, binary: String? = nil) {
        self.environment = environment
        self.binary =
            binary ?? (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
    }

    /// Why installing did not work, and the exit status's kind: the units could not be written, or no
    /// user manager took them.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public var unavailable: Bool
    }

    /// `$XDG_CONFIG_HOME/systemd/user`, else `~/.config/systemd/user`.
    public var unitDirectory: String {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg + "/systemd/user" }
        return (environment["HOME"] ?? "~") + "/.config/systemd/user"
    }

    /// Every unit's text, each under a `# NAME` line.
    public var units: String {
        Units.names.map { "# \($0)\n" + (Units.text($0, execStart: binary) ?? "") }.joined(separator: "\n")
    }

    /// Writes the units (unless a package installed them) and, with `enable`, enables and starts the
    /// daemon or the timer (and stops the other). Returns what it did, a line each.
    public func install(timer: Bool, enable: Bool) throws(Failure) -> [String] {
        let unit = timer ? "nudge-tick.timer" : "nudge.service"
        let packaged = ["/usr/lib/systemd/user", "/lib/systemd/user", "/etc/systemd/user"]
            .contains { FileManager.default.fileExists(atPath: "\($0)/\(unit)") }
        var done: [String] = []
        let dir = unitDirectory
        if !packaged {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                for name in Units.names {
                    try Data((Units.text(name, execStart: binary) ?? "").utf8).write(
                        to: URL(fileURLWithPath: dir + "/" + name))
                }
            } catch {
                throw Failure(
                    description: "cannot write the units to \(dir): \(error.localizedDescription)", unavailable: false)
            }
            done.append("wrote \(Units.names.joined(separator: ", ")) to \(dir) (ExecStart=\(binary))")
        }
        guard enable else { return done }
        let reload = systemctl(["daemon-reload"])
        guard reload.status == 0 else {
            throw Failure(
                description:
                    "no systemd user manager answered (\(reload.err.trimmingCharacters(in: .whitespacesAndNewlines))); "
                    + "log in to a session with one, then run: systemctl --user enable --now \(unit)",
                unavailable: true)
        }
        _ = systemctl(["disable", "--now", timer ? "nudge.service" : "nudge-tick.timer"])
        let enabled = systemctl(["enable", "--now", unit])
        guard enabled.status == 0 else {
            throw Failure(
                description: "systemctl --user enable --now \(unit) failed: \(enabled.err)", unavailable: true)
        }
        return done + ["enabled and started \(unit)"]
    }

    /// Stops the units and removes the ones `install` wrote; says what it removed.
    public func uninstall() -> String {
        let stopped = systemctl(["disable", "--now", "nudge.service", "nudge-tick.timer"])
        let dir = unitDirectory
        var removed: [String] = []
        for name in Units.names where FileManager.default.fileExists(atPath: dir + "/" + name) {
            try? FileManager.default.removeItem(atPath: dir + "/" + name)
            removed.append(name)
        }
        if stopped.status == 0 { _ = systemctl(["daemon-reload"]) }
        return removed.isEmpty
            ? "nothing to remove in \(dir)" : "removed \(removed.joined(separator: ", ")) from \(dir)"
    }
}
