/// Sends each recorded delivery through its channel and says how it went, for `Runner` to record
/// (DESIGN.md §5): an unavailable channel is replaced by `settings.fallback` for that nudge, failures
/// known to be undelivered are retried (30 s, 2 min, 10 min), an unknown outcome is never resent.
public struct ChannelRouter {
    /// Sends one message through one channel.
    public typealias Send = (NudgeMessage, Channel, Delivery) -> ChannelResult

    public var config: Config
    /// The real senders by channel kind; the console is always there.
    public var send: Send
    /// Whether a nudge that reached only a console fallback counts as telling the user: yes when it
    /// writes to a terminal or a file someone reads, no when it only reaches the journal. Any other
    /// fallback (mail, a command) that took the nudge counts.
    public var fallbackCounts: Bool

    /// A router over a config's channels.
    public init(config: Config, fallbackCounts: Bool = false, send: @escaping Send) {
        self.config = config
        self.fallbackCounts = fallbackCounts
        self.send = send
    }

    /// Sends one (nudge, channel) and says how it went, for the caller to record (with others, in one
    /// transaction).
    public func send(_ d: Delivery, commitment: Commitment, due: Instant, now: Instant) -> Settlement {
        let message = NudgeMessage(
            d.nudge, commitment: commitment, due: due, zone: config.settings.timezone, sentAt: now)
        let channel = config.channels[d.channel] ?? Channel(name: d.channel, kind: .console)
        switch send(message, channel, d) {
        case .sent:
            return Settlement(d, .delivered(.sent, error: nil), at: now)
        case .unknown(let why):
            // Maybe delivered: it counts as told, and is never sent again.
            return Settlement(d, .delivered(.unknown, error: why), at: now)
        case .failed(let why, let retry):
            return Settlement(d, .failed(why, retry: retry), at: now)
        case .unavailable(let why):
            let fallbackName = config.settings.fallback == d.channel ? "console" : config.settings.fallback
            let fallback = config.channels[fallbackName] ?? Channel(name: "console", kind: .console)
            let result = send(message, fallback, d)
            let note = "unavailable (\(why)); sent to \(fallbackName): \(Self.describe(result))"
            var isConsole = false
            if case .console = fallback.kind { isConsole = true }
            if result == .sent && (fallbackCounts || !isConsole) {
                return Settlement(d, .delivered(.sent, error: note), at: now)
            }
            // Reaching only the fallback in the journal does not count as telling the user.
            return Settlement(d, .failed(note, retry: false), at: now)
        }
    }

    static func describe(_ r: ChannelResult) -> String {
        switch r {
        case .sent: return "sent"
        case .failed(let why, _): return "failed: \(why)"
        case .unknown(let why): return "unknown: \(why)"
        case .unavailable(let why): return "unavailable: \(why)"
        }
    }
}
