import Foundation
import Testing

@testable import NudgeCore

/// A real SMTP server (aiosmtpd) on a free port of 127.0.0.1 delivering into a Maildir, with an msmtp
/// configuration that sends to it: the peer of every test of mail that leaves through msmtp.
final class SMTPSink {
    typealias F = ChannelFixtures

    let maildir: String
    /// msmtp with its configuration, reading recipients from the message (`-t`).
    let sendmail: [String]
    private let pid: Int32
    private var running = true

    private init(maildir: String, sendmail: [String], pid: Int32) {
        self.maildir = maildir
        self.sendmail = sendmail
        self.pid = pid
    }

    deinit { stop() }

    /// Starts one in `dir`, or, when msmtp or aiosmtpd cannot be had, records why (a failure in CI, where
    /// .ci/run installs them; a printed skip elsewhere) and returns nil.
    static func start(in dir: URL, for test: String) throws -> SMTPSink? {
        func skip(_ why: String) -> SMTPSink? {
            if ProcessInfo.processInfo.environment["CI"] != nil {
                Issue.record("\(why) (CI must install msmtp and python3-aiosmtpd)")
            } else {
                print("skipping \(test): \(why)")
            }
            return nil
        }
        let msmtp = "/usr/bin/msmtp"
        guard FileManager.default.isExecutableFile(atPath: msmtp) else { return skip("\(msmtp) is not installed") }
        guard let python = try pythonWithAiosmtpd(in: dir) else {
            return skip("no python3 with aiosmtpd (apt python3-aiosmtpd, or pip in a venv) could be had")
        }
        let maildir = dir.appendingPathComponent("Maildir").path
        let portFile = dir.appendingPathComponent("port").path
        let server = dir.appendingPathComponent("sink.py").path
        try script.write(toFile: server, atomically: true, encoding: .utf8)
        let start = try Subprocess.run(
            [
                "/bin/sh", "-c", "\"$0\" \"$1\" \"$2\" \"$3\" > \"$3.log\" 2>&1 & echo $!", python, server, maildir,
                portFile,
            ],
            timeout: .seconds(10))
        // Never 0 or -1: kill() would signal our own process group or every process.
        guard let pid = Int32(start.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1 else {
            Issue.record("could not start the SMTP sink: \(start.outputTail)")
            return nil
        }
        var port = ""
        for _ in 0..<200 where port.isEmpty {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)) ?? ""
            if port.isEmpty { usleep(50_000) }
        }
        guard !port.isEmpty else {
            kill(pid, SIGTERM)
            Issue.record("the SMTP sink did not start: \(F.read(dir, "port.log"))")
            return nil
        }
        let rc = dir.appendingPathComponent("msmtprc")
        try """
        account sink
        host 127.0.0.1
        port \(port)
        from nudge@localhost
        auth off
        tls off
        account default : sink

        """.write(to: rc, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: rc.path)
        return SMTPSink(maildir: maildir, sendmail: [msmtp, "-C", rc.path, "-t"], pid: pid)
    }

    /// The mails delivered so far, oldest first; the sink adds X-RcptTo with the envelope's recipients.
    func mails() -> [F.Mail] {
        let new = URL(fileURLWithPath: maildir).appendingPathComponent("new")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: new.path)) ?? []).sorted()
        return files.compactMap { try? String(contentsOf: new.appendingPathComponent($0), encoding: .utf8) }
            .map { F.parse($0, lineEnd: "\n") }
    }

    /// Stops the server; signalled once only, since after it ended the pid may name another process.
    func stop() {
        guard running else { return }
        running = false
        kill(pid, SIGTERM)
    }

    /// An SMTP server on a free port of 127.0.0.1 that delivers into a Maildir; it writes its port to a file
    /// once it listens, and stops by itself after two minutes should the test not stop it.
    static let script = """
        import asyncio, os, sys
        from aiosmtpd.handlers import Mailbox
        from aiosmtpd.smtp import SMTP

        async def main():
            maildir, port_file = sys.argv[1], sys.argv[2]
            loop = asyncio.get_running_loop()
            server = await loop.create_server(lambda: SMTP(Mailbox(maildir)), "127.0.0.1", 0)
            with open(port_file + ".tmp", "w") as f:
                f.write(str(server.sockets[0].getsockname()[1]))
            os.rename(port_file + ".tmp", port_file)
            await asyncio.sleep(120)

        asyncio.run(main())

        """

    /// A Python that can import aiosmtpd: the system's (apt python3-aiosmtpd), else a venv made in `dir`
    /// with pip (a few seconds when PyPI is reachable), else nil.
    static func pythonWithAiosmtpd(in dir: URL) throws -> String? {
        guard let python = F.python else { return nil }
        let check = try Subprocess.run([python, "-c", "import aiosmtpd"], timeout: .seconds(30))
        if check.exitStatus == 0 { return python }
        let venv = dir.appendingPathComponent("venv").path
        let made = try Subprocess.run([python, "-m", "venv", venv], timeout: .seconds(60))
        guard made.exitStatus == 0 else { return nil }
        let pip = try Subprocess.run(
            ["\(venv)/bin/pip", "install", "-q", "--disable-pip-version-check", "aiosmtpd"], timeout: .seconds(90))
        return pip.exitStatus == 0 ? "\(venv)/bin/python" : nil
    }
}
