import Dispatch
import Foundation
import Logging

extension Daemon {
    /// Editors and tools write in bursts: reload once, this long after the last event.
    static let reloadDebounce = DispatchTimeInterval.milliseconds(150)

    /// Watches the config (and, through every symlink, its target), the record (answers from the CLI)
    /// and the system time zone.
    func watchFiles() {
        watchConfig()
        let storeDir = (store.path as NSString).deletingLastPathComponent
        if let w = DirectoryWatch(
            directories: [storeDir], queue: work,
            onChange: { [weak self] changed in
                guard let self else { return }
                guard changed.contains(where: { $0.hasPrefix("nudge.sqlite") }) else { return }
                self.checkRecord()
                // The log is written before the commit shows in the shared index (a memory map, which
                // inotify does not see): look again a moment later.
                for ms in [50, 500] {
                    self.work.asyncAfter(deadline: .now() + .milliseconds(ms)) { [weak self] in self?.checkRecord() }
                }
            })
        {
            watches.append(w)
        }
        if let w = DirectoryWatch(
            directories: ["/etc"], mask: DirectoryWatch.finished, queue: work,
            onChange: { [weak self] changed in
                guard let self else { return }
                guard changed.contains("localtime") || changed.contains("timezone") else { return }
                self.scheduleReload(reason: "time zone changed")
            })
        {
            watches.append(w)
        }
    }

    /// Plans again when another process changed the record.
    func checkRecord() {
        let v = (try? store.dataVersion()) ?? dataVersion
        guard v != dataVersion else { return }
        dataVersion = v
        cycle()
    }

    /// (Re)watches the directories of the config and of each link on the way to the file it names now,
    /// for writes that are finished: closed after writing, or renamed into place.
    func watchConfig() {
        var dirs: [String] = []
        var names: Set<String> = []
        var path = parts.configPath
        for _ in 0..<8 {
            dirs.append((path as NSString).deletingLastPathComponent)
            names.insert((path as NSString).lastPathComponent)
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else { break }
            path = target.hasPrefix("/") ? target : (dirs.last! as NSString).appendingPathComponent(target)
        }
        guard configWatch?.dirs != dirs else { return }
        let watch = DirectoryWatch(
            directories: dirs, mask: DirectoryWatch.finished, queue: work,
            onChange: { [weak self] changed in
                guard let self else { return }
                guard !changed.isDisjoint(with: names) else { return }
                self.scheduleReload(reason: "config changed")
            })
        configWatch = (dirs, watch)
    }

    /// Replans at once when the wall clock is set (forwards or backwards).
    func watchClock() {
        clockWatch = ClockWatch(queue: work) { [weak self] in
            guard let self else { return }
            self.log.notice("the system clock was set; planning again", metadata: ["event": "clock"])
            self.cycle()
        }
    }

    /// Reloads once, a moment after the last of a burst of events.
    func scheduleReload(reason: String) {
        reloadGeneration += 1
        let generation = reloadGeneration
        work.asyncAfter(deadline: .now() + Self.reloadDebounce) { [weak self] in
            guard let self, generation == self.reloadGeneration else { return }
            self.reload(reason: reason)
        }
    }

    /// Re-reads the config; an invalid one keeps the old running and says so. A valid one that would end
    /// pending occurrences (a file cut short while written, emptied, or edited for real) keeps them
    /// until the same text has been read again `parts.dropSettle` later.
    func reload(reason: String) {
        guard !stopped.withLock({ $0 }) else { return }
        notifier.reloading()
        defer { notifier.send(["READY=1", "STATUS=" + status]) }
        watchConfig()
        let result = parts.loader().load(path: parts.configPath)
        // A passed `once` the record has seen is no news (DESIGN.md §2: warned of when first seen).
        for d in result.shownDiagnostics(seen: (try? store.seenIDs()) ?? []) {
            let level: Logger.Level = d.severity == .error ? .error : .warning
            log.log(level: level, "\(d.description)", metadata: ["event": "config"])
        }
        guard var fresh = result.config else {
            let first = result.diagnostics.first { $0.severity == .error }?.headline ?? "unreadable"
            log.error("the config has errors; still running the previous one", metadata: ["event": "reload"])
            lastStatus.withLock { $0 = "config error, still running the previous one: \(first)" }
            // One notice on the desktop, when there is one.
            parts.desktop.notice(
                summary: "nudge: the config has errors",
                body: first + "\nStill using the previous config; run: nudge check")
            return
        }
        let kept = Set(fresh.commitments.map(\.id))
        let pending = Set(((try? store.planState())?.pending.values.map(\.commitment)) ?? [])
        let dropping = config.commitments.filter { pending.contains($0.id) && !kept.contains($0.id) }
        let text = result.data ?? Data()
        if !dropping.isEmpty {
            if let d = droppingConfig, d.text == text, Instant.now - d.since >= parts.dropSettle {
                droppingConfig = nil
            } else {
                if droppingConfig?.text != text { droppingConfig = (text, .now) }
                fresh = fresh.adding(dropping)
                let ids = dropping.map(\.id.rawValue).joined(separator: ", ")
                log.notice(
                    "the config no longer has \(ids); keeping what is pending until it stays so",
                    metadata: ["event": "reload"])
                work.asyncAfter(deadline: .now() + .microseconds(Int(parts.dropSettle.microseconds) + 50_000)) {
                    [weak self] in self?.reload(reason: "config settled")
                }
            }
        } else {
            droppingConfig = nil
        }
        config = fresh
        reloads += 1
        log.info("config reloaded (\(reason))", metadata: ["event": "reload"])
        cycle()
    }
}
