import ArgumentParser
import Foundation
import NudgeCore

extension Nudge {
    /// `nudge report`: how promises have been kept, per commitment and per person.
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show kept, skipped, missed and repaired promises, follow-through, streaks and strength.")

        @OptionGroup var options: ConfigOptions
        @Flag(help: "One JSON document.") var json = false
        @Flag(help: "CSV, one row per commitment and per person.") var csv = false
        @Option(help: "Weeks in the heatmap.") var weeks = 7

        func validate() throws {
            guard (1...104).contains(weeks) else { throw ValidationError("--weeks must be between 1 and 104.") }
            if json && csv { throw ValidationError("choose one of --json and --csv.") }
        }

        func run() throws {
            let a = try answers(options)
            let report = try NudgeCore.Report.of(config: a.config, store: a.store, now: a.now, weeks: weeks)
            print(
                json ? try report.json() : csv ? report.csv() : report.text(color: Output.wantsColor()), terminator: "")
        }
    }
}
