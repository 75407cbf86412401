import Foundation
import Logging
import NudgeCore

/// The channel senders of the command line and the daemon: one function from (message, channel) to
/// how it went. `log` gets one entry per attempt with the NUDGE_* fields; `desktop` is the daemon's
/// listening channel, or one that only sends.
func makeSend(log: Logger?, store: Store?, desktop: DesktopChannel = DesktopChannel()) -> ChannelRouter.Send {
    { message, channel, delivery in
        let result: ChannelResult
        switch channel.kind {
        case .console:
            let line = ConsoleChannel.line(message)
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
            result = .sent
        case .desktop(let urgency, let expire):
            // A follow-up replaces the popup of the nudge before it.
            let previous = (try? store?.lastMessageID(occurrence: message.occurrence, channel: channel.name)) ?? nil
            let (r, id) = desktop.send(
                message, urgency: message.urgency ?? urgency, expire: expire,
                replaces: previous.flatMap { UInt32($0) } ?? 0, row: delivery.row)
            if let id, delivery.row > 0 { try? store?.setMessageID(delivery, String(id)) }
            result = r
        case .email(let to, let from, let sendmail, let timeout):
            let settings = EmailSettings(
                to: to, from: from, sendmail: sendmail, timeout: timeout, hostname: ProcessInfo.processInfo.hostName)
            // Follow-ups of one occurrence thread under its first mail.
            let root = (try? store?.threadRoot(occurrence: message.occurrence, channel: channel.name)) ?? nil
            let id = EmailMessage.makeMessageID(for: message, hostname: settings.hostname)
            result = EmailChannel.send(message, settings: settings, messageID: id, threadRoot: root)
            if result.mayHaveArrived, delivery.row > 0 {
                try? store?.setMessageID(delivery, id)
            }
        case .command(let argv, let timeout):
            result = CommandChannel.send(message, argv: argv, timeout: timeout)
        }
        log?.info(
            "\(message.kind.rawValue) \(message.commitment) via \(channel.name): \(describe(result))",
            metadata: [
                "id": "\(message.commitment)", "occurrence": "\(message.occurrence)",
                "event": "\(message.kind.rawValue)", "channel": "\(channel.name)",
            ])
        return result
    }
}

/// "sent", "failed: why"… for logs.
func describe(_ r: ChannelResult) -> String {
    switch r {
    case .sent: return "sent"
    case .failed(let why, let retry): return "failed\(retry ? " (will retry)" : ""): \(why)"
    case .unknown(let why): return "unknown: \(why)"
    case .unavailable(let why): return "unavailable: \(why)"
    }
}
