import Foundation
import Testing

/// A port nobody listens on now, on loopback.
func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
            bind(fd, p, length) == 0 ? getsockname(fd, p, &length) : -1
        }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Whether something accepts connections on a loopback port.
func listening(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}

/// A real CalDAV server on loopback for one test: Radicale (or Xandikos), user "me" with password "secret",
/// its collections in a private directory. It can be stopped and started again on the same port and data.
final class DAVServer {
    enum Kind: Sendable { case radicale, xandikos }

    let kind: Kind
    let dir: URL
    let port: Int
    private var process: Process?

    static let user = "me"
    static let password = "secret"

    /// The collection nudge and the phone share.
    var collection: String {
        "\(tls ? "https" : "http")://127.0.0.1:\(port)/\(kind == .radicale ? "me/nudge" : "me/calendars/nudge")/"
    }

    /// Whether it speaks HTTPS, with a self-signed certificate for 127.0.0.1 in `certificate`.
    let tls: Bool
    var certificate: String { dir.appendingPathComponent("cert.pem").path }

    /// Starts one; nil (with the reason printed, or a failure in CI) when the server is not installed.
    /// `tls` (Radicale only): HTTPS with a certificate made for the test.
    init?(_ kind: Kind = .radicale, tls: Bool = false) throws {
        let program = kind == .radicale ? "/usr/bin/radicale" : "/usr/bin/xandikos"
        guard FileManager.default.isExecutableFile(atPath: program) else {
            peerMissing("\(program) is not installed; scripts/deps --test installs it (apt-get install \(kind))")
            return nil
        }
        self.kind = kind
        self.tls = tls
        dir = URL(fileURLWithPath: "/tmp/nudge-dav-" + UUID().uuidString.prefix(8).lowercased())
        port = freePort()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        if kind == .radicale {
            try "\(Self.user):\(Self.password)\n".write(
                to: dir.appendingPathComponent("users"), atomically: true, encoding: .utf8)
            var tlsLines = ""
            if tls {
                let key = dir.appendingPathComponent("key.pem").path
                let made = try runProcess(
                    "/usr/bin/openssl",
                    [
                        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate,
                    ], environment: ["PATH": "/usr/bin:/bin"])
                #expect(made.status == 0, "\(made.err)")
                tlsLines = "ssl = True\ncertificate = \(certificate)\nkey = \(key)\n"
            }
            try """
            [server]
            hosts = 127.0.0.1:\(port)
            \(tlsLines)[auth]
            type = htpasswd
            htpasswd_filename = \(dir.path)/users
            htpasswd_encryption = plain
            [rights]
            type = owner_only
            [storage]
            filesystem_folder = \(dir.path)/collections
            [logging]
            level = warning
            """.write(to: dir.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        }
        try start()
    }

    deinit {
        if let (p, input, _) = phoneProcess {
            try? input.close()
            NudgeCLITests.stop(p)
        }
        stop()
        try? FileManager.default.removeItem(at: dir)
    }

    func start() throws {
        let p = Process()
        if kind == .radicale {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/radicale")
            p.arguments = ["--config", dir.appendingPathComponent("config").path]
        } else {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/xandikos")
            p.arguments = [
                "--directory", dir.appendingPathComponent("data").path, "--listen-address", "127.0.0.1", "--port",
                String(port), "--current-user-principal", "/me", "--defaults",
            ]
        }
        p.environment = ["PATH": "/usr/bin:/bin", "HOME": dir.path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try p.run()
        process = p
        let end = Date().addingTimeInterval(15)
        while !listening(port) {
            guard p.isRunning, Date() < end else {
                Issue.record("\(kind) did not start listening on port \(port)")
                return
            }
            usleep(50_000)
        }
    }

    /// Stops it: SIGTERM, and SIGKILL when it has not ended after half a second (idle, Radicale may not look
    /// at the signal for seconds; both servers write each item whole, so nothing a test reads again is lost).
    func stop() {
        guard let p = process else { return }
        process = nil
        if p.isRunning { kill(p.processIdentifier, SIGTERM) }
        let end = Date().addingTimeInterval(0.5)
        while p.isRunning && Date() < end { usleep(20_000) }
        NudgeCLITests.stop(p, signal: SIGKILL)
    }

    /// Runs the phone (python caldav, Tests/NudgeCLITests/phone.py): "make", "list", "complete UID"…
    ///
    /// One phone process answers every command of the test, a line each: loading caldav costs a third of a
    /// second of CPU, a command a few milliseconds.
    func phone(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        if phoneProcess == nil {
            let python = UnitTests.repo.appendingPathComponent(".build/peers/caldav/bin/python").path
            guard FileManager.default.isExecutableFile(atPath: python) else {
                peerMissing("python caldav is not installed in .build/peers/caldav; scripts/deps --test installs it")
                return (-1, "", "no caldav")
            }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: python)
            let script = UnitTests.repo.appendingPathComponent("Tests/NudgeCLITests/phone.py").path
            p.arguments = [script, collection, Self.user, Self.password, "serve"]
            p.environment = ["PATH": "/usr/bin:/bin"]
            let input = Pipe()
            let output = Pipe()
            p.standardInput = input
            p.standardOutput = output
            p.standardError = FileHandle.nullDevice
            try p.run()
            phoneProcess = (p, input.fileHandleForWriting, output.fileHandleForReading)
        }
        guard let (_, input, output) = phoneProcess else { return (-1, "", "no phone") }
        try input.write(contentsOf: JSONSerialization.data(withJSONObject: args) + Data("\n".utf8))
        // The phone writes nothing but its one line for each command.
        var line = Data()
        while line.last != UInt8(ascii: "\n") {
            let chunk = output.availableData
            guard !chunk.isEmpty else { return (-1, "", "the phone ended") }
            line += chunk
        }
        let answer = try JSONSerialization.jsonObject(with: line) as? [String: Any] ?? [:]
        return (
            Int32(answer["status"] as? Int ?? -1), answer["out"] as? String ?? "", answer["err"] as? String ?? ""
        )
    }
    private var phoneProcess: (process: Process, input: FileHandle, output: FileHandle)?

    /// The phone's view: every VTODO as a dictionary (uid, summary, status, due, alarms, raw).
    func todos() throws -> [[String: Any]] {
        let r = try phone(["list"])
        #expect(r.status == 0, "\(r.err)")
        return r.out.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }
}
