import ArgumentParser
import NudgeCore

extension Nudge {
    /// `nudge rename`: carry a commitment's history over to its new id.
    struct Rename: ParsableCommand {
        static let configuration = subcommand("rename", "Carry a commitment's history over to its new id.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The id it had before the config changed it.") var old: String
        @Argument(help: "The id it has now.") var new: String

        func run() throws {
            let renaming = try answers(options)
            let moved = try refusing { try renaming.rename(old, to: new) }
            print("\(old) is now \(new): \(moved) occurrence\(moved == 1 ? "" : "s") moved")
        }
    }
}
