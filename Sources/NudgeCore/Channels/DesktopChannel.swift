/// Desktop notifications (org.freedesktop.Notifications over the session bus).
public enum DesktopChannel {
    /// The notification body: when it is due, the note, how late, and how to answer.
    public static func body(_ m: NudgeMessage) -> String {
        var lines: [String] = []
        if m.isPrivate { lines.append(m.fullTitle) }
        var when = m.kind == .reminder ? "due at \(m.when)" : "was due at \(m.when)"
        if let late = m.late { when += ", \(late)" }
        if m.kind == .repair { when = "missed (was due at \(m.when))" }
        lines.append(when)
        if let note = m.note, !note.isEmpty { lines.append(note) }
        lines.append(
            m.kind == .repair
                ? "make it right: nudge repair \(m.commitment) --at 'tomorrow 19:00'"
                : "answer with: nudge done \(m.commitment)")
        return lines.joined(separator: "\n")
    }

    /// Shows (or replaces) the notification for a nudge; returns how it went and the notification id.
    public static func send(_ m: NudgeMessage, urgency: Urgency, expire: Span, replaces: UInt32) -> (
        ChannelResult, UInt32?
    ) {
        let bus: NotificationBus
        do {
            bus = try NotificationBus()
        } catch let error as BusError {
            return (.unavailable("no session bus: \(error)"), nil)
        } catch {
            return (.unavailable("no session bus: \(error)"), nil)
        }
        let level: UInt8 = urgency == .low ? 0 : urgency == .critical ? 2 : 1
        do {
            let id = try bus.notify(
                summary: m.title, body: body(m), replaces: replaces, actions: [], urgency: level,
                category: "x-nudge.reminder", expire: Int32(clamping: expire.microseconds / 1000))
            return (.sent, id)
        } catch let error as BusError where error.meansNoSession {
            return (.unavailable("no notification server: \(error)"), nil)
        } catch {
            // The bus refused the call: known not shown, worth a retry.
            return (.failed("notification refused: \(error)", retry: true), nil)
        }
    }
}
