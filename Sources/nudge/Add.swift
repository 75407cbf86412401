import ArgumentParser
import Foundation
import NudgeCore

/// When a one-off is due (`add`, `repair`): `--at`, a moment ahead.
struct Due: ParsableArguments {
    @Option(help: "When it is due, e.g. '19:00', '7pm', 'tomorrow 9:00', 'fri 18:00', 'in 20m'.") var at: String

    func instant(_ a: Answers) throws -> Instant { try moment(at, direction: .future, zone: a.zone, now: a.now) }
}

extension Nudge {
    /// `nudge add`: a one-off promise from the shell.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a one-off promise, e.g. nudge add 'Call Sam back' --at 7pm.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "What you promised.") var title: String
        @OptionGroup var due: Due
        @Option(help: "Its id (default: made from the title).") var id: String?
        @Option(help: "Who it is to.") var with: String?
        @Option(help: "A reminder this long before, e.g. '15m'.") var remindBefore: String?

        func run() throws {
            let a = try answers(options)
            let due = try self.due.instant(a)
            let remind = try remindBefore.map { text in try refusing { try Input.span(text, what: "--remind-before") } }
            let added = try refusing { try a.add(title, due: due, id: id, with: with, remindBefore: remind) }
            print(a.said(added))
        }
    }

    /// `nudge remove`: take back a promise added from the command line.
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a promise added with nudge add (config promises are edited in the config).")

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
        static let configuration = CommandConfiguration(
            abstract: "List every commitment with its shape and next due time.")

        @OptionGroup var options: ConfigOptions
        @Flag(help: "One JSON document.") var json = false

        func run() throws {
            let a = try answers(options)
            let listing = CommitmentListing(config: a.config, state: try a.store.planState(), now: a.now)
            print(json ? try Output.json(listing) : listing.text, terminator: "")
        }
    }
}

extension Nudge {
    /// `nudge repair`: make up for a miss.
    struct Repair: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make up for a miss with a one-off linked to it.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The commitment that was missed (id or unique prefix).") var id: String
        @OptionGroup var due: Due
        @OptionGroup var tell: Tell

        func run() throws {
            let a = try answers(options)
            let due = try self.due.instant(a)
            let (added, message) = try refusing { try a.repair(id, at: due, telling: tell.asked) }
            print(a.said(added, message, dryRun: tell.dryRun))
        }
    }
}
