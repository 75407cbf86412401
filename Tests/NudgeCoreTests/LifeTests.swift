import Foundation
import GRDB
import Testing

@testable import NudgeCore

/// Long simulated lives: weeks of several commitments of every shape, answered the way people answer
/// (late, early, twice, taken back, backfilled, never), with promises added while nudge runs, reloads,
/// pauses and suspends, checked against invariants rather than snapshots, and lived both by a resident
/// daemon and by restarts or ticks, which must end with the same outcomes and answers.
@Suite(.pinnedZones)
struct LifeTests {
    static let config = """
        [settings]
        timezone = "Europe/Berlin"
        channels = ["console"]
        quiet_hours = "22:30-07:30"

        [[commitment]]
        id = "meds"
        title = "Take the pills"
        when = "*-*-* 08:00"
        remind_before = "10m"
        follow_up = "15m"
        follow_ups = 2
        grace = "2h"

        [[commitment]]
        id = "call-mom"
        title = "Call Mom"
        with = "Mom"
        when = "Sun 19:00"
        remind_before = "15m"
        grace = "4h"
        repair = true

        [[commitment]]
        id = "checkin"
        title = "Check in with Sam"
        every = "3d"
        at = "21:00"

        [[commitment]]
        id = "standup"
        title = "Post the standup notes"
        when = "Mon..Fri 09:30"
        follow_ups = 1
        grace = "1h"

        [[commitment]]
        id = "stretch"
        title = "Stretch"
        when = "*-*-* 07:00"
        follow_ups = 3
        follow_up = "10m"
        grace = "3h"
        """

    /// Something the person does at a moment of the life.
    enum Event {
        case done(String, at: String?, next: Bool)
        case skip(String)
        case snooze(String, Span)
        case undo
        case add(String, in: Span, remind: Span?)
        case remove(String)
        case pause(String?, for: Span)
        case resume(String?)
        /// The config file is read again (with an edit: the meds' follow-up changes).
        case reload(edited: Bool)
        /// The machine sleeps (nothing runs, nobody answers on it) for this long.
        case suspend(Span)
    }

    /// A life: its events at their moments, made from a seed.
    struct Script {
        var events: [(Instant, Event)] = []
        let start: Instant
        let end: Instant

        init(seed: UInt64, days: Int, life: Life) throws {
            var rng = SplitMix64(seed: seed)
            start = life.now
            end = start + Span.days(Int64(days))
            let zone = life.config.settings.timezone
            // Answers fall on odd seconds, so that a tick on the minute never shares their moment.
            func at(_ day: Int, _ hour: Int, _ minute: Int) -> Instant {
                var l = zone.local(start)
                l = LocalDateTime(year: l.year, month: l.month, day: l.day + Int64(day), hour: Int64(hour), minute: 0)
                return zone.resolve(l.normalized) + Span.minutes(Int64(minute)) + Span.seconds(17)
            }
            for day in 0..<days {
                // Meds at 08:00: mostly done, sometimes late, early, skipped, snoozed, twice, taken back.
                let r = rng.below(100)
                let m = rng.within(-40...150)
                switch r {
                case 0..<55:
                    events.append((at(day, 8, m), .done("meds", at: nil, next: false)))
                    if rng.percent(15) { events.append((at(day, 8, m + 5), .done("meds", at: nil, next: false))) }
                    if rng.percent(10) {
                        events.append((at(day, 8, m + 6), .undo))
                        events.append((at(day, 8, m + 7), .done("meds", at: "08:0\(rng.within(0...9))", next: false)))
                    }
                case 55..<65: events.append((at(day, 7, 55), .skip("meds")))
                case 65..<75:
                    events.append((at(day, 8, 2), .snooze("meds", .minutes(30))))
                    events.append((at(day, 8, 45), .done("meds", at: nil, next: false)))
                case 75..<82: events.append((at(day, 21, 0), .done("meds", at: nil, next: true)))
                case 82..<88:
                    events.append((at(day, 13, 0), .done("meds", at: "08:2\(rng.within(0...9))", next: false)))
                default: break  // forgotten: missed after its grace
                }
                // The weekday standup, the morning stretch and the check-in when its evening comes.
                if rng.percent(80) {
                    events.append((at(day, 9, rng.within(25...90)), .done("standup", at: nil, next: false)))
                }
                if rng.percent(60) {
                    events.append((at(day, 7, rng.within(30...120)), .done("stretch", at: nil, next: false)))
                }
                if rng.percent(45) {
                    events.append((at(day, 21, rng.within(0...120)), .done("checkin", at: nil, next: false)))
                }
                // Sunday's call: kept, late, or missed (then the repair nudge comes).
                if rng.percent(60) {
                    events.append((at(day, 19, rng.within(-10...90)), .done("call-mom", at: nil, next: false)))
                }
                // Promises added from the shell while nudge runs, some answered, one taken back.
                if rng.percent(30) {
                    let id = "promise-\(day)"
                    let when = at(day, rng.within(10...17), rng.within(0...50))
                    events.append(
                        (
                            when,
                            .add(
                                id, in: Span.minutes(Int64(rng.within(1...180))),
                                remind: rng.percent(50) ? .minutes(10) : nil)
                        ))
                    if rng.percent(50) {
                        events.append((when + Span.hours(4), .done(id, at: nil, next: false)))
                    } else if rng.percent(20) {
                        events.append((when + Span.minutes(1), .remove(id)))
                    }
                }
                if rng.percent(8) { events.append((at(day, 12, 0), .reload(edited: rng.percent(50)))) }
                if rng.percent(6) { events.append((at(day, 23, 0), .suspend(Span.hours(Int64(rng.within(6...40)))))) }
            }
            // A vacation, and a pause of one commitment ended early.
            events.append((at(days / 2, 10, 0), .pause(nil, for: .days(2))))
            events.append((at(days / 3, 10, 0), .pause("stretch", for: .days(5))))
            events.append((at(days / 3 + 2, 10, 0), .resume("stretch")))
            events.sort { $0.0 < $1.0 }
        }
    }

    /// How the life is lived.
    enum Mode: String, CaseIterable {
        /// One daemon all along: wakes when the planner asks, and at every answer (the record changed).
        case daemon
        /// The daemon restarted every hour and after every answer: a run at each, nothing remembered.
        case restarts
        /// `nudge-tick.timer`: a run at every whole minute, none at answers.
        case ticks
        /// The real daemon (its queues, its file watches) on a test clock; answers through a second
        /// connection to the record, as from the command line, and reloads through the config file.
        case resident
    }

    /// What a life recorded, for comparing two ways of living it.
    struct Record: Equatable {
        var outcomes: [String]
        var answers: [String]
    }

    /// Lives the script in a fresh record; checks the invariants on the way and at the end.
    func live(_ seed: UInt64, days: Int, mode: Mode) throws -> Record {
        let life = try Life(Self.config, start: "2026-11-02 06:00")
        let script = try Script(seed: seed, days: days, life: life)
        let editedText = Self.config.replacingOccurrences(of: "follow_up = \"15m\"", with: "follow_up = \"20m\"")
        let edited = try #require(try ConfigLoaderTests.load(editedText).config)
        let original = life.config
        var events = script.events[...]
        var answers: [String] = []
        var asleepUntil: Instant?
        var added: [String] = []
        var answered: [Int64: Outcome] = [:]
        if mode == .resident {
            try life.startDaemon(Self.config)
            var reloads = 0
            for (t, e) in script.events where t < script.end {
                if let wake = asleepUntil {
                    if t < wake { continue }  // nobody answers a sleeping machine
                    life.advanceDaemon(to: wake, asleep: true)
                    asleepUntil = nil
                }
                life.advanceDaemon(to: t)
                answers.append(
                    "\(life.show(t)) " + (try apply(e, life, &asleepUntil, &added, &answered, edited, original)))
                if case .reload(let isEdited) = e {
                    try life.writeConfig(isEdited ? editedText : Self.config)
                    reloads += 1
                }
                life.waitForDaemon(reloads: reloads)
                try checkAgreement(life)
            }
            if let wake = asleepUntil, wake < script.end { life.advanceDaemon(to: wake, asleep: true) }
            life.advanceDaemon(to: script.end, asleep: asleepUntil.map { $0 >= script.end } ?? false)
            life.daemon?.stop()
        }
        try life.run()
        func nextRun() -> Instant? {
            switch mode {
            case .daemon: return life.next
            case .restarts:
                let hour = Instant(seconds: (life.now.seconds / 3600 + 1) * 3600)
                return life.next.map { min($0, hour) } ?? hour
            case .ticks: return Instant(seconds: (life.now.seconds / 60 + 1) * 60)
            case .resident: return nil
            }
        }
        while mode != .resident, life.now < script.end {
            let run = nextRun().map { max($0, life.now) }
            let event = events.first
            if let (t, e) = event, run.map({ t <= $0 }) ?? true {
                events = events.dropFirst()
                // Nobody answers a sleeping machine (nor after it woke, at times that fell meanwhile).
                if let wake = asleepUntil, t < wake { continue }
                if t < life.now { continue }
                life.now = max(t, life.now)
                asleepUntil = nil
                answers.append(
                    "\(life.show(t)) " + (try apply(e, life, &asleepUntil, &added, &answered, edited, original)))
                if mode != .ticks, asleepUntil == nil { try life.run() }
                try checkAgreement(life)
            } else if let r = run, r < script.end {
                life.now = r
                if let wake = asleepUntil {
                    if r < wake {
                        life.now = wake
                        asleepUntil = nil
                    } else {
                        asleepUntil = nil
                    }
                }
                try life.run()
            } else {
                life.now = script.end
            }
        }
        try life.run()
        try checkInvariants(life, added: added)
        // Nothing the person answered was lost or moved to another occurrence.
        let final = Dictionary(uniqueKeysWithValues: try life.occurrences().map { ($0.id, $0.outcome) })
        for (occurrence, outcome) in answered {
            #expect(
                final[occurrence] == outcome,
                "occurrence \(occurrence) was answered \(outcome), is \(String(describing: final[occurrence]))")
        }
        let outcomes = try life.occurrences().map { o in
            let late = o.outcome == .kept ? (try? life.store.lateness(o.id)).flatMap { $0 }.map { " \($0)" } ?? "" : ""
            return "\(o.commitment) \(life.show(o.due)) \(o.outcome?.rawValue ?? "pending")\(late)"
        }
        return Record(outcomes: outcomes, answers: answers)
    }

    /// Gives one answer (or other act) and says what came of it.
    func apply(
        _ e: Event, _ life: Life, _ asleepUntil: inout Instant?, _ added: inout [String],
        _ answered: inout [Int64: Outcome], _ edited: Config, _ original: Config
    ) throws -> String {
        let answers = try life.answers
        do {
            switch e {
            case .done(let id, let at, let next):
                let t = try at.map {
                    try Moment.resolve($0, now: life.now, zone: life.config.settings.timezone, direction: .past)
                }
                let kept = try answers.done(id, at: t, next: next)
                answered[kept.occurrence] = .kept
                return "done \(id): kept \(life.show(kept.due)) \(kept.lateness)"
            case .skip(let id):
                let skipped = try answers.skip(id, reason: nil)
                answered[skipped.occurrence] = .skipped
                return "skip \(id): \(life.show(skipped.due))"
            case .snooze(let id, let span):
                return "snooze \(id): \(life.show(try answers.snooze(id, until: life.now + span).due))"
            case .undo:
                let undone = try life.cli.undo(since: life.now - Span.hours(24), commitments: nil, now: life.now)
                if let (o, _) = undone { answered[o.id] = nil }
                return "undo: " + (undone.map { "\($0.0.commitment) \(life.show($0.0.due))" } ?? "nothing")
            case .add(let id, let span, let remind):
                try life.cli.add(
                    id: try #require(CommitmentID(id)), title: "Promise \(id)", with: nil, due: life.now + span,
                    remindBefore: remind, now: life.now)
                added.append(id)
                return "add \(id)"
            case .remove(let id):
                let removed = try life.cli.removeAdded(try #require(CommitmentID(id)), now: life.now)
                if removed { added.removeAll { $0 == id } }
                return "remove \(id): \(removed)"
            case .pause(let id, let span):
                return "pause \(id ?? "all"): \(try answers.pause(id, until: life.now + span)?.rawValue ?? "all")"
            case .resume(let id):
                return "resume \(id ?? "all"): \(try answers.resume(id)?.rawValue ?? "all")"
            case .reload(let isEdited):
                life.config = isEdited ? edited : original
                return "reload"
            case .suspend(let span):
                asleepUntil = life.now + span
                return "suspend \(span)"
            }
        } catch let error as AnswerError {
            return "refused: \(error.message)"
        }
    }

    /// `status`, `history` and `report` agree with the record at this moment.
    func checkAgreement(_ life: Life) throws {
        let status = try life.status()
        let pending = try life.store.pending()
        let state = try life.store.planState()
        let config = try life.store.commitments(of: life.config)
        // Every started, unpaused occurrence is in the status; nothing is listed twice.
        for o in pending {
            let paused = config.commitments.first { $0.id == o.commitment }?.pause(in: state, at: life.now) != nil
            #expect(
                paused || status.pending.contains { $0.id == o.commitment.rawValue },
                "\(o.commitment) pending, not in status")
        }
        #expect(Set(status.pending.map(\.id)).count == status.pending.count)
        // Nothing coming lies in the past, or inside a pause.
        for n in status.next { #expect(n.inSeconds > 0) }
    }

    /// What must hold of any life, whatever was done in it.
    func checkInvariants(_ life: Life, added: [String]) throws {
        let occurrences = try life.occurrences()
        let byID = Dictionary(uniqueKeysWithValues: occurrences.map { ($0.id, $0) })
        // At most one pending occurrence per commitment; every other one has exactly one outcome.
        let pending = occurrences.filter { $0.outcome == nil }
        #expect(Set(pending.map(\.commitment)).count == pending.count)
        for o in occurrences where o.outcome != nil {
            #expect(o.outcomeAt != nil, "\(o.commitment) ended without a time")
        }
        // No two occurrences of a commitment share a due time.
        let keys = occurrences.map { "\($0.commitment)@\($0.due.microseconds)" }
        #expect(Set(keys).count == keys.count, "an occurrence was recorded twice")
        // No nudge for an occurrence after it was answered (a repair follows a miss); an answer counts from
        // when it was given, which for `done --at` is after the time it names.
        let given = try life.store.queue.read { db in
            Dictionary(
                try Row.fetchAll(
                    db, sql: "SELECT occurrence, MAX(at) FROM amendment WHERE undone IS NULL GROUP BY occurrence"
                ).map { (($0[0] as Int64), Instant(microseconds: $0[1])) }, uniquingKeysWith: max)
        }
        for s in life.sent {
            guard let o = byID[s.occurrence] else {
                Issue.record("a nudge for an unrecorded occurrence: \(s)")
                continue
            }
            if s.kind == .repair {
                #expect(o.outcome == .missed || o.outcome == .kept, "repair of \(o.commitment) not missed")
            } else if let end = given[o.id] ?? o.outcomeAt, o.outcome == .kept || o.outcome == .skipped {
                #expect(s.at <= end, "\(s) after \(o.commitment) was answered \(life.show(end))")
            }
        }
        // Every added promise (not taken back) was nudged or recorded, unless it is still ahead.
        for id in added {
            let due = try life.store.added(settings: life.config.settings).first { $0.id.rawValue == id }
            if case .once(let t)? = due?.schedule, t > life.now { continue }
            #expect(
                occurrences.contains { $0.commitment.rawValue == id },
                "added \(id) left no trace: \(String(describing: due?.schedule)) now \(life.show(life.now)) \(life.daemon == nil)"
            )
        }
        // History and the report count the same outcomes.
        let config = try life.store.commitments(of: life.config)
        let records = try life.store.outcomeRecords(config: config, repaired: try life.store.repaired())
        let report = ReportBuilder.build(config: config, records: records, now: life.now, weeks: 8)
        for part in report.commitments {
            let kept = occurrences.filter { $0.commitment == part.id && $0.outcome == .kept }.count
            #expect(
                part.figures.kept == kept, "report says \(part.figures.kept) kept for \(part.id), the record \(kept)")
        }
    }

    @Test(arguments: [0x5EED_0001, 0x5EED_0002, 0x5EED_0003] as [UInt64])
    func fourWeeksLivedByOneDaemonAndByHourlyRestartsEndAlike(_ seed: UInt64) throws {
        let daemon = try live(seed, days: 28, mode: .daemon)
        let restarts = try live(seed, days: 28, mode: .restarts)
        #expect(daemon.answers == restarts.answers)
        #expect(daemon.outcomes == restarts.outcomes)
        #expect(daemon.outcomes.count > 80)
    }

    @Test(arguments: [0x5EED_0001, 0x5EED_0005] as [UInt64])
    func fourWeeksLivedByTheRealDaemonOnATestClockEndAsPlanned(_ seed: UInt64) throws {
        let planned = try live(seed, days: 28, mode: .daemon)
        let resident = try live(seed, days: 28, mode: .resident)
        #expect(resident.answers == planned.answers)
        #expect(resident.outcomes == planned.outcomes)
    }

    @Test func aWeekLivedByTheTimerEndsAsWithTheDaemon() throws {
        let daemon = try live(0x5EED_0004, days: 7, mode: .daemon)
        let ticks = try live(0x5EED_0004, days: 7, mode: .ticks)
        #expect(daemon.answers == ticks.answers)
        #expect(daemon.outcomes == ticks.outcomes)
    }
}
