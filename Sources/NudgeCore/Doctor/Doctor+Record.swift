import Foundation

extension Doctor {
    /// The record: an SQLite file nudge can write, whose `PRAGMA integrity_check` says ok. A record not
    /// created yet is fine when its directory can be made; the doctor does not create it.
    func examineRecord() -> (check: DoctorCheck, store: Store?) {
        let check = "state database"
        let path = storePath
        let quoted = Self.quote(path)
        let move = "mv \(quoted) \(Self.quote(path + ".broken"))"
        let aside = "run: \(move)  (nudge then starts a new record)"
        var info = stat()
        guard stat(path, &info) == 0 else {
            let why = errno
            guard why == ENOENT else {
                return (.failed(check, "\(path): \(String(cString: strerror(why)))", fix: "run: ls -ld \(quoted)"), nil)
            }
            // The first existing directory on the way must let nudge create the rest.
            var dir = (path as NSString).deletingLastPathComponent
            while !dir.isEmpty, dir != "/", !FileManager.default.fileExists(atPath: dir) {
                dir = (dir as NSString).deletingLastPathComponent
            }
            guard dir.isEmpty || access(dir, W_OK | X_OK) == 0 else {
                return (
                    .failed(
                        check, "\(path) cannot be created: \(dir) is not writable",
                        fix: "run: ls -ld \(Self.quote(dir))  (nudge must be able to create \(quoted))"), nil
                )
            }
            return (.passed(check, "\(path) not created yet; the first nudge command creates it"), nil)
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            return (.failed(check, "\(path) is not a regular file", fix: aside), nil)
        }
        // An empty file is what `Store` itself starts from; anything else must be SQLite.
        if info.st_size > 0 {
            let header = FileHandle(forReadingAtPath: path).map { handle in
                defer { try? handle.close() }
                return [UInt8]((try? handle.read(upToCount: Store.fileHeader.count)) ?? Data())
            }
            guard let header else {
                return (
                    .failed(
                        check, "\(path) cannot be read: \(String(cString: strerror(errno)))",
                        fix: "run: ls -l \(quoted)  (it must be yours, mode 0600)"), nil
                )
            }
            guard header == Store.fileHeader else {
                return (.failed(check, "\(path) is not an SQLite database", fix: aside), nil)
            }
        }
        let store: Store
        do {
            store = try Store(path: path)
        } catch StoreError.newerSchema {
            return (
                .failed(check, "\(path) was written by a newer nudge; it is left untouched", fix: "upgrade nudge"), nil
            )
        } catch {
            return (.failed(check, Self.oneLine("\(error.localizedDescription)"), fix: aside), nil)
        }
        do {
            try store.probeWrite()
        } catch {
            return (
                .failed(
                    check, "\(path) is not writable: \(Self.oneLine("\(error)"))",
                    fix: "run: ls -l \(quoted)  (it and its directory must be yours and writable)"), store
            )
        }
        let problems: [String]
        do {
            problems = try store.integrityCheck()
        } catch {
            return (.failed(check, "integrity_check failed: \(Self.oneLine("\(error)"))", fix: aside), store)
        }
        guard problems == ["ok"] else {
            // SQLite may put several problems in one row, one a line, under a "*** in database main ***".
            let lines = problems.flatMap { $0.split(separator: "\n") }.map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("***") }
            return (
                .failed(
                    check,
                    "\(path) is damaged: integrity_check found "
                        + (lines.count >= 10 ? "10 or more problems" : Self.count(lines.count, "problem"))
                        + ", the first: "
                        + (lines.first ?? "none named"),
                    fix: "run: sqlite3 \(quoted) .recover > nudge-recovered.sql; \(move)  (keeps what can be saved; "
                        + "nudge then starts a new record)"),
                store
            )
        }
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 {
            return (
                .warning(
                    check,
                    "\(path): writable, integrity ok, but readable by others (mode \(String(format: "%04o", mode)))",
                    fix: "run: chmod 600 \(quoted)"), store
            )
        }
        return (.passed(check, "\(path): writable, integrity ok"), store)
    }

    /// The nudge that went out last, and how it went.
    func lastNudge(_ store: Store?, zone: Zone) -> DoctorCheck {
        let check = "last nudge"
        guard let store else {
            let exists = FileManager.default.fileExists(atPath: storePath)
            return exists
                ? .warning(check, "not checked: the state database cannot be used")
                : .passed(check, "none sent yet")
        }
        let last: LastNudge?
        do {
            last = try store.lastNudge()
        } catch {
            return .warning(check, "cannot be read: \(Self.oneLine("\(error)"))")
        }
        guard let last else { return .passed(check, "none sent yet") }
        let when = "\(TimestampFormat.systemd(last.at, zone: zone)) (\(TimestampFormat.relative(last.at, now: now)))"
        // A note on a sent nudge means a fallback took it because the channel itself was unavailable.
        func note(_ a: LastNudge.Attempt) -> String? {
            a.error.map { Self.oneLine($0) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let results = last.attempts.map { a in "\(a.channel) \(a.state)" + (note(a).map { " [\($0)]" } ?? "") }
        let detail = "\(when), \(last.kind.rawValue) \(last.commitment): " + results.joined(separator: ", ")
        func test(_ a: LastNudge.Attempt) -> String { "run: " + nudge("test-channel \(Self.quote(a.channel))") }
        if let failed = last.attempts.first(where: { $0.state == .failed }) {
            return .failed(check, detail, fix: test(failed))
        }
        if let doubtful = last.attempts.first(where: { $0.state != .sent || note($0) != nil }) {
            return .warning(check, detail, fix: test(doubtful))
        }
        return .passed(check, detail)
    }

    /// Text on one line: newlines become spaces, runs of blanks one space.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }).joined(separator: " ")
    }
}
