import Foundation

/// Where email nudges go and the program that takes them.
public struct EmailSettings: Sendable {
    /// The recipients, each "me@example.org" or "Name <me@example.org>".
    public var to: [String]
    /// The sender, "me@example.org" or "Name <me@example.org>".
    public var from: String
    /// The sendmail-compatible program and its arguments; it reads the message on stdin (`-t`).
    public var sendmail: [String]
    /// How long the program may take before it is killed and the result is unknown.
    public var timeout: Span
    /// The right-hand side of Message-IDs.
    public var hostname: String

    /// Creates settings.
    public init(to: [String], from: String, sendmail: [String], timeout: Span, hostname: String) {
        self.to = to
        self.from = from
        self.sendmail = sendmail
        self.timeout = timeout
        self.hostname = hostname
    }
}

/// The RFC 5322 message of one nudge: headers, then a quoted-printable UTF-8 body, with CRLF line ends.
///
/// No user text (title, note, person, addresses) can add or change a header: every header value is
/// cleaned of control characters (CR and LF included, each run becomes one space) before it is encoded,
/// and the renderer alone writes line ends between headers, folding at spaces to 78 columns. Non-ASCII
/// subjects and display names become RFC 2047 encoded-words (`=?utf-8?q?…?=`).
public enum EmailMessage {
    /// Renders the message.
    ///
    /// - Parameters:
    ///   - messageID: this message's id, `<…@host>` (see ``makeMessageID(for:hostname:)``).
    ///   - threadRoot: the id of the first mail of the occurrence, for follow-ups: it becomes In-Reply-To
    ///     and References, so mail readers thread the follow-ups under it.
    public static func render(_ m: NudgeMessage, settings: EmailSettings, messageID: String, threadRoot: String?)
        -> String
    {
        var headers: [String] = [
            fold("Date", [date(m.sentAt, zone: m.zone)]),
            fold("From", mailbox(settings.from)),
            fold("To", addressList(settings.to)),
            fold("Subject", unstructured(subject(m), name: "Subject")),
            fold("Message-ID", [msgID(messageID, hostname: settings.hostname)]),
        ]
        if let root = threadRoot {
            let id = msgID(root, hostname: settings.hostname)
            headers.append(fold("In-Reply-To", [id]))
            headers.append(fold("References", [id]))
        }
        headers += [
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "Auto-Submitted: auto-generated",
            fold("X-Nudge-Id", unstructured(m.commitment.rawValue, name: "X-Nudge-Id")),
            fold("X-Nudge-Kind", [m.kind.rawValue]),
        ]
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + quotedPrintable(body(m))
    }

    /// A fresh Message-ID for a nudge: `<nudge.OCCURRENCE.KIND.SEQUENCE.RANDOM@host>`.
    public static func makeMessageID(for m: NudgeMessage, hostname: String) -> String {
        var rng = SystemRandomNumberGenerator()
        let random = String(rng.next() as UInt64, radix: 16)
        return "<nudge.\(m.occurrence).\(m.kind.rawValue).\(m.sequence).\(random)@\(host(hostname))>"
    }

    /// "Reminder: Call Mom — due 19:00": the private-aware title, said per kind.
    static func subject(_ m: NudgeMessage) -> String {
        if !m.items.isEmpty { return m.title.prefix(1).uppercased() + m.title.dropFirst() }
        switch m.kind {
        case .reminder: return "Reminder: \(m.title) — due \(m.when)"
        case .due: return "\(m.title) — due \(m.when)"
        case .followUp: return "Still open: \(m.title) — due \(m.when)"
        case .digest: return "While you were away: \(m.title) — due \(m.when)"
        case .repair: return "Missed: \(m.title) — was due \(m.when)"
        }
    }

    /// The body text with "\n" line ends: the real title (only the reader of the mail sees it), when it is
    /// due and how late, the person, the note, and the commands that answer it.
    static func body(_ m: NudgeMessage) -> String {
        if !m.items.isEmpty {
            var lines = ["While you were away, these came due:", ""]
            for item in m.items {
                lines.append("  \(clean(item.fullTitle)): due \(dueText(item.due, zone: item.zone))")
                lines.append("    nudge done \(item.commitment.rawValue)")
            }
            return (lines + ["", "-- ", "nudge"]).joined(separator: "\n")
        }
        let id = m.commitment.rawValue
        let due = dueText(m.due, zone: m.zone)
        let title = clean(m.fullTitle)  // one line, like every title nudge shows; the note may have several
        var lines: [String] = []
        if m.kind == .repair {
            lines.append("You missed \"\(title)\" (due \(due)).")
        } else {
            lines.append(title)
            lines.append("")
            if let late = m.late {
                lines.append("Due: \(due), \(late)")
            } else if m.due > m.sentAt {
                lines.append("Due: \(due) (\(TimestampFormat.relative(m.due, now: m.sentAt)))")
            } else {
                lines.append("Due: \(due)")
            }
        }
        if let with = m.with.map(clean), !with.isEmpty { lines.append("With: \(with)") }
        if let note = m.note, !note.isEmpty {
            lines.append("")
            lines.append(note)
        }
        lines.append("")
        if m.kind == .repair {
            lines += ["Make it right:", "  nudge repair \(id) --at 'tomorrow 19:00'"]
        } else {
            lines += ["Answer with:", "  nudge done \(id)", "  nudge snooze \(id) 30m", "  nudge skip \(id)"]
        }
        lines += ["", "-- ", "nudge"]
        return lines.joined(separator: "\n")
    }

    /// "Sun 2026-11-29 19:00 CET".
    static func dueText(_ instant: Instant, zone: Zone) -> String {
        let d = zone.local(instant)
        let abbreviation = zone.offset(atSeconds: instant.seconds).abbreviation
        return "\(weekdays[Int(d.weekday)]) \(d.year)-\(two(d.month))-\(two(d.day)) \(two(d.hour)):\(two(d.minute))"
            + (abbreviation.isEmpty ? "" : " \(abbreviation)")
    }

    /// An RFC 5322 date in the zone: "Sun, 29 Nov 2026 19:00:00 +0100".
    static func date(_ instant: Instant, zone: Zone) -> String {
        let d = zone.local(instant)
        let offset = zone.offset(atSeconds: instant.seconds).seconds
        let sign = offset < 0 ? "-" : "+"
        let minutes = abs(offset) / 60
        return "\(weekdays[Int(d.weekday)]), \(d.day) \(months[Int(d.month) - 1]) \(d.year) "
            + "\(two(d.hour)):\(two(d.minute)):\(two(d.second)) \(sign)\(two(minutes / 60))\(two(minutes % 60))"
    }

    private static let weekdays = TimestampFormat.weekdayNames
    private static let months = TimestampFormat.monthNames
    private static func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
}

extension EmailMessage {
    /// The longest encoded-word we write: "Subject: " plus one still fits in 78 columns.
    static let encodedWordLimit = 66

    /// Header text with every control character (CR, LF, TAB, NUL, DEL, C1, line separators) and every run
    /// of white space turned into one space, trimmed: user text can never end a header line.
    static func clean(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var space = false
        for s in text.unicodeScalars {
            let v = s.value
            if v < 0x21 || (0x7F...0xA0).contains(v) || v == 0x2028 || v == 0x2029 || s.properties.isWhitespace {
                space = !out.isEmpty
            } else {
                if space { out.append(" ") }
                space = false
                out.append(s)
            }
        }
        return String(out)
    }

    /// `Name: word word…`, folded with CRLF + space before a word that would pass column 78.
    static func fold(_ name: String, _ words: [String]) -> String {
        var lines: [String] = []
        var line = "\(name):"
        for word in words {
            if line.count + 1 + word.count > 78, line != "\(name):" {
                lines.append(line)
                line = ""
            }
            line += " " + word
        }
        lines.append(line)
        return lines.joined(separator: "\r\n")
    }

    /// Words of an unstructured value (Subject): ASCII words as they are, each run of other words as
    /// encoded-words (a run, because the space between two encoded-words disappears when decoded). A word
    /// that looks like an encoded-word itself, or is too long to fold, is encoded too, so a title can
    /// neither smuggle in a decoded display nor make an overlong line.
    static func unstructured(_ text: String, name: String) -> [String] {
        var out: [String] = []
        var run: [String] = []
        for word in clean(text).split(separator: " ").map(String.init) {
            if word.unicodeScalars.allSatisfy({ $0.isASCII }), !word.contains("=?"), word.count <= 76 - name.count {
                if !run.isEmpty { out += encodedWords(run.joined(separator: " ")) }
                run = []
                out.append(word)
            } else {
                run.append(word)
            }
        }
        if !run.isEmpty { out += encodedWords(run.joined(separator: " ")) }
        return out
    }

    /// A mailbox, "addr" or "Name <addr>": the name as atoms, a quoted string or encoded-words.
    static func mailbox(_ text: String) -> [String] {
        var name = ""
        var address = text
        if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            name = String(text[..<open])
            address = String(text[text.index(after: open)..<close])
        }
        // An address is one token: whatever follows a space (only an injection attempt has one) is dropped.
        let token = clean(address).split(separator: " ").first.map(String.init) ?? ""
        address = String(token.unicodeScalars.filter { !"<>,;:\"()[]\\".unicodeScalars.contains($0) })
        name = clean(name)
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") { name = String(name.dropFirst().dropLast()) }
        guard !name.isEmpty else { return [address] }
        return phrase(name) + ["<\(address)>"]
    }

    /// Mailboxes separated by commas.
    static func addressList(_ list: [String]) -> [String] {
        var words: [String] = []
        for (i, entry) in list.enumerated() {
            var box = mailbox(entry)
            if i < list.count - 1, let last = box.popLast() { box.append(last + ",") }
            words += box
        }
        return words
    }

    /// A display name: atoms when it is plain, a quoted string when it has specials, else encoded-words.
    static func phrase(_ name: String) -> [String] {
        let atext = Set("!#$%&'*+-/=?^_`{|}~".unicodeScalars)
        let words = name.split(separator: " ").map(String.init)
        if name.unicodeScalars.allSatisfy({ $0.isASCII }), !name.contains("=?"), name.count <= 60 {
            if name.unicodeScalars.allSatisfy({ $0 == " " || isAtext($0, atext) }) { return words }
            let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return ["\"\(escaped)\""]
        }
        return encodedWords(name)
    }

    private static func isAtext(_ s: Unicode.Scalar, _ atext: Set<Unicode.Scalar>) -> Bool {
        ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s) || atext.contains(s)
    }

    /// RFC 2047 Q encoded-words of at most ``encodedWordLimit`` characters, split between Unicode scalars.
    /// Only the characters allowed in a phrase stay literal, so the words fit anywhere.
    static func encodedWords(_ text: String) -> [String] {
        let prefix = "=?utf-8?q?"
        let room = encodedWordLimit - prefix.count - 2
        var words: [String] = []
        var current = ""
        for scalar in text.unicodeScalars {
            var piece = ""
            for byte in String(scalar).utf8 {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "!"), UInt8(ascii: "*"), UInt8(ascii: "+"),
                    UInt8(ascii: "-"), UInt8(ascii: "/"):
                    piece.append(Character(Unicode.Scalar(byte)))
                case UInt8(ascii: " "):
                    piece.append("_")
                default:
                    piece += "=" + hex(byte)
                }
            }
            if current.count + piece.count > room, !current.isEmpty {
                words.append(prefix + current + "?=")
                current = ""
            }
            current += piece
        }
        if !current.isEmpty || words.isEmpty { words.append(prefix + current + "?=") }
        return words
    }

    /// A msg-id: the first token of `id`, its safe characters inside angle brackets.
    static func msgID(_ id: String, hostname: String) -> String {
        let allowed = Set("!#$%&'*+-/=?^_`{|}~.@[]".unicodeScalars)
        var token = clean(id)
        if token.hasPrefix("<"), let close = token.firstIndex(of: ">") { token = String(token[..<close]) }
        token = token.split(separator: " ").first.map(String.init) ?? ""
        let kept = String(token.unicodeScalars.filter { $0.isASCII && (isAtext($0, allowed) || allowed.contains($0)) })
        return kept.contains("@") ? "<\(kept)>" : "<nudge.\(kept.isEmpty ? "unknown" : kept)@\(host(hostname))>"
    }

    /// A host name fit for a Message-ID ("localhost" when nothing fits).
    static func host(_ name: String) -> String {
        let kept = String(
            name.unicodeScalars.filter {
                $0.isASCII
                    && (("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                        || $0 == "-" || $0 == ".")
            })
        return kept.isEmpty ? "localhost" : kept
    }

    /// Quoted-printable (RFC 2045) of UTF-8 text with CRLF line ends and lines of at most 76 characters.
    /// A line starting with "." or "From " is escaped, so neither sendmail nor an mbox can cut the body.
    static func quotedPrintable(_ text: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var out: [String] = []
        for line in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            let bytes = Array(line.utf8)
            var tokens: [String] = []
            for (i, byte) in bytes.enumerated() {
                let last = i == bytes.count - 1
                let literal =
                    (33...126).contains(byte) && byte != UInt8(ascii: "=")
                    && !(i == 0 && byte == UInt8(ascii: ".")) && !(i == 0 && line.hasPrefix("From "))
                if literal || ((byte == 0x20 || byte == 0x09) && !last) {
                    tokens.append(String(Character(Unicode.Scalar(byte))))
                } else {
                    tokens.append("=" + hex(byte))
                }
            }
            var current = ""
            for token in tokens {
                if current.count + token.count > 75 {
                    out.append(current + "=")
                    current = ""
                }
                current += token
            }
            out.append(current)
        }
        return out.joined(separator: "\r\n") + "\r\n"
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
}
