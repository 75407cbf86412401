/// The report of `nudge calendar`: what `systemd-analyze calendar` prints, line for line.
public enum CalendarReport {
    /// The outcome of reporting on several expressions.
    public struct Result: Sendable {
        /// Everything for standard output.
        public var output: String
        /// One error per invalid expression, in order.
        public var errors: [CalendarError]
    }

    /// Renders the report for `expressions`, all from the same `base`; `now` adds "From now:" lines.
    public static func render(
        _ expressions: [String], base: Instant, localZone: Zone, iterations: Int, now: Instant?
    ) -> (output: String, failed: Bool) {
        let r = report(expressions, base: base, localZone: localZone, iterations: iterations, now: now)
        return (r.output, !r.errors.isEmpty)
    }

    /// Renders the report and collects the errors.
    ///
    /// `names` are glibc's zone names and flags at the start: `initialNames`, or after converting a
    /// local `--base-time`.
    public static func report(
        _ expressions: [String], base: Instant, localZone: Zone, iterations: Int, now: Instant?,
        names initial: ZoneNames? = nil
    ) -> Result {
        var result = Result(output: "", errors: [])
        // glibc's tzname/daylight as systemd-analyze sees them: they follow its own local-time conversions.
        var names = initial ?? localZone.initialNames
        for (i, text) in expressions.enumerated() {
            do {
                result.output += try block(
                    text, base: base, localZone: localZone, names: &names, iterations: iterations, now: now)
            } catch {
                result.errors.append(error)
                // On a bad expression systemd tries it as a timestamp for its hint, which converts
                // the current time to local time unless the text is clearly not a local timestamp.
                if Self.hintConvertsNow(text) {
                    names = localZone.names(afterConverting: (now ?? Instant.now).seconds)
                }
            }
            if i + 1 < expressions.count { result.output += "\n" }
        }
        return result
    }

    /// Whether systemd's parsing hint for a bad expression reads the clock in local time.
    static func hintConvertsNow(_ text: String) -> Bool {
        if text.hasPrefix("@") || text.hasPrefix("+") || text.hasPrefix("-") { return false }
        let lower = text.lowercased()
        if lower.hasSuffix(" utc") || lower.hasSuffix(" ago") || lower.hasSuffix(" left") { return false }
        if let space = text.lastIndex(of: " "), Zone.exists(String(text[text.index(after: space)...])) {
            return false
        }
        return true
    }

    private static func block(
        _ text: String, base: Instant, localZone: Zone, names: inout ZoneNames, iterations: Int, now: Instant?
    ) throws(CalendarError) -> String {
        let spec = try CalendarSpec(text, localNames: names)
        var lines: [(String, String)] = []
        let normalized = spec.normalized
        // The table printer drops the trailing blanks of a cell it pads, that is, one narrower than the
        // widest value; the widest is printed as it is.
        if normalized != text {
            let trimmed = String(text.reversed().drop(while: { $0 == " " }).reversed())
            lines.append(("Original form", text.count > normalized.count ? text : trimmed))
        }
        lines.append(("Normalized form", normalized))
        var from = base
        var printed: Instant?
        for i in 0..<max(iterations, 0) {
            var converted: Int64?
            let elapse = spec.nextElapse(after: from, localZone: localZone, lastConverted: &converted)
            if let converted { names = localZone.names(afterConverting: converted) }
            guard case .at(let next) = elapse else {
                if elapse == .unresolved {
                    throw CalendarError(
                        expression: text,
                        reason: "cannot determine the next elapse: the calculation does not converge "
                            + "(systemd gives up on it too)", offset: 0, length: text.unicodeScalars.count)
                }
                if i == 0 { lines.append(("Next elapse", "never")) }
                break
            }
            let stamp = TimestampFormat.systemd(next, zone: localZone)
            lines.append((i == 0 ? "Next elapse" : "Iter. #\(i + 1)", stamp))
            if !names.isUTCLike { lines.append(("(in UTC)", TimestampFormat.systemdUTC(next))) }
            if let now { lines.append(("From now", TimestampFormat.relative(next, now: now))) }
            from = next
            printed = next
        }
        // Printing the table converts each elapse to local time; the last one is what glibc remembers.
        if let printed { names = localZone.names(afterConverting: printed.seconds) }
        let width = lines.map { $0.0.count }.max() ?? 0
        return lines.map { String(repeating: " ", count: width - $0.0.count) + $0.0 + ": " + $0.1 + "\n" }.joined()
    }

    /// The time elapses are computed after (`--base-time`, else now), and the zone names a local time
    /// read in leaves glibc with (as they are at that time).
    public static func base(_ text: String?, zone: Zone, now: Instant) throws -> (Instant, ZoneNames?) {
        guard let text else { return (now, nil) }
        let parsed = try Timestamp.parseDetailed(text, zone: zone, now: now)
        return (parsed.instant, parsed.isLocal ? zone.names(afterConverting: parsed.instant.seconds) : nil)
    }
}
