import Foundation

/// The commented starter config `nudge init` writes; the same text as `Config/nudge.example.toml`.
public enum StarterConfig {
    /// The file's contents.
    public static let text = #"""
        # nudge — your promises, and when to be reminded of them.
        #
        # This file lives at ~/.config/nudge/config.toml (or $XDG_CONFIG_HOME/nudge/config.toml, or wherever
        # $NUDGE_CONFIG or --config points). Check it with `nudge check`; see when something falls due with
        # `nudge calendar 'Sun 19:00'`. Every key below is shown with its default unless it says otherwise.

        [settings]
        # The zone your times are read in (default: the system's, from TZ or /etc/localtime).
        # timezone = "Europe/Berlin"
        # Nudges falling in [start, end) wait until it ends; critical ones come anyway (default: none).
        # quiet_hours = "22:30-07:30"
        # Where every commitment's nudges go unless it names its own channels.
        channels = ["desktop"]
        # Used in place of a channel that is unavailable (no desktop session, no sendmail).
        fallback = "console"
        # After the machine was off or asleep: "nudge" sends one "while you were away" digest;
        # "miss" records what ran past its grace as missed.
        catch_up = "nudge"

        # "desktop" and "console" exist without a table; a table tunes them.
        [channel.desktop]
        kind = "desktop"
        # low | normal | critical
        urgency = "normal"
        # How long a notification stays up; "0" keeps it until you act on it.
        expire = "0"

        [channel.console]
        kind = "console"

        # An email channel (not used by default: name it in `channels` to use it).
        [channel.mail]
        kind = "email"
        # Required: who gets the mail.
        to = ["me@example.org"]
        # Default: $USER@hostname.
        from = "me@example.org"
        # Any sendmail-compatible program, as an argument list (default ["/usr/sbin/sendmail", "-t", "-i"]).
        sendmail = ["/usr/sbin/sendmail", "-t", "-i"]
        timeout = "30s"

        # A command channel: an argument list, never a shell. {title} {when} {id} {kind} {with} {note}
        # are filled in; put "--" before them, since a title may begin with "-".
        [channel.phone]
        kind = "command"
        command = ["notify-send", "--app-name=nudge", "--", "{title}", "{when}"]
        timeout = "10s"

        # A recurring promise, at systemd calendar times.
        [[commitment]]
        # Lowercase letters, digits and "-"; what `nudge done` takes.
        id = "call-mom"
        title = "Call Mom"
        # Optional: who the promise is to; reports group by it.
        with = "Mom"
        # A systemd OnCalendar expression (or an array of them); a trailing zone is honoured.
        when = "Sun 19:00"
        # Optional: a reminder this long before it is due (default: none).
        remind_before = "15m"
        # While unanswered, nudge again this often after the due time...
        follow_up = "15m"
        # ...at most this many times.
        follow_ups = 2
        # Done within this of the due time counts as on time.
        on_time = "30m"
        # Unanswered this long after it was due (and after you were first told), it counts as missed.
        grace = "4h"
        # low | normal | critical (default: each channel's own); critical ignores quiet hours.
        urgency = "normal"
        # After a miss, one nudge suggesting a make-up: `nudge repair call-mom --at 'tomorrow 19:00'`.
        repair = true
        # true: notifications, mail subjects and logs say only "A promise is due".
        private = false
        # false: no new occurrences; the history is kept.
        enabled = true
        # Replaces [settings] channels for this promise; every listed channel gets every nudge.
        channels = ["desktop"]
        # Shown with the nudge.
        note = "Ask how the knee is"

        # A one-off promise.
        [[commitment]]
        id = "return-book"
        title = "Bring back Alex's book"
        with = "Alex"
        once = "2030-12-01 19:00"

        # A check-in cadence: due three days after the last one was done, at the first 20:00 from then.
        # Check-ins get a day of grace by default.
        [[commitment]]
        id = "partner-checkin"
        title = "Ask Sam: how safe do you feel with us right now?"
        with = "Sam"
        every = "3d"
        at = "20:00"
        grace = "1d"

        """#
}

extension StarterConfig {
    /// Why the starter config was not written.
    public enum WriteError: Error, CustomStringConvertible {
        /// There is a config already (and it was not to be replaced).
        case exists(String)
        case cannotWrite(String)

        public var description: String {
            switch self {
            case .exists(let path): return "\(path) already exists; use --force to replace it"
            case .cannotWrite(let why): return why
            }
        }
    }

    /// Writes the starter config at `path` (0600, its directory 0700), through a file renamed into
    /// place, so a config is never half written.
    public static func write(to path: String, replace: Bool) throws(WriteError) {
        let fm = FileManager.default
        if fm.fileExists(atPath: path) && !replace { throw .exists(path) }
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty && !fm.fileExists(atPath: dir) {
            do {
                try fm.createDirectory(
                    atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw .cannotWrite("cannot create \(dir): \(error.localizedDescription)")
            }
        }
        let tmp = path + ".tmp-\(getpid())"
        guard fm.createFile(atPath: tmp, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw .cannotWrite("cannot write \(tmp): \(String(cString: strerror(errno)))")
        }
        guard rename(tmp, path) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(tmp)
            throw .cannotWrite("cannot write \(path): \(why)")
        }
    }
}
