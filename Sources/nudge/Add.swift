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

        struct Entry: Encodable {
            var id: String
            var title: String
            var with: String?
            var shape: String
            var enabled: Bool
            var next: String?
        }

        func run() throws {
            let store = try openStore()
            let config = try loadCommitments(options, store: store)
            let zone = config.settings.timezone
            let now = Instant.now
            let state = try store.planState()
            let entries = config.commitments.map { c -> Entry in
                // A pending occurrence shows its own due time; otherwise the one to come.
                let next = state.pending[c.id]?.due ?? c.comingDue(state: state, now: now)
                return Entry(
                    id: c.id.rawValue, title: c.isPrivate ? "A promise" : c.title, with: c.with,
                    shape: c.schedule.shape,
                    enabled: c.enabled, next: next.map { TimestampFormat.iso8601($0, zone: zone) })
            }
            if json {
                struct Doc: Encodable {
                    var version = 1
                    var commitments: [Entry]
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(Doc(commitments: entries)), as: UTF8.self))
                return
            }
            for e in entries {
                let next =
                    e.next.map(TimestampFormat.minute) ?? "nothing ahead"
                print(
                    "\(e.id)  \(e.shape)  \(e.title)\(e.with.map { " (with \($0))" } ?? "")  next: \(next)\(e.enabled ? "" : "  [disabled]")"
                )
            }
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
