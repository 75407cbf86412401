import ArgumentParser
import NudgeCore

extension Nudge {
    /// `nudge sync`: one round with the [sync] server.
    struct Sync: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Share the record with the [sync] server once: answers both ways, the coming week's promises.")

        @OptionGroup var options: ConfigOptions

        func run() throws {
            let a = try answers(options)
            guard let settings = a.config.sync else {
                throw CLIError("\(a.config.path) has no [sync] table; see nudge.toml(5), SYNC", code: .config)
            }
            do {
                let round = SyncRound(config: a.config, store: a.store, client: try settings.client(), now: a.now)
                let summary = try round.run()
                for line in summary.adopted { print("adopted: \(line)") }
                print(
                    "synced with \(settings.url): \(summary.pushed) written, \(summary.adopted.count) adopted, "
                        + "\(summary.deleted) deleted")
            } catch let error as SyncError {
                throw CLIError(error.message, code: error.unreachable ? .unavailable : .config)
            } catch let error as CLIError {
                throw error
            } catch {
                throw recordFailure(error)
            }
        }
    }
}
