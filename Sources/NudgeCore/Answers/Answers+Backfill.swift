extension Answers {
    /// How far before its due time an occurrence can be answered, and a backfill can reach.
    public static let window = Span.hours(24)

    /// `nudge done ID --at T`: keeps the occurrence whose window holds T (DESIGN.md §4.7).
    ///
    /// An occurrence's window runs from 24 h before its due time until it ended (or now). Where windows
    /// overlap, the unanswered one (pending, missed, or the next one not started yet) wins, then the
    /// one due nearest T. A miss becomes kept; one already kept or skipped is left alone (undo first).
    func backfill(_ id: String?, at t: Instant) throws(AnswerError) -> Kept {
        guard t <= now else { throw AnswerError("--at is in the future; done says what already happened", .badInput) }
        let cid = try commitment(id)
        guard let c = config.commitments.first(where: { $0.id == cid }) else {
            throw AnswerError("no commitment \"\(cid)\"")
        }
        var recorded: [Occurrence] = []
        var state = PlanState()
        try record {
            recorded = try store.occurrences(of: cid, holding: t, window: Self.window)
            state = try store.planState()
        }
        let firstSeen = state.firstSeen[cid] ?? now
        guard t >= firstSeen else {
            throw AnswerError(
                "\(cid) was first seen \(TimestampFormat.systemd(firstSeen, zone: zone)); "
                    + "nothing of it can be done before that", .badInput)
        }
        // The next occurrence, not started yet, if its window already holds T.
        var upcoming: Instant?
        if state.pending[cid] == nil,
            let u = c.upcomingDue(pending: nil, lastEnded: state.lastEnded[cid], firstSeen: firstSeen),
            u - Self.window <= t
        {
            upcoming = u
        }
        func unanswered(_ o: Occurrence) -> Bool { o.outcome == nil || o.outcome == .missed }
        let best = recorded.min { a, b in
            if unanswered(a) != unanswered(b) { return unanswered(a) }
            return abs((a.due - t).microseconds) < abs((b.due - t).microseconds)
        }
        if let u = upcoming,
            best.map({ !unanswered($0) || abs((u - t).microseconds) < abs(($0.due - t).microseconds) })
                ?? true
        {
            var occ: Int64 = 0
            try record {
                occ = try store.startEarly(cid, due: u, now: now)
                _ = try store.answer(occ, .kept, at: t, now: now)
            }
            return Kept(commitment: cid, occurrence: occ, due: u, at: t)
        }
        guard let o = best else {
            throw AnswerError(outsideEveryWindow(cid, t, state: state), .badInput)
        }
        switch o.outcome {
        case nil:
            try record {
                guard try store.answer(o.id, .kept, at: t, now: now) else {
                    throw AnswerError("\(cid) was answered meanwhile; see nudge history \(cid)")
                }
            }
            return Kept(commitment: cid, occurrence: o.id, due: o.due, at: t)
        case .missed:
            try record { try store.amendMissToKept(o.id, at: t, now: now) }
            return Kept(commitment: cid, occurrence: o.id, due: o.due, at: t, amendedMiss: o.outcomeAt ?? o.due)
        case .kept?, .skipped?, .renegotiated?:
            let how = o.outcome?.rawValue ?? "answered"
            let when = o.outcomeAt.map { TimestampFormat.systemd($0, zone: zone) } ?? "?"
            throw AnswerError(
                "the one due \(TimestampFormat.systemd(o.due, zone: zone)) was already \(how) at \(when); "
                    + "`nudge undo \(cid)` takes that back first")
        }
    }

    /// The one commitment an id (or unique prefix) names; with none, the one pending.
    public func commitment(_ id: String?) throws(AnswerError) -> CommitmentID {
        guard let id else {
            let pending = (try? store.pending()) ?? []
            guard pending.count == 1 else {
                throw AnswerError(
                    pending.isEmpty ? "nothing is pending; name the promise" : "several are pending; name one")
            }
            return pending[0].commitment
        }
        let matches = AnswerTarget.matching(
            id, in: config.commitments.map(\.id), makeUps: (try? store.linked()) ?? [:])
        guard matches.count == 1 else {
            var hint = ""
            if matches.isEmpty, let near = Suggest.closest(to: id, in: config.commitments.map(\.id.rawValue)) {
                hint = "; did you mean \"\(near)\"?"
            }
            throw AnswerError(
                matches.isEmpty
                    ? "no commitment \"\(id)\"\(hint)"
                    : "\"\(id)\" matches several commitments: " + matches.map(\.rawValue).joined(separator: ", "))
        }
        return matches[0]
    }

    /// The refusal for a time no occurrence's window holds, naming the nearest windows.
    func outsideEveryWindow(_ cid: CommitmentID, _ t: Instant, state: PlanState) -> String {
        var text = "\(TimestampFormat.systemd(t, zone: zone)) is in no window of \(cid)"
        if let last = state.pending[cid] ?? state.lastEnded[cid] {
            let end = last.outcomeAt ?? now
            text +=
                "; the one due \(TimestampFormat.systemd(last.due, zone: zone)) could be answered from "
                + "\(TimestampFormat.systemd(last.due - Self.window, zone: zone)) to "
                + "\(TimestampFormat.systemd(end, zone: zone))"
        }
        return text + " (an occurrence is answered from 24 h before it is due until it ends)"
    }
}
