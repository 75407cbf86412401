import ArgumentParser
import Foundation
import NudgeCore

extension Nudge {
    /// `nudge test-channel`: send a sample nudge through one channel now.
    struct TestChannel: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test-channel",
            abstract: "Send a sample nudge through one channel now and say what happened.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The channel's name, e.g. desktop, console, or a [channel.NAME] of the config.")
        var name: String

        func run() throws {
            let config = try loadConfig(options)
            guard let channel = config.channels[name] else {
                let known = config.channels.keys.sorted().joined(separator: ", ")
                throw CLIError("no channel \"\(name)\"; known channels: \(known)", code: .nothingMatched)
            }
            let now = Instant.now
            guard let id = CommitmentID("test-channel") else { return }
            let message = NudgeMessage(
                commitment: id, title: "nudge test", fullTitle: "nudge test", kind: .due, due: now,
                zone: config.settings.timezone, with: nil, note: "A sample nudge from nudge test-channel.",
                occurrence: 0, sequence: 0, sentAt: now, isPrivate: false)
            let delivery = Delivery(
                row: 0, nudge: PlannedNudge(occurrence: 0, kind: .due, sequence: 0, at: now, usesFollowUp: false),
                channel: name)
            let result = Channels(ledger: nil, log: nil).send(message, channel, delivery)
            switch result {
            case .sent:
                print("\(name): sent")
            case .unknown(let why):
                throw CLIError("\(name): unknown whether it arrived (\(why))", code: .temporaryFailure)
            case .failed(let why, let retry):
                throw CLIError("\(name): failed: \(why)", code: retry ? .temporaryFailure : .nothingMatched)
            case .unavailable(let why):
                throw CLIError("\(name): unavailable: \(why)", code: .unavailable)
            }
        }
    }
}
