import Foundation
import TOMLKit

extension ConfigReader {
    /// Every `[[commitment]]`, checked for duplicate ids.
    mutating func commitments(_ root: TOMLTable, settings: Settings, known: [String]) -> [Commitment] {
        guard let value = root["commitment"] else { return [] }
        guard let array = value.array else {
            reportValue(
                ["commitment"], "\"commitment\" must be an array of tables",
                hint: "write each promise as its own [[commitment]] section (two brackets)")
            return []
        }
        var out: [Commitment] = []
        var seen: [CommitmentID: Int] = [:]
        for i in 0..<array.count {
            let p: Path = ["commitment", .index(i)]
            guard let t = array[i].table else {
                reportValue(p, "each commitment must be a table", hint: "write it as a [[commitment]] section")
                continue
            }
            let c = commitment(t, at: p, settings: settings, known: known)
            // Ids are compared even where the rest of a commitment has errors: all errors in one run.
            guard let id = c?.id ?? t["id"]?.string.flatMap(CommitmentID.init) else { continue }
            if let first = seen[id] {
                let line = locator.value(["commitment", .index(first), "id"])?.line ?? 0
                reportValue(
                    p + ["id"], "duplicate id \"\(id)\" (first defined on line \(line))",
                    hint: "ids must be unique; rename one, e.g. \"\(id)-2\"")
                continue
            }
            seen[id] = i
            if let c { out.append(c) }
        }
        return out
    }

    mutating func commitment(_ t: TOMLTable, at p: Path, settings: Settings, known: [String]) -> Commitment? {
        let misspelt = checkKeys(t, at: p, known: Self.commitmentKeys, what: "[[commitment]]")
        let number = p.last.flatMap { if case .index(let i) = $0 { return i + 1 } else { return nil } } ?? 0
        var ok = true
        var id: CommitmentID?
        if let text = string(t, "id", at: p, what: "id") {
            id = CommitmentID(text)
            if id == nil {
                let suggestion = Self.suggestID(text)
                reportValue(
                    p + ["id"], "id \"\(text)\" must be lowercase letters, digits and '-', starting with a letter",
                    hint: suggestion.map { "e.g. id = \"\($0)\"" } ?? "e.g. id = \"call-mom\"")
            }
        } else if t["id"] == nil, !misspelt.contains("id") {
            reportTable(
                p, "commitment #\(number) has no \"id\"", hint: "add id = \"call-mom\" (what `nudge done` takes)")
        }
        let what = id.map { "commitment \"\($0)\"" } ?? "commitment #\(number)"
        let title = string(t, "title", at: p, what: "title")
        if title == nil, t["title"] == nil {
            if !misspelt.contains("title") {
                reportTable(p, "\(what) has no \"title\"", hint: "add title = \"Call Mom\": the words of the promise")
            }
            ok = false
        } else if let title, title.unicodeScalars.allSatisfy(\.properties.isWhitespace) {
            reportValue(p + ["title"], "\(what) has an empty title", hint: "say what was promised")
            ok = false
        }
        let with = string(t, "with", at: p, what: "with")
        let note = string(t, "note", at: p, what: "note")
        for (key, text) in [("title", title), ("with", with), ("note", note)] {
            if let text, let problem = TextRules.problem(text, field: key) {
                reportValue(p + [.key(key)], "\(what): \(problem)", hint: TextRules.hint(field: key))
                ok = false
            }
        }

        let schedule = self.schedule(t, at: p, what: what, id: id, settings: settings, misspelt: misspelt)
        let every: Span? = { if case .every(let s, _, _) = schedule { return s } else { return nil } }()
        let remindBefore = span(t, "remind_before", at: p)
        let followUp = span(t, "follow_up", at: p, allowZero: false) ?? Defaults.followUp
        if followUp < Defaults.minFollowUp, t["follow_up"] != nil {
            reportValue(
                p + ["follow_up"], "\"follow_up\" = \"\(followUp)\" would nudge more than once a minute",
                hint: "use at least \"1m\"; \"10m\" or \"15m\" are usual")
            ok = false
        }
        var followUps = Defaults.followUps
        if let n = int(t, "follow_ups", at: p) {
            if n < 0 || n > Defaults.maxFollowUps {
                reportValue(
                    p + ["follow_ups"], "\"follow_ups\" = \(n) is \(n < 0 ? "negative" : "absurd")",
                    hint: "use 0 to \(Defaults.maxFollowUps): how many follow-ups after the due nudge")
                ok = false
            } else {
                followUps = n
            }
        }
        let onTime = span(t, "on_time", at: p) ?? Defaults.onTime
        let grace = span(t, "grace", at: p) ?? (every == nil ? Defaults.grace : Defaults.checkInGrace)
        var urgency: Urgency?
        if let u = string(t, "urgency", at: p, what: "urgency") {
            urgency = Urgency(rawValue: u)
            if urgency == nil {
                var hint = "one of: low, normal, critical"
                if let near = Suggest.closest(to: u, in: Urgency.allCases.map(\.rawValue)) {
                    hint = "did you mean \"\(near)\"?"
                }
                reportValue(p + ["urgency"], "\"urgency\" must be low, normal or critical, not \"\(u)\"", hint: hint)
                ok = false
            }
        }
        let repair = bool(t, "repair", at: p) ?? Defaults.repair
        let isPrivate = bool(t, "private", at: p) ?? Defaults.isPrivate
        let enabled = bool(t, "enabled", at: p) ?? Defaults.enabled
        var channels = settings.channels
        if let list = strings(t, "channels", at: p, single: true) {
            if list.isEmpty {
                reportValue(
                    p + ["channels"], "\"channels\" is empty, so no nudge would go anywhere",
                    hint: "remove the key to use [settings] channels, or list some")
                ok = false
            } else {
                let checked = checkChannelNames(list, at: p + ["channels"], known: known)
                if checked.count != Set(list).count { ok = false }
                channels = checked
            }
        }
        guard ok, let id, let title, let schedule else { return nil }
        return Commitment(
            id: id, title: title, with: with, schedule: schedule, remindBefore: remindBefore, followUp: followUp,
            followUps: followUps, onTime: onTime, grace: grace, urgency: urgency, repair: repair, isPrivate: isPrivate,
            enabled: enabled, channels: channels, note: note)
    }

    /// Exactly one of `when`, `once`, `every` (with `at` only beside `every` of at least a day).
    mutating func schedule(
        _ t: TOMLTable, at p: Path, what: String, id: CommitmentID? = nil, settings: Settings, misspelt: Set<String>
    )
        -> Schedule?
    {
        let given = ["when", "once", "every"].filter { t[$0] != nil }
        guard given.count == 1, let shape = given.first else {
            if given.isEmpty, misspelt.isDisjoint(with: ["when", "once", "every"]) {
                reportTable(
                    p, "\(what) has no schedule: give exactly one of \"when\", \"once\" or \"every\"",
                    hint: "when = \"Sun 19:00\" (recurring), once = \"2026-12-01 19:00\", or every = \"3d\" (check-in)")
            } else if !given.isEmpty {
                let later = given.map { (key: $0, pos: locator.key(p + [.key($0)])) }
                    .sorted { ($0.pos?.line ?? 0, $0.pos?.column ?? 0) < ($1.pos?.line ?? 0, $1.pos?.column ?? 0) }
                let names = given.map { "\"\($0)\"" }.joined(separator: " and ")
                reportKey(
                    p + [.key(later.last?.key ?? "when")],
                    "\(what) has both \(names); a commitment has exactly one schedule",
                    hint:
                        "keep one: \"when\" repeats on the calendar, \"once\" happens once, \"every\" is a check-in cadence"
                )
            }
            return nil
        }
        if t["at"] != nil && shape != "every" {
            reportKey(
                p + ["at"], "\"at\" only goes with \"every\" (a check-in cadence)",
                hint: "put the time into \"\(shape)\" instead")
            return nil
        }
        switch shape {
        case "when":
            return calendar(t, at: p, settings: settings)
        case "once":
            return once(t, at: p, what: what, id: id?.rawValue, settings: settings)
        default:
            return every(t, at: p, settings: settings)
        }
    }

    mutating func calendar(_ t: TOMLTable, at p: Path, settings: Settings) -> Schedule? {
        guard let texts = strings(t, "when", at: p, single: true) else { return nil }
        if texts.isEmpty {
            reportValue(p + ["when"], "\"when\" is empty", hint: "write when = \"Sun 19:00\"")
            return nil
        }
        let isArray = t["when"]?.array != nil
        var specs: [CalendarSpec] = []
        for (i, text) in texts.enumerated() {
            let vp: Path = isArray ? p + ["when", .index(i)] : p + ["when"]
            do {
                let spec = try CalendarSpec(text, localNames: settings.timezone.initialNames)
                // Two elapses less than a minute apart: it would nudge all the time (and burn the CPU).
                if let first = spec.next(after: loader.now, localZone: settings.timezone),
                    let second = spec.next(after: first, localZone: settings.timezone),
                    second - first < Defaults.minFollowUp
                {
                    reportValue(
                        vp, "\"when\" = \"\(text)\" would nudge more than once a minute",
                        hint: "a promise comes round daily, weekly…; e.g. \"*-*-* 08:00\" or \"Mon..Fri 09:00\"")
                    continue
                }
                specs.append(spec)
            } catch {
                if let last = text.split(separator: " ").last, text.contains(" "), last.contains("/"),
                    !Zone.exists(String(last))
                {
                    let offset = text.unicodeScalars.count - last.unicodeScalars.count
                    var hint = "use an IANA name such as \"Europe/Berlin\" or \"America/New_York\""
                    if let near = Suggest.closest(to: String(last), in: Self.zoneNames) {
                        hint = "did you mean \"\(near)\"?"
                    }
                    report(
                        at: insideString(vp, text: text, offset: offset, length: last.unicodeScalars.count),
                        "unknown time zone \"\(last)\" in \"when\"", hint: hint)
                    continue
                }
                report(
                    at: insideString(vp, text: text, offset: error.offset, length: error.length),
                    "invalid calendar expression \"\(text)\": \(error.reason)",
                    hint: "write it as for a systemd timer, e.g. \"Sun 19:00\", \"Mon..Fri 09:00\", "
                        + "\"*-*-1 12:00 Europe/Berlin\"; check with `nudge calendar '\(text)'`")
            }
        }
        return specs.count == texts.count ? .calendar(specs, zone: settings.timezone) : nil
    }

    mutating func once(_ t: TOMLTable, at p: Path, what: String, id: String?, settings: Settings) -> Schedule? {
        guard let text = string(t, "once", at: p, what: "once") else { return nil }
        let words = text.split(separator: " ")
        guard let first = words.first, first.contains("-"),
            let instant = try? Timestamp.parse(text, zone: settings.timezone, now: loader.now)
        else {
            reportValue(
                p + ["once"], "\"once\" = \"\(text)\" is not a date and time",
                hint: "write once = \"2026-12-01 19:00\" (optionally followed by a zone, e.g. \"Europe/Berlin\")")
            return nil
        }
        if instant < loader.now {
            report(
                .warning, at: locator.value(p + ["once"]),
                "\(what) was due \(TimestampFormat.systemd(instant, zone: settings.timezone)), which has passed; it will not be scheduled",
                hint: "remove it, or give it a new date")
            // Only news while it was never seen: one already recorded is pending or has its outcome.
            diagnostics[diagnostics.count - 1].pastOnce = id
        }
        return .once(instant)
    }

    mutating func every(_ t: TOMLTable, at p: Path, settings: Settings) -> Schedule? {
        guard let cadence = span(t, "every", at: p, allowZero: false) else { return nil }
        if cadence < Defaults.minFollowUp {
            reportValue(
                p + ["every"], "\"every\" = \"\(cadence)\" would nudge more than once a minute",
                hint: "a check-in comes round after days or hours, e.g. every = \"3d\"")
            return nil
        }
        var at: TimeOfDay?
        var zone = settings.timezone
        if let text = string(t, "at", at: p, what: "at") {
            let words = text.split(separator: " ")
            guard (1...2).contains(words.count), let time = TimeOfDay(parsing: words[0]) else {
                reportValue(
                    p + ["at"], "\"at\" = \"\(text)\" is not a time of day",
                    hint: "write at = \"20:00\" (24-hour clock, optionally followed by a zone)")
                return nil
            }
            if words.count == 2 {
                guard let z = self.zone(String(words[1]), at: p + ["at"]) else { return nil }
                zone = z
            }
            guard cadence >= Span.days(1) else {
                reportKey(
                    p + ["at"], "\"at\" needs \"every\" of at least 1d (every is \"\(cadence)\" here)",
                    hint: "remove \"at\", or make the cadence a whole number of days")
                return nil
            }
            at = time
        }
        return .every(cadence, at: at, zone: zone)
    }

    /// The position of a part of a string value, when the literal maps one to one onto its text.
    func insideString(_ path: Path, text: String, offset: Int, length: Int) -> SourcePosition? {
        guard let v = locator.value(path) else { return nil }
        // A plain "..." or '...' literal on one line: one scalar of text per column after the quote.
        guard v.length == text.unicodeScalars.count + 2, !text.contains("\\") else { return v }
        return SourcePosition(line: v.line, column: v.column + 1 + offset, length: max(1, length))
    }

    /// A valid id close to an invalid one ("Call Mom" → "call-mom").
    static func suggestID(_ text: String) -> String? {
        var out = CommitmentID.slug(text)
        while let f = out.unicodeScalars.first, ("0"..."9").contains(f) { out.removeFirst() }
        return CommitmentID(out) == nil ? nil : out
    }
}
