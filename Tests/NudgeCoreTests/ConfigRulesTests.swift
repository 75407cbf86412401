import Foundation
import Testing

@testable import NudgeCore

/// The rules of DESIGN.md §2, each on its own.
@Suite(.pinnedZones)
struct ConfigRulesTests {
    @Test func anErrorOnAHugeLineShowsOnlyTheNeighbourhoodOfTheProblem() throws {
        let title = String(repeating: "a", count: 450_000)
        let result = try ConfigLoaderTests.load(
            """
            [[commitment]]
            id = "x"
            title = "Call"
            when = "Sun 19:00"
            remid_before = "\(title)"
            """)
        let text = result.diagnostics.map(\.description).joined(separator: "\n")
        #expect(text.contains("unknown key \"remid_before\""))
        #expect(text.utf8.count < 2_000)
        #expect(result.diagnostics.allSatisfy { $0.description.split(separator: "\n").allSatisfy { $0.count < 200 } })
    }

    func load(_ text: String, mode: mode_t = 0o600) throws -> ConfigLoader.Result {
        try ConfigLoaderTests.load(text, mode: mode)
    }

    /// All errors in one run (DESIGN.md §2): a duplicate id is said even when one of the two has another error.
    @Test func aDuplicateIdIsSaidEvenWhenOneOfThemHasAnotherError() throws {
        let result = try load(
            """
            [[commitment]]
            id = "water"
            title = "Water the plants"
            when = "*-*-* 25:00"

            [[commitment]]
            id = "water"
            title = "Water the garden"
            when = "*-*-* 09:00"
            """)
        let lines = result.diagnostics.map(\.headline)
        #expect(lines.contains { $0.contains("4:15: error:") && $0.contains("hour 25") }, "\(lines)")
        #expect(
            lines.contains { $0.contains(#"7:6: error: duplicate id "water" (first defined on line 2)"#) }, "\(lines)")
    }

    @Test func everyDefaultIsApplied() throws {
        let result = try load(
            """
            [[commitment]]
            id = "call-mom"
            title = "Call Mom"
            when = "Sun 19:00"

            [[commitment]]
            id = "checkin"
            title = "Check in"
            every = "3d"
            """)
        let config = try #require(result.config)
        #expect(result.diagnostics.isEmpty)
        #expect(config.settings.timezone.name == "Europe/Berlin")
        #expect(config.settings.channels == ["desktop"])
        #expect(config.settings.fallback == "console")
        #expect(config.settings.catchUp == .nudge)
        #expect(config.settings.quietHours == nil)
        #expect(config.channels["desktop"]?.kind == .desktop(urgency: .normal, expire: .zero))
        #expect(config.channels["console"]?.kind == .console)
        let c = config.commitments[0]
        #expect(c.remindBefore == nil)
        #expect(c.followUp == .minutes(15))
        #expect(c.followUps == 2)
        #expect(c.onTime == .minutes(30))
        #expect(c.grace == .hours(4))
        #expect(c.urgency == nil)
        #expect(!c.repair && !c.isPrivate && c.enabled)
        #expect(c.channels == ["desktop"])
        #expect(config.commitments[1].grace == .days(1))
    }

    @Test func theDesignExampleIsValid() throws {
        let result = try load(
            """
            [settings]
            timezone = "Europe/Berlin"
            quiet_hours = "22:30-07:30"
            channels = ["desktop"]
            fallback = "console"
            catch_up = "nudge"

            [channel.desktop]
            kind = "desktop"
            urgency = "normal"
            expire = "0"

            [channel.mail]
            kind = "email"
            to = ["me@example.org"]
            from = "me@example.org"
            sendmail = ["/usr/bin/msmtp", "-t"]
            timeout = "30s"

            [channel.phone]
            kind = "command"
            command = ["ntfy", "publish", "my-topic", "--", "{title}"]
            timeout = "10s"

            [[commitment]]
            id = "call-mom"
            title = "Call Mom"
            with = "Mom"
            when = "Sun 19:00 America/Chicago"
            remind_before = "15m"
            follow_up = "10m"
            follow_ups = 3
            on_time = "30m"
            grace = "2h"
            urgency = "normal"
            repair = true
            private = false
            enabled = true
            channels = ["desktop", "mail"]
            note = "Ask how the knee is"

            [[commitment]]
            id = "partner-checkin"
            title = "Ask Sam: how safe do you feel with us right now?"
            with = "Sam"
            every = "3d"
            at = "20:00"
            """)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let config = try #require(result.config)
        #expect(config.settings.quietHours?.description == "22:30-07:30")
        #expect(
            config.channels["mail"]?.kind
                == .email(
                    to: ["me@example.org"], from: "me@example.org", sendmail: ["/usr/bin/msmtp", "-t"],
                    timeout: .seconds(30)))
        #expect(
            config.channels["phone"]?.kind
                == .command(argv: ["ntfy", "publish", "my-topic", "--", "{title}"], timeout: .seconds(10)))
        let mom = config.commitments[0]
        #expect(mom.followUps == 3 && mom.grace == .hours(2) && mom.repair && mom.channels == ["desktop", "mail"])
        guard case .calendar(let specs, _) = mom.schedule else { Issue.record("not a calendar"); return }
        #expect(specs.map(\.normalized) == ["Sun *-*-* 19:00:00 America/Chicago"])
        guard case .every(let span, let at, _) = config.commitments[1].schedule else {
            Issue.record("not every"); return
        }
        #expect(span == .days(3) && at?.description == "20:00")
    }

    @Test func theExampleConfigAndSeedsAreValid() throws {
        let loader = try ConfigLoaderTests.loader()
        var files = [ConfigLoaderTests.repo.appendingPathComponent("Config/nudge.example.toml")]
        let seeds = ConfigLoaderTests.repo.appendingPathComponent("seeds")
        for name in try FileManager.default.contentsOfDirectory(atPath: seeds.path) where name.hasSuffix(".toml") {
            files.append(seeds.appendingPathComponent(name))
        }
        #expect(files.count >= 3)
        for file in files {
            let data = try Data(contentsOf: file)
            let result = loader.load(data: data, path: file.lastPathComponent, mode: 0o600)
            #expect(!result.hasErrors, "\(file.lastPathComponent): \(result.diagnostics)")
            #expect(result.config?.commitments.isEmpty == false)
        }
    }

    @Test func theStarterIsTheExampleFile() throws {
        let example = try String(
            contentsOf: ConfigLoaderTests.repo.appendingPathComponent("Config/nudge.example.toml"), encoding: .utf8)
        #expect(StarterConfig.text == example)
    }

    @Test func loosePermissionsAreRefusedOnlyWhenTheConfigRunsPrograms() throws {
        let command = """
            [channel.phone]
            kind = "command"
            command = ["ntfy", "--", "{title}"]
            """
        let refused = try load(command, mode: 0o664)
        #expect(refused.hasErrors)
        #expect(refused.diagnostics.first?.message.contains("writable by its group") == true)
        #expect(refused.diagnostics.first?.hint?.contains("chmod go-w 'config.toml'") == true)
        #expect(try load(command, mode: 0o606).diagnostics.first?.message.contains("others") == true)
        #expect(try !load(command, mode: 0o600).hasErrors)
        let sendmail = """
            [channel.mail]
            kind = "email"
            to = ["me@example.org"]
            sendmail = ["/usr/bin/msmtp", "-t"]
            """
        #expect(try load(sendmail, mode: 0o620).hasErrors)
        #expect(try !load("[settings]\nchannels = [\"desktop\"]\n", mode: 0o666).hasErrors)
    }

    @Test func aConfigThatRunsProgramsIsCheckedLikeSshStrictModesOnTheFileItReads() throws {
        let command = "[channel.phone]\nkind = \"command\"\ncommand = [\"ntfy\", \"--\", \"{title}\"]\n"
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("nudge-strict-\(UUID().uuidString)")
        let dir = base.appendingPathComponent("cfg")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        chmod(base.path, 0o700)
        chmod(dir.path, 0o700)
        let file = dir.appendingPathComponent("config.toml").path
        try Data(command.utf8).write(to: URL(fileURLWithPath: file))
        chmod(file, 0o600)
        let loader = try ConfigLoaderTests.loader()
        #expect(!loader.load(path: file).hasErrors)
        // A directory above it that others may write (no sticky bit): they could swap the file.
        chmod(dir.path, 0o777)
        let swapped = loader.load(path: file)
        #expect(swapped.diagnostics.first?.message.contains("\(dir.path) can be written by others") == true)
        #expect(swapped.diagnostics.first?.hint?.contains("chmod go-w '\(dir.path)'") == true)
        chmod(dir.path, 0o700)
        // Owned by someone else (only root can give a file away).
        if geteuid() == 0 {
            chown(file, 65534, 65534)
            let foreign = loader.load(path: file)
            #expect(foreign.diagnostics.first?.message.contains("belongs to another user (uid 65534)") == true)
        }
        // Without programs to run, none of this matters.
        try Data("[settings]\nchannels = [\"desktop\"]\n".utf8).write(to: URL(fileURLWithPath: file))
        chmod(dir.path, 0o777)
        #expect(!loader.load(path: file).hasErrors)
    }

    @Test func aMailRecipientMayHaveADisplayName() throws {
        let mail = """
            [channel.mail]
            kind = "email"
            to = ["Alex <alex@example.org>", "me@example.org"]
            from = "nudge <nudge@example.org>"
            """
        let loaded = try load(mail)
        #expect(!loaded.hasErrors, "\(loaded.diagnostics)")
        guard case .email(let to, _, _, _)? = loaded.config?.channels["mail"]?.kind else {
            Issue.record("no mail channel")
            return
        }
        #expect(EmailMessage.addressList(to) == ["Alex", "<alex@example.org>,", "me@example.org"])
        #expect(try load(mail.replacingOccurrences(of: "Alex <alex@example.org>", with: "Alex <alex>")).hasErrors)
        #expect(try load(mail.replacingOccurrences(of: "Alex <alex@example.org>", with: "<a@b.c>")).hasErrors)
    }

    @Test func listingsCutTimesToTheMinuteWhateverTheYear() {
        #expect(TimestampFormat.minute("2026-11-29T19:00:00+01:00") == "2026-11-29 19:00")
        #expect(TimestampFormat.minute("12026-11-29T19:00:00+01:00") == "12026-11-29 19:00")
    }

    @Test func aOnceInThePastIsOnlyAWarning() throws {
        let result = try load(
            """
            [[commitment]]
            id = "dentist"
            title = "Call the dentist"
            once = "2020-01-01 10:00"
            """)
        #expect(!result.hasErrors)
        #expect(result.diagnostics.map(\.severity) == [.warning])
        #expect(result.diagnostics.first?.line == 4)
        #expect(result.config?.commitments.count == 1)
    }

    @Test func everyErrorIsReportedInOneRunInSourceOrder() throws {
        let result = try load(
            """
            [settings]
            timezone = "Mars/Olympus"

            [[commitment]]
            id = "a"
            title = "A"
            when = "Sun 25:00"
            folow_up = "10m"

            [[commitment]]
            id = "b"
            title = "B"
            every = "3d"
            at = "26:00"
            """)
        #expect(result.diagnostics.map(\.line) == [2, 7, 8, 14])
        #expect(result.diagnostics.allSatisfy { $0.severity == .error })
    }

    @Test func aMissingKeyPointsAtItsTableHeader() throws {
        let result = try load("\n\n[[commitment]]\nid = \"x\"\nwhen = \"daily\"\n")
        let d = try #require(result.diagnostics.first)
        #expect((d.line, d.column) == (3, 1))
        #expect(d.message.contains("no \"title\""))
    }

    @Test func columnsCountUnicodeScalars() throws {
        let result = try load("[[commitment]]\nid = \"x\"\ntitle = \"Café ☕\"\nwhen = \"Sun 19:00\"\nnote = 1\n")
        let d = try #require(result.diagnostics.first)
        #expect((d.line, d.column) == (5, 8))
        let result2 = try load("[[commitment]]\nid = \"x\"\ntitle = \"x\"\nwhen = \"Sün 19:00\"\n")
        #expect(result2.diagnostics.first?.column == 9)
        #expect(result2.diagnostics.first?.description.contains("\n            ^") == true)
    }

    @Test func hugeAndBinaryInputIsRefusedWithoutCrashing() throws {
        let big = Data(repeating: UInt8(ascii: "#"), count: (1 << 20) + 1)
        #expect(try ConfigLoaderTests.loader().load(data: big, path: "big.toml").hasErrors)
        let nul = try load("title = \"a\0b\"\n")
        #expect(nul.diagnostics.first?.message.contains("NUL") == true)
        let binary = try ConfigLoaderTests.loader().load(data: Data([0xff, 0xfe, 0x41, 0x0a]), path: "bin.toml")
        #expect(binary.hasErrors)
    }

    @Test func aMissingFileSaysWhereItLookedAndHowToCreateOne() throws {
        let result = try ConfigLoaderTests.loader().load(path: "/nonexistent/nudge/config.toml")
        let d = try #require(result.diagnostics.first)
        #expect(d.headline == "/nonexistent/nudge/config.toml: error: no config here (nudge looks for it at this path)")
        #expect(d.hint?.contains("nudge init") == true)
    }

    @Test func configPathFollowsTheDocumentedOrder() {
        let env = ["NUDGE_CONFIG": "/n.toml", "XDG_CONFIG_HOME": "/x", "HOME": "/h"]
        #expect(ConfigPath.resolve(explicit: "/e.toml", environment: env) == "/e.toml")
        #expect(ConfigPath.resolve(explicit: nil, environment: env) == "/n.toml")
        #expect(
            ConfigPath.resolve(explicit: nil, environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"])
                == "/x/nudge/config.toml")
        #expect(
            ConfigPath.resolve(explicit: nil, environment: ["XDG_CONFIG_HOME": "rel", "HOME": "/h"])
                == "/h/.config/nudge/config.toml")
        #expect(ConfigPath.resolve(explicit: nil, environment: ["HOME": "/h"]) == "/h/.config/nudge/config.toml")
    }

    @Test func suggestionsFindTheIntendedKey() {
        #expect(Suggest.closest(to: "remid_before", in: ConfigReader.commitmentKeys) == "remind_before")
        #expect(Suggest.closest(to: "wehn", in: ConfigReader.commitmentKeys) == "when")
        #expect(Suggest.closest(to: "zzzzzz", in: ConfigReader.commitmentKeys) == nil)
    }
}
