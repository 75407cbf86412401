/// Which occurrence a `done`, `skip` or `snooze` is about (DESIGN.md §4.5–4.6).
public enum AnswerTarget: Equatable {
    /// A pending occurrence.
    case pending(Occurrence)
    /// Nothing pending for the commitment, but its next occurrence is due within 24 h ("done early").
    case early(CommitmentID, due: Instant)
    /// Nothing to act on; the message says why (and when the next one is).
    case nothing(String)
    /// Several candidates: the message lists them.
    case several(String)

    /// How far ahead an answer may reach ("done early").
    public static let earlyWindow = Span.hours(24)

    /// The ids an argument names: the exact one, else every one it is a prefix of; a make-up whose commitment
    /// is named too goes with it (`call` names `call-mom`, not also `call-mom-make-up`).
    public static func matching(
        _ id: String, in ids: [CommitmentID], makeUps: [CommitmentID: CommitmentID] = [:]
    ) -> [CommitmentID] {
        let named =
            ids.contains { $0.rawValue == id }
            ? ids.filter { $0.rawValue == id } : ids.filter { $0.rawValue.hasPrefix(id) }
        guard !makeUps.isEmpty else { return named }
        let set = Set(named)
        return named.filter { makeUps[$0].map { !set.contains($0) } ?? true }
    }

    /// Resolves an id (exact, else a unique prefix) or, with none, the single pending occurrence.
    ///
    /// With nothing pending for the commitment: when its latest ended occurrence is due nearer to now
    /// than the next one (a tie counts as nearer), the answer would surely be about that one, so
    /// nothing is done and the message says how it ended (`next` answers the next one instead);
    /// otherwise the next one is answered early if it is due within 24 h (DESIGN.md §4.5).
    public static func resolve(
        _ id: String?, pending: [Occurrence], commitments: [Commitment], state: PlanState, now: Instant, zone: Zone,
        verb: String = "done", next: Bool = false, makeUps: [CommitmentID: CommitmentID] = [:]
    ) -> AnswerTarget {
        guard let id else {
            switch pending.count {
            case 0: return .nothing("nothing is pending")
            case 1: return .pending(pending[0])
            default:
                let list = pending.map { "  \($0.commitment)  due \(TimestampFormat.systemd($0.due, zone: zone))" }
                return .several("several promises are pending; name one:\n" + list.joined(separator: "\n"))
            }
        }
        let ids = commitments.map(\.id)
        let matches = matching(id, in: ids, makeUps: makeUps)
        guard let cid = matches.first else {
            var hint = ""
            if let near = Suggest.closest(to: id, in: ids.map(\.rawValue)) { hint = "; did you mean \"\(near)\"?" }
            return .nothing("no commitment \"\(id)\"\(hint)")
        }
        if matches.count > 1 {
            return .several("\"\(id)\" matches several commitments: " + matches.map(\.rawValue).joined(separator: ", "))
        }
        // Its own pending occurrence or a make-up of it, whichever is due nearer to now.
        let candidates = pending.filter { $0.commitment == cid || makeUps[$0.commitment] == cid }
        if let o = candidates.min(by: { abs(($0.due - now).microseconds) < abs(($1.due - now).microseconds) }) {
            return .pending(o)
        }
        // A make-up or a moved one of it coming due within 24 h is answered early.
        let linked = commitments.filter { makeUps[$0.id] == cid }.compactMap { l in
            l.upcomingDue(pending: nil, lastEnded: state.lastEnded[l.id], firstSeen: state.firstSeen[l.id] ?? now)
                .map { (l.id, $0) }
        }
        if let (l, due) = linked.min(by: { $0.1 < $1.1 }), due <= now + earlyWindow { return .early(l, due: due) }
        guard let c = commitments.first(where: { $0.id == cid }) else { return .nothing("no commitment \"\(id)\"") }
        let ended = state.lastEnded[cid]
        let upcoming = c.upcomingDue(pending: nil, lastEnded: ended, firstSeen: state.firstSeen[cid] ?? now)
        if !next, let e = ended, let outcome = e.outcome,
            upcoming.map({ abs((now - e.due).microseconds) <= abs(($0 - now).microseconds) }) ?? true
        {
            let at = TimestampFormat.clock(e.outcomeAt ?? e.due, zone: zone, now: now)
            let ahead = upcoming.map {
                "`nudge \(verb) \(cid) --next` answers the one due \(TimestampFormat.clock($0, zone: zone, now: now))"
            }
            switch outcome {
            case .missed:
                return .nothing(
                    "\(cid) was missed at \(at); `nudge repair \(cid) --at WHEN` makes up for it, "
                        + "`nudge done \(cid) --at TIME` if you did it before then")
            case .kept, .skipped, .renegotiated:
                return .nothing(
                    "\(cid) was already \(outcome.rawValue) at \(at)" + (ahead.map { "; " + $0 } ?? ""))
            }
        }
        guard let due = upcoming else { return .nothing("\(cid) has nothing pending and nothing ahead") }
        if due <= now + earlyWindow { return .early(cid, due: due) }
        return .nothing("\(cid) has nothing pending; the next is due \(TimestampFormat.systemd(due, zone: zone))")
    }
}
