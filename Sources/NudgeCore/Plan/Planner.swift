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
            if let pause = state.pauses.first(where: { $0.covers(c.id) && $0.since <= now && now < $0.end }) {
                if let p = pending { effects.append(.end(occurrence: p.id, .skipped, at: now, reason: "paused")) }
                wake(pause.end)
                continue
            }
            // The next occurrence: once it is due, it starts and supersedes the pending one.
            var upcoming = c.upcomingDue(pending: pending, lastEnded: state.lastEnded[c.id], firstSeen: firstSeen)
            // Nothing due during a pause is started afterwards.
            if let u = upcoming, let floor = state.pauses.filter({ $0.covers(c.id) && $0.end <= now }).map(\.end).max(),
                u < floor
            {
                upcoming = c.firstDue(firstSeen: floor)
            }
            if let p = pending, let missed = c.missedAt(p, catchUpMiss: settings.catchUp == .miss), missed <= now {
                effects.append(.end(occurrence: p.id, .missed, at: missed, reason: nil))
                if c.repair {
                    // One repair nudge at the moment of the miss.
                    effects.append(
                        .send(
                            PlannedNudge(
                                occurrence: p.id, kind: .repair, sequence: p.handled, at: missed, usesFollowUp: false)))
                }
                continue
            }
            // An occurrence starts when its reminder is due (or at its due time without one).
            let lead = c.remindBefore?.microseconds ?? 0
            if let due = upcoming, due + -lead <= now {
                let start = latestDue(c, from: due, now: now + lead)
                if let p = pending {
                    let outcome: Outcome = p.firstDelivered == nil ? .skipped : .missed
                    effects.append(
                        .end(occurrence: p.id, outcome, at: now, reason: outcome == .skipped ? "superseded" : nil))
                }
                effects.append(.start(c.id, due: start, since: max(start + -lead, firstSeen)))
                continue
            }
            wake(upcoming.map { $0 + -lead })
            guard let p = pending else { continue }
            wake(c.missedAt(p))
            let (e, w) = nudges(c, p, now: now)
            for effect in e {
                // Overdue by more than two minutes from when it should have gone out (the end of quiet
                // hours, if it fell inside): the machine slept or nudge was stopped.
                if case .send(let n) = effect, shouldHaveGone(n.at) < now + -Self.downtime.microseconds {
                    away.append(
                        PlannedNudge(
                            occurrence: n.occurrence, kind: .digest, sequence: n.sequence, at: n.at,
                            usesFollowUp: n.usesFollowUp))
                } else {
                    effects.append(effect)
                }
            }
            wake(w)
        }
        // A commitment taken out of the config ends its pending occurrence; its history stays.
        let known = Set(commitments.map(\.id))
        for (id, p) in state.pending.sorted(by: { $0.key < $1.key }) where !known.contains(id) {
            effects.append(.end(occurrence: p.id, .skipped, at: now, reason: "removed"))
        }
        if !away.isEmpty { effects.append(.digest(away)) }
        return (effects, next)
    }

    /// The latest due time not after `now`, starting from one that is: after downtime only the most
    /// recent occurrence is started.
    func latestDue(_ c: Commitment, from due: Instant, now: Instant) -> Instant {
        var latest = due
        var steps = 0
        while steps < 10_000, let n = c.nextDue(afterDue: latest, ended: nil), n <= now {
            latest = n
            steps += 1
        }
        return latest
    }

    /// The nudges of a pending occurrence due now: only the latest of several overdue ones is sent, the
    /// others are dropped; in quiet hours they wait (critical ones excepted).
    func nudges(_ c: Commitment, _ p: Occurrence, now: Instant) -> ([Effect], Instant?) {
        var o = p
        var overdue: [PlannedNudge] = []
        while let n = c.nextNudge(for: o), n.at <= now, overdue.count < 1000 {
            overdue.append(n)
            o.handle(n)
        }
        guard let latest = overdue.last else { return ([], c.nextNudge(for: p)?.at) }
        if c.urgency != .critical, let quiet = settings.quietHours, let end = quietEnd(quiet, at: now) {
            return ([], end)
        }
        var effects = overdue.dropLast().map { Effect.drop($0) }
        // A reminder overtaken by the due nudge is simply dropped.
        effects.append(.send(latest))
        return (effects, nil)
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
