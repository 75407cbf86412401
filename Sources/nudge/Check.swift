import ArgumentParser
import Foundation
import NudgeCore

/// Options every command that reads the config shares.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "The config file (default: $NUDGE_CONFIG, else $XDG_CONFIG_HOME/nudge/config.toml).")
    var config: String?

    /// The config path by the documented order.
    var path: String {
        ConfigPath.resolve(explicit: config, environment: ProcessInfo.processInfo.environment)
    }
}

extension Nudge {
    /// `nudge check`: validate the config and show what it will do.
    struct Check: ParsableCommand {
        static let configuration = subcommand(
            "check", "Check the config and show each commitment's next due times.",
            discussion:
                "Problems are printed as FILE:LINE:COL: error: MESSAGE; any error exits with status 78 (75 when the system, not the file, is at fault: try again)."
        )

        @OptionGroup var options: ConfigOptions
        @Flag(help: "Print the summary as one JSON document.") var json = false

        func run() throws {
            let check = try ConfigCheck(
                path: options.path, storePath: StorePath.resolve(environment: ProcessInfo.processInfo.environment),
                json: json, now: .now)
            FileHandle.standardError.write(Data(check.errors.utf8))
            print(check.output, terminator: "")
            if check.status != 0 { throw ExitCode(check.status) }
        }
    }

    /// `nudge init`: write a commented starter config.
    struct Init: ParsableCommand {
        static let configuration = subcommand("init", "Write a commented starter config.")

        @OptionGroup var options: ConfigOptions
        @Flag(help: "Replace an existing config.") var force = false
        @Flag(help: "Leave an existing config as it is and exit 0 (for scripts: `make run`).") var ifMissing = false

        func validate() throws {
            if force && ifMissing { throw ValidationError("--force and --if-missing contradict each other") }
        }

        func run() throws {
            let path = options.path
            if FileManager.default.fileExists(atPath: path) && ifMissing {
                return print("\(path) exists; left as it is")
            }
            do { try StarterConfig.write(to: path, replace: force) } catch {
                if case .exists = error { throw CLIError(error.description, code: .nothingMatched) }
                throw CLIError(error.description, code: .temporaryFailure)
            }
            print("wrote \(path); edit it, then run `nudge check`")
        }
    }
}
