/// Every default of DESIGN.md §2, in one place.
public enum Defaults {
    public static let channels = ["desktop"]
    public static let fallback = "console"
    public static let catchUp = CatchUp.nudge
    public static let desktopUrgency = Urgency.normal
    /// 0: a notification stays until acted on.
    public static let desktopExpire = Span.zero
    public static let sendmail = ["/usr/sbin/sendmail", "-t", "-i"]
    public static let emailTimeout = Span.seconds(30)
    public static let commandTimeout = Span.seconds(10)
    public static let followUp = Span.minutes(15)
    public static let followUps = 2
    public static let onTime = Span.minutes(30)
    public static let grace = Span.hours(4)
    /// Check-ins (`every`) get a day to be answered.
    public static let checkInGrace = Span.days(1)
    public static let repair = false
    public static let isPrivate = false
    public static let enabled = true
    /// Configs larger than this are refused.
    public static let maxConfigBytes = 1 << 20
    /// Upper bounds beyond which a number is taken for a typo.
    public static let maxFollowUps = 20
    public static let minFollowUp = Span.minutes(1)
    public static let maxSpan = Span.days(366)

    /// The sender when `from` is not set: `$USER@hostname`.
    public static func from(environment: [String: String], hostname: String) -> String {
        "\(environment["USER"] ?? environment["LOGNAME"] ?? "nudge")@\(hostname)"
    }
}
