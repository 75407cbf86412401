import Foundation

/// One short message to a person a promise was made to (`--tell`, DESIGN.md §9), in the user's voice:
/// by mail with an email channel's sender and program, or through the person's own command.
///
/// It goes only where the person's `[person.ID]` says, never to a channel's recipients; and nudges never go
/// to a person's address.
public struct PersonMessage: Sendable, Equatable {
    /// The person's id.
    public var person: String
    public var name: String
    public var text: String
    /// Where it goes: the address, or the program.
    public var to: String

    /// Sends the message: mail through the first email channel's `sendmail` (from its `from`), or the
    /// person's command with `{message}` and `{name}` replaced.
    public func send(_ reach: Person.Reach, channels: [String: Channel], now: Instant, zone: Zone) -> ChannelResult {
        switch reach {
        case .email(let address):
            guard let mail = Self.mailer(channels) else {
                return .unavailable("no [channel.NAME] of kind \"email\" gives a sender and a sendmail program")
            }
            let message = render(from: mail.from, to: address, now: now, zone: zone)
            return Subprocess.send(mail.sendmail, input: Array(message.utf8), timeout: mail.timeout)
        case .command(let argv):
            let values = ["message": text, "name": name]
            return Subprocess.send(
                CommandChannel.arguments(argv, values: values), input: [], timeout: Defaults.commandTimeout)
        }
    }

    /// The sender and program mail to people goes with: the first email channel's, by name.
    public static func mailer(_ channels: [String: Channel]) -> (from: String, sendmail: [String], timeout: Span)? {
        channels.values.sorted { $0.name < $1.name }.lazy.compactMap { channel in
            if case .email(_, let from, let sendmail, let timeout) = channel.kind {
                (from, sendmail, timeout)
            } else {
                nil
            }
        }.first
    }

    /// The RFC 5322 message, with every header value cleaned and encoded as a nudge's mail is (no text can
    /// add a header). The subject is the message's first line.
    func render(from: String, to address: String, now: Instant, zone: Zone) -> String {
        let first = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
        var random = SystemRandomNumberGenerator()
        let id = "<nudge.tell.\(String(random.next() as UInt64, radix: 16))@\(ProcessInfo.processInfo.hostName)>"
        let headers = [
            EmailMessage.fold("Date", [EmailMessage.date(now, zone: zone)]),
            EmailMessage.fold("From", EmailMessage.mailbox(from)),
            EmailMessage.fold("To", EmailMessage.addressList(["\(name) <\(address)>"])),
            EmailMessage.fold("Subject", EmailMessage.unstructured(first, name: "Subject")),
            EmailMessage.fold("Message-ID", [EmailMessage.msgID(id, hostname: ProcessInfo.processInfo.hostName)]),
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
        ]
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + EmailMessage.quotedPrintable(text + "\n")
    }
}
