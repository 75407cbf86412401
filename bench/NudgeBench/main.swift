import Foundation
import NudgeCore

/// The in-process benchmarks; `bench/run` runs them with the end-to-end ones and prints the table.
///
///     nudge-bench [elapse] [--seconds N]   next-elapse computations per second (one core)
///     nudge-bench config N [--runs R]      load + validate + plan N commitments, best of R runs
let arguments = Array(CommandLine.arguments.dropFirst())

func option(_ name: String, default value: Double) -> Double {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count, let v = Double(arguments[i + 1]) else {
        return value
    }
    return v
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("nudge-bench: \(message)\n".utf8))
    exit(64)
}

/// Next-elapse computations over a mix of expressions and zones, with bases spread over years.
func elapse(seconds: Double) {
    let expressions = [
        "Sun 19:00", "Mon..Fri 09:00", "*-*-* 02:30", "hourly", "*:0/15", "daily", "weekly", "monthly",
        "*-*~1 18:00", "Sat,Sun 10:00 Europe/Berlin", "*-*-1/7 04:00", "2026..2030-01,07-01 00:00",
        "Mon *-05~07/1 12:00", "*:*:0/7.5", "quarterly", "Tue 20:00 UTC",
    ]
    let zones = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Pacific/Chatham", "UTC"]
    var work: [(CalendarSpec, Zone)] = []
    for name in zones {
        guard let zone = try? Zone.named(name) else { fail("zone \(name) missing") }
        for text in expressions {
            guard let spec = try? CalendarSpec(text, localZone: zone) else { fail("bad \(text)") }
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
    print(
        String(
            format: "next-elapse: %.0f computations/s (%d in %.2f s, %d expressions x %d zones; checksum %lld)",
            Double(count) / elapsed, count, elapsed, expressions.count, zones.count, checksum))
}

/// A config of `n` commitments of every shape: weekly and weekday calendars, zone suffixes, every-N-days
/// check-ins and one-off promises.
func config(_ n: Int) -> String {
    var text = "[settings]\ntimezone = \"Europe/Berlin\"\nchannels = [\"console\"]\n"
    let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    for i in 0..<n {
        let hh = 6 + i % 16
        let mm = (i * 7) % 60
        let time = String(format: "%02d:%02d", hh, mm)
        let schedule: String
        switch i % 5 {
        case 0: schedule = "when = \"\(days[i % 7]) \(time)\""
        case 1: schedule = "when = \"Mon..Fri \(time)\""
        case 2: schedule = "when = \"*-*-* \(time) America/New_York\""
        case 3: schedule = "every = \"\(1 + i % 6)d\"\nat = \"\(time)\""
        default: schedule = "once = \"2027-\(String(format: "%02d-%02d", 1 + i % 12, 1 + i % 28)) \(time)\""
        }
        text += """

            [[commitment]]
            id = "c\(i)"
            title = "Promise number \(i)"
            \(schedule)
            remind_before = "15m"
            follow_up = "10m"
            follow_ups = 2

            """
    }
    return text
}

/// Loads, validates and plans `n` commitments: the first step of the planner on a fresh record.
func configBench(_ n: Int, runs: Int) {
    let data = Data(config(n).utf8)
    let now = Instant(seconds: 1_795_000_000)  // 2026-11-18
    var loader = ConfigLoader(environment: [:], now: now, hostname: "bench", systemZone: .utc)
    loader.maxBytes = Int.max
    var best = Double.infinity
    var planned = 0
    for _ in 0..<runs {
        let start = Date()
        let result = loader.load(data: data, path: "bench.toml", mode: 0o600)
        guard let config = result.config else { fail(result.diagnostics.first?.description ?? "no config") }
        let planner = Planner(settings: config.settings, commitments: config.commitments)
        var state = PlanState()
        for c in config.commitments { state.firstSeen[c.id] = Instant(microseconds: now.microseconds - 86_400_000_000) }
        let (effects, next) = planner.step(now: now, state: state)
        planned = effects.count + (next == nil ? 0 : 1)
        best = min(best, Date().timeIntervalSince(start))
    }
    print(
        String(
            format:
                "config: %d commitments (%d bytes) loaded, validated and planned in %.1f ms (best of %d; %d effects)",
            n, data.count, best * 1000, runs, planned))
}

switch arguments.first {
case nil, "elapse", "--seconds":
    elapse(seconds: option("--seconds", default: 3))
case "config":
    guard arguments.count >= 2, let n = Int(arguments[1]) else { fail("usage: nudge-bench config N [--runs R]") }
    configBench(n, runs: Int(option("--runs", default: 3)))
default:
    fail("unknown benchmark \(arguments[0]); try elapse or config N")
}
