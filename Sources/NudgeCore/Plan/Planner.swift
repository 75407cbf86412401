/// What the planner knows of the record: per commitment, when it was first seen, its pending
/// occurrence and its last ended one.
public struct PlanState: Sendable {
    public var firstSeen: [CommitmentID: Instant] = [:]
    public var pending: [CommitmentID: Occurrence] = [:]
    public var lastEnded: [CommitmentID: Occurrence] = [:]
    /// Pauses (`nudge pause`), past and present.
    public var pauses: [Pause] = []

    /// A while without nudges: for one commitment, or all (nil).
    public struct Pause: Sendable, Equatable {
        public var commitment: CommitmentID?
        public var since: Instant
        /// The `--until` time, or when it was resumed, whichever came first.
        public var end: Instant

        /// Creates a pause.
        public init(commitment: CommitmentID?, since: Instant, end: Instant) {
            self.commitment = commitment
            self.since = since
            self.end = end
        }

        func covers(_ id: CommitmentID) -> Bool { commitment == nil || commitment == id }
    }

    /// An empty record.
    public init() {}
}

/// Decides, from the config, the record and the clock, what happens now and when to look again.
///
/// Pure: no I/O, no clock of its own. The daemon and `nudge tick` apply the effects (record, send) and
/// call `step` again until it returns no effects, then sleep until `next`.
public struct Planner: Sendable {
    /// Something to do now.
    public enum Effect: Sendable, Equatable {
        /// Record that a commitment was first seen (occurrences start from here; nothing is backfilled).
        case firstSeen(CommitmentID, at: Instant)
        /// Create a pending occurrence; `since` is when it should have started (its reminder time, or
        /// its due time), so a run a moment late still sends the reminder.
        case start(CommitmentID, due: Instant, since: Instant)
        /// End a pending occurrence.
        case end(occurrence: Int64, Outcome, at: Instant, reason: String?)
        /// Send a nudge now, to every channel of the commitment.
        case send(PlannedNudge)
        /// Mark a nudge handled without sending it (overtaken by a later one).
        case drop(PlannedNudge)
        /// After downtime: one "while you were away" digest per channel listing these occurrences; it
        /// counts as each one's due nudge.
        case digest([PlannedNudge])
        /// Record occurrences that fell wholly inside downtime, already ended: skipped "away", or missed
        /// with `catch_up = "miss"` (or a one-off skipped "paused").
        case away(CommitmentID, [Fallen], Outcome)
    }

    /// An occurrence that fell wholly inside downtime: its due time, and when it counts as ended (a
    /// miss at due + grace, an excuse when it is recorded).
    public struct Fallen: Sendable, Equatable {
        public var due: Instant
        public var ended: Instant
        /// Why it was skipped, when not "away".
        public var reason: String? = nil
    }

    public var settings: Settings
    public var commitments: [Commitment]

    /// Nudges later than this were missed by a sleeping machine or stopped daemon: they go out as one
    /// "while you were away" digest.
    public static let downtime = Span.minutes(2)

    /// A planner over a config's commitments.
    public init(settings: Settings, commitments: [Commitment]) {
        self.settings = settings
        self.commitments = commitments
    }

    /// The effects due at `now` and the time of the next thing that will happen.
    public func step(now: Instant, state: PlanState) -> (effects: [Effect], next: Instant?) {
        var effects: [Effect] = []
        var away: [PlannedNudge] = []
        var next: Instant?
        func wake(_ t: Instant?) {
            guard let t else { return }
            if next.map({ t < $0 }) ?? true { next = t }
        }
        for c in commitments {
            let pending = state.pending[c.id]
            guard c.enabled else {
                if let p = pending { effects.append(.end(occurrence: p.id, .skipped, at: now, reason: "disabled")) }
                continue
            }
            guard let firstSeen = state.firstSeen[c.id] else {
                effects.append(.firstSeen(c.id, at: now))
                continue
            }
            // A one-off that fell due inside a pause is never started, but it is recorded.
            if pending == nil, state.lastEnded[c.id] == nil, let fallen = c.pausedOnce(state: state, now: now) {
                effects.append(.away(c.id, [fallen], .skipped))
                continue
            }
            if let pause = c.pause(in: state, at: now) {
                // Skipped from the moment the pause began (or the occurrence, if it started later), however
                // late a run notices.
                if let p = pending {
                    effects.append(.end(occurrence: p.id, .skipped, at: max(pause.since, p.created), reason: "paused"))
                }
                wake(pause.end)
                continue
            }
            // The next occurrence: once it is due, it starts and supersedes the pending one. Nothing due
            // during a pause is started afterwards.
            let upcoming = c.comingDue(state: state, now: now)
            if let p = pending, let missed = c.missedAt(p, catchUpMiss: settings.catchUp == .miss), missed <= now {
                effects.append(.end(occurrence: p.id, .missed, at: missed, reason: nil))
                if c.repair {
                    // One repair nudge at the moment of the miss; in quiet hours it waits for their end.
                    if let end = quietEnd(for: c, at: now) {
                        wake(end)
                    } else {
                        effects.append(
                            .send(
                                PlannedNudge(
                                    occurrence: p.id, kind: .repair, sequence: p.handled, at: missed,
                                    usesFollowUp: false)))
                    }
                }
                continue
            }
            // A repair nudge that waited for the end of quiet hours.
            if c.repair, let e = state.lastEnded[c.id], let owed = owedRepair(e, now: now) {
                if let end = quietEnd(for: c, at: now) {
                    wake(end)
                } else {
                    effects.append(.send(owed))
                }
            }
            // An occurrence starts when its reminder is due (or at its due time without one).
            let lead = c.remindBefore ?? .zero
            if let due = upcoming, due - lead <= now {
                let dues = dueTimes(c, from: due, now: now + lead)
                let start = dues.last ?? due
                if dues.count > 1 {
                    // The ones before the latest fell wholly inside downtime: recorded, not nudged.
                    let miss = settings.catchUp == .miss
                    let fallen = dues.dropLast().suffix(1000).map {
                        Fallen(due: $0, ended: miss ? min($0 + c.grace, now) : now)
                    }
                    effects.append(.away(c.id, fallen, miss ? .missed : .skipped))
                }
                if let p = pending {
                    let outcome: Outcome = p.firstDelivered == nil ? .skipped : .missed
                    effects.append(
                        .end(occurrence: p.id, outcome, at: now, reason: outcome == .skipped ? "superseded" : nil))
                }
                effects.append(.start(c.id, due: start, since: max(start - lead, firstSeen)))
                continue
            }
            wake(upcoming.map { $0 - lead })
            guard let p = pending else { continue }
            wake(c.missedAt(p))
            let due = nudges(c, p, now: now)
            effects += due.drops.map { Effect.drop($0) }
            if let n = due.send {
                if due.away {
                    away.append(
                        PlannedNudge(
                            occurrence: n.occurrence, kind: .digest, sequence: n.sequence, at: n.at,
                            usesFollowUp: n.usesFollowUp))
                } else {
                    effects.append(.send(n))
                }
            }
            wake(due.wait)
        }
        // A commitment taken out of the config ends its pending occurrence; its history stays.
        let known = Set(commitments.map(\.id))
        for (id, p) in state.pending.sorted(by: { $0.key < $1.key }) where !known.contains(id) {
            effects.append(.end(occurrence: p.id, .skipped, at: now, reason: "removed"))
        }
        if !away.isEmpty { effects.append(.digest(away)) }
        return (effects, next)
    }

    /// The due times from `due` (which is not after `now`) up to the latest not after `now`: after
    /// downtime only the latest is started, the others are recorded as fallen inside it.
    func dueTimes(_ c: Commitment, from due: Instant, now: Instant) -> [Instant] {
        var dues = [due]
        while dues.count < 10_000, let n = c.nextDue(afterDue: dues[dues.count - 1], ended: nil), n <= now {
            dues.append(n)
        }
        return dues
    }

    /// What to do about a pending occurrence's nudges now.
    struct DueNudges {
        /// The one nudge to send now, if any.
        var send: PlannedNudge?
        /// Nudges overtaken by `send`, marked handled unsent.
        var drops: [PlannedNudge] = []
        /// Whether `send` is late by more than `downtime`: it goes in the "while you were away" digest.
        var away = false
        /// When to look again for this occurrence.
        var wait: Instant?
    }

    /// The nudges of a pending occurrence due now (DESIGN.md §4.2, 4.8, 4.10).
    ///
    /// On time, the latest of the overdue nudges is sent (a reminder overtaken by the due nudge is
    /// dropped). When they waited for quiet hours to end, or the machine was away, one nudge goes now
    /// in their place and counts as the due nudge (a reminder while the due time is still ahead); its
    /// follow-ups then come at `follow_up` after it, as many as configured. In quiet hours everything
    /// waits (critical ones excepted).
    func nudges(_ c: Commitment, _ p: Occurrence, now: Instant) -> DueNudges {
        guard let first = c.nextNudge(for: p), first.at <= now else {
            return DueNudges(wait: c.nextNudge(for: p)?.at)
        }
        if let end = quietEnd(for: c, at: now) { return DueNudges(wait: end) }
        var o = p
        var overdue: [PlannedNudge] = []
        while let n = c.nextNudge(for: o), n.at <= now, overdue.count < 1000 {
            overdue.append(n)
            o.handle(n)
        }
        let latest = overdue[overdue.count - 1]
        // More than two minutes late from when the first of them should have gone out (the end of quiet
        // hours, if it fell inside): the machine slept or nudge was stopped. Counted from the first (a
        // reminder only when nothing else is overdue: the due nudge overtakes it), not the latest: a sleep
        // that ends just after a follow-up's time kept back the due nudge too.
        let heldBack = overdue.first { $0.kind != .reminder } ?? first
        let away = (c.urgency == .critical ? heldBack.at : shouldHaveGone(heldBack.at)) < now - Self.downtime
        let waited = c.urgency != .critical && shouldHaveGone(first.at) > first.at
        guard away || waited else {
            return DueNudges(send: latest, drops: Array(overdue.dropLast()))
        }
        // One nudge now in place of all that should have gone; a reminder overtaken by its due time is
        // dropped and the due nudge goes instead.
        var drops: [PlannedNudge] = []
        var n = first
        if first.kind == .reminder && p.due <= now {
            var handled = p
            handled.handle(first)
            if let due = c.nextNudge(for: handled) {
                drops = [first]
                n = due
            }
        }
        n.at = now
        return DueNudges(send: n, drops: drops, away: away)
    }

    /// A repair nudge owed for a miss decided in quiet hours (it waited for their end), if not sent yet
    /// and the miss is less than a day old.
    func owedRepair(_ e: Occurrence, now: Instant) -> PlannedNudge? {
        guard e.outcome == .missed, let missed = e.outcomeAt, now - missed < Span.hours(24),
            shouldHaveGone(missed) > missed, (e.lastNudgeAt.map { $0 < missed } ?? true)
        else { return nil }
        return PlannedNudge(occurrence: e.id, kind: .repair, sequence: e.handled, at: now, usesFollowUp: false)
    }

    /// When the quiet hours `now` falls in end, for a commitment whose nudges wait for them (nil when
    /// not in quiet hours, or for critical urgency).
    func quietEnd(for c: Commitment, at now: Instant) -> Instant? {
        guard c.urgency != .critical, let quiet = settings.quietHours else { return nil }
        return quietEnd(quiet, at: now)
    }

    /// When a nudge planned for `at` should have gone out: at once, or when the quiet hours it fell in end.
    func shouldHaveGone(_ at: Instant) -> Instant {
        guard let quiet = settings.quietHours else { return at }
        return quietEnd(quiet, at: at) ?? at
    }

    /// When the quiet hours that `now` falls in end, or nil when `now` is not in quiet hours.
    func quietEnd(_ quiet: QuietHours, at now: Instant) -> Instant? {
        let zone = settings.timezone
        let local = zone.local(now)
        guard let t = TimeOfDay(hour: Int(local.hour), minute: Int(local.minute)), quiet.contains(t) else { return nil }
        var end = LocalDateTime(
            year: local.year, month: local.month, day: local.day, hour: Int64(quiet.end.hour),
            minute: Int64(quiet.end.minute))
        if quiet.end <= t { end.day += 1 }
        return zone.resolve(end.normalized)
    }
}
