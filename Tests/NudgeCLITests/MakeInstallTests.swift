import Foundation
import Testing

/// The Makefile: `make install` puts every file where systemd, man and the shells look for it, with units
/// that start the installed binary, and `make uninstall` leaves nothing behind.
struct MakeInstallTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let units = ["nudge.service", "nudge-tick.service", "nudge-tick.timer"]

    /// Every file install writes, relative to the prefix, with its mode.
    static func installed(unitDir: String) -> [(path: String, mode: Int)] {
        [("bin/nudge", 0o755)] + units.map { ("\(unitDir)/\($0)", 0o644) } + [
            ("share/man/man1/nudge.1", 0o644),
            ("share/man/man5/nudge.toml.5", 0o644),
            ("share/bash-completion/completions/nudge", 0o644),
            ("share/zsh/site-functions/_nudge", 0o644),
            ("share/fish/vendor_completions.d/nudge.fish", 0o644),
            ("share/doc/nudge/nudge.example.toml", 0o644),
            ("share/doc/nudge/README.md", 0o644),
        ]
    }

    @Test func installUnderHomeUsesTheUserUnitDirectoryAndUninstallRemovesEveryFile() throws {
        guard let make = Self.tool("make") else { return }
        let home = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let prefix = home.appendingPathComponent(".local").path
        // The test's own debug binary: no release build inside the test.
        let args = ["PREFIX=\(prefix)", "DESTDIR=", "NUDGE_BIN=\(CLIRunner.binary)"]
        let install = try Self.run(make, ["install"] + args, home: home.path)
        try #require(install.status == 0, "\(install.out)\(install.err)")
        try Self.checkInstalled(root: prefix, prefix: prefix, unitDir: "share/systemd/user")

        let uninstall = try Self.run(make, ["uninstall"] + args, home: home.path)
        #expect(uninstall.status == 0, "\(uninstall.out)\(uninstall.err)")
        #expect(Self.files(under: home.path) == [])
        #expect(!FileManager.default.fileExists(atPath: prefix + "/share/doc/nudge"))
    }

    @Test func destdirStagesAnInstallForUsrLocal() throws {
        guard let make = Self.tool("make") else { return }
        let stage = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: stage) }
        let args = ["PREFIX=/usr/local", "DESTDIR=\(stage.path)", "NUDGE_BIN=\(CLIRunner.binary)"]
        let install = try Self.run(make, ["install"] + args, home: stage.path)
        try #require(install.status == 0, "\(install.out)\(install.err)")
        try Self.checkInstalled(root: stage.path + "/usr/local", prefix: "/usr/local", unitDir: "lib/systemd/user")

        let uninstall = try Self.run(make, ["uninstall"] + args, home: stage.path)
        #expect(uninstall.status == 0, "\(uninstall.out)\(uninstall.err)")
        #expect(Self.files(under: stage.path) == [])
    }

    /// One version, from Sources/NudgeCore/Version.swift: `nudge --version`, both man pages (and the package,
    /// which scripts/deb.sh reads from the same line).
    @Test func oneVersionEverywhere() throws {
        let source = try String(
            contentsOf: Self.repo.appendingPathComponent("Sources/NudgeCore/Version.swift"), encoding: .utf8)
        let version = try #require(
            source.split(separator: "\"").dropFirst().first.map(String.init), "no version in Version.swift")
        #expect(version.split(separator: ".").count == 3)
        let cli = try CLIRunner(config: "")
        #expect(try cli.run(["--version"]).out == "nudge \(version)\n", "DESIGN.md §7: --version prints nudge VERSION")
        let man1 = try String(contentsOf: Self.repo.appendingPathComponent("docs/man/nudge.1"), encoding: .utf8)
        #expect(man1.contains("\n.Os nudge \(version)\n"), "scripts/gen-man.sh writes the version")
        let man5 = try String(contentsOf: Self.repo.appendingPathComponent("docs/man/nudge.toml.5"), encoding: .utf8)
        #expect(man5.contains(" \"nudge \(version)\" "), "docs/man/nudge.toml.5's .TH line names the version")
    }

    @Test func manPagesRenderWithoutWarnings() throws {
        guard let man = Self.tool("man", package: "man-db") else { return }
        let home = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        for (page, mentions) in [("nudge.1", "nudge.toml(5)"), ("nudge.toml.5", "[[commitment]]")] {
            let path = Self.repo.appendingPathComponent("docs/man/\(page)").path
            let r = try Self.run(man, ["--warnings", "-l", path], home: home.path, extra: ["MANWIDTH": "80"])
            #expect(r.status == 0, "\(page): \(r.err)")
            #expect(r.err == "", "\(page)")
            #expect(r.out.contains(mentions), "\(page)")
        }
    }

    /// Checks every installed file under `root` (the prefix, after DESTDIR) against the repository.
    static func checkInstalled(root: String, prefix: String, unitDir: String) throws {
        let fm = FileManager.default
        for (path, mode) in installed(unitDir: unitDir) {
            guard let attributes = try? fm.attributesOfItem(atPath: root + "/" + path) else {
                Issue.record("\(path) is not installed")
                continue
            }
            #expect(attributes[.type] as? FileAttributeType == .typeRegular, "\(path)")
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == mode, "\(path)")
        }
        #expect(files(under: root).count == installed(unitDir: unitDir).count, "nothing else is installed")
        // Installed stripped: no symbol table.
        if let readelf = tool("readelf", package: "binutils") {
            let sections = try run(readelf, ["-S", root + "/bin/nudge"], home: root)
            #expect(sections.status == 0 && !sections.out.contains(".symtab"), "\(sections.err)")
        }

        // The units start the installed binary and are otherwise the repository's.
        for unit in units {
            let shipped = try String(contentsOf: repo.appendingPathComponent("systemd/\(unit)"), encoding: .utf8)
            let text = try String(contentsOfFile: "\(root)/\(unitDir)/\(unit)", encoding: .utf8)
            let expected = shipped.replacingOccurrences(
                of: "ExecStart=/usr/bin/nudge ", with: "ExecStart=\(prefix)/bin/nudge ")
            #expect(text == expected, "\(unit)")
        }
        let service = try String(contentsOfFile: "\(root)/\(unitDir)/nudge.service", encoding: .utf8)
        #expect(service.contains("\nExecStart=\(prefix)/bin/nudge daemon\n"))

        for (copy, original) in [
            ("share/man/man1/nudge.1", "docs/man/nudge.1"), ("share/man/man5/nudge.toml.5", "docs/man/nudge.toml.5"),
            ("share/doc/nudge/nudge.example.toml", "Config/nudge.example.toml"),
            ("share/doc/nudge/README.md", "README.md"),
        ] {
            #expect(
                fm.contents(atPath: root + "/" + copy)
                    == fm.contents(atPath: repo.appendingPathComponent(original).path), "\(copy)")
        }

        for completion in [
            "share/bash-completion/completions/nudge", "share/zsh/site-functions/_nudge",
            "share/fish/vendor_completions.d/nudge.fish",
        ] {
            let text = try String(contentsOfFile: root + "/" + completion, encoding: .utf8)
            #expect(text.contains("calendar"), "\(completion) completes the subcommands")
        }
        let bash = try run("/bin/bash", ["-n", root + "/share/bash-completion/completions/nudge"], home: root)
        #expect(bash.status == 0, "\(bash.err)")
        // `nudge do<TAB>` in bash, with the installed script and binary.
        let script = """
            source '\(root)/share/bash-completion/completions/nudge'
            COMP_WORDS=(nudge do); COMP_CWORD=1; COMP_LINE='nudge do'; COMP_POINT=8
            _nudge nudge do nudge; echo "${COMPREPLY[*]}"
            """
        let tab = try run("/bin/bash", ["-c", script], home: root, extra: ["PATH": root + "/bin:/usr/bin:/bin"])
        #expect(tab.out.trimmingCharacters(in: .whitespacesAndNewlines) == "done doctor", "\(tab.out) \(tab.err)")

        let help = try run(root + "/bin/nudge", ["--help"], home: root)
        #expect(help.status == 0)
        #expect(help.out.contains("USAGE: nudge"))
    }

    /// The regular files under a directory, relative to it.
    static func files(under directory: String) -> [String] {
        let fm = FileManager.default
        var out: [String] = []
        let walk = fm.enumerator(atPath: directory)
        while let path = walk?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                out.append(path)
            }
        }
        return out.sorted()
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nudge-make-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The path of a tool in /usr/bin or /bin, or nil (with the reason printed) when it is missing outside
    /// CI; in CI it must exist.
    static func tool(_ name: String, package: String? = nil) -> String? {
        for dir in ["/usr/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        peerMissing("\(name) is not installed; .ci/run installs it (apt-get install \(package ?? name))")
        return nil
    }

    /// Runs a program in the repository with a small environment, returning status, stdout and stderr.
    static func run(_ program: String, _ args: [String], home: String, extra: [String: String] = [:]) throws -> (
        status: Int32, out: String, err: String
    ) {
        try runProcess(
            program, args,
            environment: ["HOME": home, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"].merging(extra) { _, b in b },
            in: repo)
    }
}
