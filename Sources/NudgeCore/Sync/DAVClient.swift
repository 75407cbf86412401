import CCurl
import Foundation

/// Why a sync round could not talk to the server, in words with the fix.
public struct SyncError: Error, Equatable, CustomStringConvertible, LocalizedError {
    public var message: String
    /// The server could not be reached at all (the round is retried later; nothing is lost).
    public var unreachable: Bool

    public init(_ message: String, unreachable: Bool = false) {
        self.message = message
        self.unreachable = unreachable
    }

    public var description: String { message }
    public var errorDescription: String? { message }
}

/// One CalDAV collection of VTODOs, spoken to with libcurl (RFC 4791, 4918): list, read, write with ETags.
public struct DAVClient: Sendable {
    /// The collection's URL, ending in "/".
    public let collection: String
    let credentials: String?
    let caFile: String?
    /// Seconds one request may take in all.
    let timeout: Int

    /// A response: its status, headers (lowercased names) and body.
    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public init(collection: String, username: String?, password: String?, caFile: String?, timeout: Int = 10) {
        self.collection = collection
        credentials = username.map { "\($0):\(password ?? "")" }
        self.caFile = caFile
        self.timeout = timeout
    }

    /// One request; any HTTP status is a response, only a failed exchange throws.
    public func request(_ method: String, _ url: String, headers: [String] = [], body: String = "") throws(SyncError)
        -> Response
    {
        var out = ccurl_response()
        // NUL-terminated, so that even an empty body has an address.
        let bytes = Array(body.utf8CString)
        let result = withCStrings(headers) { list in
            bytes.withUnsafeBufferPointer { b in
                ccurl_perform(
                    method, url, list, headers.count, b.baseAddress, bytes.count - 1, credentials, caFile, timeout,
                    &out)
            }
        }
        defer { ccurl_free(&out) }
        guard result == 0 else {
            let why = withUnsafeBytes(of: out.error) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            throw SyncError("cannot reach \(collection): \(why)", unreachable: true)
        }
        let body = out.body.map { Array(UnsafeRawBufferPointer(start: $0, count: out.body_length)) } ?? []
        let rawHeaders = out.headers.map { String(cString: $0) } ?? ""
        var fields: [String: String] = [:]
        for line in rawHeaders.split(whereSeparator: { $0 == "\r\n" || $0 == "\n" }) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            fields[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Response(status: out.status, headers: fields, body: body)
    }

    /// The absolute URL of an href the server gave (a path on the same host).
    public func url(_ href: String) -> String {
        if href.hasPrefix("http://") || href.hasPrefix("https://") { return href }
        guard let c = URLComponents(string: collection), let scheme = c.scheme, let host = c.host else { return href }
        return "\(scheme)://\(host)\(c.port.map { ":\($0)" } ?? "")\(href)"
    }

    /// The path part of a URL, as hrefs in responses are written.
    func path(_ url: String) -> String { URLComponents(string: url)?.percentEncodedPath ?? url }

    /// Makes sure the collection exists, creating a VTODO calendar when it does not (MKCALENDAR).
    public func ensureCollection() throws(SyncError) {
        let found = try request(
            "PROPFIND", collection, headers: ["Depth: 0", "Content-Type: application/xml; charset=utf-8"],
            body:
                #"<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/></d:prop></d:propfind>"#
        )
        // Some servers (Xandikos) answer 207 for a missing collection, with a 404 inside.
        if found.status == 207 {
            let missing = try xml(found).children(DAVXML.dav, "response").contains {
                $0.child(DAVXML.dav, "status")?.text.contains(" 404") == true
            }
            if !missing { return }
        }
        try check(found, "looking for the collection", allow: [404])
        let made = try request(
            "MKCALENDAR", collection, headers: ["Content-Type: application/xml; charset=utf-8"],
            body: """
                <?xml version="1.0" encoding="utf-8"?>
                <c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop>
                <d:displayname>nudge</d:displayname>
                <c:supported-calendar-component-set><c:comp name="VTODO"/></c:supported-calendar-component-set>
                </d:prop></d:set></c:mkcalendar>
                """)
        try check(made, "creating the collection")
    }

    /// Every resource in the collection with its ETag (PROPFIND, Depth 1), by href.
    public func list() throws(SyncError) -> [String: String] {
        let r = try request(
            "PROPFIND", collection, headers: ["Depth: 1", "Content-Type: application/xml; charset=utf-8"],
            body:
                #"<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>"#
        )
        try check(r, "listing the collection", allow: [207])
        let root = try xml(r)
        var out: [String: String] = [:]
        let own = path(collection)
        for response in root.children(DAVXML.dav, "response") {
            guard let href = response.child(DAVXML.dav, "href")?.text.trimmingCharacters(in: .whitespacesAndNewlines),
                href != own, href.removingPercentEncoding != own.removingPercentEncoding,
                let etag = response.descendants(DAVXML.dav, "getetag").first?.text, !etag.isEmpty
            else { continue }
            out[href] = etag.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return out
    }

    /// The calendar data of some resources (calendar-multiget REPORT), by href, with their ETags.
    public func fetch(_ hrefs: [String]) throws(SyncError) -> [String: (etag: String, data: String)] {
        guard !hrefs.isEmpty else { return [:] }
        let items = hrefs.map { "<d:href>\(DAVXML.escape($0))</d:href>" }.joined()
        let r = try request(
            "REPORT", collection, headers: ["Depth: 1", "Content-Type: application/xml; charset=utf-8"],
            body: """
                <?xml version="1.0" encoding="utf-8"?>
                <c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
                <d:prop><d:getetag/><c:calendar-data/></d:prop>\(items)</c:calendar-multiget>
                """)
        try check(r, "reading what changed", allow: [207])
        var out: [String: (etag: String, data: String)] = [:]
        for response in try xml(r).children(DAVXML.dav, "response") {
            guard let href = response.child(DAVXML.dav, "href")?.text.trimmingCharacters(in: .whitespacesAndNewlines),
                let data = response.descendants(DAVXML.caldav, "calendar-data").first?.text
            else { continue }
            let etag = response.descendants(DAVXML.dav, "getetag").first?.text ?? ""
            out[href] = (etag.trimmingCharacters(in: .whitespacesAndNewlines), data)
        }
        return out
    }

    /// How a conditional write went.
    public enum Written: Sendable, Equatable {
        /// Stored; the new ETag when the server said it.
        case stored(etag: String?)
        /// Someone else changed (or created) it first: read it again.
        case conflict
    }

    /// Writes a resource: `ifMatch` an ETag (replace only that version), or nil (create only if absent).
    public func put(_ href: String, _ ics: String, ifMatch: String?) throws(SyncError) -> Written {
        let condition = ifMatch.map { "If-Match: \($0)" } ?? "If-None-Match: *"
        let r = try request(
            "PUT", url(href), headers: ["Content-Type: text/calendar; charset=utf-8", condition], body: ics)
        if r.status == 412 { return .conflict }
        try check(r, "writing \(href)")
        return .stored(etag: r.headers["etag"])
    }

    /// Deletes a resource, only in the version `ifMatch` names; a resource already gone is fine.
    public func delete(_ href: String, ifMatch: String?) throws(SyncError) -> Written {
        let r = try request("DELETE", url(href), headers: ifMatch.map { ["If-Match: \($0)"] } ?? [])
        if r.status == 412 { return .conflict }
        try check(r, "deleting \(href)", allow: [404])
        return .stored(etag: nil)
    }

    /// Throws for a status outside 2xx (and `allow`), in words that say what to do.
    func check(_ r: Response, _ doing: String, allow: Set<Int> = []) throws(SyncError) {
        if (200..<300).contains(r.status) || allow.contains(r.status) { return }
        switch r.status {
        case 401:
            throw SyncError("the server refused the username or password (401) while \(doing); check [sync]")
        case 403:
            throw SyncError("the server forbids \(doing) (403); is \(collection) yours?")
        case 404:
            throw SyncError("\(collection) does not exist (404) while \(doing); check [sync] url")
        default:
            throw SyncError("the server answered \(r.status) while \(doing)", unreachable: r.status >= 500)
        }
    }

    func xml(_ r: Response) throws(SyncError) -> XMLNode {
        do { return try DAVXML.parse(r.body) } catch {
            throw SyncError("the server's answer is not XML we can read: \(error)")
        }
    }
}

/// Calls `body` with the strings as a C array of C strings (NULL-terminated, so never empty).
private func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> T) -> T {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers = copies.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
}
