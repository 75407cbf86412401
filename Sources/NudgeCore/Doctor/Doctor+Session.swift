import Foundation

extension Doctor {
    /// The session bus, and the notification server on it with its capabilities. When no commitment
    /// uses a desktop channel, what is missing here is only reported, never a failure.
    func examineDesktop(_ config: Config?) -> [DoctorCheck] {
        let used = config.map { c in Self.channelsInUse(c).contains { c.channels[$0]?.kind.name == "desktop" } } ?? true
        let fallback = config?.settings.fallback ?? Defaults.fallback
        let checks = probeDesktop(fallback: fallback)
        guard !used else { return checks }
        return checks.map { c in
            c.status == .ok ? c : .passed(c.check, "not used (no commitment uses a desktop channel); \(c.detail)")
        }
    }

    private func probeDesktop(fallback: String) -> [DoctorCheck] {
        let address =
            environment["DBUS_SESSION_BUS_ADDRESS"] ?? environment["XDG_RUNTIME_DIR"].map { "unix:path=\($0)/bus" }
        let meanwhile = "meanwhile desktop nudges go to \(fallback)"
        let bus: NotificationBus
        do {
            bus = try NotificationBus(timeout: timeout)
        } catch {
            let detail =
                address.map { "cannot connect to \($0): \(error)" }
                ?? "none: DBUS_SESSION_BUS_ADDRESS is unset and there is no $XDG_RUNTIME_DIR/bus"
            return [
                .failed(
                    "session bus", detail,
                    fix: "run nudge inside your desktop session, or export DBUS_SESSION_BUS_ADDRESS; \(meanwhile)"),
                .warning("notification server", "not checked without a session bus"),
            ]
        }
        let place = address ?? "the session bus"
        let capabilities: [String]
        do {
            capabilities = try bus.capabilities()
        } catch let error as BusError {
            // These mean the connection itself broke; anything else is an answer from the bus daemon
            // (no such name) or a server that did not answer.
            let broken = [ECONNRESET, EPIPE, ENOTCONN, ECONNREFUSED, EACCES, EPERM].contains(error.code)
            if broken {
                return [
                    .failed(
                        "session bus", "\(place) refused the connection: \(error)",
                        fix: "check that DBUS_SESSION_BUS_ADDRESS is your session's bus; \(meanwhile)"),
                    .warning("notification server", "not checked without a session bus"),
                ]
            }
            let detail =
                error.code == ETIMEDOUT
                ? "org.freedesktop.Notifications did not answer within \(timeout)"
                : "none answered as org.freedesktop.Notifications (\(error))"
            return [
                .passed("session bus", "connected to \(place)"),
                .failed(
                    "notification server", detail,
                    fix: "start one (dunst, or your desktop's own: apt install dunst); \(meanwhile)"),
            ]
        } catch {
            return [
                .passed("session bus", "connected to \(place)"),
                .failed("notification server", "\(error)", fix: "start one (dunst, or your desktop's own)"),
            ]
        }
        let name = (try? bus.serverInformation()).map { "\($0.name) \($0.version) (\($0.vendor))" } ?? "a server"
        let server: DoctorCheck =
            capabilities.contains("actions")
            ? .passed("notification server", "\(name), has actions: popups get Done / Snooze / Skip")
            : .warning(
                "notification server",
                "\(name) lacks \"actions\": popups carry no buttons and say which nudge command answers them")
        return [.passed("session bus", "connected to \(place)"), server]
    }

    /// The systemd user manager, and what runs nudge: nudge.service, nudge-tick.timer, or a daemon
    /// started by hand. Only asks systemctl; never starts a manager.
    func examineSystemd() -> [DoctorCheck] {
        let daemon = daemonHolder()
        let running = systemctl(["is-system-running"])
        let state = running.out.split(separator: "\n").first.map(String.init) ?? ""
        let noManager =
            "run nudge tick from cron (crontab -e: * * * * * nudge tick), or run nudge daemon yourself"
        let manager: DoctorCheck
        switch state {
        case "running", "starting", "initializing":
            manager = .passed("user manager", "systemd --user is \(state)")
        case "degraded":
            manager = .warning(
                "user manager", "systemd --user is degraded: a user unit failed", fix: "run: systemctl --user --failed")
        case "stopping", "maintenance":
            manager = .warning("user manager", "systemd --user is \(state)")
        default:
            let why =
                running.failure ?? "systemctl --user is-system-running says \"\(state.isEmpty ? "nothing" : state)\""
            if let daemon {
                return [
                    .warning("user manager", "none (\(why)); nudge daemon runs on its own (pid \(daemon))"),
                    .passed("service", "nudge daemon running, pid \(daemon), not under systemd"),
                ]
            }
            return [
                .failed("user manager", "none (\(why))", fix: noManager),
                .warning("service", "no nudge daemon running; fine if cron runs nudge tick"),
            ]
        }
        return [manager, examineService(daemon: daemon)]
    }

    /// nudge.service or nudge-tick.timer, as `systemctl --user is-enabled/is-active` see them.
    private func examineService(daemon: String?) -> DoctorCheck {
        let check = "service"
        func state(_ verb: String, _ unit: String) -> String {
            let r = systemctl([verb, unit])
            // An unknown unit: is-enabled says so on stderr only.
            return r.out.split(separator: "\n").first.map(String.init) ?? (r.timedOut ? "unknown" : "not-found")
        }
        let service = (enabled: state("is-enabled", "nudge.service"), active: state("is-active", "nudge.service"))
        let timer = (enabled: state("is-enabled", "nudge-tick.timer"), active: state("is-active", "nudge-tick.timer"))
        for (unit, s) in [("nudge.service", service), ("nudge-tick.timer", timer)]
        where ["active", "activating", "reloading"].contains(s.active) {
            if s.enabled == "enabled" { return .passed(check, "\(unit) enabled, \(s.active)") }
            return .warning(
                check, "\(unit) \(s.active) but \(s.enabled): it will not start at your next login",
                fix: "run: systemctl --user enable \(unit)")
        }
        if service.active == "failed" || timer.active == "failed" {
            let unit = service.active == "failed" ? "nudge.service" : "nudge-tick.timer"
            return .failed(
                check, "\(unit) failed",
                fix: "see why: journalctl --user -u \(unit) -n 20; then: systemctl --user restart \(unit)")
        }
        if let daemon { return .passed(check, "nudge daemon running, pid \(daemon), outside nudge.service") }
        for (unit, s) in [("nudge.service", service), ("nudge-tick.timer", timer)] where s.enabled == "enabled" {
            return .failed(check, "\(unit) enabled but \(s.active)", fix: "run: systemctl --user start \(unit)")
        }
        for (unit, s) in [("nudge.service", service), ("nudge-tick.timer", timer)] where s.enabled == "masked" {
            return .failed(
                check, "\(unit) is masked",
                fix: "run: systemctl --user unmask \(unit) && systemctl --user enable --now \(unit)")
        }
        for (unit, s) in [("nudge.service", service), ("nudge-tick.timer", timer)]
        where ["disabled", "static", "indirect", "linked"].contains(s.enabled) {
            return .failed(
                check, "\(unit) installed but \(s.enabled)", fix: "run: systemctl --user enable --now \(unit)")
        }
        return .failed(
            check, "neither nudge.service nor nudge-tick.timer is installed",
            fix: "run: nudge install  (or nudge install --timer for a tick each minute)")
    }

    /// The pid of a nudge daemon holding the instance lock, if one does (ticks hold it shared, the daemon
    /// alone exclusively). The lock file is only opened, never created.
    private func daemonHolder() -> String? {
        let path = InstanceLock.path(forStore: storePath)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard flock(fd, LOCK_SH | LOCK_NB) != 0 else {
            flock(fd, LOCK_UN)
            return nil
        }
        return InstanceLock.holder(at: path).flatMap { $0.isEmpty ? nil : $0 } ?? "unknown"
    }

    /// `systemctl --user ARGS` with the timeout: its first output, or why it could not say.
    private func systemctl(_ args: [String]) -> (out: String, failure: String?, timedOut: Bool) {
        let r = Systemctl.user(args, timeout: timeout)
        if r.timedOut { return ("", "systemctl --user did not answer within \(timeout)", true) }
        let out = r.out.trimmingCharacters(in: .whitespacesAndNewlines)
        let err = Self.oneLine(r.err)
        return (out, out.isEmpty && !err.isEmpty ? err : nil, false)
    }
}
