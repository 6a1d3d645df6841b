import Foundation
import Testing

@testable import JobEngine

@Suite("BLUEPRINT_PERIODIC parsing")
struct PeriodicJobListTests {
    func problems(_ text: String) -> [String] {
        switch PeriodicJobList.parse(text) {
        case .success(let jobs): Issue.record("accepted \(jobs.map(\.name))"); return []
        case .failure(let error): return error.problems
        }
    }

    @Test func fullAndMinimalEntries() throws {
        let text = """
            [{"name": "nightly.report-1", "cron": "0 3 * * *", "time_zone": "America/New_York", "queue": "email_queue",
              "job": {"type": "send_report", "period": "daily", "to": "a/b"}, "user_id": "ops", "missed": "catch_up", "catch_up_max": 3},
             {"name": "tick", "cron": "@hourly", "queue": "q", "job": {"type": "canary"}}]
            """
        let jobs = try PeriodicJobList.parse(text).get()
        #expect(jobs.count == 2)
        #expect(jobs[0].name == "nightly.report-1")
        #expect(jobs[0].timeZone.identifier == "America/New_York")
        #expect(jobs[0].type == "send_report")
        #expect(jobs[0].jobData == #"{"period":"daily","to":"a/b","type":"send_report"}"#)
        #expect(jobs[0].userID == "ops")
        #expect(jobs[0].missedTicks == .catchUp(limit: 3))
        #expect(jobs[0].lastTickKey == "{email_queue}:periodic:nightly.report-1:last")
        #expect(jobs[0].tickKey(5) == "{email_queue}:periodic:nightly.report-1:5")
        #expect(jobs[1].timeZone.identifier == "Asia/Seoul" && jobs[1].timeZoneName == "Asia/Seoul")
        #expect(
            try PeriodicJobList.parse(
                #"[{"name":"u","cron":"@daily","queue":"q","job":{"type":"x"},"time_zone":"UTC"}]"#
            ).get()[0]
            .timeZoneName == "UTC")
        #expect(jobs[1].missedTicks == .skip)
        #expect(jobs[1].userID == nil)
        #expect(try PeriodicJobList.parse("[]").get().isEmpty)
        #expect(
            try PeriodicJobList.parse(
                #"[{"name":"c","cron":"* * * * *","queue":"q","job":{"type":"x"},"missed":"catch_up"}]"#
            ).get()[0]
            .missedTicks == .catchUp(limit: 10))
    }

    @Test(arguments: [
        ("", "not valid JSON"),
        ("{", "not valid JSON"),
        (#"{"name":"x"}"#, "must be a JSON array"),
        ("[1]", "entry 1 is not an object"),
        ("[[]]", "entry 1 is not an object"),
        (#"[{}]"#, "name must be"),
        (#"[{"name":"a b","cron":"* * * * *","queue":"q","job":{"type":"x"}}]"#, "name must be"),
        (#"[{"name":"é","cron":"* * * * *","queue":"q","job":{"type":"x"}}]"#, "name must be"),
        (
            #"[{"name":"a","cron":"* * * *","queue":"q","job":{"type":"x"}}]"#,
            "entry 1 (a): cron expression must have 5 fields"
        ),
        (#"[{"name":"a","cron":5,"queue":"q","job":{"type":"x"}}]"#, "cron must be a string"),
        (
            #"[{"name":"a","cron":"* * * * *","queue":"q","job":{"type":"x"},"time_zone":"Mars/Olympus"}]"#,
            "time_zone must be"
        ),
        (#"[{"name":"a","cron":"* * * * *","queue":"{q}","job":{"type":"x"}}]"#, "queue must be"),
        (#"[{"name":"a","cron":"* * * * *","job":{"type":"x"}}]"#, "queue must be"),
        (#"[{"name":"a","cron":"* * * * *","queue":"q","job":"canary"}]"#, "job must be an object"),
        (#"[{"name":"a","cron":"* * * * *","queue":"q","job":{"kind":"x"}}]"#, "job must be an object"),
        (#"[{"name":"a","cron":"* * * * *","queue":"q","job":{"type":7}}]"#, "job must be an object"),
        (#"[{"name":"a","cron":"* * * * *","queue":"q","job":{"type":"x"},"missed":"later"}]"#, "missed must be"),
        (
            #"[{"name":"a","cron":"* * * * *","queue":"q","job":{"type":"x"},"missed":"catch_up","catch_up_max":0}]"#,
            "catch_up_max must be"
        ),
        (
            #"[{"name":"a","cron":"* * * * *","queue":"q","job":{"type":"x"},"missed":"catch_up","catch_up_max":true}]"#,
            "catch_up_max must be"
        ),
        (
            #"[{"name":"a","cron":"* * * * *","queue":"q","job":{"type":"x"},"catch_up_max":5}]"#,
            "needs \"missed\": \"catch_up\""
        ),
        (#"[{"name":"a","cron":"* * * * *","queue":"q","job":{"type":"x"},"user_id":""}]"#, "user_id must be"),
        (
            #"[{"name":"a","cron":"* * * * *","queue":"q","job":{"type":"x"},"timezone":"UTC"}]"#,
            "unknown key 'timezone'"
        ),
        (
            #"[{"name":"a","cron":"* * * * *","queue":"q","job":{"type":"x"}},{"name":"a","cron":"@daily","queue":"q","job":{"type":"x"}}]"#,
            "entry 2 (a): the name is used twice"
        ),
    ])
    func badEntriesAreReportedClearly(_ text: String, _ expected: String) {
        let problems = self.problems(text)
        #expect(problems.contains { $0.contains(expected) }, "\(problems)")
    }

    @Test func everyBadEntryIsReportedAtOnce() {
        let problems = self.problems(
            #"[{"name":"a","cron":"61 * * * *","queue":"q","job":{"type":"x"}},{"name":"b","cron":"* * * * *","queue":"q"}]"#
        )
        #expect(problems.count == 2)
        #expect(problems[0].hasPrefix("entry 1 (a): minute value"))
        #expect(problems[1].hasPrefix("entry 2 (b): job must be"))
    }

    @Test func oversizeAndHostileInput() {
        #expect(
            self.problems(String(repeating: " ", count: PeriodicJobList.maximumBytes + 1)).first?.contains(
                "larger than") == true)
        let many = "[" + Array(repeating: "{}", count: PeriodicJobList.maximumEntries + 1).joined(separator: ",") + "]"
        #expect(self.problems(many).first?.contains("more than 1000 entries") == true)
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(!self.problems(deep).isEmpty)
        let bigJob =
            #"[{"name":"a","cron":"* * * * *","queue":"q","job":{"type":"x","pad":""#
            + String(repeating: "x", count: 70_000) + #""}}]"#
        #expect(self.problems(bigJob).contains { $0.contains("job is larger than") })
        // A value with control characters is never echoed raw.
        let hostile = self.problems(#"[{"name":"a","cron":"\u001b[31m * * * *","queue":"q","job":{"type":"x"}}]"#)
        #expect(hostile.allSatisfy { !$0.contains("\u{1B}") })
    }
}

@Suite("Periodic ticks: which to enqueue")
struct PeriodicPlanTests {
    func job(_ cron: String, _ missed: MissedTickPolicy) throws -> PeriodicJob {
        PeriodicJob(
            name: "p", schedule: try CronExpression(parsing: cron), timeZone: seoul, queue: "q",
            jobData: #"{"type":"x"}"#,
            type: "x", missedTicks: missed)
    }

    @Test func onTimeTickIsEnqueuedWithEitherPolicy() throws {
        let cursor = ms("2026-11-27T10:00:00+09:00")
        let now = ms("2026-11-27T10:01:00+09:00") + 5
        for policy in [MissedTickPolicy.skip, .catchUp(limit: 5)] {
            let plan = PeriodicScheduler.plan(try self.job("* * * * *", policy), cursor: cursor, now: now)
            #expect(
                plan
                    == .init(
                        enqueue: [ms("2026-11-27T10:01:00+09:00")], newest: ms("2026-11-27T10:01:00+09:00"), dropped: 0)
            )
        }
    }

    @Test func nothingDueNothingPlanned() throws {
        let plan = PeriodicScheduler.plan(
            try self.job("0 3 * * *", .skip), cursor: ms("2026-11-27T03:00:00+09:00"),
            now: ms("2026-11-27T10:00:00+09:00"))
        #expect(plan == .init(enqueue: [], newest: nil, dropped: 0))
    }

    @Test func skipStillEnqueuesATickUpToAMinuteLate() throws {
        let job = try self.job("0 * * * *", .skip)
        let cursor = ms("2026-11-27T09:00:00+09:00")
        let tick = ms("2026-11-27T10:00:00+09:00")
        #expect(PeriodicScheduler.plan(job, cursor: cursor, now: tick + PeriodicScheduler.onTimeGrace).enqueue == [tick])
        #expect(PeriodicScheduler.plan(job, cursor: cursor, now: tick + PeriodicScheduler.onTimeGrace + 1).enqueue == [])
    }

    @Test func afterDowntimeSkipDropsLateTicksAndCatchUpKeepsTheNewest() throws {
        let cursor = ms("2026-11-27T00:00:30+09:00")
        let now = ms("2026-11-27T00:23:00+09:00")
        let skip = PeriodicScheduler.plan(try self.job("*/5 * * * *", .skip), cursor: cursor, now: now)
        #expect(skip == .init(enqueue: [], newest: ms("2026-11-27T00:20:00+09:00"), dropped: 4))
        let catchUp = PeriodicScheduler.plan(try self.job("*/5 * * * *", .catchUp(limit: 3)), cursor: cursor, now: now)
        #expect(catchUp.enqueue == ["00:10", "00:15", "00:20"].map { ms("2026-11-27T\($0):00+09:00") })
        #expect(catchUp.dropped == 1)
        // Downtime longer than the lookback: only ticks within it count.
        let long = PeriodicScheduler.plan(try self.job("0 * * * *", .catchUp(limit: 1000)), cursor: 0, now: now)
        #expect(long.enqueue.count == 7 * 24)
    }
}
