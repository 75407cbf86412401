import ArgumentParser
import Foundation
import NudgeCore

/// What the answering commands share: find the occurrence, or explain why not (exit 1).
struct Answering {
    var config: Config
    var store: Store
    var now: Instant

    func target(_ id: String?) throws -> AnswerTarget {
        AnswerTarget.resolve(
            id, pending: try store.pending(), commitments: config.commitments, state: try store.planState(), now: now,
            zone: config.settings.timezone)
    }

    /// The occurrence to act on: a pending one, or the next one started early. Exits 1 otherwise.
    func occurrence(_ id: String?) throws -> (Int64, CommitmentID, due: Instant) {
        switch try target(id) {
        case .pending(let o):
            return (o.id, o.commitment, o.due)
        case .early(let cid, let due):
            return (try store.startEarly(cid, due: due, now: now), cid, due)
        case .nothing(let why), .several(let why):
            throw CLIError(why, code: .nothingMatched)
        }
    }

    func title(_ id: CommitmentID) -> String {
        guard let c = config.commitments.first(where: { $0.id == id }) else { return id.rawValue }
        return c.isPrivate ? id.rawValue : c.title
    }
}

/// Closes the desktop notifications still open for an occurrence (an answer given elsewhere).
func closePopups(_ occurrence: Int64, config: Config, store: Store) {
    let desktops = config.channels.values.filter { if case .desktop = $0.kind { return true } else { return false } }
    guard !desktops.isEmpty else { return }
    let desktop = DesktopChannel()
    for channel in desktops {
        if let id = (try? store.lastMessageID(occurrence: occurrence, channel: channel.name)) ?? nil, let n = UInt32(id)
        {
            desktop.close(n)
        }
    }
}

/// Reads a one-off moment for `--at` / `--until`, exiting 65 when it cannot be read.
func moment(_ text: String, direction: MomentDirection, zone: Zone, now: Instant) throws -> Instant {
    do {
        return try Moment.resolve(text, now: now, zone: zone, direction: direction)
    } catch {
        throw CLIError(error.localizedDescription, code: .dataError)
    }
}

extension Nudge {
    /// `nudge done`: the promise was kept.
    struct Done: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a promise as kept.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The commitment id (or a unique prefix); optional when one thing is pending.")
        var id: String?
        @Option(help: "When it was done, if not now (e.g. '19:10', 'yesterday 19:10').")
        var at: String?

        func run() throws {
            let store = try openStore()
            let config = try loadCommitments(options, store: store)
            let now = Instant.now
            let a = Answering(config: config, store: store, now: now)
            let when = try at.map { try moment($0, direction: .past, zone: config.settings.timezone, now: now) } ?? now
            let occ: Int64
            let cid: CommitmentID
            let due: Instant
            switch try a.target(id) {
            case .pending(let o):
                (occ, cid, due) = (o.id, o.commitment, o.due)
                try a.store.answer(occ, .kept, at: when, now: now)
            case .early(let c, let d):
                (cid, due) = (c, d)
                occ = try a.store.startEarly(c, due: d, now: now)
                try a.store.answer(occ, .kept, at: when, now: now)
            case .nothing(let why):
                // A backfill before a recorded miss turns the miss into kept.
                guard at != nil, let id,
                    let c = AnswerTarget.matching(id, in: config.commitments.map(\.id)).first,
                    let miss = try a.store.missAfter(c, at: when)
                else { throw CLIError(why, code: .nothingMatched) }
                (occ, cid, due) = (miss.id, c, miss.due)
                try a.store.amendMissToKept(occ, at: when, now: now)
                let zone = config.settings.timezone
                print("the miss recorded \(TimestampFormat.systemd(miss.outcomeAt ?? due, zone: zone)) is now kept")
            case .several(let why):
                throw CLIError(why, code: .nothingMatched)
            }
            closePopups(occ, config: config, store: a.store)
            // Shown to the minute (to the second under a minute); the record keeps microseconds.
            let delta = Double(when.microseconds - due.microseconds) / 1_000_000
            let late =
                abs(delta) >= 60 ? Span.minutes(Int64((delta / 60).rounded())) : Span.seconds(Int64(delta.rounded()))
            let c = config.commitments.first { $0.id == cid }
            let onTime = late <= (c?.onTime ?? Defaults.onTime)
            let how = late.microseconds <= 0 ? "early by \(Span(microseconds: -late.microseconds))" : "\(late) late"
            print(
                "kept \(cid): \(a.title(cid)) (\(late.microseconds == 0 ? "on the dot" : how)\(onTime ? ", on time" : ""))"
            )
        }
    }

    /// `nudge skip`: excused, never counted against you.
    struct Skip: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Skip a promise this time (excused, not missed).")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The commitment id (or a unique prefix); optional when one thing is pending.")
        var id: String?
        @Option(help: "Why, for the record.")
        var reason: String?

        func run() throws {
            let store = try openStore()
            let config = try loadCommitments(options, store: store)
            let now = Instant.now
            let a = Answering(config: config, store: store, now: now)
            let (occ, cid, _) = try a.occurrence(id)
            try a.store.answer(occ, .skipped, at: now, reason: reason ?? "skipped", now: now)
            closePopups(occ, config: config, store: a.store)
            print("skipped \(cid): \(a.title(cid))")
        }
    }

    /// `nudge snooze`: not now; again later.
    struct Snooze: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Snooze a promise: no nudge before the given time.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The commitment id (or a unique prefix); optional when one thing is pending.")
        var id: String?
        @Argument(help: "How long (default 10m), e.g. '30m', '2h'.")
        var span: String?
        @Option(help: "Until when instead of a span, e.g. '19:30', 'tomorrow 9:00'.")
        var until: String?

        func run() throws {
            let store = try openStore()
            let config = try loadCommitments(options, store: store)
            let now = Instant.now
            let zone = config.settings.timezone
            let a = Answering(config: config, store: store, now: now)
            var id = self.id
            var spanText = span
            // `nudge snooze 30m` with one thing pending: the argument is the span.
            if spanText == nil, let only = id, (try? Span(parsing: only)) != nil,
                !config.commitments.contains(where: { $0.id.rawValue.hasPrefix(only) })
            {
                spanText = only
                id = nil
            }
            let target: Instant
            if let until {
                target = try moment(until, direction: .future, zone: zone, now: now)
            } else {
                do {
                    let s = try Span(parsing: spanText ?? "10m")
                    target = now + s.microseconds
                } catch {
                    throw CLIError(error.localizedDescription, code: .dataError)
                }
            }
            let (occ, cid, _) = try a.occurrence(id)
            try a.store.snooze(occ, until: target)
            print("snoozed \(cid) until \(TimestampFormat.systemd(target, zone: zone))")
        }
    }
}

extension Nudge {
    /// `nudge undo`: take back the last answer of the last 24 hours.
    struct Undo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take back the last answer given in the last 24 hours.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "Only answers about this commitment (id or unique prefix).")
        var id: String?

        func run() throws {
            let store = try openStore()
            let config = try loadCommitments(options, store: store)
            let now = Instant.now
            let cid = try id.map { try single($0, config) }
            let since = now + -AnswerTarget.earlyWindow.microseconds
            guard let (o, old) = try store.undo(since: since, commitment: cid, now: now) else {
                throw CLIError("no answer in the last 24 hours to take back", code: .nothingMatched)
            }
            print("\(o.commitment): back to \(old?.rawValue ?? "pending")")
        }
    }
}

extension Nudge {
    /// `nudge pause`: no nudges for a while (a vacation), recorded.
    struct Pause: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pause one commitment, or all, until a time: what is pending is skipped, nothing new starts.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The commitment (id or unique prefix); all when omitted.") var id: String?
        @Option(help: "Until when, e.g. 'mon 9:00', '2026-12-27'.") var until: String

        func run() throws {
            let store = try openStore()
            let config = try loadCommitments(options, store: store)
            let now = Instant.now
            let zone = config.settings.timezone
            let end = try moment(until, direction: .future, zone: zone, now: now)
            let cid = try id.map { try single($0, config) }
            try store.pause(cid, since: now, until: end)
            print("paused \(cid?.rawValue ?? "everything") until \(TimestampFormat.systemd(end, zone: zone))")
        }
    }

    /// `nudge resume`: end a pause early.
    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End a pause now.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The commitment (id or unique prefix); the pause of everything when omitted.") var id: String?

        func run() throws {
            let store = try openStore()
            let config = try loadCommitments(options, store: store)
            let cid = try id.map { try single($0, config) }
            guard try store.resume(cid, now: .now) > 0 else {
                throw CLIError("\(cid?.rawValue ?? "nothing") is not paused", code: .nothingMatched)
            }
            print("resumed \(cid?.rawValue ?? "everything")")
        }
    }
}

/// The one commitment an id or unique prefix names; exits 1 otherwise.
func single(_ id: String, _ config: Config) throws -> CommitmentID {
    let matches = AnswerTarget.matching(id, in: config.commitments.map(\.id))
    guard matches.count == 1 else {
        throw CLIError(
            matches.isEmpty ? "no commitment \"\(id)\"" : "\"\(id)\" matches several commitments", code: .nothingMatched
        )
    }
    return matches[0]
}
