/// Sends a nudge as an email through a sendmail-compatible program (`sendmail -t -i`, `msmtp -t`).
///
/// The program reads the message on stdin and finds the recipients in its To header. What its ending
/// means follows sendmail's conventions: 0 accepted, 75 (EX_TEMPFAIL) try again later, anything else
/// a permanent failure. A program that does not end within the timeout may have queued the mail or
/// not: the result is unknown, and the ledger never sends it again.
public struct EmailChannel: NudgeChannel {
    public var settings: EmailSettings
    /// Where Message-IDs are kept, so follow-ups of one occurrence thread under its first mail.
    public var ledger: (any MessageLedger)?

    /// A mail channel.
    public init(settings: EmailSettings, ledger: (any MessageLedger)?) {
        self.settings = settings
        self.ledger = ledger
    }

    /// Sends one nudge, threaded under the occurrence's first mail.
    public func send(_ message: NudgeMessage, delivery: Delivery) -> ChannelResult {
        let root = (try? ledger?.threadRoot(occurrence: message.occurrence, channel: delivery.channel)) ?? nil
        let id = EmailMessage.makeMessageID(for: message, hostname: settings.hostname)
        let result = Self.send(message, settings: settings, messageID: id, threadRoot: root)
        if result.mayHaveArrived, delivery.row > 0 { try? ledger?.setMessageID(delivery, id) }
        return result
    }

    /// Renders the message and pipes it to the sendmail program.
    ///
    /// - Parameters:
    ///   - messageID: this message's id (``EmailMessage/makeMessageID(for:hostname:)``).
    ///   - threadRoot: the id of the occurrence's first mail, for follow-ups; nil for the first.
    public static func send(_ m: NudgeMessage, settings: EmailSettings, messageID: String, threadRoot: String?)
        -> ChannelResult
    {
        let message = EmailMessage.render(m, settings: settings, messageID: messageID, threadRoot: threadRoot)
        return Subprocess.send(settings.sendmail, input: Array(message.utf8), timeout: settings.timeout)
    }
}
