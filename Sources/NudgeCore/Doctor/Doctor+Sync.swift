extension Doctor {
    /// With [sync]: the password can be read, the server answers and takes the credentials, the collection
    /// is there (or can be made by the first `nudge sync`). Reads only; nothing is written to the server.
    func examineSync(_ config: Config?) -> [DoctorCheck] {
        guard let settings = config?.sync else { return [] }
        let check = "sync"
        let client: DAVClient
        do {
            client = try settings.client(environment: environment)
        } catch {
            return [
                .failed(check, error.message, fix: "make the password readable as [sync] says, then \(nudge("sync"))")
            ]
        }
        do {
            let r = try client.request(
                "PROPFIND", settings.url, headers: ["Depth: 0", "Content-Type: application/xml; charset=utf-8"],
                body:
                    #"<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/></d:prop></d:propfind>"#
            )
            switch r.status {
            case 207 where !r.text.contains(" 404 "):
                return [.passed(check, "\(settings.url) answers and takes the credentials of \(settings.username)")]
            case 207, 404:
                return [
                    .warning(
                        check, "\(settings.url) does not exist yet; the first round makes it",
                        fix: nudge("sync"))
                ]
            case 401:
                return [
                    .failed(
                        check, "\(settings.url) refuses the username or password (401)",
                        fix: "check username and the password in [sync]")
                ]
            default:
                return [.failed(check, "\(settings.url) answered \(r.status)", fix: "check [sync] url")]
            }
        } catch {
            return [
                .failed(
                    check, error.message,
                    fix: "check that the server is up and [sync] url is right; answers wait meanwhile")
            ]
        }
    }
}
