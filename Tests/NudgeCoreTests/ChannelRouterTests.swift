import Foundation
import GRDB
import Synchronization
import Testing

@testable import NudgeCore

/// The delivery rules of DESIGN.md §5, with a stand-in sender recording what it was asked to send.
@Suite(.pinnedZones)
struct ChannelRouterTests {
    final class Recorder: @unchecked Sendable {
        var sent: [String] = []
        var results: [String: [ChannelResult]] = [:]

        func send(_ m: NudgeMessage, _ c: Channel, _ d: Delivery) -> ChannelResult {
            sent.append("\(c.name):\(m.kind.rawValue)#\(m.sequence)")
            guard var queue = results[c.name], !queue.isEmpty else { return .sent }
            let r = queue.removeFirst()
            results[c.name] = queue
            return r
        }
    }

    static let toml = """
        [settings]
        timezone = "Europe/Berlin"

        [channel.mail]
        kind = "email"
        to = ["me@example.org"]

        [[commitment]]
        id = "call-mom"
        title = "Call Mom"
        when = "Sun 19:00"
        follow_ups = 0
        grace = "4h"
        channels = ["desktop", "mail"]
        """

    func setUp() throws -> (Config, Store, Recorder) {
        let config = try #require(try ConfigLoaderTests.load(Self.toml).config)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "nudge-router-\(UUID().uuidString)/s.sqlite")
        return (config, try Store(path: path.path), Recorder())
    }

    func t(_ text: String) throws -> Instant {
        try Timestamp.parse(text, zone: try Zone.named("Europe/Berlin"), now: Instant(seconds: 0))
    }

    @Test func everyChannelGetsTheNudgeAndAnUnavailableOneFallsBackWithoutCounting() throws {
        let (config, store, rec) = try setUp()
        rec.results["desktop"] = [.unavailable("no session bus")]
        rec.results["mail"] = [.unavailable("no sendmail")]
        let runner = Runner(
            config: config, store: store, router: ChannelRouter(config: config, send: rec.send))
        try runner.run(now: try t("2026-11-29 12:00"))
        try runner.run(now: try t("2026-11-29 19:00"))
        // The fallback takes the nudge once, however many of its channels could not.
        #expect(rec.sent == ["desktop:due#0", "mail:due#0", "console:due#0"])
        // Only the fallback heard it: not told, so no miss is recorded after the grace.
        try runner.run(now: try t("2026-11-30 00:00"))
        #expect(try store.history().isEmpty)
    }

    @Test func withSyncAMailClaimedByAnotherMachineIsNotSentHereButCountsAsTold() throws {
        let (plain, store, rec) = try setUp()
        let asked = Mutex<[String]>([])
        let claim: @Sendable (NudgeMessage, Channel) -> Claim = { m, c in
            asked.withLock { $0.append("\(c.name):\(m.kind.rawValue)") }
            return .elsewhere("laptop")
        }
        // Without [sync] nobody is asked.
        let alone = Runner(
            config: plain, store: store, router: ChannelRouter(config: plain, claim: claim, send: rec.send))
        try alone.run(now: try t("2026-11-29 12:00"))
        try alone.run(now: try t("2026-11-29 19:00"))
        #expect(asked.withLock { $0 }.isEmpty && rec.sent == ["desktop:due#0", "mail:due#0"])
        // With it, only the mail is claimed; the popup shows here too.
        var config = plain
        config.sync = SyncSettings(
            url: "https://dav.example.org/c/", username: "me", password: .file("/dev/null"), device: "desktop",
            poll: .minutes(1), caFile: nil)
        let shared = Runner(
            config: config, store: store, router: ChannelRouter(config: config, claim: claim, send: rec.send))
        try shared.run(now: try t("2026-12-06 19:00"))
        #expect(asked.withLock { $0 } == ["mail:due"])
        #expect(rec.sent == ["desktop:due#0", "mail:due#0", "desktop:due#0"])
        let rows = try store.queue.read { db in
            try String.fetchAll(db, sql: "SELECT state || ' ' || coalesce(error, '') FROM nudge WHERE channel = 'mail'")
        }
        #expect(rows == ["sent ", "sent sent by laptop, which claimed it"])
    }

    @Test func aFallbackThatReachesAPersonCountsAsTold() throws {
        let (config, store, rec) = try setUp()
        rec.results["desktop"] = [.unavailable("no session bus")]
        rec.results["mail"] = [.unavailable("no sendmail")]
        let router = ChannelRouter(config: config, fallbackCounts: true, send: rec.send)
        let runner = Runner(config: config, store: store, router: router)
        try runner.run(now: try t("2026-11-29 12:00"))
        try runner.run(now: try t("2026-11-29 19:00"))
        try runner.run(now: try t("2026-11-29 23:00:01"))
        #expect(try store.history().first?.outcome == .missed)
    }

    @Test func aMailFallbackThatTookTheNudgeCountsEvenUnderTheJournal() throws {
        var (config, store, rec) = try setUp()
        config.settings.fallback = "mail"
        config.commitments[0].channels = ["desktop"]
        rec.results["desktop"] = [.unavailable("no session bus")]
        // fallbackCounts false: the console would only reach the journal; mail reaches a person.
        let runner = Runner(
            config: config, store: store, router: ChannelRouter(config: config, send: rec.send))
        try runner.run(now: try t("2026-11-29 12:00"))
        try runner.run(now: try t("2026-11-29 19:00"))
        #expect(rec.sent == ["desktop:due#0", "mail:due#0"])
        try runner.run(now: try t("2026-11-29 23:00:01"))
        #expect(try store.history().first?.outcome == .missed)
    }

    @Test func aKnownFailureIsRetriedAfterThirtySecondsTwoAndTenMinutesThenGivenUp() throws {
        let (config, store, rec) = try setUp()
        rec.results["mail"] = Array(repeating: .failed("exit 75", retry: true), count: 4)
        let runner = Runner(
            config: config, store: store, router: ChannelRouter(config: config, send: rec.send))
        try runner.run(now: try t("2026-11-29 12:00"))
        #expect(try runner.run(now: try t("2026-11-29 19:00")) == (try t("2026-11-29 19:00:30")))
        try runner.run(now: try t("2026-11-29 19:00:29"))
        #expect(rec.sent.filter { $0.hasPrefix("mail") }.count == 1)
        #expect(try runner.run(now: try t("2026-11-29 19:00:30")) == (try t("2026-11-29 19:02:30")))
        #expect(try runner.run(now: try t("2026-11-29 19:02:30")) == (try t("2026-11-29 19:12:30")))
        try runner.run(now: try t("2026-11-29 19:12:30"))
        #expect(rec.sent.filter { $0.hasPrefix("mail") }.count == 4)
        try runner.run(now: try t("2026-11-29 20:00"))
        #expect(rec.sent.filter { $0.hasPrefix("mail") }.count == 4)
        #expect(rec.sent.filter { $0.hasPrefix("desktop") }.count == 1)
    }

    @Test func anUnknownOutcomeIsNeverSentAgainButCountsAsTold() throws {
        let (config, store, rec) = try setUp()
        rec.results["desktop"] = [.unavailable("no bus")]
        rec.results["mail"] = [.unknown("timeout after 30s")]
        let runner = Runner(
            config: config, store: store, router: ChannelRouter(config: config, send: rec.send))
        try runner.run(now: try t("2026-11-29 12:00"))
        try runner.run(now: try t("2026-11-29 19:00"))
        try runner.run(now: try t("2026-11-29 19:30"))
        #expect(rec.sent.filter { $0.hasPrefix("mail") } == ["mail:due#0"])
        try runner.run(now: try t("2026-11-29 23:00:01"))
        #expect(try store.history().first?.outcome == .missed)
    }

    @Test func theFallbackIsNotUsedWhenTheNudgeWentThereAlready() throws {
        var (config, store, rec) = try setUp()
        config.commitments[0].channels = ["desktop", "console"]
        rec.results["desktop"] = [.unavailable("no session bus")]
        let runner = Runner(
            config: config, store: store, router: ChannelRouter(config: config, fallbackCounts: true, send: rec.send))
        try runner.run(now: try t("2026-11-29 12:00"))
        try runner.run(now: try t("2026-11-29 19:00"))
        #expect(rec.sent == ["desktop:due#0", "console:due#0"])
        let notes = try store.queue.read { db in
            try String.fetchAll(db, sql: "SELECT error FROM nudge WHERE error IS NOT NULL")
        }
        #expect(notes == ["unavailable (no session bus); console had it already"])
    }

    @Test func afterDowntimeEachChannelGetsOneDigestListingEverything() throws {
        var toml = "[settings]\ntimezone = \"Europe/Berlin\"\nchannels = [\"console\", \"mail\"]\n"
        toml += "[channel.mail]\nkind = \"email\"\nto = [\"me@example.org\"]\n"
        for i in 0..<20 {
            toml += "[[commitment]]\nid = \"c\(i)\"\ntitle = \"Promise \(i)\"\nwhen = \"*-*-* 09:00\"\ngrace = \"1d\"\n"
        }
        let config = try #require(try ConfigLoaderTests.load(toml).config)
        let (_, store, rec) = try setUp()
        let messages = Mutex<[NudgeMessage]>([])
        let runner = Runner(
            config: config, store: store,
            router: ChannelRouter(config: config) { m, c, d in
                messages.withLock { $0.append(m) }
                return rec.send(m, c, d)
            })
        try runner.run(now: try t("2026-11-29 08:00"))
        // Off from 08:00 until 14:00: twenty promises fell due meanwhile.
        try runner.run(now: try t("2026-11-29 14:00"))
        #expect(rec.sent == ["console:digest#0", "mail:digest#0"])
        let sent = messages.withLock { $0 }
        #expect(sent.allSatisfy { $0.items.count == 20 })
        #expect(
            ConsoleChannel.line(sent[0]).hasPrefix(
                "digest 20 promises while you were away: c0 Promise 0 (due 09:00), c1 Promise 1"))
        let subject = EmailMessage.subject(sent[1])
        #expect(subject == "20 promises while you were away")
        let hook = CommandChannel.environment(sent[0])
        #expect(hook["NUDGE_IDS"]?.hasPrefix("c0 c1 c2") == true)
        #expect(hook["NUDGE_LIST"]?.split(separator: "\n").count == 20)
        #expect(CommandChannel.arguments(["{title}"], for: sent[0]) == ["20 promises while you were away"])
        // Each of the twenty is recorded as nudged (one ledger row per nudge and channel).
        let rows = try store.queue.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM nudge WHERE state = 'sent'")
        }
        #expect(rows == 40)
    }

    @Test func aHungChannelDoesNotHoldUpTheOtherNudgesOfABatch() throws {
        var toml = "[settings]\ntimezone = \"Europe/Berlin\"\nchannels = [\"console\"]\n"
        for i in 0..<8 {
            toml += "[[commitment]]\nid = \"c\(i)\"\ntitle = \"Promise \(i)\"\nwhen = \"*-*-* 09:00\"\nfollow_ups = 0\n"
        }
        let config = try #require(try ConfigLoaderTests.load(toml).config)
        let (_, store, _) = try setUp()
        let gate = DispatchSemaphore(value: 0)
        let sent = Mutex<[String]>([])
        let runner = Runner(
            config: config, store: store,
            router: ChannelRouter(config: config) { m, _, _ in
                // c0's channel hangs until every other nudge of the batch has gone out.
                if m.commitment.rawValue == "c0" {
                    guard gate.wait(timeout: .now() + 10) == .success else { return .unknown("hung") }
                } else if sent.withLock({
                    $0.append(m.commitment.rawValue); return $0.count
                }) == 7 {
                    gate.signal()
                }
                return .sent
            })
        try runner.run(now: try t("2026-11-29 08:00"))
        try runner.run(now: try t("2026-11-29 09:00"))
        #expect(sent.withLock { $0.count } == 7)
        let states = try store.queue.read { db in try String.fetchAll(db, sql: "SELECT state FROM nudge") }
        #expect(states == Array(repeating: "sent", count: 8))
    }
}
