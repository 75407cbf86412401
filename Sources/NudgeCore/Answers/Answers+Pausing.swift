/// `nudge pause` and `nudge resume`: a while without nudges, for one commitment or for everything
/// (DESIGN.md §4.11), recorded so reports show it.
extension Answers {
    /// Pauses one commitment (id or unique prefix), or everything (nil), until `until`.
    public func pause(_ id: String?, until: Instant) throws -> CommitmentID? {
        guard until > now else { throw AnswerError("--until is not in the future", .badInput) }
        let cid = try id.map { try commitment($0) }
        try store.pause(cid, since: now, until: until)
        return cid
    }

    /// `nudge pause [ID] --until WHEN` as typed: the commitment (nil: everything) and the end.
    public func pause(_ id: String?, until text: String) throws -> (CommitmentID?, Instant) {
        let end = try moment(text, .future)
        return (try pause(id, until: end), end)
    }

    /// Ends the pause in force of one commitment, or of everything (nil); says why not when there is
    /// none, naming the pauses that are in force.
    public func resume(_ id: String?) throws -> CommitmentID? {
        let cid = try id.map { try commitment($0) }
        if try store.resume(cid, now: now) > 0 { return cid }
        let state = try store.planState()
        let zone = config.settings.timezone
        let inForce = state.pauses.filter { $0.since <= now && now < $0.end }
        let everything = inForce.filter { $0.commitment == nil }.map(\.end).max()
        if let cid {
            if let end = everything {
                throw AnswerError(
                    "\(cid) has no pause of its own; everything is paused until "
                        + "\(TimestampFormat.systemd(end, zone: zone)): `nudge resume` ends that")
            }
            throw AnswerError("\(cid) is not paused")
        }
        let single = inForce.compactMap(\.commitment).map(\.rawValue)
        if single.isEmpty { throw AnswerError("nothing is paused") }
        throw AnswerError(
            "everything is not paused, only: \(Set(single).sorted().joined(separator: ", ")); "
                + "`nudge resume ID` ends one")
    }
}
