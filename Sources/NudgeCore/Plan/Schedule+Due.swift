extension Commitment {
    /// When the first occurrence falls due, for a commitment first seen at `firstSeen`; nothing is
    /// backfilled, so a calendar time exactly at `firstSeen` counts but none before it.
    public func firstDue(firstSeen: Instant) -> Instant? {
        switch schedule {
        case .calendar(let specs, let zone):
            return Self.earliest(specs, zone: zone, after: firstSeen + -1)
        case .once(let instant):
            return instant >= firstSeen ? instant : nil
        case .every(let span, let at, let zone):
            return Self.checkIn(from: firstSeen, every: span, at: at, zone: zone, addCadence: at == nil)
        }
    }

    /// When the occurrence after one due at `due` and ended at `ended` falls due (nil: none).
    ///
    /// Calendar commitments go by the calendar; a check-in is due `every` after the previous one ended
    /// (in calendar days when `every` is whole days, so it keeps its wall-clock time across DST), at the
    /// first `at` on or after that.
    public func nextDue(afterDue due: Instant, ended: Instant?) -> Instant? {
        switch schedule {
        case .calendar(let specs, let zone):
            return Self.earliest(specs, zone: zone, after: due)
        case .once:
            return nil
        case .every(let span, let at, let zone):
            guard let ended else { return nil }
            return Self.checkIn(from: ended, every: span, at: at, zone: zone, addCadence: true)
        }
    }

    /// When the next occurrence falls due, given the record: after the pending one, else after the
    /// last ended one, else the first since the commitment was first seen.
    public func upcomingDue(pending: Occurrence?, lastEnded: Occurrence?, firstSeen: Instant) -> Instant? {
        if let p = pending { return nextDue(afterDue: p.due, ended: nil) }
        if let e = lastEnded { return nextDue(afterDue: e.due, ended: e.outcomeAt) }
        return firstDue(firstSeen: firstSeen)
    }

    static func earliest(_ specs: [CalendarSpec], zone: Zone, after instant: Instant) -> Instant? {
        var best: Instant?
        for spec in specs {
            if let n = spec.next(after: instant, localZone: zone), n < (best ?? n + 1) { best = n }
        }
        return best
    }

    /// `start` plus the cadence (calendar days for whole days), then the first `at` on or after it; with
    /// whole days and `at`, `at` on the day that many days after `start`.
    static func checkIn(from start: Instant, every span: Span, at: TimeOfDay?, zone: Zone, addCadence: Bool) -> Instant
    {
        // Whole days with a time of day count calendar days: due at `at` on the day `every` days after the
        // day it ended, however late that day it was answered (done Tue 21:05, 3d at 21:00 → Fri 21:00).
        if addCadence, let at, let days = span.wholeDays {
            let local = zone.local(start)
            let day = LocalDateTime(
                year: local.year, month: local.month, day: local.day + Int64(days), hour: Int64(at.hour),
                minute: Int64(at.minute))
            return zone.resolve(day.normalized)
        }
        var t = start
        if addCadence {
            if let days = span.wholeDays {
                var local = zone.local(start)
                local.day += Int64(days)
                t = zone.resolve(local.normalized)
            } else {
                t = start + span
            }
        }
        guard let at else { return t }
        var local = zone.local(t)
        let wanted = LocalDateTime(
            year: local.year, month: local.month, day: local.day, hour: Int64(at.hour), minute: Int64(at.minute))
        var candidate = zone.resolve(wanted)
        if candidate < t {
            local = LocalDateTime(
                year: local.year, month: local.month, day: local.day + 1, hour: Int64(at.hour), minute: Int64(at.minute)
            )
            candidate = zone.resolve(local.normalized)
        }
        return candidate
    }
}

extension Commitment {
    /// When the next occurrence will start, as the planner decides it: after the pending or last ended
    /// one (or first seen), never inside a pause, and nothing due during an ended pause started
    /// afterwards (it resumes at the first due time on or after the pause's end).
    ///
    /// `nudge status`, `nudge list` and the planner share this, so they agree at every moment.
    public func comingDue(state: PlanState, now: Instant) -> Instant? {
        guard enabled else { return nil }
        let firstSeen = state.firstSeen[id] ?? now
        var due = upcomingDue(pending: state.pending[id], lastEnded: state.lastEnded[id], firstSeen: firstSeen)
        let pauses = state.pauses.filter { $0.covers(id) && $0.since <= now }
        // The latest end of a pause that has begun (ended, or in force now).
        if let d = due, let floor = pauses.map(\.end).max(), d < floor, pauses.contains(where: { $0.since <= d }) {
            due = firstDue(firstSeen: floor)
        }
        return due
    }

    /// A one-off whose due time (not after `now`) fell inside a pause that had begun by then, when it was
    /// known before it fell due: recorded as skipped "paused", since it never comes again.
    public func pausedOnce(state: PlanState, now: Instant) -> Planner.Fallen? {
        guard case .once(let due) = schedule, due <= now, let seen = state.firstSeen[id], seen <= due,
            state.pauses.contains(where: { $0.covers(id) && $0.since <= due && due < $0.end })
        else { return nil }
        return Planner.Fallen(due: due, ended: due, reason: "paused")
    }

    /// The pause in force for this commitment at `now`, if any (the one that ends last).
    public func pause(in state: PlanState, at now: Instant) -> PlanState.Pause? {
        state.pauses.filter { $0.covers(id) && $0.since <= now && now < $0.end }.max { $0.end < $1.end }
    }
}
