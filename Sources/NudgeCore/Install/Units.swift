/// The systemd user units, as packaged in the repository's `systemd/` (with `/usr/bin/nudge`), or
/// pointing at another binary for `nudge install`.
public enum Units {
    /// The unit file names.
    public static let names = ["nudge.service", "nudge-tick.service", "nudge-tick.timer"]

    /// The text of a unit whose ExecStart runs `execStart`.
    public static func text(_ name: String, execStart: String = "/usr/bin/nudge") -> String? {
        switch name {
        case "nudge.service": return service(execStart)
        case "nudge-tick.service": return tickService(execStart)
        case "nudge-tick.timer": return timer
        default: return nil
        }
    }

    static func service(_ execStart: String) -> String {
        #"""
        [Unit]
        Description=nudge: reminders for the promises you make
        After=default.target

        [Service]
        Type=notify
        ExecStart=\#(execStart) daemon
        ExecReload=kill -HUP $MAINPID
        WatchdogSec=60
        Restart=on-failure
        RestartSec=5
        # A broken config is for the user to fix: do not restart in a loop.
        RestartPreventExitStatus=74 78
        # Let a watchdog timeout kill the process instead of the Swift backtracer catching SIGABRT.
        Environment=SWIFT_BACKTRACE=enable=no
        NoNewPrivileges=yes
        LockPersonality=yes
        RestrictRealtime=yes
        RestrictSUIDSGID=yes

        [Install]
        WantedBy=default.target

        """#
    }

    static func tickService(_ execStart: String) -> String {
        #"""
        [Unit]
        Description=nudge: do what is due now

        [Service]
        Type=oneshot
        ExecStart=\#(execStart) tick
        Environment=SWIFT_BACKTRACE=enable=no
        NoNewPrivileges=yes
        LockPersonality=yes
        RestrictRealtime=yes
        RestrictSUIDSGID=yes

        """#
    }

    static let timer = #"""
        [Unit]
        Description=nudge: look for what is due every minute

        [Timer]
        OnCalendar=minutely
        AccuracySec=1s
        Persistent=true

        [Install]
        WantedBy=timers.target

        """#
}
