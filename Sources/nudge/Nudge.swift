import ArgumentParser
import NudgeCore

/// The `nudge` command: keeps the small promises you make, on time.
@main
struct Nudge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nudge",
        abstract: "A reminder and nudge daemon for the promises you make.",
        subcommands: []
    )
}
