import Foundation

/// Promises made from the command line (`nudge add`, `remove`, `repair`) and taking an answer back
/// (`nudge undo`).
extension Answers {
    /// A promise added.
    public struct Added: Sendable, Equatable {
        public var id: CommitmentID
        public var title: String
        public var due: Instant
        /// For a make-up, the due time of the miss it repairs.
        public var repairs: Instant?
    }

    /// `nudge add TITLE --at WHEN [--id ID] [--with WHO] [--remind-before SPAN]`.
    public func add(_ title: String, due: Instant, id: String?, with: String?, remindBefore: Span?)
        throws(AnswerError) -> Added
    {
        guard !title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw AnswerError("the title is empty; say what you promised", .badInput)
        }
        for (field, text) in [("title", title), ("with", with)] {
            if let text, let problem = TextRules.problem(text, field: field) {
                throw AnswerError("\(problem); \(TextRules.hint(field: field))", .badInput)
            }
        }
        let taken = try takenIDs()
        let cid: CommitmentID
        if let id {
            guard let valid = CommitmentID(id) else {
                throw AnswerError(
                    "id \"\(id)\" must be lowercase letters, digits and '-', starting with a letter", .badInput)
            }
            guard !taken.contains(id) else { throw AnswerError("id \"\(id)\" is already used", .badInput) }
            cid = valid
        } else {
            cid = Self.freshID(from: title, taken: taken)
        }
        try record { try store.add(id: cid, title: title, with: with, due: due, remindBefore: remindBefore, now: now) }
        return Added(id: cid, title: title, due: due)
    }

    /// `nudge add TITLE --at WHEN …` as typed.
    public func add(_ title: String, at text: String, id: String?, with: String?, remindBefore: String?)
        throws(AnswerError) -> Added
    {
        let due = try moment(text, .future)
        let remind = try remindBefore.map { t throws(AnswerError) in
            try Self.reading { () throws(Input.Refusal) in try Input.span(t, what: "--remind-before") }
        }
        return try add(title, due: due, id: id, with: with, remindBefore: remind)
    }

    /// `nudge remove ID`: takes back a promise added from the command line; its history stays.
    public func remove(_ id: String) throws(AnswerError) -> CommitmentID {
        var removed = false
        if let cid = CommitmentID(id) { try record { removed = try store.removeAdded(cid, now: now) } }
        guard removed, let cid = CommitmentID(id) else {
            throw AnswerError("no promise \"\(id)\" was added from the command line")
        }
        return cid
    }

    /// `nudge repair ID --at WHEN`: a one-off make-up linked to the commitment's last miss; keeping it
    /// repairs the miss (which stays a miss).
    public func repair(_ id: String, at due: Instant) throws(AnswerError) -> Added {
        let cid = try commitment(id)
        guard let c = config.commitments.first(where: { $0.id == cid }) else {
            throw AnswerError("no commitment \"\(id)\"")
        }
        var miss: Occurrence?
        try record { miss = try store.lastMiss(c.id) }
        guard let miss else { throw AnswerError("\(c.id) has no recorded miss to repair") }
        let makeUp = Self.freshID(from: "\(c.id.rawValue)-make-up", taken: try takenIDs())
        let title = "\(c.title) (make-up)"
        try record {
            try store.add(
                id: makeUp, title: title, with: c.with, due: due, remindBefore: c.remindBefore, now: now,
                repairOf: miss.id)
        }
        return Added(id: makeUp, title: title, due: due, repairs: miss.due)
    }

    /// An answer taken back, and the outcome the occurrence had before it (nil: pending again).
    public struct Undone: Sendable, Equatable {
        public var commitment: CommitmentID
        public var outcome: Outcome?
    }

    /// `nudge undo [ID]`: takes back the last answer given in the last 24 hours.
    public func undo(_ id: String?) throws(AnswerError) -> Undone {
        let cid = try id.map { id throws(AnswerError) in try commitment(id) }
        var undone: (Occurrence, Outcome?)?
        try record {
            // A commitment's id reaches its make-ups too.
            let ids = try cid.map { cid in [cid] + (try store.linked()).filter { $0.value == cid }.map(\.key) }
            undone = try store.undo(since: now - AnswerTarget.earlyWindow, commitments: ids, now: now)
        }
        guard let (o, old) = undone else {
            throw AnswerError("no answer in the last 24 hours to take back")
        }
        return Undone(commitment: o.commitment, outcome: old)
    }

    /// The ids in use: the config's and every one ever added.
    func takenIDs() throws(AnswerError) -> Set<String> {
        var added: Set<String> = []
        try record { added = try store.addedIDs() }
        return Set(config.commitments.map(\.id.rawValue)).union(added)
    }

    /// An id made from the title ("Call Sam back" → "call-sam-back"), unique among `taken`.
    public static func freshID(from title: String, taken: Set<String>) -> CommitmentID {
        var base = CommitmentID.slug(title, limit: 24)
        if CommitmentID(base) == nil { base = "promise" }
        var candidate = base
        var n = 2
        while taken.contains(candidate) {
            candidate = "\(base)-\(n)"
            n += 1
        }
        // Lowercase letters, digits and '-', starting with a letter: valid by construction.
        return CommitmentID(made: candidate)
    }
}
