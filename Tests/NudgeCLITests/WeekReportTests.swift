import Foundation
import Testing

/// A whole week of a real config under faketime, answered from the shell, and the report's figures
/// checked against values worked out by hand.
@Suite(.serialized, .realTime)
struct WeekReportTests {
    static let config = """
        [settings]
        timezone = "Europe/Berlin"
        channels = ["console"]

        [[commitment]]
        id = "pills"
        title = "Take the pills"
        when = "09:00"
        follow_up = "30m"
        follow_ups = 1
        on_time = "30m"
        grace = "2h"
        """

    @Test func aWeekOfAnswersGivesTheHandComputedReport() throws {
        let cli = try CLIRunner(config: Self.config)
        guard CLIRunner.faketime() != nil else { return }
        _ = try cli.run(["tick"], at: "2026-11-29 20:00:00")
        // Mon 11-30 … Sun 12-06.
        func day(_ d: Int) -> String { String(format: "2026-%02d-%02d", d <= 30 ? 11 : 12, d <= 30 ? d : d - 30) }
        let answers: [(Int, [String], String)] = [
            (30, ["done"], "09:10:00"),  // +10m, on time
            (31, ["done"], "09:45:00"),  // +45m, late
            (32, ["skip", "pills"], "09:05:00"),
            (33, [], ""),  // no answer: follow-up at 09:30, missed at 11:00
            (34, ["done"], "09:00:00"),  // on the dot
            (35, ["done", "pills"], "08:55:00"),  // done early, -5m
            (36, ["done"], "09:20:00"),  // +20m
        ]
        for (d, args, time) in answers {
            if args.first == "done" && time < "09:00:00" {
                let r = try cli.run(args, at: "\(day(d)) \(time)")
                #expect(r.status == 0, "\(day(d)): \(r.err)")
                continue
            }
            #expect(try cli.run(["tick"], at: "\(day(d)) 09:00:00").out == "due pills Take the pills (due 09:00)\n")
            if args.isEmpty {
                #expect(try cli.run(["tick"], at: "\(day(d)) 09:30:00").out.hasPrefix("follow-up pills"))
                _ = try cli.run(["tick"], at: "\(day(d)) 11:00:01")
            } else {
                let r = try cli.run(args, at: "\(day(d)) \(time)")
                #expect(r.status == 0, "\(day(d)): \(r.err)")
            }
        }
        let csv = try cli.run(["report", "--csv"], at: "2026-12-06 20:00:00").out
        let row = try #require(csv.split(separator: "\r\n").first { $0.hasPrefix("commitment,pills,") })
        let f = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        // kept 5, skipped 1, missed 1, repaired 0
        #expect(Array(f[4...7]) == ["5", "1", "1", "0"])
        #expect(f[8] == "0.8333")  // follow-through 5 / (5 + 1)
        #expect(f[9] == "0.8000")  // on time: 4 of 5 (45m is late)
        // The median of -5m, 0, 10m, 20m and 45m (faketime lets a fraction of a second pass per run).
        #expect((600...602).contains(Double(f[10]) ?? 0))
        #expect(Array(f[11...12]) == ["3", "3"])  // current and best streak (the skip does not break)
        #expect(f[13] == "23")  // strength: m = 0.5^(1/13), over K K M K K K (the skip leaves it)
    }
}
