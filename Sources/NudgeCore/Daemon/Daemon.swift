import Dispatch
import Foundation
import Logging

/// The resident service: sleeps on one wall-clock timer until the next planned event, and wakes for
/// signals, config edits, time zone changes and answers given from the command line.
///
/// Everything runs on one serial queue (a global or concurrent queue would wake an idle process every
/// second on Linux); due events go through the same `Runner` as `nudge tick`.
public final class Daemon: @unchecked Sendable {

    let configPath: String
    let loader: () -> ConfigLoader
    let store: Store
    let send: ChannelRouter.Send
    /// Whether the fallback (the console) reaches a person rather than only the journal.
    let fallbackCounts = !Journal.isJournal(STDOUT_FILENO)
    let log: Logger
    let notifier = Notifier()
    let queue: DispatchQueue
    /// The desktop channel that listens on `queue`: buttons on popups answer like the CLI.
    let desktop: DesktopChannel
    var config: Config
    var timer: DispatchSourceTimer?
    var watchdog: DispatchSourceTimer?
    var signals: [DispatchSourceSignal] = []
    var watches: [DirectoryWatch] = []
    var clockWatch: ClockWatch?
    var dataVersion: Int64 = 0
    var reloadPending = false
    var lastStatus = ""

    /// A daemon over a loaded config and an open record.
    public init(
        config: Config, configPath: String, store: Store, logger: Logger, queue: DispatchQueue,
        desktop: DesktopChannel, loader: @escaping () -> ConfigLoader, send: @escaping ChannelRouter.Send
    ) {
        self.queue = queue
        self.desktop = desktop
        self.config = config
        self.configPath = configPath
        self.store = store
        self.log = logger
        self.loader = loader
        self.send = send
    }

    /// Starts everything and never returns; SIGTERM or SIGINT end the process with status 0.
    public func run() -> Never {
        queue.async { self.start() }
        dispatchMain()
    }

    func start() {
        for sig in [SIGTERM, SIGINT, SIGHUP] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            s.setEventHandler { [unowned self] in
                if sig == SIGHUP { self.reload(reason: "SIGHUP") } else { self.stop(signal: sig) }
            }
            s.resume()
            signals.append(s)
        }
        watchFiles()
        watchClock()
        desktop.onSignal = { [unowned self] signal, popup in self.heard(signal, popup) }
        dataVersion = (try? store.dataVersion()) ?? 0
        cycle()
        notifier.ready(status: lastStatus)
        log.info("started", metadata: ["event": "start"])
        if let interval = notifier.watchdogInterval() {
            let w = DispatchSource.makeTimerSource(queue: queue)
            let half = max(interval.microseconds / 2, 1000)
            w.schedule(
                deadline: .now() + .microseconds(Int(half)), repeating: .microseconds(Int(half)),
                leeway: .milliseconds(50))
            w.setEventHandler { [unowned self] in self.notifier.watchdog(status: self.lastStatus) }
            w.resume()
            watchdog = w
        }
    }

    /// Does what is due, records it, and sleeps until the next thing.
    func cycle() {
        let now = Instant.now
        var next: Instant?
        do {
            let runner = Runner(
                config: config, store: store,
                router: ChannelRouter(config: config, fallbackCounts: fallbackCounts, send: send))
            next = try runner.run(now: now)
            dataVersion = (try? store.dataVersion()) ?? dataVersion
        } catch {
            log.error("cannot record: \(error.localizedDescription)", metadata: ["event": "error"])
            next = now + Span.seconds(30).microseconds
        }
        arm(next)
        updateStatus(now: now)
    }

    /// Arms the single wall-clock timer (wall time keeps counting through suspend).
    func arm(_ next: Instant?) {
        timer?.cancel()
        let t = DispatchSource.makeTimerSource(queue: queue)
        if let next {
            let us = max(next.microseconds, Instant.now.microseconds)
            let ts = timespec(tv_sec: Int(us / 1_000_000), tv_nsec: Int(us % 1_000_000) * 1000)
            t.schedule(wallDeadline: DispatchWallTime(timespec: ts), leeway: .milliseconds(1))
        } else {
            t.schedule(wallDeadline: .distantFuture)
        }
        t.setEventHandler { [unowned self] in self.cycle() }
        t.resume()
        timer = t
    }

    func updateStatus(now: Instant) {
        let state = (try? store.planState()) ?? PlanState()
        let config = (try? store.commitments(of: config)) ?? config
        // The same order as `Store.pending()`, without reading the record twice.
        let pending = state.pending.values.sorted { ($0.due, $0.id) < ($1.due, $1.id) }
        closeAnswered(pending: pending)
        let summary = StatusSummary(config: config, state: state, pending: pending, now: now, count: 1)
        var text = "\(pending.count) pending"
        if let n = summary.next.first {
            let zone = config.settings.timezone
            let due = Instant(microseconds: now.microseconds + n.inSeconds * 1_000_000)
            let l = zone.local(due)
            let day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][Int(l.weekday)]
            text += " · next: \(n.title) at \(day) \(TimestampFormat.two(l.hour)):\(TimestampFormat.two(l.minute))"
        }
        lastStatus = text
        notifier.status(text)
    }

    /// A button pressed on a popup gives the same answer as the CLI (recorded as coming from the
    /// notification); a closed popup is recorded.
    func heard(_ signal: NotificationBus.Signal, _ popup: DesktopChannel.Shown) {
        let now = Instant.now
        var meta: Logger.Metadata = [
            "id": "\(popup.commitment)", "occurrence": "\(popup.occurrence)", "channel": "desktop",
        ]
        do {
            switch signal {
            case .closed(_, let reason):
                try store.recordClosed(row: popup.row, reason: reason, at: now)
            case .actionInvoked(let id, let key):
                // A click on the popup itself answers nothing.
                guard ["done", "skip", "snooze"].contains(key) else { return }
                let answers = try Answers(config: config, store: store, now: now)
                _ = try answers.popup(popup.occurrence, action: key, snooze: DesktopChannel.snoozeSpan)
                try store.recordAction(row: popup.row, key, at: now)
                meta["event"] = "\(key)"
                log.info("\(key) \(popup.commitment) from the notification", metadata: meta)
                // The server leaves the popup up after a button: close it, then plan again.
                desktop.close(id)
                cycle()
            }
        } catch {
            meta["event"] = "error"
            log.error("cannot record the answer from the notification: \(error.localizedDescription)", metadata: meta)
        }
    }

    /// Closes popups whose promise was answered elsewhere (e.g. from a shell without a session bus).
    func closeAnswered(pending: [Occurrence]) {
        let open = Set(pending.map(\.id))
        for (id, popup) in desktop.shown where !open.contains(popup.occurrence) && !popup.closing {
            desktop.close(id)
        }
    }

    /// Re-reads the config; an invalid one keeps the old running and says so.
    func reload(reason: String) {
        notifier.reloading()
        let result = loader().load(path: configPath)
        if let fresh = result.config {
            config = fresh
            log.info("config reloaded (\(reason))", metadata: ["event": "reload"])
            for d in result.diagnostics { log.warning("\(d.description)", metadata: ["event": "config"]) }
            cycle()
        } else {
            for d in result.diagnostics { log.error("\(d.description)", metadata: ["event": "config"]) }
            let first = result.diagnostics.first?.headline ?? "unreadable"
            lastStatus = "config error, still running the previous one: \(first)"
            // One notice on the desktop, when there is one.
            desktop.notice(
                summary: "nudge: the config has errors",
                body: first + "\nStill using the previous config; run: nudge check")
        }
        notifier.send(["READY=1", "STATUS=" + lastStatus])
    }

    func stop(signal sig: Int32) {
        notifier.stopping()
        log.info("stopping on signal \(sig)", metadata: ["event": "stop"])
        exit(0)
    }

    /// Watches the config (and a symlink's target), the record (answers from the CLI) and the system
    /// time zone.
    func watchFiles() {
        let configName = (configPath as NSString).lastPathComponent
        var configDirs = [(configPath as NSString).deletingLastPathComponent]
        var names: Set<String> = [configName]
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: configPath) {
            let full = target.hasPrefix("/") ? target : (configDirs[0] as NSString).appendingPathComponent(target)
            configDirs.append((full as NSString).deletingLastPathComponent)
            names.insert((full as NSString).lastPathComponent)
        }
        if let w = DirectoryWatch(
            directories: configDirs, queue: queue,
            onChange: { [unowned self] changed in
                guard !changed.isDisjoint(with: names) else { return }
                self.scheduleReload(reason: "config changed")
            })
        {
            watches.append(w)
        }
        let storeDir = (store.path as NSString).deletingLastPathComponent
        if let w = DirectoryWatch(
            directories: [storeDir], queue: queue,
            onChange: { [unowned self] changed in
                guard changed.contains(where: { $0.hasPrefix("nudge.sqlite") }) else { return }
                let v = (try? self.store.dataVersion()) ?? self.dataVersion
                if v != self.dataVersion {
                    self.dataVersion = v
                    self.cycle()
                }
            })
        {
            watches.append(w)
        }
        if let w = DirectoryWatch(
            directories: ["/etc"], queue: queue,
            onChange: { [unowned self] changed in
                guard changed.contains("localtime") || changed.contains("timezone") else { return }
                self.scheduleReload(reason: "time zone changed")
            })
        {
            watches.append(w)
        }
    }

    /// Replans at once when the wall clock is set (forwards or backwards).
    func watchClock() {
        clockWatch = ClockWatch(queue: queue) { [unowned self] in
            self.log.notice("the system clock was set; planning again", metadata: ["event": "clock"])
            self.cycle()
        }
    }

    /// Editors write in bursts: reload once, a moment after the last event.
    func scheduleReload(reason: String) {
        guard !reloadPending else { return }
        reloadPending = true
        queue.asyncAfter(deadline: .now() + .milliseconds(150)) { [unowned self] in
            self.reloadPending = false
            self.reload(reason: reason)
        }
    }
}
