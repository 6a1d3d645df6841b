import Foundation
import Hummingbird
import JobEngine
import RESP
import Testing

@testable import WorkerServer

/// Pure parts of the dashboard API: the stats series, delayed members, the lookup index value.
@Suite("Dashboard data: series, delayed members, index values")
struct StatsSeriesTests {
    @Test func seriesHasEveryMinuteOldestFirstWithTotalsAndPercentiles() {
        var a = MinuteStats(minute: 98)
        a.outcomes = ["succeeded": 10, "dead": 1]
        for _ in 0..<10 { a.wait.add(milliseconds: 80) }
        var b = MinuteStats(minute: 100)
        b.outcomes = ["succeeded": 5, "retried": 2]
        for _ in 0..<10 { b.wait.add(milliseconds: 80) }
        b.run.add(milliseconds: 3)
        let stranger = MinuteStats(minute: 50)  // outside the window: ignored
        let series = QueueStatsSeries(queue: "q", lastMinute: 100, count: 4, parsed: [b, stranger, a])
        #expect(series.minutes.map(\.at) == [97, 98, 99, 100].map { $0 * 60_000 })
        #expect(series.minutes.map(\.succeeded) == [0, 10, 0, 5])
        #expect(series.minutes.map(\.dead) == [0, 1, 0, 0])
        #expect(series.minutes.map(\.retried) == [0, 0, 0, 2])
        #expect(series.totals == ["succeeded": 15, "dead": 1, "retried": 2, "rejected": 0, "deferred": 0])
        #expect(series.wait.count == 20)
        #expect(series.wait.p50 == 75)
        #expect(series.run.count == 1)
        #expect(series.run.p99 == 5)
        let empty = QueueStatsSeries(queue: "q", lastMinute: 100, count: 1, parsed: [])
        #expect(empty.wait.p50 == nil && empty.wait.count == 0)
        #expect(empty.minutes.count == 1)
    }

    @Test func delayedMembersParseAndGarbageNeverCrashes() {
        let good = DelayedJob(
            member: #"["job_data","{\"type\":\"send_email\",\"to\":\"x\"}","job_id","j-1","attempt","3","last_error","smtp down"]"#,
            score: 1_700_000_000_000)
        #expect(good == {
            var job = DelayedJob(member: "", score: 1_700_000_000_000)
            job.jobID = "j-1"
            job.type = "send_email"
            job.attempt = 3
            job.lastError = "smtp down"
            return job
        }())
        #expect(DelayedJob(member: #"["job_data","enc:v1:abc","job_id","j"]"#, score: 1).type == "(encrypted)")
        let hostile = [
            "", "[", "]", "null", "{}", "[1,2]", #"["a"]"#, #"["job_id"]"#, #"["job_id",5]"#, #"[["job_id","x"]]"#,
            String(repeating: "[", count: 100_000), #"["job_data","not json","job_id","k"]"#,
            #"["job_data","{\"type\":5}","job_id","k"]"#, "\u{0}\u{1}", String(repeating: "x", count: 3 << 20),
        ]
        for member in hostile {
            let job = DelayedJob(member: member, score: .nan)
            #expect(job.dueAt == 0)
            #expect(job.type == nil)
        }
        #expect(DelayedJob(member: "", score: .infinity).dueAt == 0)
        #expect(DelayedJob(member: "", score: 1e300).dueAt == 0)
        #expect(DelayedJob(member: #"["job_id",5,"attempt","x"]"#, score: 1).jobID == nil)
        #expect(DelayedJob(member: #"["job_id","k","attempt","x"]"#, score: 1).attempt == nil)
        let longType = DelayedJob(member: #"["job_data","{\"type\":\"\#(String(repeating: "t", count: 1000))\"}"]"#, score: 1)
        #expect(longType.type?.count == 128)
    }

    @Test func zrangeRepliesInBothProtocolsAndGarbage() {
        func bulk(_ s: String) -> RESPValue { .bulkString(ByteBuffer(string: s)) }
        let member = #"["job_id","a"]"#
        let resp2 = RESPValue.array([bulk(member), bulk("1700000000000"), bulk(#"["job_id","b"]"#), bulk("1700000000001")])
        #expect(QueueInspector.delayedJobs(resp2).map(\.jobID) == ["a", "b"])
        let resp3 = RESPValue.array([.array([bulk(member), .double(1_700_000_000_000)])])
        #expect(QueueInspector.delayedJobs(resp3).first?.dueAt == 1_700_000_000_000)
        #expect(QueueInspector.delayedJobs(.null).isEmpty)
        #expect(QueueInspector.delayedJobs(.integer(3)).isEmpty)
        #expect(QueueInspector.delayedJobs(.array([bulk(member)])).isEmpty, "odd flat list: the dangling member is dropped")
        #expect(QueueInspector.delayedJobs(.array([bulk(member), bulk("not a number")])).isEmpty)
    }

    @Test func indexValues() {
        #expect(JobLocator.parseIndex("succeeded 1700000000000-0")! == ("succeeded", "1700000000000-0"))
        for bad in ["", "succeeded", "succeeded ", " 1-0", "dead x-0", "dead 1700000000000", "dead\t1-0"] {
            #expect(JobLocator.parseIndex(bad) == nil, "\(bad.debugDescription)")
        }
    }
}
