extension Commitment {
    /// The next nudge of a pending occurrence, after those already handled; nil when none is left.
    ///
    /// In order: the reminder (`remind_before` ahead, if the occurrence existed then), the due nudge,
    /// then a follow-up every `follow_up` while `follow_ups` last. A snooze moves the next nudge to its
    /// target without using up a follow-up; the rest follow at `follow_up` after it.
    public func nextNudge(for o: Occurrence) -> PlannedNudge? {
        guard o.isPending else { return nil }
        let seq = o.handled
        let snooze = o.snoozedUntil
        if !o.dueHandled {
            if o.handled == 0, let rb = remindBefore, rb > .zero {
                let r = o.due - rb
                if r >= o.created, snooze.map({ r >= $0 }) ?? true, r < o.due {
                    return PlannedNudge(occurrence: o.id, kind: .reminder, sequence: seq, at: r, usesFollowUp: false)
                }
            }
            let at = max(o.due, snooze ?? o.due)
            return PlannedNudge(occurrence: o.id, kind: .due, sequence: seq, at: at, usesFollowUp: false)
        }
        let last = o.lastNudgeAt ?? o.due
        if let snooze, snooze > last {
            return PlannedNudge(occurrence: o.id, kind: .followUp, sequence: seq, at: snooze, usesFollowUp: false)
        }
        guard o.followUpsUsed < followUps else { return nil }
        var at = last + followUp
        if o.lateBy > .zero {
            // Running late moves the follow-ups: each comes `lateBy` after its time.
            at = max(at, o.due + o.lateBy + Span(microseconds: followUp.microseconds * Int64(o.followUpsUsed + 1)))
        }
        return PlannedNudge(occurrence: o.id, kind: .followUp, sequence: seq, at: at, usesFollowUp: true)
    }

    /// When a pending occurrence counts as missed: max(due + grace, first delivered + grace, last snooze
    /// target + follow_up), the first two moved by `nudge late`. Never before the user was told: nil while
    /// nothing was delivered, unless `catchUpMiss` (settings `catch_up = "miss"`), which records it at
    /// due + grace regardless.
    public func missedAt(_ o: Occurrence, catchUpMiss: Bool = false) -> Instant? {
        guard o.isPending else { return nil }
        var t = o.due + grace + o.lateBy
        if let first = o.firstDelivered {
            t = max(t, first + grace + o.lateBy)
        } else if !catchUpMiss {
            return nil
        }
        if let s = o.snoozedUntil { t = max(t, s + followUp) }
        return t
    }
}

extension Occurrence {
    /// Whether the due nudge (or one after it) has been handled.
    public var dueHandled: Bool { lastNudgeAt.map { $0 >= due } ?? false }

    /// Records that `nudge` was handled (sent, or dropped as overtaken).
    public mutating func handle(_ nudge: PlannedNudge) {
        handled = nudge.sequence + 1
        lastNudgeAt = nudge.at
        if nudge.usesFollowUp { followUpsUsed += 1 }
    }
}
