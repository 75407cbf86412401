import Foundation
import Testing

@testable import NudgeCore

/// What the channel tests share: a message, a scratch directory, small shell scripts, mail parsing.
enum ChannelFixtures {
    static let berlin: Zone = {
        guard let zone = try? Zone.named("Europe/Berlin") else { preconditionFailure("no Europe/Berlin zone data") }
        return zone
    }()

    /// Sun 2026-11-29 19:00 in Berlin (18:00 UTC).
    static let due = berlin.resolve(LocalDateTime(year: 2026, month: 11, day: 29, hour: 19))

    /// A message about `call-mom`, sent `late` after it was due.
    static func message(
        title: String = "Call Mom", kind: NudgeKind = .due, isPrivate: Bool = false, with: String? = "Mom",
        note: String? = "Ask about the trip", late: Span = .minutes(5), occurrence: Int64 = 42, sequence: Int = 0
    ) -> NudgeMessage {
        guard let id = CommitmentID("call-mom") else { preconditionFailure("bad id") }
        return NudgeMessage(
            commitment: id, title: isPrivate ? NudgeMessage.privateTitle : title, fullTitle: title, kind: kind,
            due: due, zone: berlin, with: with, note: note, occurrence: occurrence, sequence: sequence,
            sentAt: due + late, isPrivate: isPrivate)
    }

    static func settings(sendmail: [String] = ["/usr/sbin/sendmail", "-t", "-i"], timeout: Span = .seconds(10))
        -> EmailSettings
    {
        EmailSettings(
            to: ["me@example.org", "Jö Müller <jo@example.org>"], from: "nudge@example.org", sendmail: sendmail,
            timeout: timeout, hostname: "host.example")
    }

    /// A fresh directory, removed by `body`'s end.
    static func withScratch<T>(_ body: (URL) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nudge-channel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        return try body(dir)
    }

    /// Writes an executable `/bin/sh` script and returns its path.
    static func script(_ name: String, in dir: URL, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try ("#!/bin/sh\n" + text + "\n").write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url.path
    }

    static func read(_ dir: URL, _ name: String) -> String {
        (try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)) ?? ""
    }

    /// Seconds on the monotonic clock.
    static func seconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// A message cut into header fields (unfolded, in order), the raw header lines and the body.
    struct Mail {
        var fields: [(name: String, value: String)] = []
        var headerLines: [String] = []
        var body = ""

        func values(_ name: String) -> [String] {
            fields.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
        }

        func value(_ name: String) -> String? { values(name).first }

        var names: [String] { fields.map(\.name) }
    }

    static func parse(_ text: String, lineEnd: String = "\r\n") -> Mail {
        var mail = Mail()
        guard let split = text.range(of: lineEnd + lineEnd) else { return mail }
        mail.body = String(text[split.upperBound...])
        mail.headerLines = text[..<split.lowerBound].components(separatedBy: lineEnd)
        for line in mail.headerLines {
            if line.hasPrefix(" ") || line.hasPrefix("\t"), var last = mail.fields.popLast() {
                last.value += line
                mail.fields.append(last)
            } else if let colon = line.firstIndex(of: ":") {
                let value = line[line.index(after: colon)...]
                mail.fields.append((String(line[..<colon]), String(value.dropFirst(value.hasPrefix(" ") ? 1 : 0))))
            } else {
                mail.fields.append((line, ""))
            }
        }
        return mail
    }

    /// Decodes RFC 2047 encoded-words (Q and B, UTF-8); white space between two of them disappears.
    static func decodeWords(_ value: String) -> String {
        var out = ""
        var previousEncoded = false
        for (i, token) in value.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
            let parts = token.split(separator: "?", omittingEmptySubsequences: false)
            if parts.count == 5, parts[0] == "=", parts[4] == "=", parts[1].lowercased() == "utf-8" {
                var bytes: [UInt8] = []
                if parts[2].lowercased() == "b" {
                    bytes = Array(Data(base64Encoded: String(parts[3])) ?? Data())
                } else {
                    bytes = qDecode(String(parts[3]).replacingOccurrences(of: "_", with: " "))
                }
                if i > 0, !previousEncoded { out += " " }
                out += String(decoding: bytes, as: UTF8.self)
                previousEncoded = true
            } else {
                if i > 0 { out += " " }
                out += token
                previousEncoded = false
            }
        }
        return out
    }

    /// Decodes quoted-printable text (soft line breaks, =XX) to bytes.
    static func qDecode(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "=") {
                if i + 2 < bytes.count, bytes[i + 1] == 13, bytes[i + 2] == 10 {
                    i += 3
                } else if i + 1 < bytes.count, bytes[i + 1] == 10 {
                    i += 2
                } else if i + 2 < bytes.count,
                    let v = UInt8(String(decoding: bytes[i + 1...i + 2], as: UTF8.self), radix: 16)
                {
                    out.append(v)
                    i += 3
                } else {
                    out.append(bytes[i])
                    i += 1
                }
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    /// A Python interpreter, for the standard library's `email` parser as an independent reader.
    /// python3, or nil when it is missing: then the test is skipped with the reason printed, or fails
    /// in CI (which installs it).
    static var python: String? {
        if let p = ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: {
            FileManager.default.isExecutableFile(atPath: $0)
        }) {
            return p
        }
        let why = "python3 is missing; .ci/run installs it"
        if ProcessInfo.processInfo.environment["CI"] != nil {
            Issue.record("\(why)")
        } else {
            print("skipping: \(why)")
        }
        return nil
    }
}

/// The email channel: the message it writes, and what it makes of the sendmail program's ending.
@Suite(.pinnedZones)
struct EmailTests {
    typealias F = ChannelFixtures

    static let headerNames = [
        "Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
        "Auto-Submitted", "X-Nudge-Id", "X-Nudge-Kind",
    ]

    func render(_ m: NudgeMessage, threadRoot: String? = nil) -> String {
        EmailMessage.render(
            m, settings: F.settings(), messageID: "<nudge.42.due.0.abc@host.example>", threadRoot: threadRoot)
    }

    @Test func everyHeaderIsWrittenWithCRLF() {
        let text = render(F.message())
        let mail = F.parse(text)
        #expect(mail.names == Self.headerNames)
        #expect(mail.value("Date") == "Sun, 29 Nov 2026 19:05:00 +0100")
        #expect(mail.value("From") == "nudge@example.org")
        #expect(F.decodeWords(mail.value("To") ?? "") == "me@example.org, Jö Müller <jo@example.org>")
        #expect(mail.value("Subject") == "Call Mom =?utf-8?q?=E2=80=94?= due 19:00")
        #expect(F.decodeWords(mail.value("Subject") ?? "") == "Call Mom — due 19:00")
        #expect(mail.value("Message-ID") == "<nudge.42.due.0.abc@host.example>")
        #expect(mail.value("MIME-Version") == "1.0")
        #expect(mail.value("Content-Type") == "text/plain; charset=utf-8")
        #expect(mail.value("Content-Transfer-Encoding") == "quoted-printable")
        #expect(mail.value("X-Nudge-Id") == "call-mom")
        #expect(mail.value("X-Nudge-Kind") == "due")
        // Every line ends in CRLF: no bare LF or CR anywhere, and the message ends with one.
        let bytes = Array(text.utf8)
        for (i, b) in bytes.enumerated() where b == 10 { #expect(i > 0 && bytes[i - 1] == 13) }
        for (i, b) in bytes.enumerated() where b == 13 { #expect(i + 1 < bytes.count && bytes[i + 1] == 10) }
        #expect(text.hasSuffix("\r\n"))
        #expect(text.unicodeScalars.allSatisfy { $0.isASCII })
    }

    @Test func subjectsSayTheKind() {
        func subject(_ kind: NudgeKind) -> String {
            F.decodeWords(F.parse(render(F.message(kind: kind))).value("Subject") ?? "")
        }
        #expect(subject(.reminder) == "Reminder: Call Mom — due 19:00")
        #expect(subject(.due) == "Call Mom — due 19:00")
        #expect(subject(.followUp) == "Still open: Call Mom — due 19:00")
        #expect(subject(.repair) == "Missed: Call Mom — was due 19:00")
        #expect(F.parse(render(F.message(kind: .followUp))).value("X-Nudge-Kind") == "follow-up")
        let tomorrow = F.message(late: .hours(-24))
        #expect(EmailMessage.subject(tomorrow) == "Call Mom — due Sun 2026-11-29 19:00")
    }

    @Test func nonASCIISubjectBecomesEncodedWords() {
        let mail = F.parse(render(F.message(title: "Café ☕ with Jo")))
        let subject = mail.value("Subject") ?? ""
        #expect(subject == "=?utf-8?q?Caf=C3=A9_=E2=98=95?= with Jo =?utf-8?q?=E2=80=94?= due 19:00")
        #expect(F.decodeWords(subject) == "Café ☕ with Jo — due 19:00")
        let to = mail.value("To") ?? ""
        #expect(to.contains("=?utf-8?q?J=C3=B6_M=C3=BCller?= <jo@example.org>"))
    }

    @Test func longHeadersFoldWithinSeventyEightColumns() {
        let title = String(repeating: "Grüße an Großmutter und 🎂 ", count: 12)
        let text = EmailMessage.render(
            F.message(title: title),
            settings: EmailSettings(
                to: (1...9).map { "person\($0)@example.org" }, from: "Ünïcödé Sender <nudge@example.org>",
                sendmail: [], timeout: .seconds(1), hostname: "host.example"),
            messageID: "<a@b>", threadRoot: nil)
        let mail = F.parse(text)
        for line in mail.headerLines { #expect(line.count <= 78, "\(line)") }
        #expect(mail.names == Self.headerNames)
        #expect(F.decodeWords(mail.value("Subject") ?? "") == F.message(title: title).title.trimmed + " — due 19:00")
        #expect(F.decodeWords(mail.value("From") ?? "") == "Ünïcödé Sender <nudge@example.org>")
        #expect(mail.value("To")?.split(separator: ",").count == 9)
        let longWord = String(repeating: "x", count: 120)
        let plain = F.parse(render(F.message(title: longWord)))
        for line in plain.headerLines { #expect(line.count <= 78, "\(line)") }
        #expect(F.decodeWords(plain.value("Subject") ?? "") == longWord + " — due 19:00")
    }

    @Test func bodyRoundTripsThroughQuotedPrintable() {
        let note = "Ask about the trip = the one to Zürich.\nBring 🍰 ✓\n.\nFrom here on, trailing space "
        let mail = F.parse(render(F.message(title: "Café ☕ with Jo", note: note)))
        for line in mail.body.components(separatedBy: "\r\n") { #expect(line.count <= 76, "\(line)") }
        #expect(!mail.body.contains("\r\n.\r\n"))
        #expect(!mail.body.contains("\r\nFrom "))
        let body = String(decoding: F.qDecode(mail.body), as: UTF8.self)
        #expect(
            body == """
                Café ☕ with Jo\r
                \r
                Due: Sun 2026-11-29 19:00 CET, 5min late\r
                With: Mom\r
                \r
                Ask about the trip = the one to Zürich.\r
                Bring 🍰 ✓\r
                .\r
                From here on, trailing space \r
                \r
                Answer with:\r
                  nudge done call-mom\r
                  nudge snooze call-mom 30m\r
                  nudge skip call-mom\r
                \r
                -- \r
                nudge\r

                """)
        let long = String(repeating: "é", count: 200)
        let longBody = F.parse(render(F.message(note: long))).body
        for line in longBody.components(separatedBy: "\r\n") { #expect(line.count <= 76) }
        #expect(String(decoding: F.qDecode(longBody), as: UTF8.self).contains(long))
    }

    @Test func reminderBodySaysHowLongIsLeftAndRepairSaysHowToMakeItRight() {
        let reminder = EmailMessage.body(F.message(kind: .reminder, late: .minutes(-15)))
        #expect(reminder.contains("Due: Sun 2026-11-29 19:00 CET (15min left)"))
        let repair = EmailMessage.body(F.message(kind: .repair, late: .hours(1)))
        #expect(repair.hasPrefix("You missed \"Call Mom\" (due Sun 2026-11-29 19:00 CET)."))
        #expect(repair.contains("nudge repair call-mom --at 'tomorrow 19:00'"))
        #expect(!repair.contains("nudge done"))
    }

    @Test func threadingHeadersOnlyWithARoot() {
        let first = F.parse(render(F.message()))
        #expect(first.value("In-Reply-To") == nil)
        #expect(first.value("References") == nil)
        let follow = F.parse(render(F.message(kind: .followUp, sequence: 2), threadRoot: "<nudge.42.due.0.abc@host>"))
        #expect(follow.value("In-Reply-To") == "<nudge.42.due.0.abc@host>")
        #expect(follow.value("References") == "<nudge.42.due.0.abc@host>")
        #expect(follow.names.count == Self.headerNames.count + 2)
        let bare = F.parse(render(F.message(), threadRoot: "root@host"))
        #expect(bare.value("In-Reply-To") == "<root@host>")
    }

    @Test func messageIDsNameTheNudgeAndDiffer() {
        let m = F.message(kind: .followUp, sequence: 2)
        let a = EmailMessage.makeMessageID(for: m, hostname: "host.example")
        let b = EmailMessage.makeMessageID(for: m, hostname: "host.example")
        #expect(a != b)
        #expect(a.hasPrefix("<nudge.42.follow-up.2."))
        #expect(a.hasSuffix("@host.example>"))
        #expect(EmailMessage.makeMessageID(for: m, hostname: "bad host\r\n").hasSuffix("@badhost>"))
        #expect(EmailMessage.makeMessageID(for: m, hostname: "").hasSuffix("@localhost>"))
    }

    @Test func userTextCannotAddAHeader() throws {
        let evil = "x\r\nBcc: evil@example.org"
        let m = F.message(title: evil, with: "Jo\nX-Evil: 1", note: "\r\n\r\nBcc: evil@example.org\r\n")
        let settings = EmailSettings(
            to: ["me@example.org\r\nBcc: evil@example.org", "Jo\r\nCc: x@y <jo@example.org>"],
            from: "nudge@example.org\nReply-To: evil@example.org", sendmail: [], timeout: .seconds(1),
            hostname: "host\r\nX-Evil: 2")
        let text = EmailMessage.render(
            m, settings: settings, messageID: "<a@b>\r\nBcc: evil@example.org",
            threadRoot: "<r@h>\nCc: evil@example.org")
        let mail = F.parse(text)
        let threaded =
            Array(Self.headerNames.prefix(5)) + ["In-Reply-To", "References"] + Self.headerNames.dropFirst(5)
        #expect(mail.names == threaded)
        #expect(mail.value("Bcc") == nil)
        #expect(!mail.headerLines.contains { $0.lowercased().hasPrefix("bcc") || $0.lowercased().hasPrefix("x-evil") })
        #expect(F.decodeWords(mail.value("Subject") ?? "") == "x Bcc: evil@example.org — due 19:00")
        #expect(mail.value("Message-ID") == "<a@b>")
        #expect(mail.value("In-Reply-To") == "<r@h>")
        #expect(mail.value("From") == "nudge@example.org")
        #expect(mail.value("To") == "me@example.org, \"Jo Cc: x@y\" <jo@example.org>")
        // The body may say anything, but it stays in the body.
        #expect(String(decoding: F.qDecode(mail.body), as: UTF8.self).contains("Bcc: evil@example.org"))
        let every = (0..<32).map { String(UnicodeScalar(UInt8($0))) }.joined() + "\u{7F}\u{85}\u{2028}\u{2029}"
        let controls = F.parse(render(F.message(title: "a\(every)b")))
        #expect(controls.names == Self.headerNames)
        #expect(F.decodeWords(controls.value("Subject") ?? "") == "a b — due 19:00")

        // An independent reader agrees: Python's email parser finds exactly these headers and no defect.
        guard let python = F.python else { return }
        let script = """
            import sys, json, email
            from email import policy
            m = email.message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)
            defects = [str(d) for d in m.defects] + [str(d) for v in m.values() for d in v.defects]
            print(json.dumps({"keys": list(m.keys()), "subject": str(m["Subject"]), "defects": defects,
                "to": [a.addr_spec for a in m["To"].addresses], "body": m.get_content()}))
            """
        let r = try Subprocess.run([python, "-c", script], input: Array(text.utf8), timeout: .seconds(30))
        #expect(r.exitStatus == 0, "\(r.standardError)")
        let json = try JSONSerialization.jsonObject(with: Data(r.standardOutput.utf8)) as? [String: Any]
        #expect(json?["keys"] as? [String] == mail.names)
        #expect(json?["subject"] as? String == "x Bcc: evil@example.org — due 19:00")
        #expect((json?["defects"] as? [String])?.isEmpty == true, "\(json?["defects"] ?? "")")
        #expect(json?["to"] as? [String] == ["me@example.org", "jo@example.org"])
        let body = (json?["body"] as? String)?.replacingOccurrences(of: "\r\n", with: "\n") ?? ""
        #expect(body.hasPrefix("x Bcc: evil@example.org\n\nDue: "))
        #expect(body.contains("\nWith: Jo X-Evil: 1\n"))
    }

    @Test func privateCommitmentsKeepTheTitleOutOfTheHeaders() {
        let text = render(F.message(title: "Call Mom", isPrivate: true))
        let mail = F.parse(text)
        #expect(F.decodeWords(mail.value("Subject") ?? "") == "A promise is due — due 19:00")
        for field in mail.fields { #expect(!F.decodeWords(field.value).contains("Call Mom")) }
        #expect(String(decoding: F.qDecode(mail.body), as: UTF8.self).hasPrefix("Call Mom\r\n"))
    }

    @Test func pythonReadsTheEncodedSubjectAndBody() throws {
        guard let python = F.python else { return }
        let text = render(F.message(title: "Café ☕ with Jo", note: "Zürich = 🍰"))
        let script = """
            import sys, json, email
            from email import policy
            m = email.message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)
            print(json.dumps({"subject": str(m["Subject"]), "body": m.get_content(), "charset": m.get_content_charset(),
                "to": [[a.display_name, a.addr_spec] for a in m["To"].addresses]}))
            """
        let r = try Subprocess.run([python, "-c", script], input: Array(text.utf8), timeout: .seconds(30))
        let json = try JSONSerialization.jsonObject(with: Data(r.standardOutput.utf8)) as? [String: Any]
        let body = (json?["body"] as? String)?.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(json?["subject"] as? String == "Café ☕ with Jo — due 19:00")
        #expect(json?["charset"] as? String == "utf-8")
        #expect(body?.hasPrefix("Café ☕ with Jo\n\nDue: Sun 2026-11-29 19:00 CET, 5min late\n") == true)
        #expect(body?.contains("\nZürich = 🍰\n") == true, "\(body ?? "")")
        #expect(json?["to"] as? [[String]] == [["", "me@example.org"], ["Jö Müller", "jo@example.org"]])
    }
}

extension EmailTests {
    /// The email channel through a fake sendmail (a shell script) and through msmtp to a real SMTP sink.
    struct Sending {
        typealias F = ChannelFixtures

        @Test func theMessageIsPipedToSendmail() throws {
            try F.withScratch { dir in
                let sendmail = try F.script(
                    "sendmail", in: dir, "printf '%s\\n' \"$@\" > \"\(dir.path)/args\"; cat > \"\(dir.path)/mail\"")
                let settings = F.settings(sendmail: [sendmail, "-t", "-i"])
                let m = F.message(title: "Café ☕ with Jo")
                let id = EmailMessage.makeMessageID(for: m, hostname: settings.hostname)
                #expect(EmailChannel.send(m, settings: settings, messageID: id, threadRoot: nil) == .sent)
                #expect(F.read(dir, "args") == "-t\n-i\n")
                #expect(
                    F.read(dir, "mail") == EmailMessage.render(m, settings: settings, messageID: id, threadRoot: nil))
            }
        }

        @Test func sendmailEndingsMapToResults() throws {
            try F.withScratch { dir in
                let temp = try F.script("temp", in: dir, "cat > /dev/null; exit 75")
                let fail = try F.script(
                    "fail", in: dir, "cat > /dev/null; echo 'jo@example.org: User unknown' >&2; exit 1")
                let slow = try F.script("slow", in: dir, "cat > /dev/null; sleep 30")
                let m = F.message()
                func send(_ program: String, timeout: Span = .seconds(10)) -> ChannelResult {
                    EmailChannel.send(
                        m, settings: F.settings(sendmail: [program, "-t"], timeout: timeout), messageID: "<a@b>",
                        threadRoot: nil)
                }
                #expect(send(temp) == .failed("\(temp) failed temporarily (exit 75)", retry: true))
                #expect(send(fail) == .failed("\(fail) failed (exit 1): jo@example.org: User unknown", retry: false))
                let start = F.seconds()
                #expect(send(slow, timeout: .seconds(1)) == .unknown("\(slow) did not finish within 1s and was killed"))
                #expect(F.seconds() - start < 3.5)
                let missing = dir.appendingPathComponent("sendmail").path
                #expect(send(missing) == .unavailable("program \"\(missing)\" not found"))
            }
        }

        /// Delivers through msmtp to an aiosmtpd sink on 127.0.0.1 and reads the mail back from its Maildir.
        @Test func msmtpDeliversToARealSMTPServer() throws {
            try F.withScratch { dir in
                guard let sink = try SMTPSink.start(in: dir, for: "msmtpDeliversToARealSMTPServer") else { return }
                defer { sink.stop() }
                let settings = F.settings(sendmail: sink.sendmail)
                let m = F.message(title: "Café ☕ with Jo\r\nBcc: evil@example.org", kind: .followUp, sequence: 1)
                let id = EmailMessage.makeMessageID(for: m, hostname: "host.example")
                let root = "<nudge.42.due.0.1234@host.example>"
                #expect(EmailChannel.send(m, settings: settings, messageID: id, threadRoot: root) == .sent)

                let mails = sink.mails()
                #expect(mails.count == 1)
                guard let mail = mails.first else { return }
                #expect(mail.value("Message-ID") == id)
                #expect(mail.value("In-Reply-To") == root)
                #expect(mail.value("References") == root)
                #expect(mail.value("X-Nudge-Kind") == "follow-up")
                #expect(mail.value("Bcc") == nil)
                #expect(
                    F.decodeWords(mail.value("Subject") ?? "")
                        == "Still open: Café ☕ with Jo Bcc: evil@example.org — due 19:00")
                // The sink records the envelope: msmtp -t took the recipients from To, and only from To.
                #expect(mail.value("X-RcptTo") == "me@example.org, jo@example.org")
                let body = String(decoding: F.qDecode(mail.body), as: UTF8.self)
                #expect(body.hasPrefix("Café ☕ with Jo Bcc: evil@example.org\n\nDue: Sun 2026-11-29 19:00 CET"))
                #expect(body.contains("nudge done call-mom"))

                // With the server gone, msmtp cannot connect: exit 75, worth retrying.
                sink.stop()
                usleep(300_000)
                let again = EmailChannel.send(m, settings: settings, messageID: id, threadRoot: root)
                guard case .failed(_, retry: true) = again else {
                    Issue.record("expected a temporary failure, got \(again)")
                    return
                }
            }
        }
    }
}

extension String {
    fileprivate var trimmed: String { EmailMessage.clean(self) }
}
