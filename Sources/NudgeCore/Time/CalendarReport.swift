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
    public static func report(
        _ expressions: [String], base: Instant, localZone: Zone, iterations: Int, now: Instant?
    ) -> Result {
        var result = Result(output: "", errors: [])
        for (i, text) in expressions.enumerated() {
            do {
                result.output += try block(text, base: base, localZone: localZone, iterations: iterations, now: now)
            } catch {
                result.errors.append(error)
            }
            if i + 1 < expressions.count { result.output += "\n" }
        }
        return result
    }

    private static func block(
        _ text: String, base: Instant, localZone: Zone, iterations: Int, now: Instant?
    ) throws(CalendarError) -> String {
        let spec = try CalendarSpec(text, localZone: localZone)
        var lines: [(String, String)] = []
        let normalized = spec.normalized
        if normalized != text { lines.append(("Original form", text)) }
        lines.append(("Normalized form", normalized))
        var from = base
        for i in 0..<max(iterations, 0) {
            guard let next = spec.next(after: from, localZone: localZone) else {
                if i == 0 { lines.append(("Next elapse", "never")) }
                break
            }
            let stamp = TimestampFormat.systemd(next, zone: localZone)
            lines.append((i == 0 ? "Next elapse" : "Iter. #\(i + 1)", stamp))
            if !localZone.isUTCLike { lines.append(("(in UTC)", TimestampFormat.systemdUTC(next))) }
            if let now { lines.append(("From now", TimestampFormat.relative(next, now: now))) }
            from = next
        }
        let width = lines.map { $0.0.count }.max() ?? 0
        return lines.map { String(repeating: " ", count: width - $0.0.count) + $0.0 + ": " + $0.1 + "\n" }.joined()
    }
}
