import Foundation
import TOMLKit

extension ConfigReader {
    static let syncKeys = ["url", "username", "password_file", "password_command", "device", "poll", "ca_file"]

    /// `[sync]`: the CalDAV collection the record is shared through (DESIGN.md §10).
    mutating func sync(_ root: TOMLTable) -> SyncSettings? {
        guard let value = root["sync"] else { return nil }
        let p: Path = ["sync"]
        guard let t = value.table else {
            reportValue(p, "\"sync\" must be a table", hint: "write it as a [sync] section")
            return nil
        }
        holdsSecrets = true
        checkKeys(t, at: p, known: Self.syncKeys, what: "[sync]")
        var ok = true
        func missing(_ key: String, _ example: String) {
            report(at: locator.table(p), "[sync] needs \"\(key)\"", hint: "add \(key) = \(example)")
            ok = false
        }
        let url = string(t, "url", at: p, what: "url").flatMap { collection($0, at: p + ["url"]) }
        if t["url"] == nil { missing("url", "\"https://dav.example.org/alex/nudge/\"") }
        let username = string(t, "username", at: p, what: "username")
        if t["username"] == nil { missing("username", "\"alex\"") }
        let password: SyncSettings.Password?
        switch (t["password_file"], t["password_command"]) {
        case (nil, nil):
            missing("password_file", "\"~/.config/nudge/dav-password\" (a 0600 file), or a password_command")
            password = nil
        case (.some, .some):
            reportKey(
                p + ["password_command"], "[sync] has both \"password_file\" and \"password_command\"",
                hint: "keep one of them")
            password = nil
        case (.some, nil):
            password = string(t, "password_file", at: p, what: "password_file").map { .file(expandHome($0)) }
        case (nil, .some):
            let argv = strings(t, "password_command", at: p, single: false)
            if argv?.isEmpty == true {
                reportValue(
                    p + ["password_command"], "\"password_command\" is empty",
                    hint: "write password_command = [\"pass\", \"show\", \"dav\"]")
            }
            password = argv.flatMap { $0.isEmpty ? nil : .command($0) }
            if password != nil { runsPrograms = runsPrograms ?? "sets a password_command in [sync]" }
        }
        var device = loader.hostname
        if let d = string(t, "device", at: p, what: "device") {
            if let problem = TextRules.problem(d, field: "device") ?? (d.isEmpty ? "\"device\" is empty" : nil) {
                reportValue(p + ["device"], problem, hint: "name this machine in a few plain words, e.g. \"laptop\"")
            } else {
                device = d
            }
        }
        var poll = SyncSettings.defaultPoll
        if let span = self.span(t, "poll", at: p, allowZero: false) {
            if span < SyncSettings.minPoll || span > .days(1) {
                reportValue(
                    p + ["poll"], "\"poll\" = \"\(span)\" must be between 10s and 1d",
                    hint: "the default, \"1m\", is polite to the server and quick enough for answers")
            } else {
                poll = span
            }
        }
        let caFile = string(t, "ca_file", at: p, what: "ca_file").map(expandHome)
        guard ok, let url, let username, let password else { return nil }
        return SyncSettings(
            url: url, username: username, password: password, device: device, poll: poll, caFile: caFile)
    }

    /// The collection's URL, with a closing "/": HTTPS, or plain HTTP to this machine only.
    mutating func collection(_ text: String, at path: Path) -> String? {
        guard let c = URLComponents(string: text), let scheme = c.scheme?.lowercased(), let host = c.host,
            !host.isEmpty
        else {
            reportValue(
                path, "\"url\" = \"\(text)\" is not a URL",
                hint: "write the calendar collection's address, e.g. \"https://dav.example.org/alex/nudge/\"")
            return nil
        }
        let loopback = ["127.0.0.1", "::1", "localhost"].contains(host.lowercased())
        guard scheme == "https" || (scheme == "http" && loopback) else {
            reportValue(
                path, "\"url\" must use https (plain http only to this machine), not \(scheme)",
                hint: "the password and your promises would cross the network in clear; use https://")
            return nil
        }
        if c.user != nil || c.password != nil {
            reportValue(
                path, "\"url\" holds a user name or password", hint: "put them in username and password_file")
            return nil
        }
        return text.hasSuffix("/") ? text : text + "/"
    }

    /// `~/x` read from the user's home.
    func expandHome(_ path: String) -> String {
        guard path.hasPrefix("~/"), let home = loader.environment["HOME"] else { return path }
        return home + path.dropFirst(1)
    }
}
