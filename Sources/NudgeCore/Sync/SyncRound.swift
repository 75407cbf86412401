import Foundation

/// What an occurrence's VTODO says about it: still open, or answered (how, when, where).
public struct SyncState: Sendable, Equatable {
    /// nil: open (NEEDS-ACTION).
    public var outcome: Outcome?
    public var at: Instant?
    /// The machine (or "phone") that answered.
    public var device: String?

    public static let open = SyncState(outcome: nil, at: nil, device: nil)

    /// How it is kept in `sync_item.written`: "open", or "kept 1796000000000000".
    public var text: String {
        guard let outcome else { return "open" }
        return "\(outcome.rawValue) \(at?.microseconds ?? 0)"
    }

    /// Whether two states say the same answer (the device does not matter).
    func same(_ other: SyncState) -> Bool { text == other.text }

    /// What a VTODO says. STATUS decides, since a task app changes only it: NEEDS-ACTION is open (ticked
    /// back, or undone), COMPLETED kept, CANCELLED skipped. nudge's own X-NUDGE-OUTCOME and ANSWERED-AT
    /// refine it where they agree with STATUS (missed and renegotiated are CANCELLED too); where they do not,
    /// someone else changed it: kept at COMPLETED, skipped at the last change.
    init(_ todo: VTodo) {
        let ours = todo.nudge["OUTCOME"].flatMap(Outcome.init(rawValue:))
        let at = todo.nudge["ANSWERED-AT"].flatMap { Int64($0) }.map(Instant.init(microseconds:))
        let device = todo.nudge["DEVICE"]
        switch todo.status {
        case .needsAction, .inProcess:
            self.init(outcome: nil, at: nil, device: nil)
        case .completed where ours == .kept:
            self.init(outcome: .kept, at: at ?? todo.completed ?? todo.stamp, device: device)
        case .completed:
            self.init(outcome: .kept, at: todo.completed ?? todo.stamp, device: ours == nil ? device : "elsewhere")
        case .cancelled where ours != nil && ours != .kept:
            self.init(outcome: ours, at: at ?? todo.stamp, device: device)
        case .cancelled:
            self.init(outcome: .skipped, at: todo.stamp, device: ours == nil ? device : "elsewhere")
        }
    }

    public init(outcome: Outcome?, at: Instant?, device: String?) {
        self.outcome = outcome
        self.at = at
        self.device = device
    }
}

/// One round of `nudge sync` (DESIGN.md §10): every occurrence of the last 30 and next 7 days is one VTODO
/// in the collection; what was answered elsewhere is adopted here, what was answered here is written
/// there, first outcome on the server wins.
public struct SyncRound {
    public let config: Config
    public let store: Store
    public let client: DAVClient
    public let now: Instant

    /// How far back ended occurrences stay on the server, and how far ahead occurrences are put there.
    public static let keep = Span.days(30)
    public static let ahead = Span.days(7)

    /// What a round did.
    public struct Summary: Sendable, Equatable {
        /// VTODOs created or rewritten on the server.
        public var pushed = 0
        /// Answers given elsewhere and recorded here, as "kept call-mom (due …) on phone".
        public var adopted: [String] = []
        /// Old VTODOs deleted.
        public var deleted = 0
    }

    public init(config: Config, store: Store, client: DAVClient, now: Instant) {
        self.config = config
        self.store = store
        self.client = client
        self.now = now
    }

    /// This machine's name on the server.
    var device: String { config.sync?.device ?? "nudge" }

    /// Where the VTODO of `uid` is in the collection.
    func href(_ uid: String) -> String { client.path(client.collection) + uid + ".ics" }

    /// The VTODO of a resource's text, when it is one nudge can read.
    func read(_ data: String) -> VTodo? { try? ICalendar.todos(data, zone: config.settings.timezone).first }

    /// An occurrence to share: recorded (with its id) or only foreseen.
    struct Item {
        var commitment: Commitment
        var due: Instant
        var occurrence: Occurrence?
        /// Added with `nudge add`: its definition travels in the VTODO.
        var added = false
        /// When it was removed here (`nudge remove`): skipped everywhere from then.
        var removed: Instant? = nil

        var uid: String { SyncRound.uid(commitment.id, due) }
        var state: SyncState {
            guard let o = occurrence, let outcome = o.outcome else {
                return removed.map { SyncState(outcome: .skipped, at: $0, device: nil) } ?? .open
            }
            return SyncState(outcome: outcome, at: o.outcomeAt, device: nil)
        }
    }

    /// The same on every machine, and no id in clear: a hash of the commitment id and the due instant.
    public static func uid(_ id: CommitmentID, _ due: Instant) -> String {
        func fnv(_ seed: UInt64) -> UInt64 {
            var h = seed
            for b in "\(id.rawValue)@\(due.microseconds)".utf8 {
                h ^= UInt64(b)
                h = h &* 0x100_0000_01b3
            }
            return h
        }
        let hex = [fnv(0xcbf2_9ce4_8422_2325), fnv(0x8422_2325_cbf2_9ce4)].map {
            let s = String($0, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        return "nudge-" + hex.joined()
    }

    /// Every occurrence to share: those recorded in the last 30 days, and each commitment's next ones in the
    /// coming 7.
    func items() throws -> [Item] {
        var out: [String: Item] = [:]
        // Promises removed with `nudge remove` are shared as skipped, so that no other machine nudges them.
        let removed = try store.removedAdded(settings: config.settings)
        let removedAt = Dictionary(removed.map { ($0.0.id, $0.1) }, uniquingKeysWith: { a, _ in a })
        let byID = Dictionary(
            (config.commitments + removed.map(\.0)).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let recorded = try store.occurrences(dueSince: now - Self.keep)
        let added = try store.addedIDs()
        for o in recorded {
            guard let c = byID[o.commitment] else { continue }
            var item = Item(commitment: c, due: o.due, occurrence: o, added: added.contains(c.id.rawValue))
            item.removed = removedAt[c.id]
            out[item.uid] = item
        }
        for (c, at) in removed {
            guard case .once(let due) = c.schedule, due >= now - Self.keep else { continue }
            let item = Item(commitment: c, due: due, occurrence: nil, added: true, removed: at)
            if out[item.uid] == nil { out[item.uid] = item }
        }
        let state = try store.planState()
        for c in config.commitments where c.enabled {
            var due = c.upcomingDue(
                pending: state.pending[c.id], lastEnded: state.lastEnded[c.id], firstSeen: state.firstSeen[c.id] ?? now)
            var count = 0
            while let d = due, d <= now + Self.ahead, count < 50 {
                let item = Item(commitment: c, due: d, occurrence: nil, added: added.contains(c.id.rawValue))
                if out[item.uid] == nil { out[item.uid] = item }
                // A check-in's next due depends on when this one is answered: only the first is foreseen.
                if case .every = c.schedule { break }
                due = c.nextDue(afterDue: d, ended: nil)
                count += 1
            }
        }
        return out.values.sorted { ($0.due, $0.commitment.id.rawValue) < ($1.due, $1.commitment.id.rawValue) }
    }

    /// The VTODO of an item in a state.
    func todo(_ item: Item, _ state: SyncState, sequence: Int, keeping old: VTodo?) -> VTodo {
        let c = item.commitment
        let planner = Planner(settings: config.settings, commitments: [])
        var alarms = [item.due]
        if let before = c.remindBefore { alarms.insert(item.due - before, at: 0) }
        alarms = alarms.map { c.urgency == .critical ? $0 : planner.shouldHaveGone($0) }
        var marks: [String: String] = ["DEVICE": device]
        // Who sends which mail and hook stays, whoever rewrites the VTODO.
        for (key, value) in old?.nudge ?? [:] where key.hasPrefix("CLAIM-") { marks[key] = value }
        if item.added && !c.isPrivate {
            // Added on this machine: the others add it too.
            marks["ADDED-ID"] = c.id.rawValue
            // DUE is in whole seconds; the UID hashes the due instant to the microsecond.
            marks["ADDED-DUE"] = String(item.due.microseconds)
            if let with = c.with { marks["ADDED-WITH"] = with }
            if let before = c.remindBefore { marks["ADDED-REMIND"] = String(before.microseconds / 1_000_000) }
            // A make-up or a moved one stays its commitment's on every machine.
            if let link = try? store.addedLink(of: c.id) { marks["ADDED-LINK"] = link }
        }
        if let outcome = state.outcome {
            marks["OUTCOME"] = outcome.rawValue
            if let at = state.at { marks["ANSWERED-AT"] = String(at.microseconds) }
            if let device = state.device { marks["DEVICE"] = device }
        }
        let status: VTodo.Status
        switch state.outcome {
        case nil: status = .needsAction
        case .kept: status = .completed
        default: status = .cancelled
        }
        return VTodo(
            uid: item.uid, summary: c.isPrivate ? "A promise" : c.title,
            description: c.isPrivate
                ? nil : "Tick it off here when it is done, or on a computer: nudge done \(c.id.rawValue)",
            due: item.due, status: status, completed: state.outcome == .kept ? state.at : nil, alarms: alarms,
            stamp: now, sequence: sequence, nudge: marks, extra: old?.extra ?? [])
    }

    /// Runs the round and records how it went (for `status`). Throws when the server cannot be reached or
    /// refuses; nothing local is lost then, and the next round writes what is queued.
    public func run() throws -> Summary {
        do {
            let summary = try round()
            try? store.recordSyncRound(at: now, ok: true, message: nil)
            return summary
        } catch let error as SyncError {
            try? store.recordSyncRound(at: now, ok: false, message: error.message)
            throw error
        }
    }

    func round() throws -> Summary {
        var summary = Summary()
        try client.ensureCollection()
        let remote = try client.list()
        let known = try store.syncItems()
        let items = try items()
        // Read what changed on the server since this machine last saw it.
        let changed = items.compactMap { item -> String? in
            let h = href(item.uid)
            guard let etag = remote[h] else { return nil }
            return etag == known[item.uid]?.etag ? nil : h
        }
        // VTODOs no item here has: promises added on other machines.
        let hrefs = Set(items.map { href($0.uid) }).union(known.keys.map(href))
        let strangers = remote.keys.filter { !hrefs.contains($0) }
        let fetched = try client.fetch(changed + strangers.sorted())
        for item in items {
            let h = href(item.uid)
            let mine = item.state
            var record = known[item.uid]
            var serverTodo = fetched[h].flatMap { read($0.data) }
            var serverEtag = fetched[h].flatMap { $0.etag.isEmpty ? nil : $0.etag } ?? remote[h]
            // Changed on the server since this machine last knew it. An outcome there wins: the first one
            // written, or a later change made on purpose (the phone cancelled what was kept). Back to open (an
            // undo, a task ticked back) wins only where nothing was answered here since.
            if let todo = serverTodo {
                let theirs = SyncState(todo)
                let answeredHere = record.map { $0.written != mine.text } ?? true
                if !theirs.same(mine), record?.written != theirs.text, theirs.outcome != nil || !answeredHere,
                    try adopt(theirs, for: item, over: mine)
                {
                    summary.adopted.append(
                        "\(theirs.outcome?.rawValue ?? "open") \(item.commitment.id) (due "
                            + "\(TimestampFormat.systemd(item.due, zone: config.settings.timezone))) on "
                            + (theirs.device ?? "elsewhere"))
                    try store.saveSyncItem(
                        SyncItem(
                            uid: item.uid, commitment: item.commitment.id, due: item.due, etag: serverEtag,
                            written: theirs.text, sequence: record?.sequence ?? 0), now: now)
                    continue
                }
            }
            let onServer = serverEtag != nil
            let writtenHere = record?.written
            // Nothing new here, and the server holds it: remember its ETag and go on.
            if onServer,
                writtenHere == mine.text || (writtenHere == nil && serverTodo.map({ SyncState($0).same(mine) }) == true)
            {
                if record?.etag != serverEtag {
                    record =
                        record
                        ?? SyncItem(
                            uid: item.uid, commitment: item.commitment.id, due: item.due, etag: nil, written: mine.text,
                            sequence: 0)
                    record?.etag = serverEtag
                    if let record { try store.saveSyncItem(record, now: now) }
                }
                continue
            }
            // Ours to write: new, or answered here since.
            let sequence = (record?.sequence ?? 0) + 1
            if onServer && serverTodo == nil, let copy = try client.fetch([h])[h] {
                // Read before it is rewritten: what a phone or a claim added since stays.
                serverTodo = read(copy.data)
                serverEtag = copy.etag.isEmpty ? serverEtag : copy.etag
            }
            let ics = ICalendar.write(todo(item, mine, sequence: sequence, keeping: serverTodo))
            switch try client.put(h, ics, ifMatch: serverEtag) {
            case .stored(let etag):
                summary.pushed += 1
                try store.saveSyncItem(
                    SyncItem(
                        uid: item.uid, commitment: item.commitment.id, due: item.due, etag: etag, written: mine.text,
                        sequence: sequence), now: now)
            case .conflict:
                // Changed on the server meanwhile: the next round reads it (first outcome there wins).
                continue
            }
        }
        // After the outcomes: a moved one or a make-up links to the occurrence an adoption may just have recorded.
        summary.adopted += try addFromElsewhere(strangers.compactMap { fetched[$0] })
        summary.deleted = try deleteOld(remote: remote, known: known)
        return summary
    }

    /// Records here what was decided elsewhere: an answer on an occurrence still open here (started if it
    /// was only foreseen), another answer in place of this machine's, or open again.
    func adopt(_ theirs: SyncState, for item: Item, over mine: SyncState) throws -> Bool {
        let via = "sync from \(theirs.device ?? "elsewhere")"
        let reason = theirs.outcome == .kept || theirs.outcome == nil ? nil : "on \(theirs.device ?? "elsewhere")"
        guard let outcome = theirs.outcome, mine.outcome == nil else {
            guard let occurrence = item.occurrence?.id else { return false }
            return try store.amend(occurrence, to: theirs.outcome, at: theirs.at, reason: reason, now: now, note: via)
        }
        let occurrence = try item.occurrence?.id ?? store.startEarly(item.commitment.id, due: item.due, now: now)
        return try store.answer(occurrence, outcome, at: theirs.at ?? now, reason: reason, now: now, via: via)
    }

    /// Adds here the promises added on other machines (their VTODOs carry X-NUDGE-ADDED-ID) that are still
    /// open and not known here by their id (a promise removed here stays removed).
    func addFromElsewhere(_ resources: [(etag: String, data: String)]) throws -> [String] {
        var taken = try store.addedIDs().union(config.commitments.map(\.id.rawValue))
        var said: [String] = []
        for (_, data) in resources {
            guard let todo = read(data),
                let id = todo.nudge["ADDED-ID"].flatMap(CommitmentID.init), !taken.contains(id.rawValue),
                SyncState(todo).outcome == nil, TextRules.problem(todo.summary, field: "title") == nil
            else { continue }
            let due = todo.nudge["ADDED-DUE"].flatMap { Int64($0) }.map(Instant.init(microseconds:)) ?? todo.due
            guard abs((due - todo.due).microseconds) < 1_000_000, due > now - Self.keep else { continue }
            let with = todo.nudge["ADDED-WITH"].flatMap { TextRules.problem($0, field: "with") == nil ? $0 : nil }
            let remind = todo.nudge["ADDED-REMIND"].flatMap { Int64($0) }.map { Span.seconds(min(max($0, 0), 86_400)) }
            try store.add(id: id, title: todo.summary, with: with, due: due, remindBefore: remind, now: now)
            if let link = todo.nudge["ADDED-LINK"] { try store.setAddedLink(of: id, link) }
            taken.insert(id.rawValue)
            said.append(
                "added \(id) (due \(TimestampFormat.systemd(due, zone: config.settings.timezone))) from "
                    + (todo.nudge["DEVICE"] ?? "elsewhere"))
        }
        return said
    }

    /// Deletes the VTODOs of occurrences that ended more than 30 days ago.
    func deleteOld(remote: [String: String], known: [String: SyncItem]) throws -> Int {
        var deleted = 0
        for item in known.values where item.due < now - Self.keep && item.written != SyncState.open.text {
            let h = href(item.uid)
            if remote[h] != nil, case .conflict = try client.delete(h, ifMatch: remote[h]) { continue }
            try store.forgetSyncItem(item.uid)
            deleted += 1
        }
        return deleted
    }
}
