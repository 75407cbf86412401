// libFuzzer entry point for time spans; see ../README.md.
//
// One input is one span as a config (`every`, `follow_ups`, `quiet_hours`…) or `nudge snooze` takes it. A span
// that parses is formatted and parsed again; the same is done for the first eight bytes read as a length in
// microseconds. The same text is also read as the command line reads a span (`Input.span`: a unit, above
// zero, at most a year), which must never accept what it promises to refuse. A broken property traps (`fatalError`), which libFuzzer reports as a crash.
import Foundation
import FuzzDriver
import NudgeCore

/// `description` is read back by `Span(parsing:)` as the same length.
private func roundTrip(_ span: Span, from text: String) -> Int {
    let written = span.description
    let read: Span
    do {
        read = try Span(parsing: written)
    } catch {
        fatalError("SpanFuzz: \"\(written)\" (\(span.microseconds) us, from \"\(text)\") does not parse: \(error)")
    }
    if read != span {
        fatalError(
            "SpanFuzz: \"\(written)\" reads as \(read.microseconds) us, not \(span.microseconds) (from \"\(text)\")")
    }
    if let days = span.wholeDays, Span.days(Int64(days)) != span {
        fatalError("SpanFuzz: wholeDays \(days) of \(span.microseconds) us")
    }
    return written.utf8.count
}

/// The command line's bounded reading: anything it accepts is longer than zero, within the limit, has a unit,
/// and can be added to any moment within a century of now without overflow.
private func commandLine(_ text: String) -> Int {
    let span: Span
    do {
        span = try Input.span(text, what: "the snooze")
    } catch {
        return error.message.utf8.count
    }
    if span <= .zero || span > .days(366) {
        fatalError("SpanFuzz: Input.span accepted \"\(text)\" as \(span.microseconds) us")
    }
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if trimmed.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) || $0 == "." }) {
        fatalError("SpanFuzz: Input.span accepted \"\(text)\", which has no unit")
    }
    let now = Instant(seconds: 1_800_000_000)
    let far = now + Input.farthest
    return (far + span).description.utf8.count &+ (now - Input.farthest - span).description.utf8.count
}

/// Called by libFuzzer once per input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let text = String(decoding: bytes, as: UTF8.self)
    var sink = 0
    do {
        let span = try Span(parsing: text)
        if span.microseconds < 0 { fatalError("SpanFuzz: \"\(text)\" parses as a negative span") }
        sink &+= roundTrip(span, from: text)
    } catch {
        // What `nudge check` and the CLI print for a span they cannot read.
        sink &+= (error.errorDescription ?? "").utf8.count
        if let understood = error.understood { sink &+= understood.description.utf8.count }
    }
    sink &+= commandLine(text)
    // Any length at all, negative ones written with a leading "-".
    if size >= 8 {
        var raw: UInt64 = 0
        for i in 0..<8 { raw |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        let length = Int64(bitPattern: raw & UInt64(Int64.max))
        sink &+= roundTrip(Span(microseconds: length), from: "bytes 0-7")
        if length > 0 {
            let negative = Span(microseconds: -length).description
            if negative != "-" + Span(microseconds: length).description {
                fatalError("SpanFuzz: -\(length) us is written \"\(negative)\"")
            }
        }
    }
    return sink == -1 ? 1 : 0
}

// SwiftPM links `main` to `SpanFuzz_main`; the shared driver (FuzzDriver) explains why.
@_cdecl("SpanFuzz_main")
public func spanFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
