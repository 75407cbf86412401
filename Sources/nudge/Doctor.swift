import ArgumentParser
import Foundation
import NudgeCore

extension Nudge {
    /// `nudge doctor`: check the whole setup and say how to fix what is wrong.
    struct Doctor: ParsableCommand {
        static let configuration = subcommand(
            "doctor", "Check the config, the record, the desktop, the channels' programs and the service.",
            discussion: """
                One line per check, marked as passed, as a warning (does not fail) or as a problem, which comes \
                with the command that fixes it on the next line. Creates no config or record and starts no systemd manager. Exits 1 when \
                any check fails.
                """)

        @OptionGroup var options: ConfigOptions

        @Flag(help: "Print the checks as one JSON array of {check, ok, status, detail, fix}.")
        var json = false

        func run() throws {
            let env = ProcessInfo.processInfo.environment
            let checks = NudgeCore.Doctor(
                configPath: options.path, configArgument: options.config,
                storePath: StorePath.resolve(environment: env), environment: env
            ).run()
            let color = Output.wantsColor(env)
            print(json ? try Output.json(checks) : NudgeCore.Doctor.text(checks, color: color), terminator: "")
            if checks.contains(where: { !$0.ok }) { throw ExitCode(ExitStatus.nothingMatched.rawValue) }
        }
    }
}
