import Foundation
import TOMLKit

extension ConfigReader {
    static let topKeys = ["settings", "channel", "commitment", "sync", "person"]
    static let settingsKeys = ["timezone", "quiet_hours", "channels", "fallback", "catch_up"]
    static let commitmentKeys = [
        "id", "title", "with", "when", "once", "every", "at", "remind_before", "follow_up", "follow_ups", "on_time",
        "grace", "urgency", "repair", "private", "enabled", "channels", "note",
    ]
    static let channelKeys: [String: [String]] = [
        "desktop": ["kind", "urgency", "expire"],
        "email": ["kind", "to", "from", "sendmail", "timeout"],
        "command": ["kind", "command", "timeout"],
        "console": ["kind"],
    ]

    /// The whole document.
    mutating func document(_ root: TOMLTable) -> Config? {
        checkKeys(root, at: [], known: Self.topKeys, what: "the config (top level)")
        var settingsTable: TOMLTable?
        if let value = root["settings"] {
            if let t = value.table {
                settingsTable = t
            } else {
                reportValue(["settings"], "\"settings\" must be a table", hint: "write it as a [settings] section")
            }
        }
        var settings = self.settings(settingsTable ?? TOMLTable())
        let channels = self.channels(root)
        let known = channels.keys.sorted()
        settings.channels = checkChannelNames(settings.channels, at: ["settings", "channels"], known: known)
        if !channels.keys.contains(settings.fallback) {
            reportValue(
                ["settings", "fallback"], "unknown channel \"\(settings.fallback)\" for \"fallback\"",
                hint: channelHint(settings.fallback, known: known))
        }
        let commitments = self.commitments(root, settings: settings, known: known)
        let sync = self.sync(root)
        let people = self.people(root)
        checkWith(root, people: people)
        return Config(
            path: path, settings: settings, channels: channels, commitments: commitments, sync: sync, people: people)
    }

    // MARK: [settings]

    mutating func settings(_ t: TOMLTable) -> Settings {
        let p: Path = ["settings"]
        checkKeys(t, at: p, known: Self.settingsKeys, what: "[settings]")
        var s = Settings(
            timezone: loader.systemZone, quietHours: nil, channels: Defaults.channels, fallback: Defaults.fallback,
            catchUp: Defaults.catchUp)
        if let name = string(t, "timezone", at: p, what: "timezone"), let z = zone(name, at: p + ["timezone"]) {
            s.timezone = z
        }
        if let text = string(t, "quiet_hours", at: p, what: "quiet_hours") {
            s.quietHours = quietHours(text, at: p + ["quiet_hours"])
        }
        if let list = strings(t, "channels", at: p, single: false) {
            if list.isEmpty {
                reportValue(
                    p + ["channels"], "\"channels\" is empty, so no nudge would go anywhere",
                    hint: "list at least one, e.g. channels = [\"desktop\"]")
            } else {
                s.channels = list
            }
        }
        if let f = string(t, "fallback", at: p, what: "fallback") { s.fallback = f }
        if let text = string(t, "catch_up", at: p, what: "catch_up") {
            if let c = CatchUp(rawValue: text) {
                s.catchUp = c
            } else {
                reportValue(
                    p + ["catch_up"], "\"catch_up\" must be \"nudge\" or \"miss\", not \"\(text)\"",
                    hint: "\"nudge\": one digest after downtime; \"miss\": record what ran past its grace as missed")
            }
        }
        return s
    }

    mutating func quietHours(_ text: String, at path: Path) -> QuietHours? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2,
            let start = TimeOfDay(parsing: parts[0].trimmingCharacters(in: .whitespaces)[...]),
            let end = TimeOfDay(parsing: parts[1].trimmingCharacters(in: .whitespaces)[...])
        else {
            reportValue(
                path, "\"quiet_hours\" = \"\(text)\" is not a range of times of day",
                hint: "write quiet_hours = \"22:30-07:30\" (start-end, 24-hour clock, may span midnight)")
            return nil
        }
        guard start != end else {
            reportValue(
                path, "\"quiet_hours\" starts and ends at \(start), so it is empty",
                hint: "write e.g. \"22:30-07:30\", or remove the key")
            return nil
        }
        return QuietHours(start: start, end: end)
    }

    // MARK: [channel.NAME]

    mutating func channels(_ root: TOMLTable) -> [String: Channel] {
        var out: [String: Channel] = [
            "desktop": Channel(
                name: "desktop", kind: .desktop(urgency: Defaults.desktopUrgency, expire: Defaults.desktopExpire)),
            "console": Channel(name: "console", kind: .console),
        ]
        guard let value = root["channel"] else { return out }
        guard let all = value.table else {
            reportValue(
                ["channel"], "\"channel\" must hold tables such as [channel.mail]",
                hint: "write [channel.NAME] with kind = \"desktop\", \"email\", \"command\" or \"console\"")
            return out
        }
        for name in all.keys {
            let p: Path = ["channel", .key(name)]
            guard let t = all[name]?.table else {
                reportValue(p, "channel \"\(name)\" must be a table", hint: "write it as [channel.\(name)]")
                continue
            }
            if let channel = channel(name, t, at: p) { out[name] = channel }
        }
        return out
    }

    mutating func channel(_ name: String, _ t: TOMLTable, at p: Path) -> Channel? {
        var kind = string(t, "kind", at: p, what: "kind")
        if kind == nil, t["kind"] == nil, name == "desktop" || name == "console" { kind = name }
        guard let kind else {
            if t["kind"] == nil {
                reportTable(
                    p, "[channel.\(name)] has no \"kind\"",
                    hint: "add kind = \"desktop\", \"email\", \"command\" or \"console\"")
            }
            return nil
        }
        guard let keys = Self.channelKeys[kind] else {
            var hint = "kind is one of: desktop, email, command, console"
            if let near = Suggest.closest(to: kind, in: Array(Self.channelKeys.keys)) {
                hint = "did you mean \"\(near)\"?"
            }
            reportValue(p + ["kind"], "unknown channel kind \"\(kind)\"", hint: hint)
            return nil
        }
        checkKeys(t, at: p, known: keys, what: "[channel.\(name)] (kind \"\(kind)\")")
        switch kind {
        case "desktop":
            var urgency = Defaults.desktopUrgency
            if let u = string(t, "urgency", at: p, what: "urgency") {
                if let parsed = Urgency(rawValue: u) {
                    urgency = parsed
                } else {
                    reportValue(p + ["urgency"], "\"urgency\" must be low, normal or critical, not \"\(u)\"")
                }
            }
            let expire = span(t, "expire", at: p) ?? Defaults.desktopExpire
            return Channel(name: name, kind: .desktop(urgency: urgency, expire: expire))
        case "email":
            var to: [String] = []
            if let list = strings(t, "to", at: p, single: true) {
                to = list
                for (i, address) in list.enumerated() where !Self.isAddress(address) {
                    reportValue(
                        p + ["to", .index(i)], "\"\(address)\" is not an email address",
                        hint: "write to = [\"me@example.org\"] or [\"Me <me@example.org>\"]")
                }
                if list.isEmpty { reportValue(p + ["to"], "\"to\" is empty", hint: "write to = [\"me@example.org\"]") }
            } else if t["to"] == nil {
                reportTable(p, "email channel \"\(name)\" has no \"to\"", hint: "add to = [\"me@example.org\"]")
            }
            let from =
                string(t, "from", at: p, what: "from")
                ?? Defaults.from(environment: loader.environment, hostname: loader.hostname)
            if t["from"] != nil, !Self.isAddress(from) {
                reportValue(
                    p + ["from"], "\"\(from)\" is not an email address", hint: "write from = \"me@example.org\"")
            }
            var sendmail = Defaults.sendmail
            if t["sendmail"] != nil {
                if let argv = strings(t, "sendmail", at: p, single: false) {
                    if argv.isEmpty || argv[0].isEmpty {
                        reportValue(
                            p + ["sendmail"], "\"sendmail\" names no program",
                            hint: "write sendmail = [\"/usr/bin/msmtp\", \"-t\"]")
                    } else {
                        sendmail = argv
                    }
                }
                runsPrograms = runsPrograms ?? "sets a sendmail program (channel \"\(name)\")"
            }
            let timeout = span(t, "timeout", at: p, allowZero: false) ?? Defaults.emailTimeout
            return Channel(name: name, kind: .email(to: to, from: from, sendmail: sendmail, timeout: timeout))
        case "command":
            runsPrograms = runsPrograms ?? "defines a command channel (\"\(name)\")"
            let argv = self.argv(t, at: p, example: "[\"ntfy\", \"publish\", \"my-topic\", \"--\", \"{title}\"]") ?? []
            if t["command"] == nil {
                reportTable(
                    p, "command channel \"\(name)\" has no \"command\"",
                    hint: "add command = [\"ntfy\", \"publish\", \"my-topic\", \"--\", \"{title}\"]")
            }
            let timeout = span(t, "timeout", at: p, allowZero: false) ?? Defaults.commandTimeout
            return Channel(name: name, kind: .command(argv: argv, timeout: timeout))
        default:
            return Channel(name: name, kind: .console)
        }
    }

    /// "me@example.org", or with a display name: "Alex <alex@example.org>".
    static func isAddress(_ s: String) -> Bool {
        if s.hasSuffix(">"), let open = s.lastIndex(of: "<") {
            let name = s[..<open].trimmingCharacters(in: .whitespaces)
            let inner = String(s[s.index(after: open)..<s.index(before: s.endIndex)])
            return !name.isEmpty && !name.contains(where: { $0 == "<" || $0 == ">" || $0.isNewline })
                && isAddress(inner)
        }
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
            && !s.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," })
    }

    /// Channel names checked against the known ones; unknown ones are reported and dropped.
    mutating func checkChannelNames(_ names: [String], at path: Path, known: [String]) -> [String] {
        var out: [String] = []
        for (i, name) in names.enumerated() {
            if known.contains(name) {
                if !out.contains(name) { out.append(name) }
            } else {
                reportValue(path + [.index(i)], "unknown channel \"\(name)\"", hint: channelHint(name, known: known))
            }
        }
        return out
    }

    func channelHint(_ name: String, known: [String]) -> String {
        var hint = "known channels: " + known.joined(separator: ", ")
        if let near = Suggest.closest(to: name, in: known) { hint = "did you mean \"\(near)\"? " + hint }
        return hint + "; define others as [channel.NAME]"
    }
}
