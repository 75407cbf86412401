import ArgumentParser
import Foundation
import NudgeCore

/// Loads the config or exits 78 with its diagnostics on standard error (with a record, leaving out the
/// warning about a passed `once` the record has already seen).
func loadConfig(_ options: ConfigOptions, store: Store? = nil) throws -> Config {
    let path = options.path
    let result = ConfigLoader().load(path: path)
    let seen = (try? store?.seenIDs()) ?? []
    for d in result.diagnostics where !(d.pastOnce.map(seen.contains) ?? false) {
        FileHandle.standardError.write(Data((d.description + "\n").utf8))
    }
    guard let config = result.config else { throw ExitCode(ExitStatus.config.rawValue) }
    return config
}

/// The config with the commitments added from the command line.
func loadCommitments(_ options: ConfigOptions, store: Store) throws -> Config {
    let config = try loadConfig(options, store: store)
    return config.adding(try store.added(settings: config.settings))
}

/// Opens the record, or exits with a message: 73 (cannot be written here), 74 (corrupt or not a database),
/// 75 (disk full, busy: temporary) or 78 (written by a newer nudge).
func openStore() throws -> Store {
    let path = StorePath.resolve(environment: ProcessInfo.processInfo.environment)
    do {
        return try Store(path: path)
    } catch let error as StoreError {
        switch error {
        case .newerSchema: throw CLIError(error.localizedDescription, code: .config)
        case .cannotOpen(_, _, .cannotCreate): throw CLIError(error.localizedDescription, code: .cannotCreate)
        case .cannotOpen(_, _, .corrupt): throw CLIError(error.localizedDescription, code: .unreadable)
        case .cannotOpen(_, _, .temporary): throw CLIError(error.localizedDescription, code: .temporaryFailure)
        }
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
                    send: Channels(ledger: store, log: nil).send))
            do {
                try runner.run(now: .now)
            } catch {
                throw CLIError("cannot record: \(error.localizedDescription)", code: .temporaryFailure)
            }
        }
    }
}
