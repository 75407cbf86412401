// libFuzzer entry point for ConfigLoader; see ../README.md.
//
// Everything that varies between runs (environment, clock, host, zone) is fixed so that a finding
// reproduces exactly.
import Foundation
import FuzzDriver
import NudgeCore

private let loader = ConfigLoader(
    environment: ["USER": "fuzz", "HOME": "/nonexistent"],
    now: Instant(seconds: 1_800_000_000),
    hostname: "fuzzhost",
    systemZone: Zone.utc)

/// Known findings to step over, so that a run can look for other ones: names from the environment variable
/// NUDGE_FUZZ_SKIP, separated by commas. Unset (the default), every input is loaded. See ../crashes/. Since
/// ParserGuard (7014c1d) the toml++ ones no longer crash the loader; skipping them still saves its bisection.
private let skip = Set(
    (ProcessInfo.processInfo.environment["NUDGE_FUZZ_SKIP"] ?? "").split(separator: ",").map(String.init))

/// crashes/01: toml++ 3.4.0 asserts in `parse_key()` when a table header's first key character is neither a
/// bare-key character nor a quote (`[` then a newline, `[[=`, `[[[a]]]`). An over-approximation: any line
/// that starts, after blanks, with `[`, blanks, an optional `[` and blanks, then something else than
/// `A-Za-z0-9_-`, a quote or `]`.
private func hitsTableHeaderAssert(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
    // A byte-order mark at the start is skipped like a blank.
    var i = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    var lineStart = true
    while i < bytes.count {
        let b = bytes[i]
        if b == 0x0A { lineStart = true; i += 1; continue }
        if lineStart && isBlank(b) { i += 1; continue }
        if lineStart && b == UInt8(ascii: "[") {
            var j = i + 1
            while j < bytes.count, isBlank(bytes[j]) { j += 1 }
            if j < bytes.count, bytes[j] == UInt8(ascii: "[") { j += 1 }
            while j < bytes.count, isBlank(bytes[j]) { j += 1 }
            guard j < bytes.count else { return false }  // toml++ reports the end of input
            let c = bytes[j]
            let ok =
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
                || c == 0x2D || c == 0x22 || c == 0x27 || c == 0x5D
            if !ok { return true }
        }
        lineStart = false
        i += 1
    }
    return false
}

/// crashes/02: toml++ 3.4.0 asserts in `parse_value()` on a local date, a space, one digit and then a value
/// terminator (`d = 2026-12-01 1` then a newline, a blank, `,`, `]`, `}` or `#`): it steps past the digit and
/// scans on without checking for a terminator. toml++ calls a token a date when its 5th and 8th characters
/// are `-` and nothing else in it looks like a number (`1\u{4}79-22-4n` passes). An over-approximation: a
/// space, a digit, then an ASCII terminator or any non-ASCII byte (toml++ also ends values at Unicode
/// whitespace), with a `-` in the 12 bytes before the space.
private func hitsDateSpaceDigitAssert(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    func isTerminator(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || (b >= 0x0A && b <= 0x0D) || b == UInt8(ascii: "]") || b == UInt8(ascii: "}")
            || b == UInt8(ascii: ",") || b == UInt8(ascii: "#") || b >= 0x80
    }
    guard bytes.count >= 4 else { return false }
    for i in 1..<(bytes.count - 2) where bytes[i] == 0x20 && isDigit(bytes[i + 1]) && isTerminator(bytes[i + 2]) {
        for j in max(0, i - 12)..<i where bytes[j] == UInt8(ascii: "-") { return true }
    }
    return false
}

/// crashes/03: toml++ 3.4.0 asserts in `parse_value()` when an array expects a value and finds `}` or a
/// non-ASCII line break (U+0085, U+2028, U+2029): `a = [}`, `a = [1, }`. An over-approximation: `[` or `,`,
/// then blanks, line breaks and comments, then one of those.
private func hitsArrayTerminatorAssert(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var i = 0
    while i < bytes.count {
        defer { i += 1 }
        guard bytes[i] == UInt8(ascii: "[") || bytes[i] == UInt8(ascii: ",") else { continue }
        var j = i + 1
        while j < bytes.count {
            let b = bytes[j]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D {
                j += 1
            } else if b == UInt8(ascii: "#") {
                while j < bytes.count, bytes[j] != 0x0A { j += 1 }
            } else {
                break
            }
        }
        guard j < bytes.count else { return false }
        if bytes[j] == UInt8(ascii: "}") { return true }
        if bytes[j] == 0xC2, j + 1 < bytes.count, bytes[j + 1] == 0x85 { return true }
        if bytes[j] == 0xE2, j + 2 < bytes.count, bytes[j + 1] == 0x80, bytes[j + 2] == 0xA8 || bytes[j + 2] == 0xA9 {
            return true
        }
    }
    return false
}

/// crashes/04 (nudge, fixed in 7014c1d): a `once` in a year past about 294,247 overflowed Int64 microseconds
/// and trapped (Timestamp.swift `t * 1_000_000`). An over-approximation: the text has
/// "once" and a run of six or more digits followed by `-`.
private func hitsOnceYearOverflow(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    let once = Array("once".utf8)
    var hasOnce = false
    if bytes.count >= 4 {
        for i in 0...(bytes.count - 4)
        where bytes[i] == once[0] && bytes[i + 1] == once[1]
            && bytes[i + 2] == once[2] && bytes[i + 3] == once[3]
        {
            hasOnce = true
            break
        }
    }
    guard hasOnce else { return false }
    var run = 0
    for b in bytes {
        if b >= 0x30 && b <= 0x39 {
            run += 1
        } else {
            if b == UInt8(ascii: "-") && run >= 6 { return true }
            run = 0
        }
    }
    return false
}

/// crashes/05 is a stack overflow that needs a larger input than these runs use (see ../crashes/README.md).

/// crashes/06: toml++ 3.4.0 asserts in `parse_time()` on a date, `T` and then anything but a digit, when a `:`
/// follows in the same value (`a = 2026-12-01T:30:00`, `d = 1979-05-27T/:`): `parse_date_time()` calls it
/// without checking for a digit. An over-approximation: a digit, `T` or `t`, something other than a digit,
/// and a `:` before the next blank, line break, `,`, `]`, `}` or `#`.
private func hitsDateTimeColonAssert(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    func ends(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || (b >= 0x0A && b <= 0x0D) || b == UInt8(ascii: ",") || b == UInt8(ascii: "]")
            || b == UInt8(ascii: "}") || b == UInt8(ascii: "#")
    }
    guard bytes.count >= 3 else { return false }
    for i in 1..<(bytes.count - 1)
    where (bytes[i] == UInt8(ascii: "T") || bytes[i] == UInt8(ascii: "t"))
        && isDigit(bytes[i - 1]) && !isDigit(bytes[i + 1])
    {
        var j = i + 1
        while j < bytes.count, !ends(bytes[j]) {
            if bytes[j] == UInt8(ascii: ":") { return true }
            j += 1
        }
    }
    return false
}

/// The numeric bounds a valid config promises: every span the planner adds stays within a year, follow-ups are at
/// least a minute apart and at most 20, and a simulated first day of its life makes progress without a flood.
private func withinBounds(_ config: Config) -> Int {
    for c in config.commitments {
        func check(_ name: String, _ span: Span?, _ low: Span = .zero) {
            guard let span else { return }
            if span < low || span > Defaults.maxSpan {
                fatalError("ConfigFuzz: \(c.id.rawValue).\(name) is \(span.microseconds) us, outside the bounds")
            }
        }
        check("remind_before", c.remindBefore)
        check("follow_up", c.followUp, Defaults.minFollowUp)
        check("on_time", c.onTime)
        check("grace", c.grace)
        if case .every(let cadence, _, _) = c.schedule {
            if cadence < Defaults.minFollowUp {
                fatalError("ConfigFuzz: \(c.id.rawValue).every is \(cadence.microseconds) us")
            }
        }
        if c.followUps < 0 || c.followUps > Defaults.maxFollowUps {
            fatalError("ConfigFuzz: \(c.id.rawValue).follow_ups is \(c.followUps)")
        }
    }
    return live(config)
}

/// One simulated day of the planner over the config, every nudge delivered, nothing answered: time moves forward
/// at every step and no commitment gets more than three nudges a minute (a cadence or follow-up is a minute at
/// least).
private func live(_ config: Config) -> Int {
    let planner = Planner(settings: config.settings, commitments: config.commitments)
    var state = PlanState()
    var nextID: Int64 = 1
    var now = loader.now
    let end = now + Span.days(1)
    var sent = 0
    func update(_ id: Int64, _ change: (inout Occurrence) -> Void) {
        for (cid, var o) in state.pending where o.id == id {
            change(&o)
            state.pending[cid] = o
        }
    }
    for _ in 0..<100_000 {
        let (effects, next) = planner.step(now: now, state: state)
        for effect in effects {
            switch effect {
            case .firstSeen(let id, let at): state.firstSeen[id] = at
            case .start(let id, let due, let since):
                state.pending[id] = Occurrence(id: nextID, commitment: id, due: due, created: min(since, now))
                nextID += 1
            case .end(let id, let outcome, let at, _):
                for (cid, var o) in state.pending where o.id == id {
                    o.outcome = outcome
                    o.outcomeAt = at
                    state.pending[cid] = nil
                    state.lastEnded[cid] = o
                }
            case .send(let n):
                sent += 1
                update(n.occurrence) { o in
                    o.handle(n)
                    if o.firstDelivered == nil { o.firstDelivered = now }
                }
            case .drop(let n): update(n.occurrence) { $0.handle(n) }
            case .digest(let items):
                sent += 1
                for n in items { update(n.occurrence) { $0.handle(n) } }
            case .away: break
            }
        }
        if !effects.isEmpty { continue }
        guard let next, next < end else { break }
        if next <= now { fatalError("ConfigFuzz: the planner wants to wake at \(next), not after \(now)") }
        now = next
    }
    let limit = 3 * 24 * 60 * max(1, config.commitments.count)
    if sent > limit { fatalError("ConfigFuzz: \(sent) nudges in a day from \(config.commitments.count) commitments") }
    return sent
}

/// Called by libFuzzer once per input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    if skip.contains("tomlpp-table-header"), hitsTableHeaderAssert(UnsafeBufferPointer(start: data, count: size)) {
        return -1  // libFuzzer: do not add this input to the corpus
    }
    if skip.contains("tomlpp-date-space-digit"), hitsDateSpaceDigitAssert(UnsafeBufferPointer(start: data, count: size))
    {
        return -1
    }
    if skip.contains("tomlpp-array-terminator"),
        hitsArrayTerminatorAssert(UnsafeBufferPointer(start: data, count: size))
    {
        return -1
    }
    if skip.contains("tomlpp-datetime-t-colon"), hitsDateTimeColonAssert(UnsafeBufferPointer(start: data, count: size))
    {
        return -1
    }
    if skip.contains("once-year-overflow"), hitsOnceYearOverflow(UnsafeBufferPointer(start: data, count: size)) {
        return -1
    }
    let bytes = Data(bytes: data, count: size)
    // Odd sizes load as a group-writable file, which also asks the reader whether the config runs programs.
    let mode: mode_t = size % 2 == 0 ? 0o600 : 0o664
    let result = loader.load(data: bytes, path: "/fuzz/config.toml", mode: mode)
    // What `nudge check` prints: every diagnostic with its caret line, then the summary of a valid config.
    var sink = 0
    for diagnostic in result.diagnostics { sink &+= diagnostic.description.utf8.count }
    if let config = result.config {
        let summary = ConfigSummary(config, now: loader.now)
        for item in summary.commitments { sink &+= item.schedule.utf8.count &+ item.next.count }
        sink &+= withinBounds(config)
    }
    return sink == -1 ? 1 : 0
}

// SwiftPM links `main` to `ConfigFuzz_main`; the shared driver (FuzzDriver) explains why.
@_cdecl("ConfigFuzz_main")
public func configFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
