import Foundation

extension CronExpression {
    /// Days searched for the next fire before giving up (9 years: a 29 February on a given
    /// weekday, or across 2100 which is no leap year).
    static let searchDays: Int64 = 366 * 9

    /// The first time after `after` (ms since the epoch, exclusive) at which the expression fires
    /// in `timeZone`, in ms since the epoch (a whole minute); `nil` when it never fires again
    /// within 9 years.
    ///
    /// Daylight saving time:
    /// - A wall time skipped by a gap (spring forward, 02:30 in New York) fires as far past the
    ///   gap as it was into it (03:30, the offset before the gap), once.
    /// - A wall time repeated by an overlap (fall back, 01:30 twice) fires once, at its first
    ///   occurrence.
    public func nextFire(after: Int64, in timeZone: TimeZone) -> Int64? {
        let afterSeconds = Self.floorDiv(after, 1000)
        let offsetThen = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(afterSeconds))))
        let firstDay = Self.floorDiv(afterSeconds + offsetThen, 86_400) - 1
        for day in firstDay..<(firstDay + Self.searchDays) {
            let (_, month, dayOfMonth) = Self.civil(fromDays: day)
            let weekday = Int(((day % 7) + 11) % 7)  // 1970-01-01 was a Thursday (4)
            guard self.matchesDay(month: month, day: dayOfMonth, weekday: weekday) else { continue }
            let resolver = WallTimeResolver(day: day, timeZone: timeZone)
            var gapCandidate: Int64?
            for hour in 0..<24 where self.hours & (1 << hour) != 0 {
                for minute in 0..<60 where self.minutes & (1 << minute) != 0 {
                    let wall = day * 86_400 + Int64(hour * 3600 + minute * 60)
                    // Cheap skip of wall times long before `after` (offsets move by far less than 4 h in a day).
                    if (wall - offsetThen + 4 * 3600) * 1000 <= after { continue }
                    let (instant, skipped) = resolver.instant(wall: wall)
                    if instant * 1000 <= after { continue }
                    if skipped {
                        gapCandidate = min(gapCandidate ?? instant, instant)
                        continue
                    }
                    return min(gapCandidate ?? instant, instant) * 1000
                }
            }
            if let gapCandidate { return gapCandidate * 1000 }
        }
        return nil
    }

    /// The next fires after `after`, at most `limit` of them and none later than `through`.
    public func fires(after: Int64, through: Int64, in timeZone: TimeZone, limit: Int) -> [Int64] {
        var out: [Int64] = []
        var cursor = after
        while out.count < limit, let next = self.nextFire(after: cursor, in: timeZone), next <= through {
            out.append(next)
            cursor = next
        }
        return out
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    static func days(year: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (`civil_from_days`).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// Turns wall times of one day in a time zone into instants (seconds since the epoch).
struct WallTimeResolver {
    let timeZone: TimeZone
    /// The offset valid all day when no transition is near, else `nil` (slow path).
    private let steadyOffset: Int64?

    init(day: Int64, timeZone: TimeZone) {
        self.timeZone = timeZone
        let start = day * 86_400
        let offsets = [start - 86_400, start + 43_200, start + 2 * 86_400].map { Self.offset(timeZone, at: $0) }
        self.steadyOffset = offsets.allSatisfy { $0 == offsets[0] } ? offsets[0] : nil
    }

    /// The instant of `wall` (seconds of the wall time as if it were UTC), and whether the wall time
    /// does not exist (a gap): it then maps to the offset before the gap.
    func instant(wall: Int64) -> (Int64, skipped: Bool) {
        if let steadyOffset { return (wall - steadyOffset, false) }
        let before = Self.offset(self.timeZone, at: wall - 86_400)
        let after = Self.offset(self.timeZone, at: wall + 86_400)
        let valid = Set([before, after]).map { wall - $0 }.filter { Self.offset(self.timeZone, at: $0) == wall - $0 }
        if let first = valid.min() { return (first, false) }
        return (wall - before, true)
    }

    static func offset(_ timeZone: TimeZone, at seconds: Int64) -> Int64 {
        Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
    }
}
