import ArgumentParser
import Foundation
import NudgeCore

extension Nudge {
    /// `nudge status`: what is pending, and what comes next.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show what is pending and the next things due.")

        @OptionGroup var options: ConfigOptions
        @Flag(help: "One JSON document.") var json = false
        @Flag(help: "One line, for status bars.") var short = false

        func run() throws {
            let a = try answers(options)
            var summary = StatusSummary(
                config: a.config, state: try a.store.planState(), pending: try a.store.pending(), now: a.now)
            try summary.addSync(a.config, store: a.store, now: a.now)
            print(json ? try Output.json(summary) : short ? summary.short + "\n" : summary.text, terminator: "")
        }
    }
}
