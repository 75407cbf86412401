import Dispatch
import Foundation
import Logging

/// The resident service: sleeps on one timer of its clock until the next planned event, and wakes for
/// signals, config edits, time zone changes and answers given from the command line.
///
/// Two serial queues (a global or concurrent one would wake an idle process every second on Linux):
/// `work` plans, sends and records, through the same `Runner` as `nudge tick`; `control` answers
/// signals and the watchdog, so neither ever waits on a slow channel.
public final class Daemon: @unchecked Sendable {

    /// What the daemon is made of: the command line builds one, a test another.
    public struct Parts {
        public var config: Config
        public var configPath: String
        public var store: Store
        public var logger: Logger
        /// The desktop channel, listening: buttons on popups answer like the CLI.
        public var desktop: DesktopChannel
        public var loader: () -> ConfigLoader
        public var send: ChannelRouter.Send
        public var clock: any DaemonClock
        /// Whether the fallback (the console) reaches a person rather than only the journal.
        public var fallbackCounts: Bool
        /// How long a config that ends pending occurrences must stay the same before it is believed: a
        /// file being rewritten may look empty or cut for a moment.
        public var dropSettle = Span.seconds(3)
        /// How many nudges are sent at once.
        public var width = 4
        /// One round with the [sync] server (nil: none); returns what went wrong, or nil.
        public var syncRound: (@Sendable () -> String?)? = nil
        /// With [sync]: whose a mail or hook nudge is to send (`Daemon.claimInAChild`).
        public var claim: (@Sendable (NudgeMessage, Channel) -> Claim)? = nil

        public init(
            config: Config, configPath: String, store: Store, logger: Logger, desktop: DesktopChannel,
            loader: @escaping () -> ConfigLoader = { ConfigLoader() }, send: @escaping ChannelRouter.Send,
            clock: any DaemonClock = WallClock(), fallbackCounts: Bool = !Journal.isJournal(STDOUT_FILENO)
        ) {
            self.config = config
            self.configPath = configPath
            self.store = store
            self.logger = logger
            self.desktop = desktop
            self.loader = loader
            self.send = send
            self.clock = clock
            self.fallbackCounts = fallbackCounts
        }
    }

    /// How long `work` may be busy before the watchdog stops vouching for it.
    public static let stuckAfter = Span.minutes(10)

    let parts: Parts
    var config: Config
    var store: Store { parts.store }
    var log: Logger { parts.logger }
    var clock: any DaemonClock { parts.clock }
    let notifier = Notifier()
    /// Plans, sends and records; the desktop channel and the file watches deliver here.
    public let work = DispatchQueue(label: "nudge.daemon.work")
    let control = DispatchQueue(label: "nudge.daemon.control")
    var watchdog: DispatchSourceTimer?
    var signals: [DispatchSourceSignal] = []
    var configWatch: (dirs: [String], watch: DirectoryWatch?)?
    var watches: [DirectoryWatch] = []
    var clockWatch: ClockWatch?
    var dataVersion: Int64 = 0
    var reloadGeneration = 0
    /// How many configs were taken up since the start.
    var reloads = 0
    /// Rounds with the [sync] server: whether one runs, when the last began, the last answer it covered.
    /// The daemon's sync rounds: one running, when the last began, the last answer (its id) when it began,
    /// and the last answer a round wrote (one that failed wrote nothing: its answers stay queued).
    var sync: (running: Bool, last: Instant?, tried: Int64, written: Int64) = (false, nil, 0, 0)
    /// A config that drops pending occurrences, waiting to be read again unchanged: its text and when.
    var droppingConfig: (text: Data, since: Instant)?
    let busySince = Locked<Instant?>(nil)
    let stopped = Locked(false)
    let lastStatus = Locked("")
    /// Called after SIGTERM or SIGINT (the command line exits).
    public var onStop: @Sendable () -> Void = {}

    /// A daemon over a loaded config and an open record.
    public init(_ parts: Parts) {
        self.parts = parts
        self.config = parts.config
        work.setSpecific(key: Self.onWork, value: true)
    }

    /// The STATUS= line last sent.
    public var status: String { lastStatus.withLock { $0 } }

    /// Starts everything, answers SIGTERM, SIGINT and SIGHUP, and never returns.
    public func run() -> Never {
        control.async { self.handleSignals() }
        work.async { self.start() }
        dispatchMain()
    }

    /// Starts watching and planning (without taking over signals); returns once the first plan is made.
    public func start() {
        guard DispatchQueue.getSpecific(key: Self.onWork) == true else {
            work.sync { self.start() }
            return
        }
        watchFiles()
        if clock.isWallClock { watchClock() }
        parts.desktop.onSignal = { [weak self] signal, popup in
            guard let self else { return }
            self.work.async { self.heard(signal, popup) }
        }
        dataVersion = (try? store.dataVersion()) ?? 0
        cycle()
        notifier.ready(status: status)
        log.info("started", metadata: ["event": "start"])
        startWatchdog()
    }

    static let onWork = DispatchSpecificKey<Bool>()

    /// Stops watching and planning; nothing more is sent. What is being sent is cut short by the caller.
    public func stop() {
        stopped.withLock { $0 = true }
        control.sync {
            watchdog?.cancel()
            for s in signals { s.cancel() }
            signals = []
        }
        work.sync {
            parts.clock.wake(at: nil, on: work) {}
            watches = []
            configWatch = nil
            clockWatch = nil
            parts.desktop.onSignal = nil
        }
    }

    /// Whether a config that would end pending occurrences is being held off (for tests).
    public var isHoldingOffADrop: Bool { work.sync { droppingConfig != nil } }

    /// Waits until what `work` was given so far is done (for tests).
    public func settle() { work.sync {} }

    /// Whether every change to the record made elsewhere has been planned for (for tests).
    public var caughtUp: Bool { work.sync { (try? store.dataVersion()) == dataVersion } }

    /// Does what is due, records it, and sleeps until the next thing.
    func cycle() {
        guard !stopped.withLock({ $0 }) else { return }
        let now = clock.now
        busySince.withLock { $0 = .now }
        defer { busySince.withLock { $0 = nil } }
        var next: Instant?
        do {
            // Read before planning, not after: an answer the CLI commits while this cycle runs then
            // changes the version, and its inotify event plans again (`checkRecord`).
            dataVersion = (try? store.dataVersion()) ?? dataVersion
            var runner = Runner(
                config: config, store: store,
                router: ChannelRouter(
                    config: config, fallbackCounts: parts.fallbackCounts, claim: parts.claim, send: parts.send),
                width: parts.width)
            runner.stopping = { [stopped] in stopped.withLock { $0 } }
            next = try runner.run(now: now)
            if let due = syncIfDue(now: now, pending: !(try store.pending()).isEmpty) {
                next = min(next ?? due, due)
            }
        } catch {
            let why = StoreError.during(error, path: store.path)?.localizedDescription ?? "\(error)"
            log.error("cannot record: \(why)", metadata: ["event": "error"])
            next = now + .seconds(30)
        }
        clock.wake(at: next, on: work) { [weak self] in self?.cycle() }
        updateStatus(now: now)
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
            let due = now + .seconds(n.inSeconds)
            text += " · next: \(n.title) at \(TimestampFormat.weekdayTime(due, zone: config.settings.timezone))"
        }
        lastStatus.withLock { $0 = text }
        notifier.status(text)
    }

    /// A button pressed on a popup gives the same answer as the CLI (recorded as coming from the
    /// notification); a closed popup is recorded.
    func heard(_ signal: NotificationBus.Signal, _ popup: DesktopChannel.Shown) {
        let now = clock.now
        var meta: Logger.Metadata = [
            "id": "\(popup.commitment)", "occurrence": "\(popup.occurrence)", "channel": "desktop",
        ]
        do {
            switch signal {
            case .closed(_, let reason):
                try store.recordClosed(row: popup.row, reason: reason, at: now)
            case .actionInvoked(let id, let key):
                // A click on the popup itself answers nothing.
                guard ["done", "skip", "snooze", "late"].contains(key) else { return }
                let answers = try Answers(config: config, store: store, now: now)
                _ = try answers.popup(popup.occurrence, action: key, snooze: DesktopChannel.snoozeSpan)
                try store.recordAction(row: popup.row, key, at: now)
                meta["event"] = "\(key)"
                log.info("\(key) \(popup.commitment) from the notification", metadata: meta)
                // The server leaves the popup up after a button: close it, then plan again.
                parts.desktop.close(id)
                cycle()
            }
        } catch {
            meta["event"] = "error"
            let why = StoreError.during(error, path: store.path)?.localizedDescription ?? "\(error)"
            log.error("cannot record the answer from the notification: \(why)", metadata: meta)
        }
    }

    /// Closes popups whose promise was answered elsewhere (e.g. from a shell without a session bus).
    func closeAnswered(pending: [Occurrence]) {
        let open = Set(pending.map(\.id))
        for (id, popup) in parts.desktop.shown where !open.contains(popup.occurrence) && !popup.closing {
            parts.desktop.close(id)
        }
    }
}

extension Daemon {
    /// SIGTERM and SIGINT stop at once, cutting short what is being sent; SIGHUP reloads.
    func handleSignals() {
        for sig in [SIGTERM, SIGINT, SIGHUP] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: control)
            s.setEventHandler { [unowned self] in
                if sig == SIGHUP {
                    self.work.async { self.reload(reason: "SIGHUP") }
                } else {
                    self.terminate(signal: sig)
                }
            }
            s.resume()
            signals.append(s)
        }
    }

    /// Ends on a signal within about a second, whatever a channel is doing: programs still running are
    /// stopped (their nudges are of unknown fate, never sent twice) and nothing more is handed over.
    func terminate(signal sig: Int32) {
        notifier.stopping()
        log.info("stopping on signal \(sig)", metadata: ["event": "stop"])
        stopped.withLock { $0 = true }
        Subprocess.cancelAll()
        // A cycle still running gets a moment to record how its sends went.
        let recorded = DispatchSemaphore(value: 0)
        work.async { recorded.signal() }
        _ = recorded.wait(timeout: .now() + 1)
        onStop()
    }

    /// WATCHDOG=1 at half the interval systemd asked for, unless `work` has been stuck for long.
    func startWatchdog() {
        guard let interval = notifier.watchdogInterval() else { return }
        control.sync {
            let w = DispatchSource.makeTimerSource(queue: control)
            let half = max(interval.microseconds / 2, 1000)
            w.schedule(
                deadline: .now() + .microseconds(Int(half)), repeating: .microseconds(Int(half)),
                leeway: .milliseconds(50))
            w.setEventHandler { [unowned self] in
                let since = self.busySince.withLock { $0 }
                if let since, Instant.now - since > Self.stuckAfter { return }
                self.notifier.watchdog(status: self.status)
            }
            w.resume()
            watchdog = w
        }
    }
}
