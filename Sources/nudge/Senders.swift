import Foundation
import Logging
import NudgeCore

/// The channel senders of the command line and the daemon: one function from (message, channel) to
/// how it went. `log` gets one entry per attempt with the NUDGE_* fields.
func makeSend(log: Logger?) -> ChannelRouter.Send {
    { message, channel, delivery in
        let result: ChannelResult
        switch channel.kind {
        case .console, .desktop:
            // Until desktop notifications land, the console stands in for them (and counts as told).
            let line = ConsoleChannel.line(message)
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
            result = .sent
        case .email:
            result = .unavailable("email is not available in this build")
        case .command:
            result = .unavailable("command hooks are not available in this build")
        }
        log?.info(
            "\(message.kind.rawValue) \(message.commitment) via \(channel.name): \(describe(result))",
            metadata: [
                "id": "\(message.commitment)", "occurrence": "\(message.occurrence)",
                "event": "\(message.kind.rawValue)", "channel": "\(channel.name)",
            ])
        _ = delivery
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
