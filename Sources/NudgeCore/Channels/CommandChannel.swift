/// Runs the user's own program for a nudge: an argument list with placeholders, never a shell.
///
/// `{title} {when} {id} {kind} {with} {note}` are replaced inside each argument, so a value stays within
/// the argument it was written in, whatever it contains (spaces, quotes, a leading "-"; put `--` before
/// placeholders for programs that read options). `{title}` is the private-aware title. The program gets
/// NUDGE_ID, NUDGE_TITLE, NUDGE_DUE (ISO 8601), NUDGE_KIND, NUDGE_OCCURRENCE and NUDGE_WITH on top of
/// the user's session environment (`Subprocess.userEnvironment`), and `/dev/null` as stdin. A digest of
/// several nudges runs the program once: `{title}` is "3 promises while you were away", `{list}` and
/// NUDGE_LIST hold one "ID<TAB>DUE<TAB>TITLE" line each, NUDGE_IDS the ids (space-separated).
public struct CommandChannel: NudgeChannel {
    public var argv: [String]
    public var timeout: Span

    /// A command channel.
    public init(argv: [String], timeout: Span) {
        self.argv = argv
        self.timeout = timeout
    }

    public func send(_ message: NudgeMessage, delivery: Delivery) -> ChannelResult {
        Self.send(message, argv: argv, timeout: timeout)
    }

    /// Runs the command for one nudge.
    ///
    /// Exit 0 is sent; 75 (EX_TEMPFAIL) a failure worth retrying; any other exit a failure; a timeout
    /// (TERM, then KILL 2 s later) or a death by signal unknown; a program that is not there unavailable.
    public static func send(_ m: NudgeMessage, argv: [String], timeout: Span) -> ChannelResult {
        Subprocess.send(arguments(argv, for: m), environment: environment(m), timeout: timeout)
    }

    /// The placeholder values of a nudge.
    static func values(_ m: NudgeMessage) -> [String: String] {
        [
            "title": m.title, "when": m.when, "id": m.commitment.rawValue, "kind": m.kind.rawValue,
            "with": m.with ?? "", "note": m.note ?? "", "list": list(m),
        ]
    }

    /// The argument list with placeholders replaced in one pass: a value that itself contains "{id}" is
    /// left as it is, and unknown placeholders stay as written.
    static func arguments(_ argv: [String], for m: NudgeMessage) -> [String] {
        arguments(argv, values: values(m))
    }

    /// The argument list with `{NAME}` replaced by `values[NAME]` in one pass.
    static func arguments(_ argv: [String], values: [String: String]) -> [String] {
        argv.map { element in
            var out = ""
            var rest = element[...]
            while let open = rest.firstIndex(of: "{") {
                out += rest[..<open]
                let after = rest[rest.index(after: open)...]
                if let close = after.firstIndex(of: "}"), let value = values[String(after[..<close])] {
                    out += value
                    rest = after[after.index(after: close)...]
                } else {
                    out += "{"
                    rest = after
                }
            }
            return out + rest
        }
    }

    /// The NUDGE_* variables of a nudge.
    static func environment(_ m: NudgeMessage) -> [String: String] {
        var env = [
            "NUDGE_ID": m.commitment.rawValue, "NUDGE_TITLE": m.title,
            "NUDGE_DUE": TimestampFormat.iso8601(m.due, zone: m.zone), "NUDGE_KIND": m.kind.rawValue,
            "NUDGE_OCCURRENCE": String(m.occurrence), "NUDGE_WITH": m.with ?? "",
        ]
        if !m.items.isEmpty {
            env["NUDGE_LIST"] = list(m)
            env["NUDGE_IDS"] = m.items.map(\.commitment.rawValue).joined(separator: " ")
        }
        return env
    }

    /// A digest's nudges, one "ID<TAB>DUE<TAB>TITLE" line each; empty for one nudge.
    static func list(_ m: NudgeMessage) -> String {
        m.items.map { "\($0.commitment)\t\(TimestampFormat.iso8601($0.due, zone: $0.zone))\t\($0.title)" }
            .joined(separator: "\n")
    }
}
