/// `nudge rename OLD NEW`: the history of a commitment whose id was changed in the config (or of a
/// promise added from the command line) goes on under the new id.
extension Answers {
    /// Moves OLD's history to NEW; returns how many occurrences moved.
    ///
    /// NEW must be a commitment of the config (edit the id there first) or, for a promise added from
    /// the command line, a free id; OLD must have history and no longer be in the config.
    public func rename(_ old: String, to new: String) throws -> Int {
        guard let from = CommitmentID(old), let to = CommitmentID(new) else {
            throw AnswerError("ids are lowercase letters, digits and '-', starting with a letter", .badInput)
        }
        guard from != to else { throw AnswerError("\(old) is already called that", .badInput) }
        let inConfig = Set(config.commitments.map(\.id))
        let added = try store.addedIDs()
        let history = try store.historyIDs()
        guard history[old] != nil || added.contains(old) else {
            throw AnswerError("the record has no history of \"\(old)\"")
        }
        if inConfig.contains(from) && !added.contains(old) {
            throw AnswerError(
                "\"\(old)\" is still in the config; change its id there first, then run nudge rename \(old) \(new)")
        }
        if added.contains(old) {
            guard !inConfig.contains(to), !added.contains(new) else {
                throw AnswerError("\"\(new)\" is taken; pick another id")
            }
        } else if !inConfig.contains(to) {
            throw AnswerError(
                "no commitment \"\(new)\" in the config; change the id there first, then run nudge rename \(old) \(new)"
            )
        }
        return try store.rename(from, to: to, now: now)
    }

    /// Ids with history in the record that no commitment has now, and whose latest occurrence was due
    /// less than 30 days ago: most likely renamed in the config.
    public func orphans() throws -> [String] {
        let known = Set(config.commitments.map(\.id.rawValue))
        return try store.historyIDs().filter { !known.contains($0.key) && now - $0.value < Span.days(30) }
            .map(\.key).sorted()
    }

    /// A note for each of the `orphans`, as `nudge check` prints it about the config at `path`.
    public func orphanNotes(path: String) throws -> [String] {
        try orphans().map { old in
            "\(path): note: the record holds recent history of \"\(old)\", which no commitment has now; if you "
                + "changed its id, `nudge rename \(old) NEW` carries it over"
        }
    }
}
