extension Zone {
    /// Reads TZif data (RFC 8536), version 1 to 4, using the 64-bit part and footer when present.
    convenience init(name: String, tzif bytes: [UInt8], path: String) throws(ZoneError) {
        var reader = TZifReader(bytes: bytes)
        guard let header = reader.header() else { throw .unreadable(path, "not TZif data") }
        var table = header
        var is64 = false
        if header.version >= 2 {
            guard reader.skip(header.v1BlockSize), let h2 = reader.header() else {
                throw .unreadable(path, "truncated")
            }
            table = h2
            is64 = true
        }
        let width = is64 ? 8 : 4
        var transitions: [Int64] = []
        transitions.reserveCapacity(table.timecnt)
        for _ in 0..<table.timecnt {
            guard let t = is64 ? reader.int64() : reader.int32().map(Int64.init) else {
                throw .unreadable(path, "truncated")
            }
            transitions.append(t)
        }
        var indices: [Int] = []
        for _ in 0..<table.timecnt {
            guard let i = reader.byte(), Int(i) < table.typecnt else { throw .unreadable(path, "bad type index") }
            indices.append(Int(i))
        }
        var raw: [(Int64, Bool, Int)] = []
        for _ in 0..<table.typecnt {
            guard let off = reader.int32(), let dst = reader.byte(), let abbr = reader.byte() else {
                throw .unreadable(path, "truncated")
            }
            raw.append((Int64(off), dst != 0, Int(abbr)))
        }
        guard let slice = reader.bytes(table.charcnt) else { throw .unreadable(path, "truncated") }
        let chars = Array(slice)
        let types = raw.map { (off, dst, at) -> ZoneOffset in
            let tail = at < chars.count ? chars[at...] : []
            let name = String(decoding: tail.prefix(while: { $0 != 0 }), as: UTF8.self)
            return ZoneOffset(seconds: off, isDaylightSaving: dst, abbreviation: name)
        }
        _ = reader.skip(table.leapcnt * (width + 4) + table.isstdcnt + table.isutcnt)
        var rule: ZoneRule? = nil
        if is64, let footer = reader.footer(), !footer.isEmpty {
            rule = ZoneRule(footer)
        }
        self.init(name: name, transitions: transitions, transitionTypes: indices, types: types, rule: rule)
    }
}

/// A cursor over TZif bytes.
private struct TZifReader {
    struct Header {
        var version: Int
        var isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt: Int
        var v1BlockSize: Int {
            timecnt * 5 + typecnt * 6 + charcnt + leapcnt * 8 + isstdcnt + isutcnt
        }
    }

    let bytes: [UInt8]
    var at = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func header() -> Header? {
        guard at + 44 <= bytes.count, bytes[at..<at + 4].elementsEqual("TZif".utf8) else { return nil }
        let v = bytes[at + 4]
        at += 20
        var counts: [Int] = []
        for _ in 0..<6 {
            guard let c = int32(), c >= 0 else { return nil }
            counts.append(Int(c))
        }
        return Header(
            version: v == 0 ? 1 : Int(v) - 48, isutcnt: counts[0], isstdcnt: counts[1], leapcnt: counts[2],
            timecnt: counts[3], typecnt: counts[4], charcnt: counts[5])
    }

    mutating func skip(_ n: Int) -> Bool {
        guard at + n <= bytes.count else { return false }
        at += n
        return true
    }

    mutating func byte() -> UInt8? {
        guard at < bytes.count else { return nil }
        defer { at += 1 }
        return bytes[at]
    }

    mutating func bytes(_ n: Int) -> ArraySlice<UInt8>? {
        guard at + n <= bytes.count else { return nil }
        defer { at += n }
        return bytes[at..<at + n]
    }

    mutating func int32() -> Int32? {
        guard let b = bytes(4) else { return nil }
        return b.reduce(Int32(0)) { ($0 << 8) | Int32($1) }
    }

    mutating func int64() -> Int64? {
        guard let b = bytes(8) else { return nil }
        return b.reduce(Int64(0)) { ($0 << 8) | Int64($1) }
    }

    /// The newline-enclosed POSIX TZ string after the 64-bit data.
    mutating func footer() -> String? {
        guard byte() == 10 else { return nil }
        let rest = bytes[at...]
        guard let end = rest.firstIndex(of: 10) else { return nil }
        return String(decoding: rest[..<end], as: UTF8.self)
    }
}
