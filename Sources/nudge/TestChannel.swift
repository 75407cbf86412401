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
            let result = Channels(ledger: nil, log: nil).test(channel, zone: config.settings.timezone, now: .now)
            switch result {
            case .sent, .elsewhere:
                print("\(name): \(result)")
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
