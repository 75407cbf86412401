import ArgumentParser
import Foundation
import NudgeCore

/// Loads the config or exits 78 (75 when it failed only for now) with its diagnostics on standard error (with a record, leaving out the
/// warning about a passed `once` the record has already seen).
func loadConfig(_ options: ConfigOptions, store: Store? = nil) throws -> Config {
    let path = options.path
    let result = ConfigLoader().load(path: path)
    FileHandle.standardError.write(Data(result.shown(seen: (try? store?.seenIDs()) ?? []).utf8))
    guard let config = result.config else { throw ExitCode(result.exitStatus.rawValue) }
    return config
}

/// The record's instance lock (shared: `tick`; exclusive: the daemon), or exit 1 with `refusal(" (pid N)")`.
func instanceLock(exclusive: Bool, refusal: (String) -> String) throws -> InstanceLock {
    let path = InstanceLock.path(forStore: StorePath.resolve(environment: ProcessInfo.processInfo.environment))
    guard let lock = InstanceLock(path: path, exclusive: exclusive) else {
        throw CLIError(refusal(InstanceLock.holder(at: path).map { " (pid \($0))" } ?? ""), code: .nothingMatched)
    }
    return lock
}

/// Opens the record, or exits with a message and the status of its trouble (`recordFailure`).
func openStore() throws -> Store {
    let path = StorePath.resolve(environment: ProcessInfo.processInfo.environment)
    do {
        return try Store(path: path)
    } catch let error as StoreError {
        throw recordFailure(error)
    }
}

/// A failure of the record as the command line says it: the sentence with its fix, and 73 (cannot be
/// written here), 74 (corrupt or not a database), 75 (disk full, busy: temporary) or 78 (newer record).
func recordFailure(_ error: Error) -> CLIError {
    let path = StorePath.resolve(environment: ProcessInfo.processInfo.environment)
    guard let failure = StoreError.during(error, path: path) else {
        return CLIError("cannot record: \(error.localizedDescription)", code: .temporaryFailure)
    }
    return CLIError(failure.localizedDescription, code: failure.problem.map(ExitStatus.init) ?? .config)
}

extension ConfigLoader.Result {
    /// 78, or 75 when the config could not be read only for now.
    var exitStatus: ExitStatus { isTemporary ? .temporaryFailure : .config }
}

extension ExitStatus {
    /// The status of a kind of trouble with the record.
    init(_ problem: StoreError.Problem) {
        switch problem {
        case .cannotCreate: self = .cannotCreate
        case .corrupt: self = .unreadable
        case .temporary: self = .temporaryFailure
        }
    }
}

extension Nudge {
    /// `nudge tick`: do everything due now, then exit (for the systemd timer).
    struct Tick: ParsableCommand {
        static let configuration = subcommand(
            "tick", "Do everything that is due now, record it and exit (for nudge-tick.timer).")

        @OptionGroup var options: ConfigOptions

        func run() throws {
            let lock = try instanceLock(exclusive: false) { "nudge daemon is running\($0) and does this itself" }
            defer { withExtendedLifetime(lock) {} }
            let store = try openStore()
            let config = try loadConfig(options, store: store)
            let runner = Runner(
                config: config, store: store,
                router: ChannelRouter(
                    config: config, fallbackCounts: !Journal.isJournal(STDOUT_FILENO),
                    claim: NudgeCore.Daemon.claimInAChild(config: options.path, log: nil),
                    send: Channels(ledger: store, log: nil).send))
            do {
                try runner.run(now: .now)
            } catch {
                throw recordFailure(error)
            }
        }
    }
}
