import Foundation
import Testing

@testable import JobEngine

/// ms since the epoch of an ISO 8601 time with its offset.
func ms(_ iso: String) -> Int64 {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    guard let date = formatter.date(from: iso) else { fatalError("bad test time \(iso)") }
    return Int64(date.timeIntervalSince1970 * 1000)
}

/// `ms` in `zone`, as ISO 8601 with the zone's offset (what the assertions compare).
func iso(_ ms: Int64?, _ zone: String) -> String? {
    guard let ms else { return nil }
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: zone)!
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(ms) / 1000))
}

let seoul = TimeZone(identifier: "Asia/Seoul")!
let newYork = TimeZone(identifier: "America/New_York")!

@Suite("Cron expressions: parsing")
struct CronParsingTests {
    func bits(_ values: some Sequence<Int>) -> UInt64 { values.reduce(0) { $0 | (1 << UInt64($1)) } }

    @Test(
        arguments: [
            ("* * * * *", Array(0...59), Array(0...23), Array(1...31), Array(1...12), Array(0...6)),
            ("*/15 9-17 * * MON-FRI", [0, 15, 30, 45], Array(9...17), Array(1...31), Array(1...12), [1, 2, 3, 4, 5]),
            ("0,30 */6 1,15 JAN,jul sun", [0, 30], [0, 6, 12, 18], [1, 15], [1, 7], [0]),
            ("10-20/5 23 31 2-3 7", [10, 15, 20], [23], [31], [2, 3], [0]),
            ("0 12 * * 0,7", [0], [12], Array(1...31), Array(1...12), [0]),
            ("7/30 1/12 10/10 11/1 5/1", [7, 37], [1, 13], [10, 20, 30], [11, 12], [5, 6]),
            ("59 23 31 12 6", [59], [23], [31], [12], [6]),
            ("  1   2\t3 4 5  ", [1], [2], [3], [4], [5]),
        ] as [(String, [Int], [Int], [Int], [Int], [Int])])
    func fieldsExpand(_ text: String, _ minutes: [Int], _ hours: [Int], _ doms: [Int], _ months: [Int], _ dows: [Int])
        throws
    {
        let cron = try CronExpression(parsing: text)
        #expect(cron.minutes == bits(minutes))
        #expect(cron.hours == bits(hours))
        #expect(cron.daysOfMonth == bits(doms))
        #expect(cron.months == bits(months))
        #expect(cron.daysOfWeek == bits(dows))
    }

    @Test(arguments: [
        ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"), ("@weekly", "0 0 * * 0"),
        ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"), ("@HOURLY", "0 * * * *"),
    ])
    func macros(_ macro: String, _ expanded: String) throws {
        let a = try CronExpression(parsing: macro)
        let b = try CronExpression(parsing: expanded)
        #expect(
            a.minutes == b.minutes && a.hours == b.hours && a.daysOfMonth == b.daysOfMonth && a.months == b.months
                && a.daysOfWeek == b.daysOfWeek)
        #expect(a.source == macro)
    }

    @Test(arguments: [
        ("", "empty"),
        ("   ", "empty"),
        ("* * * *", "5 fields"),
        ("* * * * * *", "5 fields"),
        ("60 * * * *", "out of range"),
        ("* 24 * * *", "out of range"),
        ("* * 0 * *", "out of range"),
        ("* * 32 * *", "out of range"),
        ("* * * 13 *", "out of range"),
        ("* * * 0 *", "out of range"),
        ("* * * * 8", "out of range"),
        ("-1 * * * *", "empty value"),
        ("5-2 * * * *", "reversed"),
        ("*/0 * * * *", "step"),
        ("*/61 * * * *", "step"),
        ("*/99999999999999999999999 * * * *", "step"),
        ("99999999999999999999 * * * *", "out of range"),
        ("1,,2 * * * *", "empty list item"),
        (",* * * * *", "empty list item"),
        ("1/2/3 * * * *", "more than one '/'"),
        ("1-2-3 * * * *", "more than one '-'"),
        ("a * * * *", "not a number"),
        ("* * * FOO *", "not a number or a name"),
        ("* * * * FUNDAY", "not a number or a name"),
        ("* * * JAN-FOO *", "not a number or a name"),
        ("* * * * MON-", "empty value"),
        ("@reboot", "unknown cron macro"),
        ("@every 5m", "unknown cron macro"),
        ("0 0 30 2 *", "never occurs"),
        ("0 0 31 4,6,9,11 *", "never occurs"),
        ("*/x * * * *", "not a number"),
        ("１ * * * *", "not a number"),
        ("* * * * *\u{0}", "not a number"),
        ("?* * * * *", "not a number"),
        ("L * * * *", "not a number"),
    ])
    func garbageIsRejectedClearly(_ text: String, _ expected: String) {
        do {
            _ = try CronExpression(parsing: text)
            Issue.record("accepted \(text.debugDescription)")
        } catch {
            #expect(error.message.contains(expected), "\(text.debugDescription): \(error.message)")
            #expect(error.message.utf8.count < 200)
        }
    }

    @Test func oversizeAndHostileInputNeverCrash() {
        #expect(throws: CronSyntaxError.self) {
            try CronExpression(parsing: String(repeating: "1,", count: 200) + "1 * * * *")
        }
        #expect(throws: CronSyntaxError.self) { try CronExpression(parsing: String(repeating: "*", count: 100_000)) }
        // A long but legal list is fine.
        #expect((try? CronExpression(parsing: (0...59).map(String.init).joined(separator: ",") + " * * * *")) != nil)
        // Random bytes: parse or a clear error, never a trap.
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789*/-, @LWJANMONSUN\t\u{0}é")
        for _ in 0..<2000 {
            let text = String(
                (0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            if let cron = try? CronExpression(parsing: text) {
                _ = cron.nextFire(after: ms("2026-11-27T00:00:00Z"), in: seoul)
            }
        }
    }

    @Test func errorsQuoteOnlyAShortSanitisedPiece() {
        do {
            _ = try CronExpression(parsing: "\u{1B}[31m" + String(repeating: "x", count: 100) + " * * * *")
        } catch {
            #expect(!error.message.contains("\u{1B}"))
            #expect(error.message.utf8.count < 120)
        }
    }
}

@Suite("Cron expressions: next fire")
struct CronNextFireTests {
    func next(_ cron: String, after: String, _ zone: TimeZone = seoul) throws -> String? {
        iso(try CronExpression(parsing: cron).nextFire(after: ms(after), in: zone), zone.identifier)
    }

    @Test(arguments: [
        ("* * * * *", "2026-11-27T10:00:00+09:00", "2026-11-27T10:01:00+09:00"),
        ("* * * * *", "2026-11-27T10:00:59+09:00", "2026-11-27T10:01:00+09:00"),
        ("0 3 * * *", "2026-11-27T02:59:59+09:00", "2026-11-27T03:00:00+09:00"),
        ("0 3 * * *", "2026-11-27T03:00:00+09:00", "2026-11-28T03:00:00+09:00"),
        ("30 9 * * MON", "2026-11-27T10:00:00+09:00", "2026-11-30T09:30:00+09:00"),  // a Friday -> Monday
        ("0 0 1 * *", "2026-12-15T00:00:00+09:00", "2027-01-01T00:00:00+09:00"),
        ("0 0 29 2 *", "2026-03-01T00:00:00+09:00", "2028-02-29T00:00:00+09:00"),
        ("@yearly", "2026-11-27T00:00:00+09:00", "2027-01-01T00:00:00+09:00"),
        ("*/20 23 31 12 *", "2026-12-31T23:41:00+09:00", "2027-12-31T23:00:00+09:00"),
        // Vixie OR: both day fields restricted -> the 13th OR any Friday.
        ("0 0 13 * FRI", "2026-11-27T00:00:00+09:00", "2026-12-04T00:00:00+09:00"),
        ("0 0 13 * FRI", "2026-12-05T00:00:00+09:00", "2026-12-11T00:00:00+09:00"),
        ("0 0 13 * FRI", "2026-12-11T00:00:00+09:00", "2026-12-13T00:00:00+09:00"),
        // Day-of-week starred (even with a step) -> AND: the 13th that is a Sunday, Tuesday, Thursday or Saturday.
        ("0 0 13 * */2", "2026-11-27T00:00:00+09:00", "2026-12-13T00:00:00+09:00"),
        ("0 0 * * 7", "2026-11-27T00:00:00+09:00", "2026-11-29T00:00:00+09:00"),
    ])
    func inSeoul(_ cron: String, _ after: String, _ expected: String) throws {
        #expect(try self.next(cron, after: after) == expected)
    }

    @Test func theZoneMatters() throws {
        let cron = try CronExpression(parsing: "0 9 * * *")
        let after = ms("2026-11-27T00:00:00Z")
        #expect(iso(cron.nextFire(after: after, in: seoul), "UTC") == "2026-11-28T00:00:00Z")
        #expect(iso(cron.nextFire(after: after, in: newYork), "UTC") == "2026-11-27T14:00:00Z")
        #expect(iso(cron.nextFire(after: after, in: TimeZone(identifier: "UTC")!), "UTC") == "2026-11-27T09:00:00Z")
        #expect(
            iso(cron.nextFire(after: after, in: TimeZone(identifier: "Asia/Kolkata")!), "UTC") == "2026-11-27T03:30:00Z"
        )
    }

    @Test func springForwardGapFiresOncePastTheGap() throws {
        // New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT.
        #expect(try self.next("30 2 * * *", after: "2026-03-08T00:00:00-05:00", newYork) == "2026-03-08T03:30:00-04:00")
        #expect(try self.next("30 2 * * *", after: "2026-03-08T03:30:00-04:00", newYork) == "2026-03-09T02:30:00-04:00")
        // Every 15 minutes through the gap: 01:45 EST, then 03:00 EDT (02:xx do not exist; 02:00 -> 03:00 once).
        let cron = try CronExpression(parsing: "*/15 * * * *")
        let fires = cron.fires(
            after: ms("2026-03-08T01:30:00-05:00"), through: ms("2026-03-08T03:30:00-04:00"), in: newYork, limit: 20)
        #expect(
            fires.map { iso($0, "America/New_York")! } == [
                "2026-03-08T01:45:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-08T03:15:00-04:00",
                "2026-03-08T03:30:00-04:00",
            ])
        #expect(fires == fires.sorted() && Set(fires).count == fires.count)
    }

    @Test func fallBackOverlapFiresOnce() throws {
        // New York, 2026-11-01: 02:00 EDT goes back to 01:00 EST; 01:30 happens twice.
        let cron = try CronExpression(parsing: "30 1 * * *")
        let first = cron.nextFire(after: ms("2026-11-01T00:00:00-04:00"), in: newYork)
        #expect(iso(first, "America/New_York") == "2026-11-01T01:30:00-04:00")
        #expect(iso(cron.nextFire(after: first!, in: newYork), "America/New_York") == "2026-11-02T01:30:00-05:00")
        // Asked during the second 01:xx hour: not again that day.
        #expect(try self.next("30 1 * * *", after: "2026-11-01T01:10:00-05:00", newYork) == "2026-11-02T01:30:00-05:00")
        // Hourly across the overlap: strictly increasing, no duplicates.
        let hourly = try CronExpression(parsing: "0 * * * *")
        let fires = hourly.fires(
            after: ms("2026-11-01T00:30:00-04:00"), through: ms("2026-11-01T04:00:00-05:00"), in: newYork, limit: 10)
        #expect(fires == fires.sorted() && Set(fires).count == fires.count)
        #expect(fires.first.map { iso($0, "America/New_York")! } == "2026-11-01T01:00:00-04:00")
        #expect(fires.last.map { iso($0, "America/New_York")! } == "2026-11-01T04:00:00-05:00")
    }

    @Test func seoulHasNoDSTAndMinutesAreWhole() throws {
        let cron = try CronExpression(parsing: "* * * * *")
        let fires = cron.fires(
            after: ms("2026-11-27T23:58:30+09:00"), through: ms("2026-11-28T00:02:00+09:00"), in: seoul, limit: 10)
        #expect(
            fires.map { iso($0, "Asia/Seoul")! } == [
                "2026-11-27T23:59:00+09:00", "2026-11-28T00:00:00+09:00", "2026-11-28T00:01:00+09:00",
                "2026-11-28T00:02:00+09:00",
            ])
        #expect(fires.allSatisfy { $0 % 60_000 == 0 })
    }

    @Test func civilDatesRoundTrip() {
        for day in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            let (y, m, d) = CronExpression.civil(fromDays: day)
            #expect(CronExpression.days(year: y, month: m, day: d) == day)
        }
        #expect(CronExpression.days(year: 1970, month: 1, day: 1) == 0)
        #expect(CronExpression.days(year: 2000, month: 3, day: 1) == 11_017)
    }
}
