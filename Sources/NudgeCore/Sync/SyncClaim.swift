/// Whose an email or command nudge is to send, when several machines share the collection (DESIGN.md §10).
public enum Claim: Sendable, Equatable {
    /// This machine claimed it (now, or before): it sends.
    case mine
    /// The machine named claimed it first and sends it; this one does not.
    case elsewhere(String)
    /// The server could not be asked in time: this machine sends alone (a duplicate is possible).
    case unclaimed(String)

    /// How a `nudge sync --claim` child says it: "mine" or "elsewhere DEVICE".
    public var word: String {
        if case .elsewhere(let device) = self { return "elsewhere \(device)" }
        return "mine"
    }

    /// The claim a child's word says, or nil.
    init?(word: String) {
        let words = word.split(separator: " ")
        if words == ["mine"] {
            self = .mine
        } else if words.count == 2, words[0] == "elsewhere" {
            self = .elsewhere(String(words[1]))
        } else {
            return nil
        }
    }
}

/// Which nudge a machine claims: the occurrence (commitment id and due), the nudge's kind and sequence, the
/// channel; as text "KIND/SEQUENCE/CHANNEL/DUE-MICROSECONDS/ID" for `nudge sync --claim`.
public struct ClaimRequest: Sendable, Equatable {
    public var id: CommitmentID
    public var due: Instant
    public var kind: NudgeKind
    public var sequence: Int
    public var channel: String

    init(_ message: NudgeMessage, channel: String) {
        id = message.commitment
        due = message.due
        kind = message.kind
        sequence = message.sequence
        self.channel = channel
    }

    /// Reads the text form; nil when it is not one.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 4).map(String.init)
        guard parts.count == 5, let kind = NudgeKind(rawValue: parts[0]), let sequence = Int(parts[1]),
            let due = Int64(parts[3]), let id = CommitmentID(parts[4])
        else { return nil }
        (self.kind, self.sequence, channel, self.due, self.id) = (
            kind, sequence, parts[2], Instant(microseconds: due), id
        )
    }

    public var text: String { "\(kind.rawValue)/\(sequence)/\(channel)/\(due.microseconds)/\(id.rawValue)" }
}

extension SyncRound {
    /// The X-NUDGE-* property that holds the claims of one nudge of an occurrence ("CLAIM-FOLLOW-UP-1"):
    /// "CHANNEL=DEVICE" pairs, separated by spaces.
    static func claimKey(_ kind: NudgeKind, _ sequence: Int) -> String {
        "CLAIM-\(kind.rawValue.uppercased())-\(sequence)"
    }

    /// Claims a nudge for this machine with one conditional write on its occurrence's VTODO (made if the
    /// server has none yet). A claim already there stands; a write that loses a race reads the VTODO again.
    public func claim(_ request: ClaimRequest) throws(SyncError) -> Claim {
        let (id, due, channel) = (request.id, request.due, request.channel)
        let resource = href(Self.uid(id, due))
        let key = Self.claimKey(request.kind, request.sequence)
        for _ in 0..<5 {
            let fetched = try client.fetch([resource])[resource]
            var todo: VTodo
            if let fetched, let read = read(fetched.data) {
                todo = read
            } else if let c = config.commitments.first(where: { $0.id == id }) {
                let added = try? store.addedIDs().contains(id.rawValue)
                let item = Item(commitment: c, due: due, occurrence: nil, added: added ?? false)
                todo = self.todo(item, .open, sequence: 1, keeping: nil)
            } else {
                throw SyncError("no commitment \(id) to claim a nudge of")
            }
            var claims = Self.claims(todo.nudge[key])
            if let holder = claims.first(where: { $0.channel == channel })?.device {
                return holder == device ? .mine : .elsewhere(holder)
            }
            claims.append((channel, device))
            todo.nudge[key] = claims.map { "\($0.channel)=\($0.device)" }.joined(separator: " ")
            todo.stamp = now
            if case .stored = try client.put(resource, ICalendar.write(todo), ifMatch: fetched?.etag) { return .mine }
        }
        throw SyncError("\(resource) kept changing while this machine claimed a nudge on it")
    }

    /// The claims of one property's value.
    static func claims(_ text: String?) -> [(channel: String, device: String)] {
        (text ?? "").split(separator: " ").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        }
    }
}
