import ArgumentParser
import Foundation
import NudgeCore

/// Runs `systemctl --user ARGS`; returns its status and error output.
func systemctl(_ args: [String]) -> (Int32, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["systemctl", "--user"] + args
    let err = Pipe()
    p.standardError = err
    p.standardOutput = FileHandle.nullDevice
    do { try p.run() } catch { return (127, "systemctl not found") }
    let data = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Where `nudge install` writes units: `$XDG_CONFIG_HOME/systemd/user`, else `~/.config/systemd/user`.
func userUnitDirectory() -> String {
    let env = ProcessInfo.processInfo.environment
    if let xdg = env["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return xdg + "/systemd/user" }
    return (env["HOME"] ?? "~") + "/.config/systemd/user"
}

/// The running binary's absolute path.
func runningBinary() -> String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
}

extension Nudge {
    /// `nudge install`: the user units, enabled and started.
    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install and start nudge as a systemd user service (or, with --timer, a minutely tick).")

        @Flag(help: "Use nudge-tick.timer (a tick every minute) instead of the resident daemon.") var timer = false
        @Flag(help: "Print the units instead of installing them.") var print = false
        @Flag(help: "Write the units but do not enable or start them.") var noEnable = false

        func run() throws {
            let unit = timer ? "nudge-tick.timer" : "nudge.service"
            let packaged = ["/usr/lib/systemd/user", "/lib/systemd/user", "/etc/systemd/user"]
                .contains { FileManager.default.fileExists(atPath: "\($0)/\(unit)") }
            let binary = runningBinary()
            if print {
                for name in Units.names {
                    Swift.print("# \(name)\n" + (Units.text(name, execStart: binary) ?? ""))
                }
                return
            }
            let dir = userUnitDirectory()
            if !packaged {
                do {
                    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                    for name in Units.names {
                        let path = dir + "/" + name
                        try Data((Units.text(name, execStart: binary) ?? "").utf8).write(to: URL(fileURLWithPath: path))
                    }
                } catch {
                    throw CLIError(
                        "cannot write the units to \(dir): \(error.localizedDescription)", code: .temporaryFailure)
                }
                Swift.print("wrote \(Units.names.joined(separator: ", ")) to \(dir) (ExecStart=\(binary))")
            }
            if noEnable { return }
            let (reload, why) = systemctl(["daemon-reload"])
            guard reload == 0 else {
                throw CLIError(
                    "no systemd user manager answered (\(why.trimmingCharacters(in: .whitespacesAndNewlines))); "
                        + "log in to a session with one, then run: systemctl --user enable --now \(unit)",
                    code: .unavailable)
            }
            let other = timer ? "nudge.service" : "nudge-tick.timer"
            _ = systemctl(["disable", "--now", other])
            let (enable, enableWhy) = systemctl(["enable", "--now", unit])
            guard enable == 0 else {
                throw CLIError("systemctl --user enable --now \(unit) failed: \(enableWhy)", code: .unavailable)
            }
            Swift.print("enabled and started \(unit)")
        }
    }

    /// `nudge uninstall`: stop and remove what `nudge install` set up.
    struct Uninstall: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop nudge's user units and remove the ones nudge install wrote.")

        func run() throws {
            let (status, _) = systemctl(["disable", "--now", "nudge.service", "nudge-tick.timer"])
            let dir = userUnitDirectory()
            var removed: [String] = []
            for name in Units.names where FileManager.default.fileExists(atPath: dir + "/" + name) {
                try? FileManager.default.removeItem(atPath: dir + "/" + name)
                removed.append(name)
            }
            if status == 0 { _ = systemctl(["daemon-reload"]) }
            Swift.print(
                removed.isEmpty
                    ? "nothing to remove in \(dir)" : "removed \(removed.joined(separator: ", ")) from \(dir)")
        }
    }
}
