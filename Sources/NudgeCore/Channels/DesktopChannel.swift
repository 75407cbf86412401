import Dispatch
import Foundation

/// Desktop notifications (org.freedesktop.Notifications over the session bus).
///
/// Connects lazily and again after the bus went away. When listening (the daemon), it also listens:
/// popups get Done / Snooze / Skip buttons when the server has "actions", and what the user does with
/// a popup this process showed is handed to `onSignal` on its own queue. Without listening (`nudge tick`,
/// the CLI) nobody would be there to hear a click, so the body says which command answers instead.
/// Safe to use from several threads: one lock keeps the bus to one caller at a time.
public final class DesktopChannel: @unchecked Sendable {
    /// A popup this process showed, and the nudge it is for.
    public struct Shown: Equatable, Sendable {
        public var occurrence: Int64
        public var commitment: CommitmentID
        /// The ledger row of the delivery.
        public var row: Int64
        /// Whether this process asked the server to close it.
        public var closing = false
    }

    /// The buttons, by action key.
    public static let actions = [
        ("done", "Done"), ("snooze", "Snooze 10 min"), ("late", "Running late"), ("skip", "Skip"),
    ]
    /// How long "Snooze 10 min" snoozes.
    public static let snoozeSpan = Span.minutes(10)
    /// How far "Running late" moves the follow-ups and the miss (`nudge late`'s default); nobody is told.
    public static let lateSpan = Span.minutes(15)

    /// Called on the channel's own queue for each signal about a popup in `shown`.
    public var onSignal: ((NotificationBus.Signal, Shown) -> Void)?
    /// Popups shown by this process, by notification id (until closed).
    public var shown: [UInt32: Shown] { lock.withLock { popups } }
    private var popups: [UInt32: Shown] = [:]

    private let queue: DispatchQueue?
    private let lock = NSRecursiveLock()
    private let timeout: Span
    private var bus: NotificationBus?
    private var source: DispatchSourceRead?
    private var hasActions = false

    /// A channel that listens (the daemon) on a queue of its own, or only sends.
    public init(listening: Bool = false, timeout: Span = .seconds(2)) {
        self.queue = listening ? DispatchQueue(label: "nudge.desktop") : nil
        self.timeout = timeout
    }

    /// The notification body: when it is due, the note, how late, and how to answer.
    public static func body(_ m: NudgeMessage, buttons: Bool = false) -> String {
        if !m.items.isEmpty {
            return (m.items.map { "\($0.title): due \($0.when)" } + ["answer with: nudge done ID"])
                .joined(separator: "\n")
        }
        var lines: [String] = []
        if m.isPrivate { lines.append(m.fullTitle) }
        var when = m.kind == .reminder || m.late == nil ? "due at \(m.when)" : "was due at \(m.when)"
        if let late = m.late { when += ", \(late)" }
        if m.kind == .repair { when = "missed (was due at \(m.when))" }
        lines.append(when)
        if let note = m.note, !note.isEmpty { lines.append(note) }
        if m.kind == .repair {
            lines.append("make it right: nudge repair \(m.commitment) --at 'tomorrow 19:00'")
        } else if !buttons {
            lines.append("answer with: nudge done \(m.commitment)")
        }
        return lines.joined(separator: "\n")
    }

    /// Shows (or replaces) the popup for a nudge; returns how it went and the notification id.
    public func send(_ m: NudgeMessage, urgency: Urgency, expire: Span, replaces: UInt32, row: Int64) -> (
        ChannelResult, UInt32?
    ) {
        lock.lock()
        defer {
            lock.unlock()
            processLater()
        }
        // A connection kept from before may have died with the session: then try once on a new one.
        for fresh in bus == nil ? [true] : [false, true] {
            if fresh { disconnect() }
            let bus: NotificationBus
            do {
                bus = try connect()
            } catch {
                return (.unavailable("no session bus: \(error)"), nil)
            }
            do {
                return (.sent, try show(m, on: bus, urgency: urgency, expire: expire, replaces: replaces, row: row))
            } catch let error as BusError where error.code == ETIMEDOUT {
                // The server may have shown it: never shown twice.
                return (.unknown("the notification server did not answer: \(error)"), nil)
            } catch let error as BusError where error.meansNoSession || error.code == ECONNRESET || error.code == EPIPE
            {
                if fresh {
                    disconnect()
                    return (.unavailable("no notification server: \(error)"), nil)
                }
            } catch {
                // The bus refused the call: known not shown, worth a retry.
                return (.failed("notification refused: \(error)", retry: true), nil)
            }
        }
        return (.unavailable("no notification server"), nil)
    }

    private func show(
        _ m: NudgeMessage, on bus: NotificationBus, urgency: Urgency, expire: Span, replaces: UInt32, row: Int64
    ) throws -> UInt32 {
        // Buttons answer one promise: a digest of several has none.
        let buttons = hasActions && m.kind != .repair && m.items.isEmpty
        let level: UInt8 = urgency == .low ? 0 : urgency == .critical ? 2 : 1
        let id = try bus.notify(
            summary: m.title,
            body: Self.body(m, buttons: buttons), replaces: replaces,
            actions: buttons ? Self.actions : [], urgency: level, category: "x-nudge.reminder",
            expire: Int32(clamping: expire.microseconds / 1000))
        if queue != nil {
            if replaces != 0 { popups[replaces] = nil }
            popups[id] = Shown(occurrence: m.occurrence, commitment: m.commitment, row: row)
        }
        return id
    }

    /// Closes a popup (after an answer); quietly does nothing without a bus.
    public func close(_ id: UInt32) {
        lock.lock()
        defer { lock.unlock() }
        popups[id]?.closing = true
        guard let bus = try? connect() else { return }
        try? bus.close(id)
        processLater()
    }

    /// A one-off popup that is not a nudge (a config error in the daemon).
    public func notice(summary: String, body: String) {
        lock.lock()
        defer { lock.unlock() }
        guard let bus = try? connect() else { return }
        _ = try? bus.notify(
            summary: summary, body: body, replaces: 0, actions: [], urgency: 1, category: "x-nudge.config", expire: 0)
        processLater()
    }

    private func connect() throws -> NotificationBus {
        if let bus { return bus }
        let b = try NotificationBus(timeout: timeout)
        if let queue {
            hasActions = (try? b.capabilities().contains("actions")) ?? false
            try b.subscribe { [weak self] signal in self?.heard(signal) }
            let s = DispatchSource.makeReadSource(fileDescriptor: b.fileDescriptor, queue: queue)
            s.setEventHandler { [weak self] in self?.process() }
            // The bus (and its descriptor) lives until the source is gone.
            s.setCancelHandler { withExtendedLifetime(b) {} }
            s.resume()
            source = s
        }
        bus = b
        return b
    }

    private func disconnect() {
        source?.cancel()
        source = nil
        bus = nil
        popups = [:]
        hasActions = false
    }

    /// Messages that arrived during a call do not make the descriptor readable again.
    private func processLater() {
        queue?.async { [weak self] in self?.process() }
    }

    private func process() {
        lock.lock()
        defer { lock.unlock() }
        guard let bus else { return }
        if !bus.process() { disconnect() }
    }

    private func heard(_ signal: NotificationBus.Signal) {
        let id: UInt32
        switch signal {
        case .actionInvoked(let i, _): id = i
        case .closed(let i, _): id = i
        }
        guard let popup = popups[id] else { return }
        if case .closed = signal { popups[id] = nil }
        // Handled after this round of processing, so the handler may call the bus.
        queue?.async { [weak self] in self?.onSignal?(signal, popup) }
    }
}
