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
        static let configuration = subcommand("daemon", "Run in the foreground, nudging on time (for nudge.service).")

        @OptionGroup var options: ConfigOptions
        @Option(help: "Where logs go: auto (the journal when stderr is the journal), journal or stderr.")
        var logTarget: LogTarget = .auto
        @Option(help: "The least important level logged (trace, debug, info, notice, warning, error, critical).")
        var logLevel: Logger.Level = .info

        func run() throws {
            let useJournal = logTarget == .journal || (logTarget == .auto && Journal.stderrIsJournal())
            let logger = Journal.logger(journal: useJournal, level: logLevel)
            let lock = try instanceLock(exclusive: true) {
                "another nudge is running\($0); only one daemon runs at a time"
            }
            let store = try openStore()
            // Added promises are read from the record at each run, like the config's after a reload.
            let config = try loadConfig(options, store: store)
            let desktop = DesktopChannel(listening: true)
            var parts = NudgeCore.Daemon.Parts(
                config: config, configPath: options.path, store: store, logger: logger, desktop: desktop,
                send: Channels(desktop: desktop, ledger: store, log: logger).send)
            parts.syncRound = { [path = options.path] in NudgeCore.Daemon.syncInAChild(config: path) }
            parts.claim = NudgeCore.Daemon.claimInAChild(config: options.path, log: logger)
            let daemon = NudgeCore.Daemon(parts)
            daemon.onStop = { Foundation.exit(0) }
            withExtendedLifetime(lock) {
                daemon.run()
            }
        }
    }
}
