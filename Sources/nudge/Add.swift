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
            let store = try openStore()
            let config = try loadCommitments(options, store: store)
            let now = Instant.now
            let zone = config.settings.timezone
            let due = try moment(at, direction: .future, zone: zone, now: now)
            let remind = try remindBefore.map { try span($0, what: "--remind-before") }
            guard !title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw CLIError("the title is empty; say what you promised", code: .dataError)
            }
            for (field, text) in [("title", title), ("with", with)] {
                if let text, let problem = TextRules.problem(text, field: field) {
                    throw CLIError("\(problem); \(TextRules.hint(field: field))", code: .dataError)
                }
            }
            let taken = Set(config.commitments.map(\.id.rawValue)).union(try store.addedIDs())
            let cid: CommitmentID
            if let id {
                guard let valid = CommitmentID(id) else {
                    throw CLIError(
                        "id \"\(id)\" must be lowercase letters, digits and '-', starting with a letter",
                        code: .dataError)
                }
                guard !taken.contains(id) else { throw CLIError("id \"\(id)\" is already used", code: .dataError) }
                cid = valid
            } else {
                guard let fresh = Self.freshID(from: title, taken: taken) else {
                    throw CLIError("cannot make an id from the title; give one with --id", code: .dataError)
                }
                cid = fresh
            }
            try store.add(id: cid, title: title, with: with, due: due, remindBefore: remind, now: now)
            print("added \(cid): \(title), due \(TimestampFormat.systemd(due, zone: zone))")
        }

        /// An id made from the title ("Call Sam back" → "call-sam-back"), unique among `taken`.
        static func freshID(from title: String, taken: Set<String>) -> CommitmentID? {
            var base = ""
            for s in title.lowercased().unicodeScalars {
                if ("a"..."z").contains(s) || ("0"..."9").contains(s) {
                    base.unicodeScalars.append(s)
                } else if !base.isEmpty, base.last != "-" {
                    base += "-"
                }
                if base.count >= 24 { break }
            }
            while base.last == "-" { base.removeLast() }
            if CommitmentID(base) == nil { base = "promise" }
            var candidate = base
            var n = 2
            while taken.contains(candidate) {
                candidate = "\(base)-\(n)"
                n += 1
            }
            return CommitmentID(candidate)
        }
    }

    /// `nudge remove`: take back a promise added from the command line.
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a promise added with nudge add (config promises are edited in the config).")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "Its id.") var id: String

        func run() throws {
            let store = try openStore()
            guard let cid = CommitmentID(id), try store.removeAdded(cid, now: .now) else {
                throw CLIError("no promise \"\(id)\" was added from the command line", code: .nothingMatched)
            }
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
            let store = try openStore()
            let config = try loadCommitments(options, store: store)
            let now = Instant.now
            let zone = config.settings.timezone
            let cid = try single(id, config)
            guard let c = config.commitments.first(where: { $0.id == cid }) else {
                throw CLIError("no commitment \"\(id)\"", code: .nothingMatched)
            }
            guard let miss = try store.lastMiss(c.id) else {
                throw CLIError("\(c.id) has no recorded miss to repair", code: .nothingMatched)
            }
            let due = try moment(at, direction: .future, zone: zone, now: now)
            let taken = Set(config.commitments.map(\.id.rawValue)).union(try store.addedIDs())
            guard let makeUp = Add.freshID(from: "\(c.id.rawValue)-make-up", taken: taken) else {
                throw CLIError("cannot make an id for the make-up", code: .dataError)
            }
            try store.add(
                id: makeUp, title: "\(c.title) (make-up)", with: c.with, due: due, remindBefore: c.remindBefore,
                now: now, repairOf: miss.id)
            print(
                "added \(makeUp): \(c.title) (make-up), due \(TimestampFormat.systemd(due, zone: zone)); keeping it repairs the miss of \(TimestampFormat.systemd(miss.due, zone: zone))"
            )
        }
    }
}
