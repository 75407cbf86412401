import Foundation
import Testing

@testable import NudgeCore

/// `[sync]` is read and checked like the rest of the config (DESIGN.md §2, §10).
@Suite(.pinnedZones)
struct SyncConfigTests {
    static let base = "[[commitment]]\nid = \"a\"\ntitle = \"A\"\nwhen = \"Sun 19:00\"\n\n"

    func errors(_ sync: String, mode: mode_t = 0o600) throws -> [String] {
        try ConfigLoaderTests.load(Self.base + sync, mode: mode).diagnostics.map { d in
            "\(d.line):\(d.column): \(d.message)" + (d.hint.map { " | \($0)" } ?? "")
        }
    }

    @Test func aWholeSyncTableIsRead() throws {
        let result = try ConfigLoaderTests.load(
            Self.base + """
                [sync]
                url = "https://dav.example.org/alex/nudge"
                username = "alex"
                password_file = "~/.config/nudge/dav-password"
                device = "laptop"
                poll = "30s"
                ca_file = "~/ca.pem"
                """)
        let sync = try #require(result.config?.sync, "\(result.diagnostics)")
        #expect(sync.url == "https://dav.example.org/alex/nudge/")
        #expect(sync.username == "alex" && sync.device == "laptop" && sync.poll == .seconds(30))
        #expect(sync.password == .file("/home/sam/.config/nudge/dav-password"))
        #expect(sync.caFile == "/home/sam/ca.pem")
    }

    @Test func theDefaultsAreTheHostnameAndAMinute() throws {
        let result = try ConfigLoaderTests.load(
            Self.base + "[sync]\nurl = \"http://127.0.0.1:5232/me/nudge/\"\nusername = \"me\"\n"
                + "password_command = [\"pass\", \"show\", \"dav\"]\n")
        let sync = try #require(result.config?.sync, "\(result.diagnostics)")
        #expect(sync.device == "box" && sync.poll == .minutes(1) && sync.password == .command(["pass", "show", "dav"]))
        #expect(try ConfigLoaderTests.load(Self.base).config?.sync == nil)
    }

    @Test func eachMistakeIsNamedWithItsPlace() throws {
        #expect(
            try errors("[sync]\nurl = \"https://x.org/c/\"\nusernme = \"a\"\npassword_file = \"/p\"\n") == [
                "6:1: [sync] needs \"username\" | add username = \"alex\"",
                "8:1: unknown key \"usernme\" in [sync] | did you mean \"username\"?",
            ])
        #expect(
            try errors("[sync]\nurl = \"http://dav.example.org/c/\"\nusername = \"a\"\npassword_file = \"/p\"\n") == [
                "7:7: \"url\" must use https (plain http only to this machine), not http | the password and your "
                    + "promises would cross the network in clear; use https://"
            ])
        #expect(
            try errors("[sync]\nurl = \"https://x.org/c/\"\nusername = \"a\"\npassword_file = \"/p\"\npoll = \"1s\"\n")
                == [
                    "10:8: \"poll\" = \"1s\" must be between 10s and 1d | the default, \"1m\", is polite to the server "
                        + "and quick enough for answers"
                ])
        #expect(
            try errors(
                "[sync]\nurl = \"https://x.org/c/\"\nusername = \"a\"\npassword_file = \"/p\"\n"
                    + "password_command = [\"pass\"]\n"
            ) == ["10:1: [sync] has both \"password_file\" and \"password_command\" | keep one of them"])
        #expect(
            try errors("[sync]\nurl = \"https://u:pw@x.org/c/\"\nusername = \"a\"\npassword_file = \"/p\"\n") == [
                "7:7: \"url\" holds a user name or password | put them in username and password_file"
            ])
    }

    @Test func aConfigWithSyncMayNotBeReadByOthers() throws {
        let sync = "[sync]\nurl = \"https://x.org/c/\"\nusername = \"a\"\npassword_file = \"/p\"\n"
        #expect(try errors(sync, mode: 0o600).isEmpty)
        #expect(
            try errors(sync, mode: 0o644) == [
                "0:0: refusing a config with [sync] while it is readable by its group | it says where your server's "
                    + "password is; fix with: chmod go-rw 'config.toml'"
            ])
        #expect(try errors(sync, mode: 0o604).first?.contains("readable by others") == true)
    }
}
