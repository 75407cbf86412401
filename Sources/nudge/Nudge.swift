import ArgumentParser
import Foundation
import NudgeCore

/// The `nudge` command: keeps the small promises you make, on time.
@main
struct Nudge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nudge",
        abstract: "A reminder and nudge daemon for the promises you make.", version: "nudge " + NudgeVersion.current,
        subcommands: [
            Status.self, List.self, Add.self, Done.self, Skip.self, Snooze.self, Late.self, Renegotiate.self, Undo.self,
            Repair.self, Pause.self, Resume.self, Remove.self, Rename.self, History.self, Report.self, Daemon.self,
            Tick.self, Install.self, Uninstall.self, TestChannel.self, Check.self, Doctor.self, Init.self,
            Calendar.self,
            Sync.self,
        ]
    )

    /// Runs the command line, turning `CLIError` into a message and its exit status.
    static func main() {
        do {
            let args = Array(CommandLine.arguments.dropFirst())
            if let negative = UsageHint.negativeSnooze(args) { throw CLIError(negative, code: .dataError) }
            var command: ParsableCommand
            do { command = try parseAsRoot() } catch {
                let commands = configuration.subcommands.map { ($0._commandName, $0.helpMessage()) }
                guard let hint = UsageHint.didYouMean(args, commands: commands) else { throw error }
                throw CLIError(hint, code: .usage)
            }
            try command.run()
        } catch {
            // SQLite failing under a command (a damaged page, a full disk) is said with its fix.
            let path = StorePath.resolve(environment: ProcessInfo.processInfo.environment)
            guard let e = error as? CLIError ?? StoreError.during(error, path: path).map(recordFailure) else {
                exit(withError: error)
            }
            printError(e.message)
            Foundation.exit(e.code.rawValue)
        }
    }
}
