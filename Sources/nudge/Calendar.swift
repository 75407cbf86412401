import ArgumentParser
import Foundation
import NudgeCore

extension Nudge {
    /// `nudge calendar`: when does an expression fire? Prints what `systemd-analyze calendar` prints.
    struct Calendar: ParsableCommand {
        static let configuration = subcommand(
            "calendar", "Show when calendar expressions elapse, laid out like systemd-analyze calendar.",
            discussion: """
                Expressions use the OnCalendar syntax of systemd.time(7), e.g. "Mon..Fri 09:00", \
                "*-*-1 12:00", "Sun 19:00 America/Chicago". The output can be diffed against \
                `systemd-analyze calendar`.
                """)

        @Argument(help: "One or more calendar expressions.") var expressions: [String]
        @Option(help: "How many elapses to show for each expression.") var iterations: Int = 1
        @Option(help: "Compute elapses after this time instead of now, e.g. '2026-03-27 12:00:00 UTC'.")
        var baseTime: String?
        @Option(help: "The local time zone (default: $TZ, else /etc/localtime), e.g. Europe/Berlin.")
        var timezone: String?

        func validate() throws {
            guard (1...10_000).contains(iterations) else {
                throw ValidationError("--iterations must be between 1 and 10000.")
            }
        }

        func run() throws {
            let zone = try timezone.map { name in try failing(.usage) { try Zone.named(name) } } ?? Zone.current()
            let now = Instant.now
            let (base, names) = try failing(.dataError) { try CalendarReport.base(baseTime, zone: zone, now: now) }
            let result = CalendarReport.report(
                expressions, base: base, localZone: zone, iterations: iterations, now: now, names: names)
            print(result.output, terminator: "")
            for error in result.errors { printError(error.detailed) }
            if !result.errors.isEmpty { throw ExitCode(ExitStatus.dataError.rawValue) }
        }
    }
}
