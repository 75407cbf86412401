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
            let store = try openStore()
            let config = try loadCommitments(options, store: store)
            let records = try store.outcomeRecords(config: config, repaired: try store.repaired())
            let report = ReportBuilder.build(config: config, records: records, now: .now, weeks: weeks)
            if json {
                print(try report.json(), terminator: "")
            } else if csv {
                print(report.csv(), terminator: "")
            } else {
                let env = ProcessInfo.processInfo.environment
                let color = isatty(STDOUT_FILENO) == 1 && env["NO_COLOR"] == nil && env["TERM"] != "dumb"
                print(report.text(color: color), terminator: "")
            }
        }
    }
}
