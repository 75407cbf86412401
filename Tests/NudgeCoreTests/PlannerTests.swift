import Foundation
import Testing

@testable import NudgeCore

/// Drives the planner through time the way the daemon does: apply effects, sleep until `next`.
struct Simulation {
    var planner: Planner
    var state = PlanState()
    var nextID: Int64 = 1
    var sent: [(String, Instant)] = []
    var ended: [(Int64, Outcome, Instant, String?)] = []
    var all: [Int64: Occurrence] = [:]
    let zone: Zone

    init(_ toml: String) throws {
        let result = try ConfigLoaderTests.load(toml)
        let config = try #require(result.config, "\(result.diagnostics)")
        planner = Planner(settings: config.settings, commitments: config.commitments)
        zone = config.settings.timezone
    }

    func t(_ text: String) throws -> Instant {
        try Timestamp.parse(text, zone: zone, now: Instant(seconds: 0))
    }

    /// Local "HH:MM" of an instant, with the day when it is not `day`.
    func show(_ i: Instant) -> String {
        let l = zone.local(i)
        return String(format: "%02lld-%02lld %02lld:%02lld", l.month, l.day, l.hour, l.minute)
    }

    /// Applies every effect due at `now`; returns when the planner wants to look again.
    mutating func run(at now: Instant) -> Instant? {
        for _ in 0..<100 {
            let (effects, next) = planner.step(now: now, state: state)
            if effects.isEmpty { return next }
            for effect in effects { apply(effect, now: now) }
        }
        return nil
    }

    mutating func apply(_ effect: Planner.Effect, now: Instant) {
        switch effect {
        case .firstSeen(let id, let at):
            state.firstSeen[id] = at
        case .start(let id, let due, let since):
            let o = Occurrence(id: nextID, commitment: id, due: due, created: min(since, now))
            nextID += 1
            state.pending[id] = o
            all[o.id] = o
        case .end(let occ, let outcome, let at, let reason):
            ended.append((occ, outcome, at, reason))
            for (id, var o) in state.pending where o.id == occ {
                o.outcome = outcome
                o.outcomeAt = at
                state.pending[id] = nil
                state.lastEnded[id] = o
                all[occ] = o
            }
        case .send(let n):
            sent.append(("\(n.kind.rawValue)#\(n.sequence)", now))
            update(n.occurrence) { o in
                o.handle(n)
                if o.firstDelivered == nil { o.firstDelivered = now }
            }
        case .drop(let n):
            update(n.occurrence) { $0.handle(n) }
        case .digest(let items):
            for n in items {
                sent.append(("digest:\(n.occurrence)", now))
                update(n.occurrence) { o in
                    o.handle(n)
                    if o.firstDelivered == nil { o.firstDelivered = now }
                }
            }
        case .away(let id, let fallen, let outcome):
            for f in fallen {
                var o = Occurrence(id: nextID, commitment: id, due: f.due, created: now)
                nextID += 1
                o.outcome = outcome
                o.outcomeAt = f.ended
                ended.append((o.id, outcome, f.ended, outcome == .skipped ? "away" : nil))
                all[o.id] = o
            }
        }
    }

    mutating func update(_ occ: Int64, _ body: (inout Occurrence) -> Void) {
        for (id, var o) in state.pending where o.id == occ {
            body(&o)
            state.pending[id] = o
            all[occ] = o
        }
    }

    /// Runs from `start` to `end`, waking whenever the planner asks; `answers` happen at their times.
    mutating func run(
        from start: Instant, to end: Instant, answers: [(Instant, (inout Simulation, Instant) -> Void)] = []
    ) {
        var now = start
        var todo = answers.sorted { $0.0 < $1.0 }
        while now <= end {
            let next = run(at: now)
            var wake = next ?? end + 1
            if let a = todo.first, a.0 < wake {
                wake = a.0
                now = wake
                todo.removeFirst().1(&self, now)
                continue
            }
            if wake > end { break }
            now = wake
        }
    }

    /// The user answers "done" at `at`.
    mutating func done(_ id: String, at: Instant) {
        guard let cid = CommitmentID(id), let p = state.pending[cid] else { return }
        apply(.end(occurrence: p.id, .kept, at: at, reason: nil), now: at)
    }

    mutating func snooze(_ id: String, until: Instant) {
        guard let cid = CommitmentID(id), let p = state.pending[cid] else { return }
        update(p.id) { $0.snoozedUntil = until }
    }

    var log: [String] { sent.map { "\($0.0) \(show($0.1))" } }
}

@Suite(.pinnedZones)
struct PlannerTests {
    static let callMom = """
        [settings]
        timezone = "Europe/Berlin"

        [[commitment]]
        id = "call-mom"
        title = "Call Mom"
        when = "Sun 19:00"
        remind_before = "15m"
        follow_up = "15m"
        follow_ups = 2
        grace = "4h"
        """

    @Test func reminderDueAndFollowUpsThenMissedAfterGrace() throws {
        var sim = try Simulation(Self.callMom)
        sim.run(from: try sim.t("2026-11-27 12:00"), to: try sim.t("2026-11-30 00:00"))
        #expect(
            sim.log == [
                "reminder#0 11-29 18:45", "due#1 11-29 19:00", "follow-up#2 11-29 19:15", "follow-up#3 11-29 19:30",
            ])
        #expect(sim.ended.map { "\($0.1) \(sim.show($0.2))" } == ["missed 11-29 23:00"])
    }

    @Test func doneStopsAllLaterNudges() throws {
        var sim = try Simulation(Self.callMom)
        let at = try sim.t("2026-11-29 19:20")
        sim.run(
            from: try sim.t("2026-11-27 12:00"), to: try sim.t("2026-11-30 00:00"),
            answers: [(at, { s, now in s.done("call-mom", at: now) })])
        #expect(sim.log == ["reminder#0 11-29 18:45", "due#1 11-29 19:00", "follow-up#2 11-29 19:15"])
        #expect(sim.ended.map { "\($0.1)" } == ["kept"])
    }

    @Test func nothingIsBackfilledBeforeFirstSeen() throws {
        var sim = try Simulation(Self.callMom)
        sim.run(from: try sim.t("2026-11-29 19:05"), to: try sim.t("2026-12-06 18:50"))
        // First seen after Sunday's 19:00: the first occurrence is next Sunday's.
        #expect(sim.log == ["reminder#0 12-06 18:45"])
    }

    @Test func snoozeMovesTheNextNudgeWithoutUsingAFollowUp() throws {
        var sim = try Simulation(Self.callMom)
        let at = try sim.t("2026-11-29 19:02")
        let until = try sim.t("2026-11-29 20:00")
        sim.run(
            from: try sim.t("2026-11-29 12:00"), to: try sim.t("2026-11-30 03:00"),
            answers: [(at, { s, _ in s.snooze("call-mom", until: until) })])
        #expect(
            sim.log == [
                "reminder#0 11-29 18:45", "due#1 11-29 19:00", "follow-up#2 11-29 20:00", "follow-up#3 11-29 20:15",
                "follow-up#4 11-29 20:30",
            ])
        // Missed at max(due + 4h, first delivered + 4h, snooze target + follow_up) = 23:00.
        #expect(sim.ended.map { "\($0.1) \(sim.show($0.2))" } == ["missed 11-29 23:00"])
    }

    @Test func neverMissedBeforeTheUserWasToldAndUntoldOnesAreSuperseded() throws {
        var sim = try Simulation(
            """
            [settings]
            timezone = "Europe/Berlin"
            quiet_hours = "22:30-07:30"

            [[commitment]]
            id = "stretch"
            title = "Stretch"
            when = "*:0/30"
            follow_ups = 0
            grace = "10m"
            """)
        sim.run(from: try sim.t("2026-11-27 22:20"), to: try sim.t("2026-11-27 23:50"))
        // Held by quiet hours, 23:00's was never delivered: not missed, but skipped when 23:30's came.
        #expect(sim.log.isEmpty)
        #expect(sim.ended.map { "\($0.1) \($0.3 ?? "")" } == ["skipped superseded", "skipped superseded"])
    }

    @Test func aReminderOvertakenByTheDueNudgeIsDropped() throws {
        var sim = try Simulation(
            """
            [settings]
            timezone = "Europe/Berlin"
            quiet_hours = "22:30-07:45"

            [[commitment]]
            id = "bus"
            title = "Walk Jo to the bus"
            when = "07:40"
            remind_before = "15m"
            follow_ups = 0
            """)
        sim.run(from: try sim.t("2026-11-27 12:00"), to: try sim.t("2026-11-28 08:00"))
        #expect(sim.log == ["due#1 11-28 07:45"])
    }

    @Test func afterDowntimeOneDigestReplacesTheFlood() throws {
        var sim = try Simulation(
            Self.callMom + """

                [[commitment]]
                id = "water"
                title = "Water the plants"
                when = "Sun 18:30"
                follow_ups = 5
                """)
        _ = sim.run(at: try sim.t("2026-11-29 12:00"))
        _ = sim.run(at: try sim.t("2026-11-29 18:30"))
        #expect(sim.log == ["due#0 11-29 18:30"])
        // Asleep from 18:31 to 21:00: the plants' follow-ups and the call's occurrence, started late,
        // come as one digest (one entry each) instead of a flood.
        _ = sim.run(at: try sim.t("2026-11-29 21:00"))
        #expect(sim.log == ["due#0 11-29 18:30", "digest:1 11-29 21:00", "digest:2 11-29 21:00"])
    }

    /// A sleep that ends just after a follow-up's time still counts from the first nudge it kept back: the
    /// due nudge, three minutes late, comes as the digest, not replaced by that follow-up.
    @Test func aSleepPastTheDueNudgeEndsInADigestEvenWhenAFollowUpWasJustDue() throws {
        var sim = try Simulation(
            """
            [settings]
            timezone = "Europe/Berlin"

            [[commitment]]
            id = "tea"
            title = "Make tea for Kim"
            when = "*-*-* 19:21"
            follow_up = "1m"
            follow_ups = 3
            grace = "10m"
            """)
        _ = sim.run(at: try sim.t("2026-11-29 19:20"))
        // Asleep from 19:20:43 to 19:24:28: the due nudge and the follow-ups of 19:22, 19:23 and 19:24 fell
        // due meanwhile; the last was only 28 s late.
        _ = sim.run(at: try sim.t("2026-11-29 19:24") + Span.seconds(28))
        #expect(sim.log == ["digest:1 11-29 19:24"])
    }

    @Test func aRunAMinuteLateDropsTheOvertakenReminderAndSendsTheDueNudge() throws {
        var sim = try Simulation(Self.callMom)
        _ = sim.run(at: try sim.t("2026-11-29 12:00"))
        _ = sim.run(at: try sim.t("2026-11-29 19:01"))
        #expect(sim.log == ["due#1 11-29 19:01"])
    }

    @Test func quietHoursHoldNudgesUntilTheirEndThenTheDueNudgeAndItsFollowUps() throws {
        var sim = try Simulation(
            """
            [settings]
            timezone = "Europe/Berlin"
            quiet_hours = "22:30-07:30"

            [[commitment]]
            id = "pills"
            title = "Take the pills"
            when = "23:00"
            follow_up = "30m"
            follow_ups = 2
            grace = "12h"
            """)
        sim.run(from: try sim.t("2026-11-27 12:00"), to: try sim.t("2026-11-28 09:00"))
        // 23:00's due nudge waited: at 07:30 it goes out as the due nudge, and its follow-ups come at
        // follow_up after it, as many as configured.
        #expect(sim.log == ["due#0 11-28 07:30", "follow-up#1 11-28 08:00", "follow-up#2 11-28 08:30"])
    }

    @Test func criticalPassesQuietHours() throws {
        var sim = try Simulation(
            """
            [settings]
            timezone = "Europe/Berlin"
            quiet_hours = "22:30-07:30"

            [[commitment]]
            id = "pills"
            title = "Take the pills"
            when = "23:00"
            follow_ups = 0
            urgency = "critical"
            """)
        sim.run(from: try sim.t("2026-11-27 12:00"), to: try sim.t("2026-11-27 23:30"))
        #expect(sim.log == ["due#0 11-27 23:00"])
    }

    @Test func checkInsCountCalendarDaysFromTheLastTimeItWasDone() throws {
        var sim = try Simulation(
            """
            [settings]
            timezone = "Europe/Berlin"

            [[commitment]]
            id = "checkin"
            title = "Check in with Sam"
            every = "3d"
            at = "20:00"
            follow_ups = 0
            """)
        // First seen Friday 2026-10-23 12:00: first due at the first 20:00 on or after, the same day.
        let done = try sim.t("2026-10-23 21:10")
        sim.run(
            from: try sim.t("2026-10-23 12:00"), to: try sim.t("2026-10-26 19:59"),
            answers: [(done, { s, now in s.done("checkin", at: now) })])
        // Done Friday 21:10; three calendar days after Friday is Monday (across the DST change of
        // Sunday 25 October), so the next is due Monday 20:00, however late on Friday it was done.
        #expect(sim.log == ["due#0 10-23 20:00"])
        _ = sim.run(at: try sim.t("2026-10-26 20:00"))
        #expect(sim.log == ["due#0 10-23 20:00", "due#0 10-26 20:00"])
        #expect(sim.all[2]?.due == (try sim.t("2026-10-26 20:00")))
    }

    @Test func aOnceHappensOnce() throws {
        var sim = try Simulation(
            """
            [[commitment]]
            id = "dentist"
            title = "Call the dentist"
            once = "2026-12-01 10:00"
            follow_ups = 0
            grace = "1h"
            """)
        sim.run(from: try sim.t("2026-11-30 10:00"), to: try sim.t("2026-12-03 00:00"))
        #expect(sim.log == ["due#0 12-01 10:00"])
        #expect(sim.ended.map { "\($0.1) \(sim.show($0.2))" } == ["missed 12-01 11:00"])
    }

    @Test func aDisabledCommitmentsPendingOccurrenceEndsSkipped() throws {
        var sim = try Simulation(Self.callMom)
        _ = sim.run(at: try sim.t("2026-11-29 12:00"))
        _ = sim.run(at: try sim.t("2026-11-29 19:00"))
        sim.planner.commitments[0].enabled = false
        _ = sim.run(at: try sim.t("2026-11-29 19:05"))
        #expect(sim.ended.map { "\($0.1) \($0.3 ?? "")" } == ["skipped disabled"])
    }

    @Test func aRemovedCommitmentsPendingOccurrenceEndsSkippedAndItsNewDueTimeIsKept() throws {
        var sim = try Simulation(Self.callMom)
        _ = sim.run(at: try sim.t("2026-11-29 12:00"))
        _ = sim.run(at: try sim.t("2026-11-29 19:00"))
        // An edit changes the follow-up: the pending occurrence keeps its due time and takes it.
        sim.planner.commitments[0].followUp = .minutes(5)
        _ = sim.run(at: try sim.t("2026-11-29 19:05"))
        #expect(sim.log.last == "follow-up#2 11-29 19:05")
        #expect(sim.state.pending.values.first?.due == (try sim.t("2026-11-29 19:00")))
        sim.planner.commitments = []
        _ = sim.run(at: try sim.t("2026-11-29 19:06"))
        #expect(sim.ended.map { "\($0.1) \($0.3 ?? "")" } == ["skipped removed"])
    }

    @Test func aPauseSkipsWhatIsPendingAndStartsNothingUntilItEnds() throws {
        var sim = try Simulation(Self.callMom.replacingOccurrences(of: "Sun 19:00", with: "*-*-* 19:00"))
        _ = sim.run(at: try sim.t("2026-11-27 12:00"))
        _ = sim.run(at: try sim.t("2026-11-27 19:00"))
        sim.state.pauses = [
            PlanState.Pause(commitment: nil, since: try sim.t("2026-11-27 19:05"), end: try sim.t("2026-11-29 20:00"))
        ]
        sim.run(from: try sim.t("2026-11-27 19:05"), to: try sim.t("2026-11-30 19:00"))
        #expect(sim.ended.map { "\($0.1) \($0.3 ?? "")" } == ["skipped paused"])
        // Nothing on the 28th or the 29th (19:00 fell inside the pause); the 30th comes as usual.
        #expect(sim.log == ["due#1 11-27 19:00", "reminder#0 11-30 18:45", "due#1 11-30 19:00"])
    }

    @Test func catchUpMissRecordsWhatRanPastItsGraceWhileAway() throws {
        var sim = try Simulation(
            Self.callMom.replacingOccurrences(of: "[settings]\n", with: "[settings]\ncatch_up = \"miss\"\n"))
        _ = sim.run(at: try sim.t("2026-11-29 12:00"))
        // Asleep from 12:01 until the next morning: never told, yet recorded missed at due + grace.
        _ = sim.run(at: try sim.t("2026-11-30 08:00"))
        #expect(sim.log.isEmpty)
        #expect(sim.ended.map { "\($0.1) \(sim.show($0.2))" } == ["missed 11-29 23:00"])

        // With the default catch_up = "nudge", the same night ends in one digest and no miss yet.
        var nudge = try Simulation(Self.callMom)
        _ = nudge.run(at: try nudge.t("2026-11-29 12:00"))
        _ = nudge.run(at: try nudge.t("2026-11-30 08:00"))
        #expect(nudge.log == ["digest:1 11-30 08:00"])
        #expect(nudge.ended.isEmpty)
    }

    @Test func aZoneInWhenIsHonoured() throws {
        var sim = try Simulation(Self.callMom.replacingOccurrences(of: "Sun 19:00", with: "Sun 19:00 America/Chicago"))
        sim.run(from: try sim.t("2026-11-29 12:00"), to: try sim.t("2026-11-30 02:05"))
        // 19:00 in Chicago is 02:00 on Monday in Berlin.
        #expect(sim.log.prefix(2) == ["reminder#0 11-30 01:45", "due#1 11-30 02:00"])
    }
}
