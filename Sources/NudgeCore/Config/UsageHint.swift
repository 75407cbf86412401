/// What the command line says when its arguments cannot be parsed, the way git says it: the command or
/// option that was meant.
public enum UsageHint {
    /// For `args` (without the program name) that did not parse: "unknown command "stauts"; did you mean
    /// "status"?" or "unknown option "--jsn" for nudge status; did you mean "--json"?", or nil when no
    /// name is near. `commands` gives each subcommand's name and its help text, whose `--options` are read.
    public static func didYouMean(_ args: [String], commands: [(name: String, help: String)]) -> String? {
        // Help and version requests end the parse too: they are not mistakes.
        guard let first = args.first, first != "help", !["--help", "--version", "-h"].contains(first) else {
            return nil
        }
        if first.hasPrefix("-") {
            return Suggest.closest(to: first, in: ["--help", "--version"]).map {
                "unknown option \"\(first)\"; did you mean \"\($0)\"?"
            }
        }
        guard let command = commands.first(where: { $0.name == first }) else {
            return Suggest.closest(to: first, in: commands.map(\.name)).map {
                "unknown command \"\(first)\"; did you mean \"\($0)\"? (nudge --help lists them)"
            }
        }
        let known = options(in: command.help)
        for arg in args.dropFirst() where arg.hasPrefix("--") && arg != "--" {
            let name = String(arg.prefix { $0 != "=" })
            guard !known.contains(name), let near = Suggest.closest(to: name, in: known) else { continue }
            return "unknown option \"\(name)\" for nudge \(first); did you mean \"\(near)\"?"
        }
        return nil
    }

    /// Every `--long-option` a help text names.
    static func options(in help: String) -> [String] {
        var out: Set<String> = ["--help"]
        var rest = help[...]
        while let start = rest.range(of: "--") {
            let name = rest[start.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" }
            if let first = name.first, first.isLetter { out.insert("--" + name) }
            rest = rest[start.upperBound...]
        }
        return out.sorted()
    }

    /// "-1h" after `snooze` would be read as the flags -1 and -h (help): the sentence that says what is
    /// wrong with it instead, or nil.
    public static func negativeSnooze(_ args: [String]) -> String? {
        guard args.first == "snooze",
            let negative = args.first(where: {
                $0.count > 1 && $0.hasPrefix("-") && $0.dropFirst().first?.isNumber == true
            })
        else { return nil }
        return "\"\(negative)\" is a span back in time; a snooze moves forward, e.g. 10m"
    }
}

extension Diagnostic: Encodable {
    /// `{"severity", "file", "line", "column", "message", "hint"}`; line 0 is the file as a whole.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: ReportKey.self)
        try c.encode(severity.rawValue, forKey: "severity")
        try c.encode(file, forKey: "file")
        try c.encode(line, forKey: "line")
        try c.encode(column, forKey: "column")
        try c.encode(message, forKey: "message")
        try c.encode(hint, forKey: "hint")
    }
}

extension ConfigLoader.Result {
    /// `nudge check --json` for a config that cannot be used: `{"version": 1, "path", "ok": false,
    /// "diagnostics": [...]}`.
    public func failureJSON(path: String, seen: Set<String>) throws -> String {
        struct Failure: Encodable {
            var version = 1
            var path: String
            var ok = false
            var diagnostics: [Diagnostic]
        }
        return try Output.json(Failure(path: path, diagnostics: shownDiagnostics(seen: seen)))
    }

    /// The diagnostics `shown(seen:)` prints.
    public func shownDiagnostics(seen: Set<String>) -> [Diagnostic] {
        diagnostics.filter { !($0.pastOnce.map(seen.contains) ?? false) }
    }
}
