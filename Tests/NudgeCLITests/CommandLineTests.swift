import Foundation
import Testing

/// The command line as a new user meets it, next to git's and systemctl's: `--version`, "did you mean",
/// tables with titles, `check --json` that is always JSON, and a waybar module.
struct CommandLineTests {
    static let config = """
        [settings]
        timezone = "Europe/Berlin"
        channels = ["console"]

        [[commitment]]
        id = "call-mom"
        title = "Call Mom"
        when = "Sun 19:00"
        with = "Mom"

        [[commitment]]
        id = "water"
        title = "Water the plants"
        when = "*-*-* 09:00"
        """

    @Test func versionAndDidYouMean() throws {
        let cli = try CLIRunner(config: Self.config)
        let version = try cli.run(["--version"])
        #expect(version.status == 0 && version.out == "nudge 1.0.0\n", "\(version)")
        let typo = try cli.run(["stauts"])
        #expect(
            typo.status == 64 && typo.err.contains("unknown command \"stauts\"; did you mean \"status\"?"), "\(typo)")
        let flag = try cli.run(["status", "--jsn"])
        #expect(
            flag.status == 64
                && flag.err.contains("unknown option \"--jsn\" for nudge status; did you mean \"--json\"?"))
        let far = try cli.run(["xyzzy-plugh"])
        #expect(far.status == 64 && !far.err.contains("did you mean"), "\(far)")
    }

    @Test func listHistoryAndStatusAreTablesWithTitles() throws {
        let cli = try CLIRunner(config: Self.config)
        let list = try cli.run(["list"], at: "2026-11-29 18:00:00")
        #expect(
            list.out.split(separator: "\n").map(String.init) == [
                "ID        SHAPE  NEXT              TITLE",
                "call-mom  when   2026-11-29 19:00  Call Mom (with Mom)",
                "water     when   2026-11-30 09:00  Water the plants",
            ], "\(list)")
        _ = try cli.run(["tick"], at: "2026-11-29 18:00:00")
        _ = try cli.run(["tick"], at: "2026-11-29 19:00:00")
        _ = try cli.run(["done", "call-mom"], at: "2026-11-29 19:20:00", frozen: true)
        let history = try cli.run(["history"], at: "2026-11-29 19:21:00")
        #expect(
            history.out.split(separator: "\n").map(String.init) == [
                "DUE               ID        OUTCOME    LATE  TITLE     NOTE",
                "2026-11-29 19:00  call-mom  kept     +20min  Call Mom",
            ], "\(history)")
        let status = try cli.run(["status"], at: "2026-11-29 19:21:00")
        #expect(
            status.out.hasPrefix(
                "nothing pending\n\nNEXT              IN         ID     TITLE\n2026-11-30 09:00  13h 38min  water  Water the plants\n"
            ),
            "\(status.out)")
    }

    @Test func checkJSONIsJSONEvenWhenTheConfigHasErrors() throws {
        let cli = try CLIRunner(config: "[[commitment]]\nid = \"x\"\ntitle = \"X\"\nwhen = \"Sun 25:00\"\n")
        let r = try cli.run(["check", "--json"])
        #expect(r.status == 78)
        let json = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
        #expect(json?["ok"] as? Bool == false)
        let first = (json?["diagnostics"] as? [[String: Any]])?.first
        #expect(first?["severity"] as? String == "error" && first?["line"] as? Int == 4, "\(r.out)")
        #expect((first?["file"] as? String)?.hasSuffix("config.toml") == true && first?["message"] is String)
        #expect(first?.keys.contains("hint") == true && first?.keys.contains("column") == true)
        // A good config: the summary, with its (here no) warnings.
        let good = try CLIRunner(config: Self.config).run(["check", "--json"])
        let summary = try JSONSerialization.jsonObject(with: Data(good.out.utf8)) as? [String: Any]
        #expect(summary?["ok"] as? Bool == true && (summary?["diagnostics"] as? [Any])?.isEmpty == true)
    }

    @Test func statusWaybarIsOneLineOfJSONForTheBar() throws {
        let cli = try CLIRunner(config: Self.config)
        _ = try cli.run(["tick"], at: "2026-11-29 18:00:00")
        _ = try cli.run(["tick"], at: "2026-11-29 19:00:00")
        let r = try cli.run(["status", "--waybar"], at: "2026-11-29 19:05:00")
        #expect(r.status == 0 && r.out.split(separator: "\n").count == 1, "\(r)")
        let module = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: String]
        #expect(module?["class"] == "overdue")
        #expect(module?["text"]?.hasPrefix("1 due") == true, "\(r.out)")
        #expect(module?["tooltip"]?.contains("call-mom") == true)
    }
}
