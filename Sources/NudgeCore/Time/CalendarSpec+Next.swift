extension CalendarSpec {
    /// The first time strictly after `instant` that matches, or nil when the expression never elapses
    /// again ("never").
    ///
    /// The expression is evaluated in its own zone when it names one, on the UTC clock when it ends in
    /// `UTC`, else in `localZone`. Nonexistent local times (spring forward) are skipped and repeated ones
    /// (fall back) fire once, exactly as systemd decides them.
    public func next(after instant: Instant, localZone: Zone) -> Instant? {
        var ignored: Int64?
        if case .at(let t) = nextElapse(after: instant, localZone: localZone, lastConverted: &ignored) { return t }
        return nil
    }

    /// What the search for the next elapse found.
    enum Elapse: Equatable {
        case at(Instant)
        /// Nothing matches any more.
        case never
        /// systemd gives up after 1000 rounds (it reports "Infinite loop in calendar calculation").
        case unresolved
    }

    /// The next elapse, also telling which instant was last converted in `localZone` (nil when the
    /// expression is evaluated on the UTC clock or in a zone of its own, as systemd does elsewhere).
    func nextElapse(after instant: Instant, localZone: Zone, lastConverted: inout Int64?) -> Elapse {
        let zone: Zone?
        if isUTC {
            zone = nil
        } else if let timeZone {
            guard let z = try? Zone.named(timeZone) else { return .never }
            zone = z
        } else {
            zone = localZone
        }
        var clock = GlibcClock(zone: zone)
        let usec = instant.microseconds + 1
        let t = usec.floorDiv(1_000_000)
        var tm = clock.local(t)
        var micro = usec.floorMod(1_000_000)
        let found = findNext(&tm, &micro, clock: &clock)
        defer {
            if !isUTC && timeZone == nil { lastConverted = clock.lastConverted }
        }
        guard found == .at(Instant(microseconds: 0)) else { return found }
        let r = clock.mktime(&tm)
        if r < 0 { return .never }
        return .at(Instant(microseconds: r * 1_000_000 + micro))
    }

    /// Every elapse after `instant`, lazily; at most `limit` of them.
    public func elapses(after instant: Instant, localZone: Zone, limit: Int) -> [Instant] {
        var out: [Instant] = []
        var base = instant
        while out.count < limit, let n = next(after: base, localZone: localZone) {
            out.append(n)
            base = n
        }
        return out
    }

    private static let maxYear: Int64 = 2199

    /// systemd's `find_next`, on `BrokenTime` fields; `.at` (with a placeholder) when `tm` holds the answer.
    private func findNext(_ tm: inout BrokenTime, _ usec: inout Int64, clock: inout GlibcClock) -> Elapse {
        var c = tm
        var micro = usec
        let start = tm
        let startMicro = usec
        // -2 once normalizing has sent us backwards (zones with negative DST, such as Europe/Dublin):
        // from then on, keep the daylight flag mktime found instead of the expression's.
        var dstMode = dst
        for _ in 0..<1000 {
            _ = clock.mktime(&c)
            if dstMode != -2 { c.isDST = dstMode }

            var r = matchComponent(year, &c.year, c, clock: &clock)
            if r > 0 {
                (c.month, c.day, c.hour, c.minute, c.second, micro) = (1, 1, 0, 0, 0, 0)
            }
            if r < 0 { return .never }
            if withinBounds(&c, clock: &clock) <= 0 { return .never }

            r = matchComponent(month, &c.month, c, clock: &clock)
            if r > 0 { (c.day, c.hour, c.minute, c.second, micro) = (1, 0, 0, 0, 0) }
            if r < 0
                || {
                    r = withinBounds(&c, clock: &clock); return r < 0
                }()
            {
                c.year += 1
                (c.month, c.day, c.hour, c.minute, c.second, micro) = (1, 1, 0, 0, 0, 0)
                continue
            }
            if r == 0 { continue }

            r = matchComponent(day, &c.day, c, clock: &clock, isDay: true)
            if r > 0 { (c.hour, c.minute, c.second, micro) = (0, 0, 0, 0) }
            if r < 0
                || {
                    r = withinBounds(&c, clock: &clock); return r < 0
                }()
            {
                c.month += 1
                (c.day, c.hour, c.minute, c.second, micro) = (1, 0, 0, 0, 0)
                continue
            }
            if r == 0 { continue }

            if !matchesWeekday(c, clock: &clock) {
                c.day += 1
                (c.hour, c.minute, c.second, micro) = (0, 0, 0, 0)
                continue
            }

            r = matchComponent(hour, &c.hour, c, clock: &clock)
            if r > 0 { (c.minute, c.second, micro) = (0, 0, 0) }
            if r < 0
                || {
                    r = withinBounds(&c, clock: &clock); return r < 0
                }()
            {
                c.day += 1
                (c.hour, c.minute, c.second, micro) = (0, 0, 0, 0)
                continue
            }
            if r == 0 { continue }

            r = matchComponent(minute, &c.minute, c, clock: &clock)
            if r > 0 { (c.second, micro) = (0, 0) }
            if r < 0
                || {
                    r = withinBounds(&c, clock: &clock); return r < 0
                }()
            {
                c.hour += 1
                (c.minute, c.second, micro) = (0, 0, 0)
                continue
            }
            if r == 0 { continue }

            var s = c.second * 1_000_000 + micro
            r = matchComponent(second, &s, c, clock: &clock)
            micro = s % 1_000_000
            c.second = s / 1_000_000
            if r < 0
                || {
                    r = withinBounds(&c, clock: &clock); return r < 0
                }()
            {
                c.minute += 1
                (c.second, micro) = (0, 0)
                continue
            }
            if r == 0 { continue }

            if Self.isBefore(c, micro, start, startMicro) {
                // Normalizing moved us back before where we started: jump an hour ahead and from now on
                // keep the daylight flag mktime reports (systemd's fix for negative-DST zones).
                c.hour += 1
                dstMode = -2
                continue
            }
            tm = c
            usec = micro
            return .at(Instant(microseconds: 0))
        }
        return .unresolved
    }

    @inline(__always)
    private static func isBefore(_ a: BrokenTime, _ am: Int64, _ b: BrokenTime, _ bm: Int64) -> Bool {
        if a.year != b.year { return a.year < b.year }
        if a.month != b.month { return a.month < b.month }
        if a.day != b.day { return a.day < b.day }
        if a.hour != b.hour { return a.hour < b.hour }
        if a.minute != b.minute { return a.minute < b.minute }
        if a.second != b.second { return a.second < b.second }
        return am < bm
    }

    /// systemd's `find_matching_component`: moves `value` to the earliest match at or after it.
    /// Returns 1 when it moved, 0 when it already matched, -1 when nothing in the field is left.
    @inline(__always)
    private func matchComponent(
        _ chain: [Component], _ value: inout Int64, _ tm: BrokenTime, clock: inout GlibcClock, isDay: Bool = false
    ) -> Int {
        if chain.isEmpty { return 0 }
        let eom = endOfMonth && isDay
        var best: Int64 = -1
        var found = false
        let v = value
        for c in chain {
            var start = Int64(c.start)
            var stop = Int64(c.stop)
            if eom {
                start = endOfMonthDay(tm, Int64(c.start), clock: &clock)
                stop = endOfMonthDay(tm, Int64(c.stop), clock: &clock)
                if stop > 0 { swap(&start, &stop) }
            }
            if start >= v {
                if !found || start < best {
                    best = start
                    found = true
                }
            } else if c.repeats > 0 {
                let rep = Int64(c.repeats)
                let k = start + rep * ((v - start + rep - 1) / rep)
                if (!found || k < best) && (stop < 0 || k <= stop) {
                    best = k
                    found = true
                }
            }
        }
        if !found { return -1 }
        let moved = v != best
        value = best
        return moved ? 1 : 0
    }

    /// systemd's `find_end_of_month`: the day that is `day - 1` days before the month's last.
    private func endOfMonthDay(_ tm: BrokenTime, _ day: Int64, clock: inout GlibcClock) -> Int64 {
        var t = tm
        t.month += 1
        t.day = 1 - day
        let month = tm.month
        if clock.mktime(&t) < 0 { return -1 }
        return t.month != month ? -1 : t.day
    }

    /// systemd's `tm_within_bounds`: 1 when the fields are already normal, 0 when normalizing moved
    /// them forward (they are updated), -1 when out of range or moved backwards.
    @inline(__always)
    private func withinBounds(_ tm: inout BrokenTime, clock: inout GlibcClock) -> Int {
        if tm.year > Self.maxYear { return -1 }
        var t = tm
        _ = clock.mktime(&t)
        let asked = (tm.year, tm.month, tm.day, tm.hour, tm.minute, tm.second)
        let normal = (t.year, t.month, t.day, t.hour, t.minute, t.second)
        if normal == asked { return 1 }
        if normal < asked { return -1 }
        // Moved forward: the field after the first one that changed starts from its lowest value.
        if t.year != tm.year {
            t.month = 1
        } else if t.month != tm.month {
            t.day = 1
        } else if t.day != tm.day {
            t.hour = 0
        } else if t.hour != tm.hour {
            t.minute = 0
        } else if t.minute != tm.minute {
            t.second = 0
        }
        tm = t
        return 0
    }

    @inline(__always)
    private func matchesWeekday(_ tm: BrokenTime, clock: inout GlibcClock) -> Bool {
        if weekdays < 0 || weekdays >= 127 { return true }
        var t = tm
        if clock.mktime(&t) < 0 { return false }
        let k = t.weekday == 0 ? 6 : t.weekday - 1
        return weekdays & (1 << k) != 0
    }
}
