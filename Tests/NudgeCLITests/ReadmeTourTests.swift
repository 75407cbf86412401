import Foundation
import Testing

/// Runs the README's tour: every `<!-- tour file PATH -->` block is written to a fresh home, every
/// `<!-- tour WHEN -->` block is run command by command at that moment (faketime), and what each
/// command prints must be what the README shows.
struct ReadmeTourTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("README.md")

    enum Step {
        case file(path: String, text: String)
        case run(at: String, command: String, expected: String)
    }

    /// The tour's steps, in order.
    static func steps(_ text: String) -> [Step] {
        var steps: [Step] = []
        let lines = text.components(separatedBy: "\n")
        var i = 0
        while i < lines.count {
            let line = lines[i]
            i += 1
            guard line.hasPrefix("<!-- tour "), line.hasSuffix(" -->") else { continue }
            let marker = String(line.dropFirst("<!-- tour ".count).dropLast(" -->".count))
            // The fenced block that follows.
            guard i < lines.count, lines[i].hasPrefix("```") else { continue }
            i += 1
            var block: [String] = []
            while i < lines.count, !lines[i].hasPrefix("```") {
                block.append(lines[i])
                i += 1
            }
            i += 1
            if marker.hasPrefix("file ") {
                steps.append(.file(path: String(marker.dropFirst(5)), text: block.joined(separator: "\n") + "\n"))
                continue
            }
            var command: String?
            var expected: [String] = []
            for l in block {
                if l.hasPrefix("$ ") {
                    if let c = command {
                        steps.append(.run(at: marker, command: c, expected: expected.joined(separator: "\n")))
                    }
                    command = String(l.dropFirst(2))
                    expected = []
                } else {
                    expected.append(l)
                }
            }
            if let c = command {
                steps.append(.run(at: marker, command: c, expected: expected.joined(separator: "\n")))
            }
        }
        return steps
    }

    /// Whether `got` is `expected`, line for line, where "…" in an expected line stands for any text.
    static func matches(_ got: String, _ expected: String) -> Bool {
        let a = got.components(separatedBy: "\n")
        let b = expected.components(separatedBy: "\n")
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { line, pattern in
            let parts = pattern.components(separatedBy: "…")
            guard parts.count > 1 else { return line == pattern }
            guard line.hasPrefix(parts[0]), line.hasSuffix(parts[parts.count - 1]) else { return false }
            var rest = Substring(line.dropFirst(parts[0].count))
            for part in parts.dropFirst().dropLast() {
                guard let r = rest.range(of: part) else { return false }
                rest = rest[r.upperBound...]
            }
            return rest.count >= parts[parts.count - 1].count
        }
    }

    @Test func theTourRunsAsWritten() throws {
        guard let faketime = CLIRunner.faketime() else { return }
        let steps = Self.steps(try String(contentsOf: Self.readme, encoding: .utf8))
        #expect(steps.filter { if case .run = $0 { return true } else { return false } }.count >= 6)
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("nudge-tour-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        for step in steps {
            switch step {
            case .file(let path, let text):
                let url = home.appendingPathComponent(path)
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                _ = FileManager.default.createFile(
                    atPath: url.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
            case .run(let at, let command, let expected):
                let p = Process()
                p.executableURL = URL(fileURLWithPath: faketime)
                // Frozen at that moment, so that a loaded machine cannot make 20min late read 20min 1s.
                p.arguments = ["-f", at, "/bin/bash", "-c", command]
                p.environment = [
                    "HOME": home.path, "TZ": "Europe/Berlin", "TZDIR": CLIRunner.zoneinfo, "NO_COLOR": "1",
                    "PATH": "\(CLIRunner.products.path):/usr/bin:/bin",
                ]
                p.currentDirectoryURL = home
                let out = Pipe()
                p.standardOutput = out
                p.standardError = out
                p.standardInput = FileHandle.nullDevice
                try p.run()
                let data = out.fileHandleForReading.readDataToEndOfFile()
                p.waitUntilExit()
                // Mail comes with CRLF line ends; the README shows plain lines, and the home of a user "alex".
                let got = String(decoding: data, as: UTF8.self).replacingOccurrences(of: home.path, with: "/home/alex")
                    .replacingOccurrences(of: "\r\n", with: "\n")
                func tidy(_ s: String) -> String {
                    s.components(separatedBy: "\n").map {
                        $0.replacingOccurrences(of: #"\s+$"#, with: "", options: .regularExpression)
                    }
                    .joined(separator: "\n").trimmingCharacters(in: .newlines)
                }
                #expect(p.terminationStatus == 0, "\(command) at \(at): exit \(p.terminationStatus)\n\(got)")
                #expect(Self.matches(tidy(got), tidy(expected)), "\(command) at \(at):\n\(got)")
            }
        }
    }
}
