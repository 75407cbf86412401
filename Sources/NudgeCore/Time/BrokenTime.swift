/// The fields of a C `struct tm`, with glibc's `mktime`/`localtime` semantics reproduced on a `Zone`.
///
/// systemd computes calendar elapses by editing these fields and letting `mktime` normalize them; what
/// happens at daylight-saving gaps and folds is whatever glibc's `mktime` makes of the edited fields.
/// To give the same answers, the engine runs the same algorithm on the same fields. Months are 1–12
/// here (not 0–11) and years are full years; `isDST` is -1, 0 or 1 as `tm_isdst`.
struct BrokenTime: Equatable {
    var year: Int64
    var month: Int64
    var day: Int64
    var hour: Int64
    var minute: Int64
    var second: Int64
    var isDST: Int = -1
    /// 0 = Sunday; valid after `localtime`/`mktime`.
    var weekday: Int64 = 0

    /// `localtime_r` / `gmtime_r`.
    @inline(__always)
    static func local(_ t: Int64, zone: Zone?) -> BrokenTime {
        guard let zone else { return fields(t, dst: 0) }
        let off = zone.offset(atSeconds: t)
        return fields(t + off.seconds, dst: off.isDaylightSaving ? 1 : 0)
    }

    @inline(__always)
    static func fields(_ l: Int64, dst: Int) -> BrokenTime {
        let days = l.floorDiv(86_400)
        let rest = l - days * 86_400
        let (y, m, d) = CivilDate.date(days: days)
        return BrokenTime(
            year: y, month: m, day: d, hour: rest / 3600, minute: rest / 60 % 60, second: rest % 60, isDST: dst,
            weekday: CivilDate.weekday(days: days))
    }

    /// The fields read as if on the UTC clock, with out-of-range values carried over.
    @inline(__always)
    var localSeconds: Int64 {
        let m0 = month - 1
        let y = year + m0.floorDiv(12)
        let m = m0.floorMod(12) + 1
        return (CivilDate.days(year: y, month: m, day: 1) + day - 1) * 86_400 + hour * 3600 + minute * 60 + second
    }
}

/// glibc's `mktime` on one zone, including the process-wide guess of the last offset it found, which
/// decides how a repeated (fall-back) wall time is read.
struct GlibcClock {
    /// nil means UTC (`timegm`).
    let zone: Zone?
    /// glibc's `localtime_offset`: the UTC offset of the last conversion.
    var lastOffset: Int64 = 0
    /// The last instant converted to local time, which decides glibc's `tzname` afterwards.
    var lastConverted: Int64?

    init(zone: Zone?) {
        self.zone = zone
    }

    /// `mktime` (or `timegm` when the zone is nil): normalizes `tm` in place, returns UTC seconds.
    @inline(__always)
    mutating func mktime(_ tm: inout BrokenTime) -> Int64 {
        guard let zone else {
            let t = tm.localSeconds
            tm = BrokenTime.fields(t, dst: 0)
            return t
        }
        // Far from any transition there is exactly one answer, whatever the guess: take it directly.
        let requested = tm.second
        let sec = min(max(requested, 0), 59)
        tm.second = sec
        let l = tm.localSeconds
        let guess = l - lastOffset
        let span = zone.interval(atSeconds: guess)
        let type = zone.types[span.type]
        let t = l - type.seconds
        if t >= span.start &+ 90_000 && t < span.end &- 90_000
            && (tm.isDST < 0 || (tm.isDST != 0) == type.isDaylightSaving)
        {
            lastOffset = type.seconds
            let r = t + (requested - sec)
            lastConverted = r
            tm = BrokenTime.fields(r + type.seconds, dst: type.isDaylightSaving ? 1 : 0)
            return r
        }
        return slowMktime(&tm, zone: zone, local: l, requested: requested, clamped: sec)
    }

    /// glibc's `__mktime_internal`, step by step.
    private mutating func slowMktime(
        _ tm: inout BrokenTime, zone: Zone, local l: Int64, requested: Int64, clamped sec: Int64
    ) -> Int64 {
        let isdst = tm.isDST
        let t0 = l - lastOffset
        var t = t0
        var t1 = t0
        var t2 = t0
        var probes = 6
        var prevDST = false
        var cur = BrokenTime.local(t, zone: zone)
        while true {
            cur = BrokenTime.local(t, zone: zone)
            let dt = l - cur.localSeconds
            if dt == 0 { break }
            // Oscillating across a gap: settle on the side whose flag differs from the one asked for;
            // when none was asked for, on the daylight-saving side if only one side has it.
            let curDST = cur.isDST != 0
            if t == t1 && t != t2 && (isdst < 0 ? (!prevDST || curDST) : (0 < isdst) != curDST) {
                break
            }
            probes -= 1
            if probes == 0 { return -1 }
            t1 = t2
            t2 = t
            t += dt
            prevDST = curDST
        }
        if Self.isDSTDiffer(isdst, cur.isDST) {
            // Wrong daylight flag: borrow the offset of the nearest time with the requested flag.
            let stride: Int64 = 601_200
            let bound: Int64 = 457_243_200 / 2 + stride
            var found = false
            var delta = stride
            search: while delta < bound {
                for direction: Int64 in [-1, 1] {
                    let ot = t + delta * direction
                    let otm = BrokenTime.local(ot, zone: zone)
                    if !Self.isDSTDiffer(isdst, otm.isDST) {
                        t = ot + (l - otm.localSeconds)
                        cur = BrokenTime.local(t, zone: zone)
                        found = true
                        break search
                    }
                }
                delta += stride
            }
            if !found {
                // No time with that flag nearby: glibc assumes a one-hour difference.
                let difference: Int64 = (isdst == 0 ? 1 : 0) - (cur.isDST == 0 ? 1 : 0)
                t += 3600 * difference
                cur = BrokenTime.local(t, zone: zone)
            }
        }
        lastOffset = l - t
        if requested != sec {
            t += requested - sec
            cur = BrokenTime.local(t, zone: zone)
        }
        tm = cur
        lastConverted = t
        return t
    }

    @inline(__always)
    private static func isDSTDiffer(_ a: Int, _ b: Int) -> Bool {
        (a == 0) != (b == 0) && a >= 0 && b >= 0
    }

    /// `localtime_r` or `gmtime_r`.
    @inline(__always)
    mutating func local(_ t: Int64) -> BrokenTime {
        if zone != nil { lastConverted = t }
        return BrokenTime.local(t, zone: zone)
    }
}
