/// Sends recorded deliveries through their channels and says how each went, for `Runner` to record
/// (DESIGN.md §5): an unavailable channel is replaced by `settings.fallback` (once per nudge, and not
/// at all when the nudge already went there), failures known to be undelivered are retried (30 s,
/// 2 min, 10 min), an unknown outcome is never resent.
public struct ChannelRouter: Sendable {
    /// Sends one message through one channel.
    public typealias Send = @Sendable (NudgeMessage, Channel, Delivery) -> ChannelResult

    public var config: Config
    /// The real senders by channel kind; the console is always there.
    public var send: Send
    /// Whether a nudge that reached only a console fallback counts as telling the user: yes when it
    /// writes to a terminal or a file someone reads, no when it only reaches the journal. Any other
    /// fallback (mail, a command) that took the nudge counts.
    public var fallbackCounts: Bool
    /// With [sync]: asks the shared VTODO whose a mail or hook nudge is to send (popups show everywhere).
    public var claim: (@Sendable (NudgeMessage, Channel) -> Claim)?

    /// A router over a config's channels.
    public init(
        config: Config, fallbackCounts: Bool = false, claim: (@Sendable (NudgeMessage, Channel) -> Claim)? = nil,
        send: @escaping Send
    ) {
        self.config = config
        self.fallbackCounts = fallbackCounts
        self.claim = claim
        self.send = send
    }

    /// `.elsewhere` when another machine claimed this mail or hook nudge (then this one does not send it),
    /// else nil. A digest (after downtime, this machine's own) is not claimed.
    func claimedElsewhere(_ message: NudgeMessage, _ channel: Channel) -> ChannelResult? {
        guard config.sync != nil, let claim, message.items.isEmpty else { return nil }
        switch channel.kind {
        case .email, .command:
            if case .elsewhere(let device) = claim(message, channel) { return .elsewhere(device) }
            return nil
        case .console, .desktop:
            return nil
        }
    }

    /// Sends one nudge to each of its channels, or one digest of several nudges to each channel: the
    /// deliveries of one channel go out as one message. `attempt` is called just before each delivery
    /// is handed to its channel and says whether it may go (it records that it is about to).
    public func send(
        _ unit: [(Delivery, NudgeMessage)], now: Instant, attempt: (Delivery) -> Bool
    ) -> [Settlement] {
        var channels: [String] = []
        var byChannel: [String: [(Delivery, NudgeMessage)]] = [:]
        for (d, m) in unit {
            if byChannel[d.channel] == nil { channels.append(d.channel) }
            byChannel[d.channel, default: []].append((d, m))
        }
        var settlements: [Settlement] = []
        var unavailable: [(Delivery, NudgeMessage, String)] = []
        var sentTo: Set<String> = []
        for name in channels {
            let group = (byChannel[name] ?? []).filter { attempt($0.0) }
            guard let first = group.first else { continue }
            let channel = config.channels[name] ?? Channel(name: name, kind: .console)
            let message = NudgeMessage.digest(group.map(\.1))
            let result = claimedElsewhere(message, channel) ?? send(message, channel, first.0)
            for (d, m) in group {
                switch result {
                case .sent:
                    sentTo.insert(name)
                    settlements.append(Settlement(d, .delivered(.sent, error: nil), at: now))
                case .unknown(let why):
                    // Maybe delivered: it counts as told, and is never sent again.
                    settlements.append(Settlement(d, .delivered(.unknown, error: why), at: now))
                case .failed(let why, let retry):
                    settlements.append(Settlement(d, .failed(why, retry: retry), at: now))
                case .unavailable(let why):
                    unavailable.append((d, m, why))
                case .elsewhere:
                    // Told by the machine that claimed it: never sent from here.
                    settlements.append(Settlement(d, .delivered(.sent, error: result.description), at: now))
                }
            }
        }
        guard !unavailable.isEmpty else { return settlements }
        return settlements + fallback(unavailable, sentTo: sentTo, now: now)
    }

    /// The fallback takes what its channels could not: one message, unless it already had the nudge.
    func fallback(_ unavailable: [(Delivery, NudgeMessage, String)], sentTo: Set<String>, now: Instant)
        -> [Settlement]
    {
        let name =
            unavailable.contains { $0.0.channel == config.settings.fallback } ? "console" : config.settings.fallback
        let channel = config.channels[name] ?? Channel(name: "console", kind: .console)
        var isConsole = false
        if case .console = channel.kind { isConsole = true }
        let result: ChannelResult
        let how: String
        if sentTo.contains(name) {
            result = .sent
            how = "\(name) had it already"
        } else {
            var seen: Set<Int64> = []
            let messages = unavailable.map(\.1).filter { seen.insert($0.occurrence).inserted }
            result = send(NudgeMessage.digest(messages), channel, unavailable[0].0)
            how = "sent to \(name): \(result)"
        }
        // Reaching only the fallback in the journal does not count as telling the user.
        let counts = result == .sent && (fallbackCounts || !isConsole)
        return unavailable.map { d, _, why in
            let note = "unavailable (\(why)); \(how)"
            return Settlement(d, counts ? .delivered(.sent, error: note) : .failed(note, retry: false), at: now)
        }
    }
}
