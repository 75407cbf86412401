/// One to-do as nudge keeps it on a CalDAV server (RFC 5545 VTODO).
public struct VTodo: Sendable, Equatable {
    public enum Status: String, Sendable {
        case needsAction = "NEEDS-ACTION"
        case completed = "COMPLETED"
        case cancelled = "CANCELLED"
        case inProcess = "IN-PROCESS"
    }

    public var uid: String
    public var summary: String
    public var description: String?
    public var due: Instant
    public var status: Status
    /// When it was ticked off (COMPLETED).
    public var completed: Instant?
    /// Alarms at these moments (absolute triggers).
    public var alarms: [Instant]
    /// DTSTAMP, and LAST-MODIFIED when written.
    public var stamp: Instant
    public var sequence: Int
    /// X-NUDGE-* properties, by name without the prefix ("OUTCOME": "kept").
    public var nudge: [String: String]
    /// Every other property of the VTODO, unfolded and verbatim: what a phone added survives a rewrite.
    public var extra: [String]
}

/// RFC 5545 text for the VTODOs nudge writes and reads.
public enum ICalendar {
    /// Why text could not be read as iCalendar, with its line.
    public struct Error: Swift.Error, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The properties nudge owns; everything else of a VTODO is kept as it is.
    static let owned: Set<String> = [
        "UID", "SUMMARY", "DESCRIPTION", "DUE", "STATUS", "COMPLETED", "DTSTAMP", "LAST-MODIFIED", "SEQUENCE",
        "PERCENT-COMPLETE",
    ]

    /// A VCALENDAR holding one VTODO: CRLF line ends, lines folded at 75 octets, times in UTC.
    public static func write(_ todo: VTodo) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//nudge//nudge//EN", "BEGIN:VTODO"]
        lines.append("UID:\(escape(todo.uid))")
        lines.append("DTSTAMP:\(utc(todo.stamp))")
        lines.append("LAST-MODIFIED:\(utc(todo.stamp))")
        lines.append("SEQUENCE:\(todo.sequence)")
        lines.append("SUMMARY:\(escape(todo.summary))")
        if let d = todo.description { lines.append("DESCRIPTION:\(escape(d))") }
        lines.append("DUE:\(utc(todo.due))")
        lines.append("STATUS:\(todo.status.rawValue)")
        if let c = todo.completed {
            lines.append("COMPLETED:\(utc(c))")
            lines.append("PERCENT-COMPLETE:100")
        }
        for key in todo.nudge.keys.sorted() { lines.append("X-NUDGE-\(key):\(escape(todo.nudge[key] ?? ""))") }
        lines += todo.extra
        for a in todo.alarms {
            lines += [
                "BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:\(escape(todo.summary))",
                "TRIGGER;VALUE=DATE-TIME:\(utc(a))", "END:VALARM",
            ]
        }
        lines += ["END:VTODO", "END:VCALENDAR"]
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// The VTODOs of a calendar object resource; times with a TZID are read in that zone, floating ones and
    /// dates in `zone`.
    public static func todos(_ text: String, zone: Zone) throws(ICalendar.Error) -> [VTodo] {
        let lines = unfold(text)
        guard lines.contains(where: { $0.line.uppercased() == "BEGIN:VCALENDAR" }) else {
            throw Error(message: "line 1: not iCalendar (no BEGIN:VCALENDAR)")
        }
        var stack: [String] = []
        var out: [VTodo] = []
        var todo: [(name: String, params: [String: String], value: String, raw: String)] = []
        var alarm: [(name: String, params: [String: String], value: String)] = []
        var alarms: [[(name: String, params: [String: String], value: String)]] = []
        for (number, line) in lines {
            guard let p = property(line) else { continue }
            if p.name == "BEGIN" {
                stack.append(p.value.uppercased())
                if p.value.uppercased() == "VTODO" { (todo, alarms) = ([], []) }
                if p.value.uppercased() == "VALARM" { alarm = [] }
                continue
            }
            if p.name == "END" {
                guard stack.last == p.value.uppercased() else {
                    throw Error(message: "line \(number): END:\(p.value) without its BEGIN")
                }
                stack.removeLast()
                if p.value.uppercased() == "VALARM", stack.last == "VTODO" { alarms.append(alarm) }
                if p.value.uppercased() == "VTODO", let t = try make(todo, alarms: alarms, zone: zone, line: number) {
                    out.append(t)
                }
                continue
            }
            switch stack.last {
            case "VTODO": todo.append((p.name, p.params, p.value, line))
            case "VALARM" where stack.dropLast().last == "VTODO": alarm.append((p.name, p.params, p.value))
            default: break
            }
        }
        guard stack.isEmpty else { throw Error(message: "line \(lines.count): BEGIN:\(stack.last ?? "") never ends") }
        return out
    }

    static func make(
        _ props: [(name: String, params: [String: String], value: String, raw: String)],
        alarms: [[(name: String, params: [String: String], value: String)]], zone: Zone, line: Int
    ) throws(ICalendar.Error) -> VTodo? {
        func first(_ name: String) -> (name: String, params: [String: String], value: String, raw: String)? {
            props.first { $0.name == name }
        }
        func time(_ p: (name: String, params: [String: String], value: String, raw: String)?) throws(ICalendar.Error)
            -> Instant?
        {
            guard let p else { return nil }
            return try instant(p.value, params: p.params, zone: zone, line: line)
        }
        guard let due = try time(first("DUE")) else { return nil }
        var nudge: [String: String] = [:]
        var extra: [String] = []
        for p in props {
            if p.name.hasPrefix("X-NUDGE-") {
                nudge[String(p.name.dropFirst(8))] = unescape(p.value)
            } else if !owned.contains(p.name) {
                extra.append(p.raw)
            }
        }
        var triggers: [Instant] = []
        for a in alarms {
            guard let t = a.first(where: { $0.name == "TRIGGER" }) else { continue }
            if t.params["VALUE"]?.uppercased() == "DATE-TIME"
                || t.value.hasSuffix("Z") && !t.value.hasPrefix("-")
                    && !t.value.hasPrefix("P") && !t.value.hasPrefix("+")
            {
                if let at = try? instant(t.value, params: [:], zone: zone, line: line) { triggers.append(at) }
            } else if let offset = duration(t.value) {
                triggers.append(due + offset)
            }
        }
        return VTodo(
            uid: first("UID").map { unescape($0.value) } ?? "",
            summary: first("SUMMARY").map { unescape($0.value) } ?? "",
            description: first("DESCRIPTION").map { unescape($0.value) }, due: due,
            status: first("STATUS").flatMap { VTodo.Status(rawValue: $0.value.uppercased()) } ?? .needsAction,
            completed: try time(first("COMPLETED")), alarms: triggers,
            stamp: try time(first("DTSTAMP")) ?? due, sequence: first("SEQUENCE").flatMap { Int($0.value) } ?? 0,
            nudge: nudge, extra: extra)
    }

    /// A DATE-TIME or DATE value: UTC ("…Z"), in its TZID, floating, or a date (midnight), all in `zone`
    /// unless they say otherwise.
    static func instant(_ value: String, params: [String: String], zone: Zone, line: Int) throws(ICalendar.Error)
        -> Instant
    {
        let digits = Array(value.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= digits.count else { return nil }
            return Int64(String(decoding: digits[range], as: UTF8.self))
        }
        guard let year = number(0..<4), let month = number(4..<6), let day = number(6..<8) else {
            throw Error(message: "line \(line): \"\(value)\" is not a date or time")
        }
        var local = LocalDateTime(year: year, month: month, day: day)
        var place = zone
        if digits.count >= 15, digits[8] == UInt8(ascii: "T") {
            guard let h = number(9..<11), let m = number(11..<13), let s = number(13..<15) else {
                throw Error(message: "line \(line): \"\(value)\" is not a time")
            }
            (local.hour, local.minute, local.second) = (h, m, s)
            if value.hasSuffix("Z") {
                place = .utc
            } else if let tzid = params["TZID"] {
                do { place = try Zone.named(tzid) } catch {
                    throw Error(message: "line \(line): unknown TZID \"\(tzid)\"")
                }
            }
        }
        return place.resolve(local)
    }

    /// A duration such as -PT15M, P1D, PT1H30M, -P1W.
    static func duration(_ text: String) -> Span? {
        var s = Substring(text)
        var sign: Int64 = 1
        if s.hasPrefix("-") {
            sign = -1
            s = s.dropFirst()
        } else if s.hasPrefix("+") {
            s = s.dropFirst()
        }
        guard s.hasPrefix("P") else { return nil }
        s = s.dropFirst()
        var seconds: Int64 = 0
        var digits = ""
        for c in s {
            if c.isNumber {
                digits.append(c)
                continue
            }
            let n = Int64(digits) ?? 0
            digits = ""
            switch c {
            case "W": seconds += n * 604_800
            case "D": seconds += n * 86_400
            case "H": seconds += n * 3600
            case "M": seconds += n * 60
            case "S": seconds += n
            case "T": break
            default: return nil
            }
        }
        return Span.seconds(sign * seconds)
    }

    /// "name;param=value:value" split; nil for a line that is no property.
    static func property(_ line: String) -> (name: String, params: [String: String], value: String)? {
        var inQuotes = false
        var colon: String.Index?
        for i in line.indices {
            if line[i] == "\"" { inQuotes.toggle() }
            if line[i] == ":" && !inQuotes {
                colon = i
                break
            }
        }
        guard let colon else { return nil }
        let head = line[..<colon].split(separator: ";", omittingEmptySubsequences: false)
        guard let name = head.first, !name.isEmpty else { return nil }
        var params: [String: String] = [:]
        for p in head.dropFirst() {
            let kv = p.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else { continue }
            params[kv[0].uppercased()] = kv[1].trimmingCharacters(in: ["\""])
        }
        return (name.uppercased(), params, String(line[line.index(after: colon)...]))
    }

    /// Content lines joined back together (CRLF or LF; a line starting with a space or tab continues the
    /// last), each with its line number.
    static func unfold(_ text: String) -> [(number: Int, line: String)] {
        var out: [(number: Int, line: String)] = []
        var number = 0
        // "\r\n" is one Character in Swift: split on it, on "\n" and on a lone "\r".
        for line in text.split(
            omittingEmptySubsequences: false, whereSeparator: { $0 == "\r\n" || $0 == "\n" || $0 == "\r" })
        {
            number += 1
            if let first = line.first, first == " " || first == "\t", !out.isEmpty {
                out[out.count - 1].line += line.dropFirst()
            } else if !line.isEmpty {
                out.append((number, String(line)))
            }
        }
        return out
    }

    /// A line cut into pieces of at most 75 octets, never inside a UTF-8 sequence.
    static func fold(_ line: String) -> String {
        var pieces: [String] = []
        var current: [UInt8] = []
        var limit = 75
        for scalar in line.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if current.count + bytes.count > limit {
                pieces.append(String(decoding: current, as: UTF8.self))
                current = []
                limit = 74  // after the leading space
            }
            current += bytes
        }
        pieces.append(String(decoding: current, as: UTF8.self))
        return pieces.joined(separator: "\r\n ")
    }

    /// TEXT's escapes (RFC 5545 §3.3.11): backslash, semicolon, comma, newline; a carriage return is dropped.
    static let escapes: [Unicode.Scalar: String] = ["\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n", "\r": ""]

    /// TEXT escaped.
    static func escape(_ text: String) -> String { text.escaped(by: escapes) }

    static func unescape(_ text: String) -> String {
        var out = ""
        var escaped = false
        for c in text {
            if escaped {
                out.append(c == "n" || c == "N" ? "\n" : c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// 20261206T180000Z.
    static func utc(_ t: Instant) -> String {
        let l = Zone.utc.local(t)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(l.year)\(two(l.month))\(two(l.day))T\(two(l.hour))\(two(l.minute))\(two(l.second))Z"
    }
}
