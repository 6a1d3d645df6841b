import Testing

@testable import JobEngine

@Suite("run_at / delay_ms fields")
struct DueTimeTests {
    let now: Int64 = 1_790_000_000_000

    func due(_ fields: [String: String], id: String = "1790000000000-0", enqueuedAt: Int64? = nil) throws(JobError)
        -> Int64?
    {
        try DueTime.parse(fields: fields, entryID: id, enqueuedAt: enqueuedAt, now: self.now)
    }

    @Test func absentOrEmptyMeansNow() throws {
        #expect(try self.due([:]) == nil)
        #expect(try self.due(["job_data": "{}"]) == nil)
        #expect(try self.due(["run_at": "", "delay_ms": ""]) == nil)
    }

    @Test func runAtIsAbsolute() throws {
        #expect(try self.due(["run_at": "1790000060000"]) == 1_790_000_060_000)
        // In the past: returned as is (the consumer runs it at once).
        #expect(try self.due(["run_at": "1700000000000"]) == 1_700_000_000_000)
        #expect(try self.due(["run_at": String(now + DueTime.maximumAhead)]) == now + DueTime.maximumAhead)
    }

    @Test func delayIsFromEnqueuedAtElseTheEntryID() throws {
        #expect(try self.due(["delay_ms": "5000"], enqueuedAt: 1_789_999_999_000) == 1_790_000_004_000)
        #expect(try self.due(["delay_ms": "5000"], id: "1789999990000-7") == 1_789_999_995_000)
        #expect(try self.due(["delay_ms": "0"], id: "1789999990000-7") == 1_789_999_990_000)
        // No usable base: from now.
        #expect(try self.due(["delay_ms": "5000"], id: "weird") == now + 5000)
    }

    @Test(arguments: [
        (["run_at": "soon"], "run_at must be a whole number"),
        (["run_at": "-1"], "run_at must be a whole number"),
        (["run_at": "1.5e12"], "run_at must be a whole number"),
        (["run_at": " 1790000060000"], "run_at must be a whole number"),
        (["run_at": "1790000060"], "seconds given"),
        (["run_at": "0"], "seconds given"),
        (["run_at": "99999999999999999999999999"], "26 characters"),
        (["run_at": "999999999999999999"], "more than 366 days"),
        (["run_at": String(1_790_000_000_000 + DueTime.maximumAhead + 1)], "more than 366 days"),
        (["delay_ms": "-5"], "delay_ms must be a whole number"),
        (["delay_ms": "5s"], "delay_ms must be a whole number"),
        (["delay_ms": "31708800001"], "more than 366 days"),
        (["delay_ms": "\u{0}\u{1B}[2J"], "delay_ms must be a whole number"),
        (["run_at": "1790000060000", "delay_ms": "5"], "not both"),
    ])
    func badValuesAreClearPermanentErrors(_ fields: [String: String], _ expected: String) {
        do {
            _ = try self.due(fields)
            Issue.record("accepted \(fields)")
        } catch {
            #expect(error.kind == .permanent)
            #expect(error.message.contains(expected), "\(error.message)")
            #expect(!error.message.contains("\u{1B}"))
        }
    }
}
