// libFuzzer entry point for calendar expressions; see ../README.md.
//
// One input is one expression, as `nudge calendar` and a config's `when` take it. It is parsed, its normalized
// form is parsed again, and its next elapses are computed, in four zones from fixed base times, so a finding
// reproduces exactly. A broken property traps (`fatalError`), which libFuzzer reports as a crash.
import Foundation
import FuzzDriver
import NudgeCore

/// A zone the harness needs; without the system's zone data the harness itself is broken.
private func zone(_ name: String) -> Zone {
    guard let zone = try? Zone.named(name) else { fatalError("CalendarFuzz: no zone \(name) in /usr/share/zoneinfo") }
    return zone
}

/// Local zones with a base time each, chosen so that three iterations cross a DST change where there is one:
/// spring forward (Berlin, 2026-03-29), negative DST falling back (Dublin, 2026-10-25) and a half-hour shift
/// (Lord Howe, 2026-04-05).
private let places: [(zone: Zone, base: Instant)] = [
    (Zone.utc, Instant(seconds: 1_774_612_800)),  // Fri 2026-03-27 12:00:00 UTC
    (zone("Europe/Berlin"), Instant(seconds: 1_774_699_200)),  // Sat 2026-03-28 13:00:00 CET
    (zone("Europe/Dublin"), Instant(seconds: 1_792_843_200)),  // Sat 2026-10-24 13:00:00 IST
    (zone("Australia/Lord_Howe"), Instant(seconds: 1_775_260_800)),  // Sat 2026-04-04 11:00:00 +11
]

private func violated(_ property: String, _ text: String, _ place: (zone: Zone, base: Instant)) -> Never {
    fatalError("CalendarFuzz: \(property) for \"\(text)\" in \(place.zone.name) from \(place.base)")
}

/// The seconds field of a normalized form is "*" (systemd 252 prints it for a list that starts with 0/1,
/// whatever follows, so such a form can mean less than the expression; see CalendarSpec.formatChain).
private func secondsAreStar(_ normalized: String) -> Bool {
    normalized.split(separator: " ").contains { $0.filter { $0 == ":" }.count == 2 && $0.hasSuffix(":*") }
}

private func check(_ text: String, in place: (zone: Zone, base: Instant)) -> Int {
    var sink = 0
    // What `nudge calendar --base-time … --timezone …` prints, or its error with the caret line.
    let report = CalendarReport.report([text], base: place.base, localZone: place.zone, iterations: 3, now: place.base)
    sink &+= report.output.utf8.count
    for error in report.errors { sink &+= error.detailed.utf8.count }

    let spec: CalendarSpec
    do {
        spec = try CalendarSpec(text, localZone: place.zone)
    } catch {
        if report.errors.isEmpty { violated("the report accepted what the parser refused", text, place) }
        return sink &+ error.detailed.utf8.count
    }
    let normalized = spec.normalized
    // The normalized form is an expression too, and normalizing it changes nothing.
    guard let again = try? CalendarSpec(normalized, localZone: place.zone) else {
        violated("the normalized form \"\(normalized)\" does not parse", text, place)
    }
    if again.normalized != normalized {
        violated("normalizing \"\(normalized)\" gives \"\(again.normalized)\"", text, place)
    }

    // Each elapse is strictly after the one before, and the normalized form elapses at the same times.
    let sameMeaning = !secondsAreStar(normalized)
    var from = place.base
    for _ in 0..<3 {
        let next = spec.next(after: from, localZone: place.zone)
        if sameMeaning, again.next(after: from, localZone: place.zone) != next {
            violated("the normalized form \"\(normalized)\" elapses elsewhere after \(from)", text, place)
        }
        guard let next else { break }
        if next <= from { violated("next elapse \(next) is not after \(from)", text, place) }
        // On the UTC clock nothing is skipped or repeated: searching from just before an elapse finds it again.
        if spec.isUTC || (spec.timeZone == nil && place.zone === Zone.utc) {
            let before = Instant(microseconds: next.microseconds - 1)
            if spec.next(after: before, localZone: place.zone) != next {
                violated("searching from just before \(next) does not find it", text, place)
            }
        }
        sink &+= TimestampFormat.systemd(next, zone: place.zone).utf8.count
        from = next
    }
    return sink
}

/// Called by libFuzzer once per input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // Command-line arguments reach `nudge calendar` as Swift strings, so invalid UTF-8 is repaired first.
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    var sink = 0
    for place in places { sink &+= check(text, in: place) }
    return sink == -1 ? 1 : 0
}

// SwiftPM links `main` to `CalendarFuzz_main`; the shared driver (FuzzDriver) explains why.
@_cdecl("CalendarFuzz_main")
public func calendarFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
