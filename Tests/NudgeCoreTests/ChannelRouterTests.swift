import Foundation
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
        #expect(rec.sent == ["desktop:due#0", "console:due#0", "mail:due#0", "console:due#0"])
        // Only the fallback heard it: not told, so no miss is recorded after the grace.
        try runner.run(now: try t("2026-11-30 00:00"))
        #expect(try store.history().isEmpty)
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
}
