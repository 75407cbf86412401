// libFuzzer entry point for one-off moments and timestamps; see ../README.md.
//
// One input is read as `nudge add --at`, `snooze --until`, `done --at` and `history --since` read it
// (`Moment.resolve`, in all three directions), and as a systemd timestamp (`Timestamp.parseDetailed`, which
// `nudge calendar --base-time` and a config's `once` use). Zones and "now" are fixed so that a finding reproduces
// exactly. It is read once more as the command line does (`Input.moment`), which bounds it to a century either
// way. A broken property traps (`fatalError`), which libFuzzer reports as a crash.
import Foundation
import FuzzDriver
import NudgeCore

/// A zone the harness needs; without the system's zone data the harness itself is broken.
private func zone(_ name: String) -> Zone {
    guard let zone = try? Zone.named(name) else { fatalError("MomentFuzz: no zone \(name) in /usr/share/zoneinfo") }
    return zone
}

/// Zones with a "now" each: the day before Berlin springs forward, and inside New York's repeated hour.
private let places: [(zone: Zone, now: Instant)] = [
    (zone("Europe/Berlin"), Instant(seconds: 1_774_699_200)),  // Sat 2026-03-28 13:00:00 CET
    (zone("America/New_York"), Instant(seconds: 1_793_511_000)),  // Sun 2026-11-01 01:30:00 EDT
]

private func violated(_ property: String, _ text: String, _ place: (zone: Zone, now: Instant)) -> Never {
    fatalError("MomentFuzz: \(property) for \"\(text)\" in \(place.zone.name) at \(place.now)")
}

private func moments(_ text: String, in place: (zone: Zone, now: Instant)) -> Int {
    var sink = 0
    for direction in [MomentDirection.future, .past, .either] {
        do {
            let instant = try Moment.resolve(text, now: place.now, zone: place.zone, direction: direction)
            // The direction is what the commands rely on: `add --at` never schedules in the past, and
            // `done --at` never records the future.
            if direction == .future && instant < place.now {
                violated("a future moment \(instant) is past", text, place)
            }
            if direction == .past && instant > place.now { violated("a past moment \(instant) is ahead", text, place) }
            sink &+= TimestampFormat.systemd(instant, zone: place.zone).utf8.count
            sink &+= TimestampFormat.relative(instant, now: place.now).utf8.count
        } catch {
            sink &+= (error.errorDescription ?? "").utf8.count
        }
    }
    return sink &+ bounded(text, in: place)
}

/// `Input.moment` never returns a moment more than a century from now, nor one on the wrong side of it.
private func bounded(_ text: String, in place: (zone: Zone, now: Instant)) -> Int {
    var sink = 0
    for direction in [MomentDirection.future, .past, .either] {
        do {
            let t = try Input.moment(text, direction: direction, zone: place.zone, now: place.now)
            if abs((t - place.now).microseconds) > Input.farthest.microseconds {
                violated("Input.moment accepted \(t), more than a century away", text, place)
            }
            if direction == .future && t < place.now { violated("Input.moment: a future \(t) is past", text, place) }
            if direction == .past && t > place.now { violated("Input.moment: a past \(t) is ahead", text, place) }
            sink &+= Int(truncatingIfNeeded: (t + Span.days(366)).microseconds & 1)
        } catch {
            sink &+= error.message.utf8.count
        }
    }
    return sink
}

/// Whether a timestamp printed as `systemd-analyze` prints it reads back as the same second.
private func readsBack(_ written: String, as instant: Instant, _ text: String, _ place: (zone: Zone, now: Instant)) {
    let read: Instant
    do {
        read = try Timestamp.parse(written, zone: place.zone, now: place.now)
    } catch {
        violated("\"\(written)\" (\(instant)) does not parse: \(error.reason)", text, place)
    }
    if read != Instant(seconds: instant.seconds) {
        violated("\"\(written)\" reads as \(read), not \(Instant(seconds: instant.seconds))", text, place)
    }
}

private func timestamp(_ text: String, in place: (zone: Zone, now: Instant)) -> Int {
    let parsed: Timestamp.Parsed
    do {
        parsed = try Timestamp.parseDetailed(text, zone: place.zone, now: place.now)
    } catch {
        return (error.errorDescription ?? "").utf8.count
    }
    let instant = parsed.instant
    // `nudge calendar` prints times in both forms, and people paste them back into --base-time. Years below
    // 100 read as 19xx/20xx and past 9999 are refused, so only the years in between can come back.
    let year = Zone.utc.local(instant).year
    guard (100...9999).contains(year) else { return 0 }
    let utc = TimestampFormat.systemdUTC(instant)
    readsBack(utc, as: instant, text, place)
    // The local form reads back when its abbreviation is one the zone is known by (CET/CEST, EST/EDT), which
    // also says which of a repeated hour it is, and its own year is in range too.
    let local = TimestampFormat.systemd(instant, zone: place.zone)
    let names = place.zone.initialNames
    let abbreviation = place.zone.offset(atSeconds: instant.seconds).abbreviation
    if abbreviation == names.standard || abbreviation == names.daylight,
        (100...9999).contains(place.zone.local(instant).year)
    {
        readsBack(local, as: instant, text, place)
    }
    return utc.utf8.count &+ local.utf8.count
}

/// Called by libFuzzer once per input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // Command-line arguments and TOML strings reach the parsers as Swift strings.
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    var sink = 0
    for place in places { sink &+= moments(text, in: place) &+ timestamp(text, in: place) }
    return sink == -1 ? 1 : 0
}

// SwiftPM links `main` to `MomentFuzz_main`; the shared driver (FuzzDriver) explains why.
@_cdecl("MomentFuzz_main")
public func momentFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
