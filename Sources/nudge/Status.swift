import ArgumentParser
import Foundation
import NudgeCore

extension Nudge {
    /// `nudge status`: what is pending, and what comes next.
    struct Status: ParsableCommand {
        static let configuration = subcommand("status", "Show what is pending and the next things due.")

        @OptionGroup var options: ConfigOptions
        @Flag(help: "One JSON document.") var json = false
        @Flag(help: "One line, for status bars.") var short = false
        @Flag(help: "One line of JSON (text, tooltip, class) for waybar or i3blocks.") var waybar = false

        func run() throws {
            let a = try answers(options)
            var s = StatusSummary(
                config: a.config, state: try a.store.planState(), pending: try a.store.pending(), now: a.now)
            try s.addSync(a.config, store: a.store, now: a.now)
            print(json ? try Output.json(s) : short ? s.short + "\n" : waybar ? s.waybar : s.text, terminator: "")
        }
    }
}
