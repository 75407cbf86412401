import ArgumentParser
import Foundation
import NudgeCore

extension Nudge {
    /// `nudge history`: outcomes, newest first.
    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List outcomes, newest first, with lateness.")

        @OptionGroup var options: ConfigOptions
        @Argument(help: "Only this commitment (id or unique prefix).") var id: String?
        @Option(help: "Only those due since this time, e.g. '2026-11-01', 'yesterday 19:00'.") var since: String?
        @Flag(help: "One JSON document.") var json = false
        @Flag(help: "CSV.") var csv = false

        struct Entry: Encodable {
            var id: String
            var due: String
            var outcome: String
            var at: String
            var latenessSeconds: Int64?
            var reason: String?
        }

        func run() throws {
            let store = try openStore()
            let config = try loadCommitments(options, store: store)
            let zone = config.settings.timezone
            let now = Instant.now
            let from = try since.map { try moment($0, direction: .either, zone: zone, now: now) }
            var ids: Set<CommitmentID>?
            if let id {
                let m = AnswerTarget.matching(id, in: config.commitments.map(\.id))
                guard !m.isEmpty else { throw CLIError("no commitment \"\(id)\"", code: .nothingMatched) }
                ids = Set(m)
            }
            let late = try store.latenesses()
            let reasons = try store.reasons()
            let entries = try store.history(limit: 100_000).filter { o in
                (ids?.contains(o.commitment) ?? true) && (from.map { o.due >= $0 } ?? true)
            }.map { o in
                Entry(
                    id: o.commitment.rawValue, due: TimestampFormat.iso8601(o.due, zone: zone),
                    outcome: o.outcome?.rawValue ?? "pending",
                    at: o.outcomeAt.map { TimestampFormat.iso8601($0, zone: zone) } ?? "",
                    latenessSeconds: late[o.id].map { $0.microseconds / 1_000_000 }, reason: reasons[o.id])
            }
            if json {
                struct Doc: Encodable {
                    var version = 1
                    var history: [Entry]
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(Doc(history: entries)), as: UTF8.self))
            } else if csv {
                print("id,due,outcome,at,lateness_seconds,reason")
                for e in entries {
                    let reason = e.reason.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" } ?? ""
                    print("\(e.id),\(e.due),\(e.outcome),\(e.at),\(e.latenessSeconds.map(String.init) ?? ""),\(reason)")
                }
            } else if entries.isEmpty {
                print("no outcomes recorded yet")
            } else {
                for e in entries {
                    let lateness = e.latenessSeconds.map { " (\($0 >= 0 ? "+" : "-")\(Span.seconds(abs($0))))" } ?? ""
                    // A skip's own reason, or why nudge ended it ("away", "superseded", "removed").
                    let why = e.reason.map { $0 == "skipped" ? "" : ": \($0)" } ?? ""
                    print(
                        "\(TimestampFormat.minute(e.due))  \(e.id)  \(e.outcome)\(why)\(lateness)"
                    )
                }
            }
        }
    }
}
