import ArgumentParser
import NudgeCore

extension Nudge {
    /// `nudge sync`: one round with the [sync] server.
    struct Sync: ParsableCommand {
        static let configuration = subcommand(
            "sync", "Share the record with the [sync] server once: answers both ways, the coming week's promises.")

        @OptionGroup var options: ConfigOptions
        /// Claims one mail or hook nudge instead (`Daemon.claimInAChild`): prints "mine" or "elsewhere DEVICE".
        @Option(help: .hidden) var claim: String?

        func run() throws {
            let a = try answers(options)
            guard let settings = a.config.sync else {
                throw CLIError("\(a.config.path) has no [sync] table; see nudge.toml(5), SYNC", code: .config)
            }
            try refusing {
                let round = SyncRound(config: a.config, store: a.store, client: try settings.client(), now: a.now)
                if let claim {
                    guard let request = ClaimRequest(claim) else {
                        throw CLIError("--claim: not a claim", code: .usage)
                    }
                    return print(try round.claim(request).word)
                }
                let summary = try round.run()
                for line in summary.adopted { print("adopted: \(line)") }
                print(
                    "synced with \(settings.url): \(summary.pushed) written, \(summary.adopted.count) adopted, "
                        + "\(summary.deleted) deleted")
            }
        }
    }
}
