import ArgumentParser
import Foundation
import NudgeCore

extension AnswerError {
    /// The same refusal for the command line: exit 1, 65 for a time no occurrence can mean, 64 for arguments
    /// that contradict each other, or the status of the record's trouble.
    var cli: CLIError {
        switch kind {
        case .nothingMatched: return CLIError(message, code: .nothingMatched)
        case .badInput: return CLIError(message, code: .dataError)
        case .usage: return CLIError(message, code: .usage)
        case .config: return CLIError(message, code: .config)
        case .unsent: return CLIError(message, code: .temporaryFailure)
        case .record(let problem): return CLIError(message, code: ExitStatus(problem))
        }
    }
}

/// Runs a use case: its refusal becomes the command line's error (65 for a span or moment that cannot be
/// meant; 69 for a sync server away, 78 for one that refuses), a failure of the record "cannot record" (75).
func refusing<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as AnswerError { throw error.cli } catch let error as Input.Refusal {
        throw CLIError(error.message, code: .dataError)
    } catch let error as SyncError {
        throw CLIError(error.message, code: error.unreachable ? .unavailable : .config)
    } catch let error as CLIError {
        throw error
    } catch {
        throw recordFailure(error)
    }
}

/// The answering use cases over the config and record, at the current time.
func answers(_ options: ConfigOptions) throws -> Answers {
    let store = try openStore()
    return try Answers(config: try loadConfig(options, store: store), store: store, now: .now)
}

/// `--tell`, `--message`, `--dry-run`: one message to the person a promise is with.
struct Tell: ParsableArguments {
    @Flag(help: "Send them one short message saying so (their [person.ID] email or command).") var tell = false
    @Option(help: "Your own words instead of nudge's (with --tell).") var message: String?
    @Flag(help: "Print the message --tell would send; record nothing.") var dryRun = false

    var asked: Telling { Telling(tell: tell, message: message, dryRun: dryRun) }
}

/// The occurrence an answer is about: a commitment (optional when one thing is pending), and whether
/// it is the next one rather than the nearest.
struct Target: ParsableArguments {
    @OptionGroup var options: ConfigOptions
    @Argument(help: "The commitment id (or a unique prefix); optional when one thing is pending.")
    var id: String?
    @Flag(help: "Answer the next occurrence early, even when the last one is nearer.")
    var next = false

    func validate() throws {
        if next && id == nil { throw ValidationError("--next needs the commitment's id") }
    }
}

extension Nudge {
    /// `nudge done`: the promise was kept.
    struct Done: ParsableCommand {
        static let configuration = subcommand("done", "Record a promise as kept.")

        @OptionGroup var target: Target
        @Option(help: "When it was done, if not now (e.g. '19:10', 'yesterday 19:10').") var at: String?

        func validate() throws {
            if target.next && at != nil {
                throw ValidationError("--next and --at contradict each other: --at says when it was done")
            }
        }

        func run() throws {
            let a = try answers(target.options)
            let kept = try refusing { try a.done(target.id, at: at, next: target.next) }
            a.closePopups(kept.occurrence)
            print(a.said(kept))
        }
    }

    /// `nudge skip`: excused, never counted against you.
    struct Skip: ParsableCommand {
        static let configuration = subcommand("skip", "Skip a promise this time (excused, not missed).")

        @OptionGroup var target: Target
        @Option(help: "Why, for the record.") var reason: String?

        func run() throws {
            let a = try answers(target.options)
            let skipped = try refusing { try a.skip(target.id, reason: reason, next: target.next) }
            a.closePopups(skipped.occurrence)
            print("skipped \(skipped.commitment): \(a.title(skipped.commitment))")
        }
    }

    /// `nudge snooze`: not now; again later.
    struct Snooze: ParsableCommand {
        static let configuration = subcommand("snooze", "Snooze a promise: no nudge before the given time.")

        @OptionGroup var target: Target
        @Argument(help: "How long (default 10m), e.g. '30m', '2h'.")
        var span: String?
        @Option(help: "Until when instead of a span, e.g. '19:30', 'tomorrow 9:00'.")
        var until: String?

        func run() throws {
            let a = try answers(target.options)
            let (snoozed, end) = try refusing { try a.snooze(target.id, span: span, until: until, next: target.next) }
            print("snoozed \(snoozed.commitment) until \(TimestampFormat.systemd(end, zone: a.zone))")
        }
    }

    /// `nudge late`: running late; the follow-ups and the miss move, the lateness still counts.
    struct Late: ParsableCommand {
        static let configuration = subcommand("late", "Running late: move the follow-ups and the miss by SPAN.")

        @OptionGroup var target: Target
        @Argument(help: "How late (default 15m), e.g. '20m'.") var span: String?
        @Flag(help: "You told them yourself: a late keep counts as late with notice.") var told = false
        @OptionGroup var tell: Tell

        func run() throws {
            let a = try answers(target.options)
            let late = try refusing {
                try a.late(target.id, span: span, told: told, telling: tell.asked, next: target.next)
            }
            print(a.said(late, told: told))
        }
    }

    /// `nudge renegotiate`: move it ahead of time, by agreement.
    struct Renegotiate: ParsableCommand {
        static let configuration = subcommand(
            "renegotiate", "Move a promise before it is due: it ends renegotiated, a one-off at --to takes its place.")

        @OptionGroup var target: Target
        @Option(help: "The new time, e.g. 'mon 19:00', 'tomorrow 9:00'.") var to: String
        @OptionGroup var tell: Tell

        func run() throws {
            let a = try answers(target.options)
            print(a.said(try refusing { try a.renegotiate(target.id, to: to, telling: tell.asked, next: target.next) }))
        }
    }
}

extension Nudge {
    /// `nudge undo`: take back the last answer of the last 24 hours.
    struct Undo: ParsableCommand {
        static let configuration = subcommand("undo", "Take back the last answer given in the last 24 hours.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "Only answers about this commitment (id or unique prefix).")
        var id: String?

        func run() throws {
            let a = try answers(options)
            let undone = try refusing { try a.undo(id) }
            print("\(undone.commitment): back to \(undone.outcome?.rawValue ?? "pending")")
        }
    }
}

extension Nudge {
    /// `nudge pause`: no nudges for a while (a vacation), recorded.
    struct Pause: ParsableCommand {
        static let configuration = subcommand(
            "pause", "Pause one commitment, or all, until a time: what is pending is skipped, nothing new starts.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The commitment (id or unique prefix); all when omitted.") var id: String?
        @Option(help: "Until when, e.g. 'mon 9:00', '2026-12-27'.") var until: String

        func run() throws {
            let p = try answers(options)
            let (cid, end) = try refusing { try p.pause(id, until: until) }
            print("paused \(cid?.rawValue ?? "everything") until \(TimestampFormat.systemd(end, zone: p.zone))")
        }
    }

    /// `nudge resume`: end a pause early.
    struct Resume: ParsableCommand {
        static let configuration = subcommand("resume", "End a pause now.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The commitment (id or unique prefix); the pause of everything when omitted.") var id: String?

        func run() throws {
            let p = try answers(options)
            let cid = try refusing { try p.resume(id) }
            print("resumed \(cid?.rawValue ?? "everything")")
        }
    }
}
