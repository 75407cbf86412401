import Foundation
import Testing

@testable import NudgeCore

/// A small deterministic generator (Steele, Lea and Flood's SplitMix64), so a failing run can be replayed.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0 ..< n (0 when n is 0).
    mutating func below(_ n: Int) -> Int { n > 0 ? Int(next() % UInt64(n)) : 0 }

    /// A number in the closed range.
    mutating func within(_ range: ClosedRange<Int>) -> Int { range.lowerBound + below(range.count) }

    /// True with the given probability in percent.
    mutating func percent(_ p: Int) -> Bool { below(100) < p }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// Builds random calendar expressions from the pieces systemd.time(7) describes, valid or not.
struct CalendarExpressionGenerator {
    var rng: SplitMix64

    static let weekdays = [
        ("Mon", "Monday"), ("Tue", "Tuesday"), ("Wed", "Wednesday"), ("Thu", "Thursday"), ("Fri", "Friday"),
        ("Sat", "Saturday"), ("Sun", "Sunday"),
    ]
    static let keywords = [
        "minutely", "hourly", "daily", "weekly", "monthly", "yearly", "annually", "anually", "quarterly",
        "semiannually", "semi-annually", "biannually", "bi-annually",
    ]
    static let zoneSuffixes = [
        "UTC", "utc", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "Australia/Lord_Howe",
        "America/Chicago", "Asia/Kathmandu", "Etc/GMT-14", "Europe/London",
    ]
    /// Local zone abbreviations systemd accepts in each TZ (glibc's tzname after tzset()). Kolkata's "+0630"
    /// and São Paulo's "-02" are accepted too but never elapse, so they are left out here; the fixture has them.
    static let abbreviations: [String: [String]] = [
        "Europe/Berlin": ["CET", "CEST"], "America/New_York": ["EST", "EDT"], "Australia/Sydney": ["AEST", "AEDT"],
        "Asia/Kolkata": ["IST"], "Pacific/Chatham": ["+1245", "+1345"], "Europe/London": ["GMT", "BST"],
        "Europe/Dublin": ["GMT", "IST"], "Australia/Lord_Howe": ["+1030", "+11"], "Asia/Kathmandu": ["+0545"],
        "America/Sao_Paulo": ["-03"], "Africa/Casablanca": ["+01", "+00"], "UTC": ["UTC"],
    ]

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func expression(localZone: String) -> String {
        var text: String
        if rng.percent(12) {
            text = cased(rng.pick(Self.keywords))
        } else {
            var parts: [String] = []
            if rng.percent(35) { parts.append(weekdaySpec()) }
            if rng.percent(65) { parts.append(dateSpec()) }
            if rng.percent(80) || parts.isEmpty { parts.append(timeSpec()) }
            text = parts.joined(separator: " ")
        }
        if rng.percent(25) {
            let abbreviations = Self.abbreviations[localZone] ?? []
            if !abbreviations.isEmpty && rng.percent(40) {
                text += " " + cased(rng.pick(abbreviations))
            } else {
                text += " " + rng.pick(Self.zoneSuffixes)
            }
        }
        if rng.percent(6) { text = mutated(text) }
        return text
    }

    private mutating func cased(_ word: String) -> String {
        switch rng.below(4) {
        case 0: return word.uppercased()
        case 1: return word.prefix(1).uppercased() + word.dropFirst()
        default: return word
        }
    }

    private mutating func dayName(_ index: Int) -> String {
        let (short, long) = Self.weekdays[index]
        return cased(rng.percent(70) ? short : long)
    }

    private mutating func weekdaySpec() -> String {
        var items: [String] = []
        for _ in 0..<rng.within(1...3) {
            if rng.percent(40) {
                var a = rng.below(7)
                var b = rng.below(7)
                if a > b && rng.percent(90) { swap(&a, &b) }  // sometimes keep the invalid order
                items.append(dayName(a) + (rng.percent(20) ? "-" : "..") + dayName(b))
            } else {
                items.append(dayName(rng.below(7)))
            }
        }
        return items.joined(separator: ",") + (rng.percent(10) ? "," : "")
    }

    private mutating func number(_ value: Int, width: Int) -> String {
        let plain = String(value)
        return rng.percent(50) && plain.count < width
            ? String(repeating: "0", count: width - plain.count) + plain : plain
    }

    /// One field: "*", a value, a list, a range, or a repetition.
    private mutating func component(_ range: ClosedRange<Int>, width: Int, star: Int) -> String {
        if rng.percent(star) { return "*" }
        switch rng.below(10) {
        case 0, 1:
            let values = (0..<rng.within(2...3)).map { _ in rng.within(range) }
            return values.map { number($0, width: width) }.joined(separator: ",")
        case 2, 3:
            let a = rng.within(range)
            let b = rng.within(a...range.upperBound)
            let step = rng.percent(30) ? "/" + String(rng.within(1...max(1, (b - a) / 2 + 1))) : ""
            return number(a, width: width) + ".." + number(b, width: width) + step
        case 4, 5:
            let start = rng.within(range.lowerBound...(range.lowerBound + (range.count - 1) / 3))
            let step = rng.within(1...max(1, range.count / 3))
            return number(start, width: width) + "/" + String(step)
        default:
            return number(rng.within(range), width: width)
        }
    }

    private mutating func dateSpec() -> String {
        let endOfMonth = rng.percent(15)
        let day =
            endOfMonth
            ? (rng.percent(30) ? number(rng.within(1...7), width: 2) + "/1" : component(1...7, width: 2, star: 20))
            : component(1...31, width: 2, star: 40)
        let month = component(1...12, width: 2, star: 50)
        let separator = endOfMonth ? "~" : "-"
        if rng.percent(40) { return month + separator + day }
        let year: String
        switch rng.below(6) {
        case 0: year = String(rng.within(24...32))
        case 1: year = "2025/" + String(rng.within(1...3))
        case 2: year = "2026..2029"
        case 3: year = String(rng.within(2024...2032))
        default: year = "*"
        }
        return year + "-" + month + separator + day
    }

    private mutating func timeSpec() -> String {
        let hour = component(0...23, width: 2, star: 40)
        let minute: String
        if rng.percent(30) {
            minute = rng.pick(["0/15", "0/30", "00", "30", "45", "5/10", "0,20,40"])
        } else {
            minute = component(0...59, width: 2, star: 20)
        }
        guard rng.percent(50) else { return hour + ":" + minute }
        let second: String
        if rng.percent(35) {
            second = rng.pick(["0/7.5", "1.5", "0.25/0.5", "0/20", "0,30", "10..20", "59.999999", "00"])
        } else {
            second = component(0...59, width: 2, star: 30)
        }
        return hour + ":" + minute + ":" + second
    }

    private mutating func mutated(_ text: String) -> String {
        switch rng.below(5) {
        case 0: return text + "x"
        case 1: return text + " garbage"
        case 2: return text.replacingOccurrences(of: ":", with: "::")
        case 3: return text.replacingOccurrences(of: "1", with: "99")
        default: return String(text.dropLast())
        }
    }
}

/// Runs the real `systemd-analyze calendar`.
enum LiveSystemd {
    static let path: String? = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }
    static let isCI = ProcessInfo.processInfo.environment["CI"] != nil
    /// Run when systemd-analyze exists; on CI also when it does not, so that its absence fails.
    static let runnable = path != nil || isCI

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func calendar(
        _ executable: String, zone: String, base: String, iterations: Int, expression: String
    ) throws -> Run {
        try calendar(executable, zone: zone, base: base, iterations: iterations, expressions: [expression])
    }

    static func calendar(
        _ executable: String, zone: String, base: String, iterations: Int, expressions: [String]
    ) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["calendar", "--iterations=\(iterations)", "--base-time=\(base)", "--"] + expressions
        process.environment = ["TZ": zone, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "SYSTEMD_COLORS": "0"]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // stderr holds a line or two for each rejected expression: far less than a pipe's 64 KiB.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// One report per expression from a single run for all of them (a run costs about 6 ms, most of it
    /// loading systemd), each cut to its own iterations, with status 1 where its block is empty.
    ///
    /// systemd-analyze prints one block per expression, an empty one for an expression it rejects, with an
    /// empty line between blocks. One expression can change what systemd prints for the next (an explicit
    /// zone changes libc's zone state: "(in UTC)" lines vanish in Atlantic/Reykjavik, "daily +0630" is
    /// rejected in Asia/Kolkata after some): `confirmed` runs an expression alone before it counts a
    /// difference from such a report.
    static func calendar(
        _ executable: String, zone: String, base: String, cases: [(expression: String, iterations: Int)]
    ) throws -> [Run] {
        let most = cases.map(\.iterations).max() ?? 1
        let run = try calendar(
            executable, zone: zone, base: base, iterations: most, expressions: cases.map(\.expression))
        var rest = Substring(run.stdout)
        return cases.map { c in
            var block = Substring()
            if rest.hasPrefix("\n") || rest.isEmpty {
                rest = rest.dropFirst()
            } else if let end = rest.range(of: "\n\n") {
                block = rest[..<end.lowerBound] + "\n"
                rest = rest[end.upperBound...]
            } else {
                block = rest
                rest = ""
            }
            return Run(status: block.isEmpty ? 1 : 0, stdout: cut(block, to: c.iterations), stderr: run.stderr)
        }
    }

    /// A block without the lines of iterations past `iterations`.
    static func cut(_ block: Substring, to iterations: Int) -> String {
        var lines: [Substring] = []
        for line in block.split(separator: "\n") {
            let text = line.drop { $0 == " " }
            if text.hasPrefix("Iter. #"), let n = Int(text.dropFirst(7).prefix { $0.isNumber }), n > iterations {
                break
            }
            lines.append(line)
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// A difference between our report and systemd's from a batch, confirmed by running the expression alone:
    /// nil when the two agree, or when systemd alone agrees with ours.
    static func confirmed(
        _ executable: String, zone: String, base: String, iterations: Int, expression: String, batched: Run,
        ours: (output: String, failed: Bool), title: String
    ) throws -> String? {
        func mismatch(_ run: Run) -> String? {
            CalendarComparison.mismatch(
                title: title, expected: withoutFromNow(run.stdout), expectedFailed: run.status != 0,
                actual: ours.output, actualFailed: ours.failed)
        }
        guard mismatch(batched) != nil else { return nil }
        return mismatch(
            try calendar(executable, zone: zone, base: base, iterations: iterations, expression: expression))
    }

    /// stdout without the "From now:" lines, which depend on the wall clock.
    static func withoutFromNow(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.drop(while: { $0 == " " }).hasPrefix("From now:") }
            .joined(separator: "\n")
    }
}

struct CalendarLiveTests {
    static let zones = [
        "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Pacific/Chatham", "UTC",
        "Asia/Kathmandu", "America/Sao_Paulo", "Europe/London", "Africa/Casablanca", "Australia/Lord_Howe",
        "Europe/Dublin",
    ]
    /// Ordinary days, month and year ends, a leap day, and moments around DST transitions (2026, 2040).
    static let baseEpochs: [Int64] = [
        1_774_612_800,  // 2026-03-27 12:00 UTC
        1_782_853_200,  // 2026-06-30 21:00 UTC
        1_798_759_800,  // 2026-12-31 23:30 UTC
        1_835_393_400,  // 2028-02-28 23:30 UTC
        1_774_743_600,  // 40 min before the European spring-forward of 2026
        1_792_888_200,  // 30 min before the European fall-back of 2026
        1_792_891_200,  // 20 min after it (inside the repeated hour in Berlin)
        1_772_950_500,  // 45 min before New York springs forward, 2026
        1_793_510_400,  // 40 min before New York falls back, 2026
        1_793_513_700,  // 15 min after it
        1_775_316_600,  // 30 min before Sydney falls back, 2026
        1_791_040_500,  // 45 min before Sydney springs forward, 2026
        1_790_428_200,  // 50 min before Chatham springs forward, 2026
        1_775_313_600,  // 20 min before Lord Howe falls back, 2026
        1_791_039_900,  // 25 min before Lord Howe springs forward, 2026
        1_771_119_000,  // 30 min before Casablanca falls back, 2026
        2_234_996_400,  // 40 min before the European fall-back of 2040
        2_215_059_600,  // 40 min before New York springs forward, 2040
    ]
    /// Bases around each zone's own transitions, picked half of the time for that zone.
    static let transitionEpochs: [String: [Int64]] = [
        "Europe/Berlin": [1_774_743_600, 1_792_888_200, 1_792_891_200, 2_234_996_400],
        "Europe/London": [1_774_743_600, 1_792_888_200, 1_792_891_200, 2_234_996_400],
        "Europe/Dublin": [1_774_743_600, 1_792_888_200, 1_792_891_200, 2_234_996_400],
        "America/New_York": [1_772_950_500, 1_793_510_400, 1_793_513_700, 2_215_059_600],
        "Australia/Sydney": [1_775_316_600, 1_791_040_500],
        "Pacific/Chatham": [1_790_428_200],
        "Australia/Lord_Howe": [1_775_313_600, 1_791_039_900],
        "Africa/Casablanca": [1_771_119_000],
    ]
    static let count = 400

    static var seed: UInt64 {
        let text = ProcessInfo.processInfo.environment["NUDGE_CALENDAR_SEED"] ?? ""
        if text.hasPrefix("0x"), let value = UInt64(text.dropFirst(2), radix: 16) { return value }
        return UInt64(text) ?? 0x6E75_6467_6552_0252
    }

    @Test(
        .enabled(if: LiveSystemd.runnable, "systemd-analyze is not installed (set CI=1 to make that a failure)"))
    func generatedExpressionsMatchSystemdAnalyze() throws {
        guard let executable = LiveSystemd.path else {
            Issue.record("systemd-analyze is missing (looked in /usr/bin and /bin) and CI is set")
            return
        }
        let seed = Self.seed
        print("CalendarLiveTests: seed 0x\(String(seed, radix: 16)) (set NUDGE_CALENDAR_SEED to replay)")
        var generator = CalendarExpressionGenerator(seed: seed)
        let started = Date()
        var invalid = 0
        // Four expressions a run of systemd-analyze, with one zone, base and count of iterations.
        for batch in 0..<Self.count / 4 {
            let zoneName = Self.zones[generator.rng.below(Self.zones.count)]
            let own = Self.transitionEpochs[zoneName] ?? []
            let epoch =
                !own.isEmpty && generator.rng.percent(50)
                ? generator.rng.pick(own) : generator.rng.pick(Self.baseEpochs)
            let iterations = generator.rng.within(1...6)
            let expressions = (0..<4).map { _ in generator.expression(localZone: zoneName) }
            let runs = try LiveSystemd.calendar(
                executable, zone: zoneName, base: "@\(epoch)", cases: expressions.map { ($0, iterations) })
            for (k, (expression, run)) in zip(expressions, runs).enumerated() {
                #expect([0, 1].contains(run.status), "systemd-analyze exited \(run.status): \(run.stderr)")
                if run.status != 0 { invalid += 1 }

                let actual: (output: String, failed: Bool)
                do {
                    let zone = try Zone.named(zoneName)
                    actual = CalendarReport.render(
                        [expression], base: Instant(seconds: epoch), localZone: zone, iterations: iterations,
                        now: nil)
                } catch {
                    actual = (output: "<error before rendering: \(error)>\n", failed: true)
                }
                let title = """
                    live #\(batch * 4 + k) (seed 0x\(String(seed, radix: 16))) TZ=\(zoneName) base=@\(epoch) \
                    n=\(iterations) '\(expression)'
                      TZ=\(zoneName) systemd-analyze calendar --iterations=\(iterations) --base-time=@\(epoch) \
                    -- '\(expression)'
                    """
                let mismatch = try LiveSystemd.confirmed(
                    executable, zone: zoneName, base: "@\(epoch)", iterations: iterations, expression: expression,
                    batched: run, ours: actual, title: title)
                let matches = mismatch == nil
                #expect(matches, Comment(rawValue: mismatch ?? ""))
            }
        }
        let seconds = Date().timeIntervalSince(started)
        print(
            "CalendarLiveTests: \(Self.count) expressions (\(invalid) rejected by systemd) in "
                + String(format: "%.1f", seconds) + " s")
    }
}
