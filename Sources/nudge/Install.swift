import ArgumentParser
import Foundation
import NudgeCore

extension Nudge {
    /// `nudge install`: the user units, enabled and started.
    struct Install: ParsableCommand {
        static let configuration = subcommand(
            "install", "Install and start nudge as a systemd user service (or, with --timer, a minutely tick).")

        @Flag(help: "Use nudge-tick.timer (a tick every minute) instead of the resident daemon.") var timer = false
        @Flag(help: "Print the units instead of installing them.") var print = false
        @Flag(help: "Write the units but do not enable or start them.") var noEnable = false

        func run() throws {
            let installer = Installer()
            if print { return Swift.print(installer.units, terminator: "") }
            do {
                for line in try installer.install(timer: timer, enable: !noEnable) { Swift.print(line) }
            } catch {
                throw CLIError(error.description, code: error.unavailable ? .unavailable : .temporaryFailure)
            }
        }
    }

    /// `nudge uninstall`: stop and remove what `nudge install` set up.
    struct Uninstall: ParsableCommand {
        static let configuration = subcommand(
            "uninstall", "Stop nudge's user units and remove the ones nudge install wrote.")

        func run() throws { Swift.print(Installer().uninstall()) }
    }
}
