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
        static let configuration = CommandConfiguration(
            abstract: "Check the config and show each commitment's next due times.",
            discussion: "Problems are printed as FILE:LINE:COL: error: MESSAGE; any error exits with status 78."
        )

        @OptionGroup var options: ConfigOptions

        @Flag(help: "Print the summary as one JSON document.")
        var json = false

        func run() throws {
            let path = options.path
            let result = ConfigLoader().load(path: path)
            // The record, if there is one yet (check never creates it).
            let storePath = StorePath.resolve(environment: ProcessInfo.processInfo.environment)
            let store = FileManager.default.fileExists(atPath: storePath) ? try? Store(path: storePath) : nil
            let seen = (try? store?.seenIDs()) ?? []
            for d in result.diagnostics where !(d.pastOnce.map(seen.contains) ?? false) {
                FileHandle.standardError.write(Data((d.description + "\n").utf8))
            }
            guard let config = result.config, !result.hasErrors else {
                let errors = result.diagnostics.filter { $0.severity == .error }.count
                if errors > 0 {
                    FileHandle.standardError.write(
                        Data("nudge: \(errors) error\(errors == 1 ? "" : "s") in \(path)\n".utf8))
                }
                throw ExitCode(ExitStatus.config.rawValue)
            }
            // History the config no longer names: most likely an id changed in the config.
            if let store, let orphans = try? Answers(config: config, store: store, now: .now).orphans() {
                for old in orphans {
                    FileHandle.standardError.write(
                        Data(
                            ("\(path): note: the record holds recent history of \"\(old)\", which no commitment has "
                                + "now; if you changed its id, `nudge rename \(old) NEW` carries it over\n").utf8))
                }
            }
            let summary = ConfigSummary(config, now: .now)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                let data = try encoder.encode(summary)
                print(String(decoding: data, as: UTF8.self))
            } else {
                print(summary.text, terminator: "")
            }
        }
    }

    /// `nudge init`: write a commented starter config.
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a commented starter config (refuses to overwrite one without --force).")

        @OptionGroup var options: ConfigOptions

        @Flag(help: "Replace an existing config.")
        var force = false

        @Flag(help: "Leave an existing config as it is and exit 0 (for scripts: `make run`).")
        var ifMissing = false

        func validate() throws {
            if force && ifMissing { throw ValidationError("--force and --if-missing contradict each other") }
        }

        func run() throws {
            let path = options.path
            let fm = FileManager.default
            if fm.fileExists(atPath: path) && ifMissing {
                print("\(path) exists; left as it is")
                return
            }
            if fm.fileExists(atPath: path) && !force {
                throw CLIError("\(path) already exists; use --force to replace it", code: .nothingMatched)
            }
            let dir = (path as NSString).deletingLastPathComponent
            do {
                if !dir.isEmpty && !fm.fileExists(atPath: dir) {
                    try fm.createDirectory(
                        atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                }
                let tmp = path + ".tmp-\(getpid())"
                guard
                    fm.createFile(
                        atPath: tmp, contents: Data(StarterConfig.text.utf8), attributes: [.posixPermissions: 0o600])
                else {
                    throw CLIError("cannot write \(tmp): \(String(cString: strerror(errno)))", code: .temporaryFailure)
                }
                guard rename(tmp, path) == 0 else {
                    let why = String(cString: strerror(errno))
                    unlink(tmp)
                    throw CLIError("cannot write \(path): \(why)", code: .temporaryFailure)
                }
            } catch let error as CLIError {
                throw error
            } catch {
                throw CLIError("cannot create \(dir): \(error.localizedDescription)", code: .temporaryFailure)
            }
            print("wrote \(path); edit it, then run `nudge check`")
        }
    }
}
