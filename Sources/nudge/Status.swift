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
            let store = try openStore()
            let config = try loadCommitments(options, store: store)
            let summary = StatusSummary(
                config: config, state: try store.planState(), pending: try store.pending(), now: .now)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(summary), as: UTF8.self))
            } else if short {
                print(summary.short)
            } else {
                print(summary.text, terminator: "")
            }
        }
    }
}
