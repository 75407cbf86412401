import ArgumentParser
import Foundation
import NudgeCore

/// Loads the config or exits 78 with its diagnostics on standard error.
func loadConfig(_ options: ConfigOptions) throws -> Config {
    let path = options.path
    let result = ConfigLoader().load(path: path)
    for d in result.diagnostics {
        FileHandle.standardError.write(Data((d.description + "\n").utf8))
    }
    guard let config = result.config else { throw ExitCode(ExitStatus.config.rawValue) }
    return config
}

/// The config with the commitments added from the command line.
func loadCommitments(_ options: ConfigOptions, store: Store) throws -> Config {
    let config = try loadConfig(options)
    return config.adding(try store.added(settings: config.settings))
}

/// Opens the record, or exits 75 (temporary) / 78 (newer schema) with a message.
func openStore() throws -> Store {
    let path = StorePath.resolve(environment: ProcessInfo.processInfo.environment)
    do {
        return try Store(path: path)
    } catch let error as StoreError {
        if case .newerSchema = error { throw CLIError(error.localizedDescription, code: .config) }
        throw CLIError(error.localizedDescription, code: .temporaryFailure)
    }
}

extension Nudge {
    /// `nudge tick`: do everything due now, then exit (for the systemd timer).
    struct Tick: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Do everything that is due now, record it and exit (for nudge-tick.timer).")

        @OptionGroup var options: ConfigOptions

        func run() throws {
            let lockPath = InstanceLock.path(
                forStore: StorePath.resolve(environment: ProcessInfo.processInfo.environment))
            guard let lock = InstanceLock(path: lockPath, exclusive: false) else {
                let who = InstanceLock.holder(at: lockPath).map { " (pid \($0))" } ?? ""
                throw CLIError("nudge daemon is running\(who) and does this itself", code: .nothingMatched)
            }
            defer { withExtendedLifetime(lock) {} }
            let store = try openStore()
            let config = try loadCommitments(options, store: store)
            let runner = Runner(
                config: config, store: store,
                router: ChannelRouter(
                    config: config, fallbackCounts: !Journal.isJournal(STDOUT_FILENO),
                    send: makeSend(log: nil, store: store)))
            do {
                try runner.run(now: .now)
            } catch {
                throw CLIError("cannot record: \(error.localizedDescription)", code: .temporaryFailure)
            }
        }
    }
}
