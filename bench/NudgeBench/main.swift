import Foundation
import NudgeCore

/// Measures next-elapse computations per second over a mix of expressions and zones, on one core.
///
/// Run with `swift run -c release nudge-bench [--seconds N]`.
let expressions = [
    "Sun 19:00", "Mon..Fri 09:00", "*-*-* 02:30", "hourly", "*:0/15", "daily", "weekly", "monthly",
    "*-*~1 18:00", "Sat,Sun 10:00 Europe/Berlin", "*-*-1/7 04:00", "2026..2030-01,07-01 00:00",
    "Mon *-05~07/1 12:00", "*:*:0/7.5", "quarterly", "Tue 20:00 UTC",
]
let zones = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Pacific/Chatham", "UTC"]

var seconds = 3.0
if let i = CommandLine.arguments.firstIndex(of: "--seconds"), i + 1 < CommandLine.arguments.count,
    let s = Double(CommandLine.arguments[i + 1])
{
    seconds = s
}

var work: [(CalendarSpec, Zone)] = []
for name in zones {
    guard let zone = try? Zone.named(name) else { fatalError("zone \(name) missing") }
    for text in expressions {
        guard let spec = try? CalendarSpec(text, localZone: zone) else { fatalError("bad \(text)") }
        work.append((spec, zone))
    }
}

// Bases spread over several years, DST changes included.
let bases = (0..<97).map { Instant(seconds: 1_767_225_600 + Int64($0) * 1_234_567) }

var count = 0
var checksum: Int64 = 0
let start = Date()
var elapsed = 0.0
repeat {
    for (spec, zone) in work {
        for base in bases.prefix(8) {
            if let next = spec.next(after: base, localZone: zone) { checksum &+= next.microseconds }
            count += 1
        }
    }
    elapsed = Date().timeIntervalSince(start)
} while elapsed < seconds

let perSecond = Double(count) / elapsed
print(
    String(
        format: "next-elapse: %.0f computations/s (%d in %.2f s, %d expressions x %d zones; checksum %lld)",
        perSecond, count, elapsed, expressions.count, zones.count, checksum))
