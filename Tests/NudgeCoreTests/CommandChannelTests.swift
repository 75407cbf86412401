import Foundation
import Testing

@testable import NudgeCore

/// The command channel and the subprocess runner under it, against small shell scripts.
@Suite(.pinnedZones)
struct CommandChannelTests {
    typealias F = ChannelFixtures

    @Test func placeholdersStayInsideTheirOwnArgument() throws {
        try F.withScratch { dir in
            let script = try F.script(
                "hook", in: dir, "for a in \"$@\"; do printf '%s\\n' \"[$a]\"; done > \"\(dir.path)/args\"")
            let m = F.message(title: "-rf --help {id}", kind: .followUp, with: "Jo Smith", note: "a; b | c $(x)")
            let argv = [script, "--", "{title}", "at {when}", "{id}/{kind}", "{with}", "{note}", "{nope}", "{", "}{"]
            #expect(CommandChannel.send(m, argv: argv, timeout: .seconds(10)) == .sent)
            #expect(
                F.read(dir, "args") == """
                    [--]
                    [-rf --help {id}]
                    [at 19:00]
                    [call-mom/follow-up]
                    [Jo Smith]
                    [a; b | c $(x)]
                    [{nope}]
                    [{]
                    [}{]

                    """)
        }
    }

    @Test func titleIsPrivateAware() throws {
        let m = F.message(title: "Call Mom", isPrivate: true)
        #expect(CommandChannel.arguments(["{title}"], for: m) == ["A promise is due"])
        #expect(CommandChannel.environment(m)["NUDGE_TITLE"] == "A promise is due")
        #expect(CommandChannel.arguments(["{with}{note}"], for: F.message(with: nil, note: nil)) == [""])
    }

    @Test func hooksGetTheSessionButNothingOfSystemds() {
        let env = Subprocess.userEnvironment([
            "PATH": "/usr/bin", "HOME": "/home/sam", "LANG": "de_DE.UTF-8", "LC_TIME": "C", "DISPLAY": ":0",
            "DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus", "XDG_RUNTIME_DIR": "/run/user/1000",
            "NOTIFY_SOCKET": "/run/systemd/notify", "WATCHDOG_USEC": "60000000", "WATCHDOG_PID": "7",
            "LISTEN_FDS": "1", "INVOCATION_ID": "abc", "JOURNAL_STREAM": "8:1", "NUDGE_CONFIG": "/x",
            "SECRET_TOKEN": "hunter2",
        ])
        #expect(
            env.keys.sorted() == [
                "DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "HOME", "LANG", "LC_TIME", "PATH", "XDG_RUNTIME_DIR",
            ])
    }

    @Test func environmentCarriesTheNudgeOnTopOfOurs() throws {
        try F.withScratch { dir in
            let script = try F.script(
                "hook", in: dir, "{ env | grep '^NUDGE_' | sort; echo \"HOME=$HOME\"; } > \"\(dir.path)/env\"")
            #expect(CommandChannel.send(F.message(kind: .reminder), argv: [script], timeout: .seconds(10)) == .sent)
            #expect(
                F.read(dir, "env") == """
                    NUDGE_DUE=2026-11-29T19:00:00+01:00
                    NUDGE_ID=call-mom
                    NUDGE_KIND=reminder
                    NUDGE_OCCURRENCE=42
                    NUDGE_TITLE=Call Mom
                    NUDGE_WITH=Mom
                    HOME=\(ProcessInfo.processInfo.environment["HOME"] ?? "")

                    """)
        }
    }

    @Test func stdinIsClosed() throws {
        try F.withScratch { dir in
            let script = try F.script(
                "hook", in: dir, "if read line; then echo read; else echo nothing; fi > \"\(dir.path)/stdin\"")
            #expect(CommandChannel.send(F.message(), argv: [script], timeout: .seconds(10)) == .sent)
            #expect(F.read(dir, "stdin") == "nothing\n")
        }
    }

    @Test func aProgramIgnoringTermIsKilledAfterTheGrace() throws {
        try F.withScratch { dir in
            let script = try F.script(
                "hook", in: dir, "trap '' TERM; sleep 30 & echo $! > \"\(dir.path)/child\"; wait; sleep 30")
            let start = F.seconds()
            let result = CommandChannel.send(F.message(), argv: [script], timeout: .seconds(1))
            let took = F.seconds() - start
            guard case .unknown(let why) = result else {
                Issue.record("expected unknown, got \(result)")
                return
            }
            #expect(why.contains("did not finish within 1s"))
            #expect(took >= 2.9 && took < 4.5, "took \(took) s")
            // The whole process group got KILL: the background sleep is gone too (or an unreaped zombie).
            if let pid = Int32(F.read(dir, "child").trimmingCharacters(in: .whitespacesAndNewlines)) {
                var stat = "?"
                for _ in 0..<100 where !stat.isEmpty && !stat.contains(") Z ") {
                    stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
                    usleep(10_000)  // KILL was sent; the process may not have run yet to die
                }
                #expect(stat.isEmpty || stat.contains(") Z "), "\(stat)")
            } else {
                Issue.record("the script wrote no child pid")
            }
        }
    }

    @Test func aProgramThatStopsOnTermIsNotWaitedForTwoSeconds() throws {
        try F.withScratch { dir in
            let script = try F.script("hook", in: dir, "exec sleep 30")
            let start = F.seconds()
            let result = CommandChannel.send(F.message(), argv: [script], timeout: .milliseconds(300))
            #expect(F.seconds() - start < 1.5)
            #expect(result == .unknown("\(script) did not finish within 300ms and was killed"))
        }
    }

    @Test func exitStatusesMapToResults() throws {
        try F.withScratch { dir in
            let temp = try F.script("temp", in: dir, "echo 'queue full' >&2; exit 75")
            let fail = try F.script("fail", in: dir, "echo 'some output'; echo 'no such topic' >&2; exit 3")
            let quiet = try F.script("quiet", in: dir, "exit 1")
            let crash = try F.script("crash", in: dir, "kill -9 $$")
            let m = F.message()
            #expect(
                CommandChannel.send(m, argv: [temp], timeout: .seconds(10))
                    == .failed("\(temp) failed temporarily (exit 75): queue full", retry: true))
            #expect(
                CommandChannel.send(m, argv: [fail], timeout: .seconds(10))
                    == .failed("\(fail) failed (exit 3): no such topic", retry: false))
            #expect(
                CommandChannel.send(m, argv: [quiet], timeout: .seconds(10))
                    == .failed("\(quiet) failed (exit 1)", retry: false))
            #expect(
                CommandChannel.send(m, argv: [crash], timeout: .seconds(10))
                    == .unknown("\(crash) ended without a status (signal 9)"))
        }
    }

    @Test func aMissingProgramIsUnavailable() throws {
        try F.withScratch { dir in
            let m = F.message()
            let missing = dir.appendingPathComponent("nope").path
            #expect(
                CommandChannel.send(m, argv: [missing], timeout: .seconds(1))
                    == .unavailable("program \"\(missing)\" not found"))
            #expect(
                CommandChannel.send(m, argv: ["nudge-no-such-program-\(UUID().uuidString)"], timeout: .seconds(1))
                    .isUnavailable)
            #expect(CommandChannel.send(m, argv: [], timeout: .seconds(1)) == .unavailable("no program given"))
            let plain = dir.appendingPathComponent("plain")
            try "echo hi\n".write(to: plain, atomically: true, encoding: .utf8)
            #expect(CommandChannel.send(m, argv: [plain.path], timeout: .seconds(1)).isUnavailable)
        }
    }

    @Test func programsAreFoundInPath() throws {
        let r = try Subprocess.run(["sh", "-c", "echo \"$0 $1\"", "a", "b"], timeout: .seconds(10))
        #expect(r.exitStatus == 0)
        #expect(r.standardOutput == "a b\n")
        let env = try Subprocess.run(
            ["sh", "-c", "printf %s \"$NUDGE_TEST\""], environment: ["NUDGE_TEST": "x y\nz"], timeout: .seconds(10))
        #expect(env.standardOutput == "x y\nz")
    }

    @Test func outputKeepsOnlyTheTail() throws {
        let r = try Subprocess.run(
            ["sh", "-c", "i=0; while [ $i -lt 3000 ]; do echo line$i; i=$((i+1)); done; echo é; echo end >&2"],
            timeout: .seconds(20))
        #expect(r.exitStatus == 0)
        #expect(r.standardOutput.utf8.count <= Subprocess.tailLimit)
        #expect(r.standardOutput.utf8.count > Subprocess.tailLimit - 10)
        #expect(r.standardOutput.hasSuffix("line2999\né\n"))
        #expect(r.standardError == "end\n")
        #expect(r.outputTail == "end")
    }

    @Test func inputIsWrittenWholeAndAProgramThatDoesNotReadItIsHarmless() throws {
        let big = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 20)
        let counted = try Subprocess.run(["sh", "-c", "wc -c"], input: big, timeout: .seconds(20))
        #expect(counted.standardOutput.trimmingCharacters(in: .whitespaces) == "1048576\n")
        // The program exits without reading: our write gets EPIPE, and no SIGPIPE kills the test process.
        let ignored = try Subprocess.run(["sh", "-c", "exit 0"], input: big, timeout: .seconds(20))
        #expect(ignored.exitStatus == 0)
        let empty = try Subprocess.run(["sh", "-c", "wc -c"], input: [], timeout: .seconds(20))
        #expect(empty.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test func backgroundChildrenHoldingThePipeDoNotHoldUsUp() throws {
        let start = F.seconds()
        let r = try Subprocess.run(["sh", "-c", "sleep 5 & echo started"], timeout: .seconds(20))
        #expect(F.seconds() - start < 2)
        #expect(r.exitStatus == 0)
        #expect(r.standardOutput == "started\n")
    }

    @Test func openDescriptorsAreNotInherited() throws {
        let fd = open("/dev/null", O_RDONLY)  // no O_CLOEXEC: a careless exec would pass it on
        defer { close(fd) }
        let r = try Subprocess.run(["sh", "-c", "ls /proc/$$/fd"], timeout: .seconds(10))
        let fds = r.standardOutput.split(separator: "\n").compactMap { Int32($0) }
        #expect(!fds.contains(fd), "\(fds)")
    }
}

extension ChannelResult {
    fileprivate var isUnavailable: Bool {
        if case .unavailable = self { return true }
        return false
    }
}

extension Span {
    fileprivate static func milliseconds(_ n: Int64) -> Span { Span(microseconds: n * 1000) }
}
