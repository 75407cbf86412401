import ArgumentParser
import Foundation
import NudgeCore

extension Nudge {
    /// `nudge report`: how promises have been kept, per commitment and per person.
    struct Report: ParsableCommand {
        static let configuration = subcommand(
            "report", "Show kept, skipped, missed and repaired promises, follow-through, streaks and strength.")

        @OptionGroup var options: ConfigOptions
        @Flag(help: "One JSON document.") var json = false
        @Flag(help: "CSV, one row per commitment and per person.") var csv = false
        @Option(help: "Weeks in the heatmap.") var weeks = 7
        @Option(help: "Write one self-contained HTML page to FILE ('-': standard output).") var html: String?

        func validate() throws {
            guard (1...104).contains(weeks) else { throw ValidationError("--weeks must be between 1 and 104.") }
            if [json, csv, html != nil].filter({ $0 }).count > 1 {
                throw ValidationError("choose one of --json, --csv and --html.")
            }
        }

        func run() throws {
            let a = try answers(options)
            let page = try NudgeCore.Report.page(config: a.config, store: a.store, now: a.now, weeks: weeks)
            if let html { return try failing(.cannotCreate) { try page.write(to: html) } }
            let r = page.report
            print(json ? try r.json() : csv ? r.csv() : r.text(color: Output.wantsColor()), terminator: "")
        }
    }
}
