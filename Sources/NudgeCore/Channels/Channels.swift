import Foundation
import Logging

/// One way of reaching the person: the console, a desktop popup, a mail or the user's own command.
public protocol NudgeChannel {
    /// Sends one nudge and says how it went; message ids it needs later are kept in the ledger.
    func send(_ message: NudgeMessage, delivery: Delivery) -> ChannelResult
}

/// The real channels of a process, by the kind a `[channel.NAME]` of the config has: what
/// `ChannelRouter` sends through. Each attempt is logged with the NUDGE_* fields.
public struct Channels: Sendable {
    /// The desktop channel: the daemon's listening one, or one that only sends.
    public var desktop: DesktopChannel
    /// Where message ids are kept (the record); nil sends without replacing or threading.
    public var ledger: (any MessageLedger)?
    public var log: Logger?
    /// Where the console channel writes.
    public var console: ConsoleChannel

    /// The channels of the command line or the daemon.
    public init(
        desktop: DesktopChannel = DesktopChannel(), ledger: (any MessageLedger)?, log: Logger?,
        console: ConsoleChannel = ConsoleChannel()
    ) {
        self.desktop = desktop
        self.ledger = ledger
        self.log = log
        self.console = console
    }

    /// The channel that sends for a configured one.
    public func channel(for channel: Channel) -> any NudgeChannel {
        switch channel.kind {
        case .console:
            return console
        case .desktop(let urgency, let expire):
            return DesktopChannel.Popups(desktop: desktop, urgency: urgency, expire: expire, ledger: ledger)
        case .email(let to, let from, let sendmail, let timeout):
            let settings = EmailSettings(
                to: to, from: from, sendmail: sendmail, timeout: timeout, hostname: ProcessInfo.processInfo.hostName)
            return EmailChannel(settings: settings, ledger: ledger)
        case .command(let argv, let timeout):
            return CommandChannel(argv: argv, timeout: timeout)
        }
    }

    /// Sends one message through one configured channel (a `ChannelRouter.Send`).
    public func send(_ message: NudgeMessage, _ channel: Channel, _ delivery: Delivery) -> ChannelResult {
        let result = self.channel(for: channel).send(message, delivery: delivery)
        log?.info(
            "\(message.kind.rawValue) \(message.commitment) via \(channel.name): \(result)",
            metadata: [
                "id": "\(message.commitment)", "occurrence": "\(message.occurrence)",
                "event": "\(message.kind.rawValue)", "channel": "\(channel.name)",
            ])
        return result
    }
}

extension Channels {
    /// Sends a sample nudge ("nudge test") through one channel now (`nudge test-channel`).
    public func test(_ channel: Channel, zone: Zone, now: Instant) -> ChannelResult {
        let message = NudgeMessage(
            commitment: CommitmentID(made: "test-channel"), title: "nudge test", fullTitle: "nudge test", kind: .due,
            due: now, zone: zone, with: nil, note: "A sample nudge from nudge test-channel.", occurrence: 0,
            sequence: 0, sentAt: now, isPrivate: false)
        let delivery = Delivery(
            row: 0, nudge: PlannedNudge(occurrence: 0, kind: .due, sequence: 0, at: now, usesFollowUp: false),
            channel: channel.name)
        return send(message, channel, delivery)
    }
}

/// The console channel: one line per nudge, `KIND ID TITLE (due HH:MM)`, on standard output.
public struct ConsoleChannel: NudgeChannel, Sendable {
    /// Where the lines go.
    public var write: @Sendable (String) -> Void

    /// A console that writes to standard output, or through `write`.
    public init(write: @escaping @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) {
        self.write = write
    }

    public func send(_ message: NudgeMessage, delivery: Delivery) -> ChannelResult {
        write(Self.line(message) + "\n")
        return .sent
    }

    /// The line for a message.
    /// A digest of several is one line too: `digest 2 promises: ID TITLE (due HH:MM), ID TITLE (due …)`.
    public static func line(_ m: NudgeMessage) -> String {
        func one(_ m: NudgeMessage) -> String {
            let l = m.zone.local(m.due)
            return "\(m.commitment) \(m.title) (due \(TimestampFormat.two(l.hour)):\(TimestampFormat.two(l.minute)))"
        }
        if m.items.isEmpty { return "\(m.kind.rawValue) \(one(m))" }
        return "\(m.kind.rawValue) \(m.title): " + m.items.map(one).joined(separator: ", ")
    }
}

extension DesktopChannel {
    /// Popups of one configured desktop channel: a follow-up replaces the popup of the nudge before it.
    struct Popups: NudgeChannel {
        var desktop: DesktopChannel
        var urgency: Urgency
        var expire: Span
        var ledger: (any MessageLedger)?

        func send(_ message: NudgeMessage, delivery: Delivery) -> ChannelResult {
            let previous =
                (try? ledger?.lastMessageID(occurrence: message.occurrence, channel: delivery.channel)) ?? nil
            let (result, id) = desktop.send(
                message, urgency: message.urgency ?? urgency, expire: expire,
                replaces: previous.flatMap { UInt32($0) } ?? 0, row: delivery.row)
            if let id, delivery.row > 0 { try? ledger?.setMessageID(delivery, String(id)) }
            return result
        }
    }
}

extension ChannelResult: CustomStringConvertible {
    /// "sent", "failed (will retry): why"… for logs and the record.
    public var description: String {
        switch self {
        case .sent: return "sent"
        case .failed(let why, let retry): return "failed\(retry ? " (will retry)" : ""): \(why)"
        case .unknown(let why): return "unknown: \(why)"
        case .unavailable(let why): return "unavailable: \(why)"
        case .elsewhere(let device): return "sent by \(device), which claimed it"
        }
    }
}
