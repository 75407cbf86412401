import ArgumentParser
import Foundation
import NudgeCore

extension Nudge {
    /// `nudge history`: outcomes, newest first.
    struct History: ParsableCommand {
        static let configuration = subcommand("history", "List outcomes, newest first, with lateness.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "Only this commitment (id or unique prefix).") var id: String?
        @Option(help: "Only those due since this time, e.g. '2026-11-01', 'yesterday 19:00'.") var since: String?
        @Flag(help: "One JSON document.") var json = false
        @Flag(help: "CSV.") var csv = false

        func run() throws {
            let a = try answers(options)
            let from = try since.map { s in try refusing { try a.moment(s, .either) } }
            let ids = try id.map { id throws in
                let m = AnswerTarget.matching(id, in: a.config.commitments.map(\.id))
                guard !m.isEmpty else { throw CLIError("no commitment \"\(id)\"", code: .nothingMatched) }
                return Set(m)
            }
            let listing = try HistoryListing(store: a.store, config: a.config, ids: ids, since: from)
            print(json ? try Output.json(listing) : csv ? listing.csv : listing.text, terminator: "")
        }
    }
}
