import Foundation
import Testing

/// Two machines and a phone around a real CalDAV server (DESIGN.md §10): two nudge homes, Radicale on
/// loopback, python caldav as the phone's task app.
@Suite(.realTime)
struct SyncTests {
    /// When the shared configs' times are counted from: once, so that every machine has the same ones.
    static let start = Date()

    /// A config both machines share, with this machine's name, due a few hours after `start`.
    static func config(device: String, server: DAVServer, dir: URL) -> String {
        let now = start
        func at(_ hours: Double) -> String { CLIRunner.clockTime(now.addingTimeInterval(hours * 3600)) }
        return """
            [settings]
            timezone = "Europe/Berlin"
            channels = ["console"]

            [[commitment]]
            id = "call-mom"
            title = "Call Mom"
            when = "*-*-* \(at(2))"
            remind_before = "15m"

            [[commitment]]
            id = "therapy"
            title = "See Dr. Lund about the panic"
            note = "Room 4"
            private = true
            when = "*-*-* \(at(3))"

            [[commitment]]
            id = "water"
            title = "Water the plants"
            when = "*-*-* \(at(4))"

            """ + sync(device: device, server: server, dir: dir)
    }

    /// The [sync] table of a machine.
    static func sync(device: String, server: DAVServer, dir: URL) -> String {
        """
        [sync]
        url = "\(server.collection)"
        username = "\(DAVServer.user)"
        password_file = "\(dir.path)/dav-password"
        device = "\(device)"
        """
    }

    /// A machine: a nudge home whose config (`config`'s, or `body` and a [sync] table) points at the server.
    static func machine(_ device: String, _ server: DAVServer, body: String? = nil) throws -> CLIRunner {
        let cli = try CLIRunner(config: "")
        _ = FileManager.default.createFile(
            atPath: cli.dir.appendingPathComponent("dav-password").path, contents: Data("\(DAVServer.password)\n".utf8),
            attributes: [.posixPermissions: 0o600])
        let text =
            body.map { $0 + "\n" + sync(device: device, server: server, dir: cli.dir) }
            ?? config(device: device, server: server, dir: cli.dir)
        try text.write(toFile: cli.dir.appendingPathComponent("config.toml").path, atomically: true, encoding: .utf8)
        chmod(cli.dir.appendingPathComponent("config.toml").path, 0o600)
        return cli
    }

    /// A laptop and a desktop whose configs are `body(device)` and a [sync] table.
    static func machines(_ server: DAVServer, body: (String) -> String) throws -> [CLIRunner] {
        try ["laptop", "desktop"].map { try machine($0, server, body: body($0)) }
    }

    func sync(_ cli: CLIRunner, _ what: String = "") throws -> String {
        let r = try cli.run(["sync"])
        #expect(r.status == 0, "\(what): \(r.err)")
        return r.out
    }

    func outcome(_ cli: CLIRunner, _ id: String) throws -> String {
        try cli.query("SELECT outcome FROM occurrence WHERE commitment = '\(id)' ORDER BY due LIMIT 1")
    }

    @Test(arguments: [DAVServer.Kind.radicale, .xandikos])
    func twoMachinesAndAPhoneShareOneVTODOPerOccurrence(_ kind: DAVServer.Kind) throws {
        guard let server = try DAVServer(kind) else { return }
        let laptop = try Self.machine("laptop", server)
        let desktop = try Self.machine("desktop", server)

        // The first round makes the collection and one VTODO per occurrence of the coming week.
        let first = try sync(laptop, "laptop's first round")
        #expect(first.contains("21 written"), "\(first)")
        #expect(try sync(desktop, "desktop's first round").contains("0 written"))
        let todos = try server.todos()
        #expect(todos.count == 21, "one VTODO per occurrence, not one per machine: \(todos.count)")
        #expect(Set(todos.compactMap { $0["uid"] as? String }).count == 21)
        let mom = todos.filter { $0["summary"] as? String == "Call Mom" }
        #expect(mom.count == 7)
        #expect(mom.allSatisfy { ($0["alarms"] as? [String])?.count == 2 }, "a reminder and a due alarm")
        #expect(todos.filter { $0["summary"] as? String == "A promise" }.count == 7)
        // A private title, note or id never reaches the server.
        for todo in todos {
            let raw = todo["raw"] as? String ?? ""
            #expect(
                !raw.contains("Lund") && !raw.contains("panic") && !raw.contains("Room 4") && !raw.contains("therapy"))
        }

        // Ticked off on the phone: kept on both machines at their next round.
        let soonest = try #require(mom.min { ($0["due"] as? String ?? "") < ($1["due"] as? String ?? "") })
        let uid = try #require(soonest["uid"] as? String)
        #expect(try server.phone(["complete", uid]).status == 0)
        #expect(try sync(desktop).contains("adopted: kept call-mom"))
        #expect(try outcome(desktop, "call-mom") == "kept")
        #expect(try sync(laptop).contains("adopted: kept call-mom"))
        #expect(try outcome(laptop, "call-mom") == "kept")
        // No more follow-ups for it: nothing is pending for call-mom on either machine.
        #expect(
            try laptop.query("SELECT count(*) FROM occurrence WHERE commitment = 'call-mom' AND outcome IS NULL") == "0"
        )

        // Answered on one machine: kept on the other.
        #expect(try laptop.run(["done", "therapy"]).status == 0)
        _ = try sync(laptop)
        #expect(try sync(desktop).contains("adopted: kept therapy"))
        #expect(try outcome(desktop, "therapy") == "kept")
        let therapy = try server.todos().filter { $0["summary"] as? String == "A promise" }
        #expect(therapy.contains { $0["status"] as? String == "COMPLETED" })

        // The doctor sees the server and the credentials; status says when the last round was.
        let doctor = try laptop.run(["doctor"])
        #expect(doctor.out.contains("answers and takes the credentials of me"), "\(doctor.out)")
        #expect(try laptop.run(["status"]).out.contains("sync: last synced"))

        // The server away: the answer waits, and reaches the other machine when it is back.
        server.stop()
        #expect(try desktop.run(["skip", "water"]).status == 0)
        let away = try desktop.run(["sync"])
        #expect(away.status == 69, "\(away)")
        #expect(away.err.contains("cannot reach"), "\(away.err)")
        #expect(try desktop.run(["status"]).out.contains("failed: cannot reach"))
        #expect(try desktop.run(["doctor"]).out.contains("✗ sync"))
        try server.start()
        #expect(try sync(desktop).contains("1 written"))
        #expect(try sync(laptop).contains("adopted: skipped water"))
        #expect(try outcome(laptop, "water") == "skipped")
    }

    @Test func overHTTPSTheServerIsVerified() throws {
        guard let server = try DAVServer(.radicale, tls: true) else { return }
        let laptop = try Self.machine("laptop", server)
        let path = laptop.dir.appendingPathComponent("config.toml").path
        // Not trusted by the system: refused, and nothing sent.
        let refused = try laptop.run(["sync"])
        #expect(refused.status == 69, "\(refused)")
        #expect(refused.err.contains("certificate"), "\(refused.err)")
        // Trusted through ca_file: it works.
        let config = try String(contentsOfFile: path, encoding: .utf8) + "\nca_file = \"\(server.certificate)\"\n"
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o600)
        #expect(try sync(laptop, "over https").contains("21 written"))
    }

    @Test func aHookNudgeGoesOutFromOneMachineOnly() throws {
        guard let server = try DAVServer(.radicale) else { return }
        let sent = FileManager.default.temporaryDirectory.appendingPathComponent("nudge-sent-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: sent) }
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.timeZone = TimeZone(identifier: "Europe/Berlin")
        let day = f.string(from: Date().addingTimeInterval(86_400))
        // Each machine's hook writes what it sent, and from where, to one file.
        let machines = try Self.machines(server) { device in
            """
            [settings]
            timezone = "Europe/Berlin"
            channels = ["hook"]

            [channel.hook]
            kind = "command"
            command = ["/bin/sh", "-c", "echo \\"$NUDGE_KIND \(device)\\" >> \(sent.path)"]

            [[commitment]]
            id = "call-sam"
            title = "Call Sam back"
            once = "\(day) 19:00"
            remind_before = "15m"
            follow_ups = 1
            """
        }
        for cli in machines {
            #expect(try cli.run(["tick"]).status == 0)
            _ = try sync(cli, "first round")
        }
        /// Both machines tick at the same moment; what the hooks wrote, line by line.
        func tickBoth(at time: String) -> [String] {
            let machines = machines
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                let r = try? machines[i].run(["tick"], at: "\(day) \(time)")
                #expect(r?.status == 0, "\(String(describing: r))")
            }
            let text = (try? String(contentsOf: sent, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").map(String.init)
        }
        // The reminder and the due nudge: claimed on the VTODO by one machine, sent by it alone.
        let reminder = tickBoth(at: "18:45:01")
        #expect(reminder.count == 1 && reminder[0].hasPrefix("reminder "), "\(reminder)")
        let due = tickBoth(at: "19:00:01")
        #expect(due.count == 2 && due[1].hasPrefix("due "), "\(due)")
        let claims = try server.todos().compactMap { $0["raw"] as? String }.joined()
        #expect(claims.contains("X-NUDGE-CLAIM-DUE-1:hook="), "\(claims)")
        // The other machine counts it as told (never sends it later) and says who sent it.
        for cli in machines {
            let notes = try cli.query("SELECT state || ' ' || coalesce(error, '') FROM nudge ORDER BY id")
            #expect(notes.split(separator: "\n").count == 2, "\(notes)")
            #expect(notes.split(separator: "\n").allSatisfy { $0.hasPrefix("sent") }, "\(notes)")
        }
        // The server away: each machine sends alone (a duplicate is possible only then).
        server.stop()
        let away = tickBoth(at: "19:15:01")
        #expect(away.count == 4 && away[2...].allSatisfy { $0.hasPrefix("follow-up ") }, "\(away)")
        #expect(Set(away[2...].map { $0.split(separator: " ")[1] }) == ["laptop", "desktop"], "\(away)")
    }

    @Test func answersChangedAfterTheyWereSharedReachEveryMachine() throws {
        guard let server = try DAVServer(.radicale) else { return }
        let laptop = try Self.machine("laptop", server)
        let desktop = try Self.machine("desktop", server)
        _ = try sync(laptop)
        _ = try sync(desktop)
        // Kept on the laptop, then taken back there: open again on the desktop too.
        #expect(try laptop.run(["done", "water"]).status == 0)
        _ = try sync(laptop)
        #expect(try sync(desktop).contains("adopted: kept water"))
        #expect(try laptop.run(["undo"]).status == 0)
        _ = try sync(laptop)
        let water = try server.todos().filter { $0["summary"] as? String == "Water the plants" }
        #expect(water.filter { $0["status"] as? String == "NEEDS-ACTION" }.count == 7)
        #expect(try sync(desktop).contains("adopted: open water"))
        let reopened = try desktop.query(
            "SELECT coalesce(outcome, 'open') || ' ' || due FROM occurrence WHERE commitment = 'water'")
        #expect(try outcome(desktop, "water") == "None", "\(reopened)")

        // Answered on both before either shared it: the first written wins, and the other machine adopts it.
        #expect(try laptop.run(["skip", "water", "--reason", "rain"]).status == 0)
        #expect(try desktop.run(["done", "water"]).status == 0)
        _ = try sync(laptop)
        #expect(try sync(desktop).contains("adopted: skipped water"))
        #expect(try outcome(desktop, "water") == "skipped")
        #expect(try sync(laptop).contains("0 adopted"))
        #expect(try outcome(laptop, "water") == "skipped")

        // Ticked off on the phone and ticked back: open again everywhere.
        let mom = try server.todos().filter { $0["summary"] as? String == "Call Mom" }
        let soonest = try #require(mom.min { ($0["due"] as? String ?? "") < ($1["due"] as? String ?? "") })
        let uid = try #require(soonest["uid"] as? String)
        #expect(try server.phone(["complete", uid]).status == 0)
        #expect(try sync(laptop).contains("adopted: kept call-mom"))
        #expect(try server.phone(["reopen", uid]).status == 0)
        #expect(try sync(laptop).contains("adopted: open call-mom"))
        #expect(try outcome(laptop, "call-mom") == "None")
        // A machine that never saw it kept only learns it is open: nothing to adopt.
        #expect(try sync(desktop).contains("0 adopted"))

        // Added on the laptop: known on the desktop, and answered there for both.
        let add = try laptop.run(["add", "Call Sam back", "--at", "in 2h", "--with", "Sam", "--remind-before", "10m"])
        #expect(add.status == 0, "\(add)")
        _ = try sync(laptop)
        let got = try sync(desktop)
        #expect(got.contains("adopted: added call-sam-back (due ") && got.contains("from laptop"), "\(got)")
        #expect(try desktop.run(["list"]).out.contains("Call Sam back"))
        #expect(try desktop.query("SELECT person || ' ' || remind_before FROM added") == "Sam 600000000")
        let kept = try desktop.run(["done", "call-sam-back"])
        #expect(kept.status == 0, "\(kept)")
        let wrote = try sync(desktop)
        let heard = try sync(laptop)
        #expect(heard.contains("adopted: kept call-sam-back"), "\(kept.out) / \(wrote) / \(heard)")
        // Removed on a machine, it is not added there again.
        #expect(try desktop.run(["undo"]).status == 0)
        #expect(try desktop.run(["remove", "call-sam-back"]).status == 0)
        #expect(try sync(desktop).contains("0 adopted"))

        // Removed on the machine that added it: skipped on the other, which nudges it no more.
        #expect(try laptop.run(["add", "Buy milk", "--at", "in 3h"]).status == 0)
        _ = try sync(laptop)
        #expect(try sync(desktop).contains("adopted: added buy-milk"))
        #expect(try laptop.run(["remove", "buy-milk"]).status == 0)
        _ = try sync(laptop)
        #expect(try sync(desktop).contains("adopted: skipped buy-milk"))
        #expect(try outcome(desktop, "buy-milk") == "skipped")
    }

    @Test func aCheckInsNextOccurrenceIsTheSameOnEveryMachine() throws {
        guard let server = try DAVServer(.radicale) else { return }
        let machines = try Self.machines(server) { _ in
            """
            [settings]
            timezone = "Europe/Berlin"
            channels = ["console"]

            [[commitment]]
            id = "partner"
            title = "Check in with Kim"
            every = "3d"
            at = "21:00"
            """
        }
        for cli in machines { _ = try sync(cli, "first round") }
        let (laptop, desktop) = (machines[0], machines[1])
        // Answered on the laptop; the desktop adopts it and plans the next one from the same answer.
        #expect(try laptop.run(["done", "partner"]).status == 0)
        _ = try sync(laptop)
        #expect(try sync(desktop).contains("adopted: kept partner"))
        func next(_ cli: CLIRunner) throws -> String {
            let out = try cli.run(["list", "--json"]).out
            let list = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
            let entries = list?["commitments"] as? [[String: Any]] ?? []
            return entries.first?["next"] as? String ?? "none: \(out)"
        }
        #expect(try next(laptop) == next(desktop))
        // Both write the same next VTODO: one, not one per machine.
        _ = try sync(desktop)
        _ = try sync(laptop)
        let open = try server.todos().filter { $0["status"] as? String == "NEEDS-ACTION" }
        #expect(open.count == 1, "\(open.map { $0["due"] ?? "" })")
    }

    @Test func aRenegotiatedPromiseMovesOnEveryMachine() throws {
        guard let server = try DAVServer(.radicale) else { return }
        let (laptop, desktop) = (try Self.machine("laptop", server), try Self.machine("desktop", server))
        for cli in [laptop, desktop] { _ = try sync(cli, "first round") }
        // Moved on the laptop, an hour later than planned.
        let moved = try laptop.run(["renegotiate", "call-mom", "--to", "in 3h"])
        #expect(moved.status == 0, "\(moved.err)")
        _ = try sync(laptop)
        _ = try sync(desktop)
        // The desktop ends it renegotiated, adds the moved one as call-mom's, and `done call-mom` reaches it.
        #expect(try outcome(desktop, "call-mom") == "renegotiated")
        #expect(try desktop.query("SELECT moves IS NOT NULL FROM added WHERE id = 'call-mom-moved'") == "1")
        let done = try desktop.run(["done", "call-mom"])
        #expect(done.status == 0 && done.out.contains("kept call-mom-moved"), "\(done.out) \(done.err)")
        let report = try JSONSerialization.jsonObject(with: Data(try desktop.run(["report", "--json"]).out.utf8))
        let parts = (report as? [String: Any])?["commitments"] as? [[String: Any]] ?? []
        let mom = parts.first { $0["id"] as? String == "call-mom" }
        #expect(mom?["kept"] as? Int == 1 && mom?["renegotiated"] as? Int == 1, "\(parts)")
        #expect(!parts.contains { $0["id"] as? String == "call-mom-moved" })
    }
}
