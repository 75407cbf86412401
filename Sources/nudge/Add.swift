import ArgumentParser
import Foundation
import NudgeCore

extension Nudge {
    /// `nudge add`: a one-off promise from the shell.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a one-off promise, e.g. nudge add 'Call Sam back' --at 7pm.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "What you promised.") var title: String
        @Option(help: "When it is due, e.g. '19:00', '7pm', 'tomorrow 9:00', 'fri 18:00', 'in 20m'.") var at: String
        @Option(help: "Its id (default: made from the title).") var id: String?
        @Option(help: "Who it is to.") var with: String?
        @Option(help: "A reminder this long before, e.g. '15m'.") var remindBefore: String?

        func run() throws {
            let a = try answers(options)
            let due = try moment(at, direction: .future, zone: a.zone, now: a.now)
            let remind = try remindBefore.map { try span($0, what: "--remind-before") }
            let added = try refusing { () throws(AnswerError) in
                try a.add(title, due: due, id: id, with: with, remindBefore: remind)
            }
            print("added \(added.id): \(title), due \(TimestampFormat.systemd(due, zone: a.zone))")
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
            let cid = try refusing { () throws(AnswerError) in try a.remove(id) }
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
        static let configuration = CommandConfiguration(
            abstract: "Make up for a missed promise: adds a one-off make-up linked to the miss.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The commitment that was missed (id or unique prefix).") var id: String
        @Option(help: "When you will make it right, e.g. 'tomorrow 19:00'.") var at: String

        func run() throws {
            let a = try answers(options)
            let due = try moment(at, direction: .future, zone: a.zone, now: a.now)
            let added = try refusing { () throws(AnswerError) in try a.repair(id, at: due) }
            let missed = added.repairs.map { TimestampFormat.systemd($0, zone: a.zone) } ?? ""
            print(
                "added \(added.id): \(added.title), due \(TimestampFormat.systemd(due, zone: a.zone)); "
                    + "keeping it repairs the miss of \(missed)")
        }
    }
}
