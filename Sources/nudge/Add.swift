import ArgumentParser
import Foundation
import NudgeCore

extension Nudge {
    /// `nudge add`: a one-off promise from the shell.
    struct Add: ParsableCommand {
        static let configuration = subcommand("add", "Add a one-off promise, e.g. nudge add 'Call Sam back' --at 7pm.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "What you promised.") var title: String
        @Option(help: "When it is due, e.g. '19:00', '7pm', 'tomorrow 9:00', 'fri 18:00', 'in 20m'.") var at: String
        @Option(help: "Its id (default: made from the title).") var id: String?
        @Option(help: "Who it is to.") var with: String?
        @Option(help: "A reminder this long before, e.g. '15m'.") var remindBefore: String?

        func run() throws {
            let a = try answers(options)
            let added = try refusing { try a.add(title, at: at, id: id, with: with, remindBefore: remindBefore) }
            print(a.said(added))
        }
    }

    /// `nudge remove`: take back a promise added from the command line.
    struct Remove: ParsableCommand {
        static let configuration = subcommand(
            "remove", "Remove a promise added with nudge add (config promises are edited in the config).")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "Its id.") var id: String

        func run() throws {
            let a = try answers(options)
            let cid = try refusing { try a.remove(id) }
            print("removed \(cid); its history stays")
        }
    }

    /// `nudge list`: every commitment with its shape and next due.
    struct List: ParsableCommand {
        static let configuration = subcommand("list", "List every commitment with its shape and next due time.")

        @OptionGroup var options: ConfigOptions
        @Flag(help: "One JSON document.") var json = false

        func run() throws {
            let a = try answers(options)
            let listing = CommitmentListing(config: a.config, state: try a.store.planState(), now: a.now)
            print(json ? try Output.json(listing) : listing.text, terminator: "")
        }
    }

    /// `nudge repair`: make up for a miss.
    struct Repair: ParsableCommand {
        static let configuration = subcommand("repair", "Make up for a miss with a one-off linked to it.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The commitment that was missed (id or unique prefix).") var id: String
        @Option(help: "When you make up for it, e.g. 'tomorrow 19:00'.") var at: String
        @OptionGroup var tell: Tell

        func run() throws {
            let a = try answers(options)
            let (added, message) = try refusing { try a.repair(id, at: at, telling: tell.asked) }
            print(a.said(added, message, dryRun: tell.dryRun))
        }
    }
}
