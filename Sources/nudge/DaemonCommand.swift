import ArgumentParser
import Foundation
import Logging
import NudgeCore

/// Where log lines go.
enum LogTarget: String, ExpressibleByArgument, CaseIterable {
    case auto, journal, stderr
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

extension Nudge {
    /// `nudge daemon`: the resident service (systemd Type=notify).
    struct Daemon: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run in the foreground, nudging on time (for nudge.service).")

        @OptionGroup var options: ConfigOptions
        @Option(help: "Where logs go: auto (the journal when stderr is the journal), journal or stderr.")
        var logTarget: LogTarget = .auto
        @Option(help: "The least important level logged (trace, debug, info, notice, warning, error, critical).")
        var logLevel: Logger.Level = .info

        func run() throws {
            let useJournal = logTarget == .journal || (logTarget == .auto && Journal.stderrIsJournal())
            let logger = Journal.logger(journal: useJournal, level: logLevel)
            let storePath = StorePath.resolve(environment: ProcessInfo.processInfo.environment)
            let lockPath = InstanceLock.path(forStore: storePath)
            guard let lock = InstanceLock(path: lockPath, exclusive: true) else {
                let who = InstanceLock.holder(at: lockPath).map { " (pid \($0))" } ?? ""
                throw CLIError("another nudge is running\(who); only one daemon runs at a time", code: .nothingMatched)
            }
            let store = try openStore()
            // Added promises are read from the record at each run, like the config's after a reload.
            let config = try loadConfig(options, store: store)
            let desktop = DesktopChannel(listening: true)
            var parts = NudgeCore.Daemon.Parts(
                config: config, configPath: options.path, store: store, logger: logger, desktop: desktop,
                send: Channels(desktop: desktop, ledger: store, log: logger).send)
            parts.syncRound = { [path = options.path] in Self.syncInAChild(config: path) }
            let daemon = NudgeCore.Daemon(parts)
            daemon.onStop = { Foundation.exit(0) }
            withExtendedLifetime(lock) {
                daemon.run()
            }
        }

        /// One `nudge sync` round as a child process, so that the daemon never loads libcurl; nil when it
        /// went well, else what it said.
        static func syncInAChild(config: String) -> String? {
            let program =
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? CommandLine.arguments[0]
            do {
                // The user's session and where nudge's files are; nothing of systemd's.
                let environment = ProcessInfo.processInfo.environment
                var base = Subprocess.userEnvironment(environment)
                for key in ["XDG_STATE_HOME", "XDG_CONFIG_HOME", "TZDIR"] { base[key] = environment[key] }
                let r = try Subprocess.run(
                    [program, "sync", "--config", config], base: base, timeout: .seconds(120))
                return r.exitStatus == 0 ? nil : r.outputTail.isEmpty ? r.ending : r.outputTail
            } catch {
                return error.localizedDescription
            }
        }
    }
}
