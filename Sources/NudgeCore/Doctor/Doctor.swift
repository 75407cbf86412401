import Foundation

/// One finding of `nudge doctor`: what was checked, how it went, and what fixes it.
public struct DoctorCheck: Sendable, Equatable, Encodable {
    /// A warning is worth reading but does not fail the run.
    public enum Status: String, Sendable, Encodable {
        case ok, warning, failed
    }

    /// What was checked: "config", "state database", "channel phone (command)"…
    public var check: String
    public var status: Status
    /// What was found, in one line.
    public var detail: String
    /// What to do about it, usually the exact command; nil when nothing needs doing.
    public var fix: String?

    /// Whether the check passed (warnings pass).
    public var ok: Bool { status != .failed }

    /// Creates a finding.
    public init(_ check: String, _ status: Status, _ detail: String, fix: String? = nil) {
        self.check = check
        self.status = status
        self.detail = detail
        self.fix = fix
    }

    static func passed(_ check: String, _ detail: String) -> DoctorCheck { DoctorCheck(check, .ok, detail) }

    static func warning(_ check: String, _ detail: String, fix: String? = nil) -> DoctorCheck {
        DoctorCheck(check, .warning, detail, fix: fix)
    }

    static func failed(_ check: String, _ detail: String, fix: String) -> DoctorCheck {
        DoctorCheck(check, .failed, detail, fix: fix)
    }

    /// `✓ check: detail`, `! …` or `✗ …`, then the fix indented on the next line when there is one.
    public func text(color: Bool = false) -> String {
        let (mark, code) =
            switch status {
            case .ok: ("✓", "32")
            case .warning: ("!", "33")
            case .failed: ("✗", "31")
            }
        let head = (color ? "\u{1B}[\(code)m\(mark)\u{1B}[0m" : mark) + " \(check): \(detail)"
        return fix.map { head + "\n    " + $0 } ?? head
    }

    private enum Key: String, CodingKey {
        case check, ok, status, detail, fix
    }

    /// `{"check", "ok", "status", "detail", "fix"}`, with `fix` null when there is none.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(check, forKey: .check)
        try c.encode(ok, forKey: .ok)
        try c.encode(status, forKey: .status)
        try c.encode(detail, forKey: .detail)
        try c.encode(fix, forKey: .fix)
    }
}

/// `nudge doctor`: checks the config, the record, the desktop, the channels' programs, the service and
/// the zone, and says for each problem the command that fixes it.
///
/// Nothing here changes the user's setup: a missing record is not created, no systemd manager is
/// started, and every program and bus call has a short timeout.
public struct Doctor {
    /// The config file.
    public var configPath: String
    /// The `--config` given on the command line, repeated in fixes that run nudge.
    public var configArgument: String?
    /// The record.
    public var storePath: String
    /// For `$TZ`, `$PATH`, the bus address and the config's defaults.
    public var environment: [String: String]
    public var now: Instant
    /// How long one systemctl, busctl or bus call may take.
    public var timeout: Span

    /// Creates a doctor; the defaults are this process's environment and clock.
    public init(
        configPath: String, configArgument: String? = nil, storePath: String,
        environment: [String: String] = ProcessInfo.processInfo.environment, now: Instant = .now,
        timeout: Span = .seconds(3)
    ) {
        self.configPath = configPath
        self.configArgument = configArgument
        self.storePath = storePath
        self.environment = environment
        self.now = now
        self.timeout = timeout
    }

    /// Runs every check, in the order they are printed.
    public func run() -> [DoctorCheck] {
        let config = examineConfig()
        let record = examineRecord()
        let zone = examineZone(config.config)
        return config.checks + [record.check] + examineDesktop(config.config) + examinePrograms(config.config)
            + examineSystemd() + examineSync(config.config) + [zone.check, lastNudge(record.store, zone: zone.zone)]
    }

    /// Every check as text, one line each (and a fix line under a problem).
    public static func text(_ checks: [DoctorCheck], color: Bool = false) -> String {
        checks.map { $0.text(color: color) + "\n" }.joined()
    }

    /// `nudge SUBCOMMAND`, with the `--config` this run was given.
    func nudge(_ subcommand: String) -> String {
        "nudge \(subcommand)" + (configArgument.map { " --config \(Self.quote($0))" } ?? "")
    }

    /// A word as a shell reads it: bare when it is plain, else in single quotes.
    static func quote(_ word: String) -> String {
        let plain =
            !word.isEmpty
            && word.unicodeScalars.allSatisfy { s in
                s.isASCII
                    && (("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s)
                        || "/._-+,:@=%".unicodeScalars.contains(s))
            }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// "1 commitment", "2 commitments".
    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
