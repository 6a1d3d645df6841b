import NIOCore
import RESP
import RedisClient
import Testing

@testable import JobEngine

@Suite("Priority lanes: planning and parsing")
struct LaneUnitTests {
    private func bulk(_ text: String) -> RESPValue { .bulkString(ByteBuffer(string: text)) }
    private func entry(_ id: String, _ fields: [String]) -> RESPValue {
        .array([self.bulk(id), .array(fields.map(self.bulk))])
    }

    @Test func priorityParsesOnlyTheThreeWireNames() {
        #expect(JobPriority(field: "critical") == .critical)
        #expect(JobPriority(field: "default") == .default)
        #expect(JobPriority(field: "bulk") == .bulk)
        for hostile in ["CRITICAL", " critical", "", "urgent", "critical\u{0}", String(repeating: "x", count: 100_000)]
        {
            #expect(JobPriority(field: hostile) == nil)
        }
        #expect(JobPriority(field: nil) == nil)
    }

    @Test func laneStreamsShareTheQueueSlot() {
        let keys = QueueKeys(queue: "email_queue", group: "email_workers")
        #expect(keys.stream(for: .default) == "email_queue")
        #expect(keys.stream(for: .critical) == "{email_queue}:critical")
        #expect(keys.stream(for: .bulk) == "{email_queue}:bulk")
        #expect(keys.laneStreams == ["{email_queue}:critical", "email_queue", "{email_queue}:bulk"])
    }

    @Test func laneEntryKeysRoundTripAndKeepDefaultIDsPlain() {
        for lane in JobPriority.allCases {
            let entry = LaneEntry(lane: lane, id: "1700000000000-7")
            #expect(LaneEntry(key: entry.key) == entry)
        }
        #expect(LaneEntry(lane: .default, id: "1-0").key == "1-0")
        #expect(LaneEntry(lane: .bulk, id: "1-0").key == "bulk:1-0")
        // Anything without a known lane prefix is read as a default entry ID, never a crash.
        for odd in ["", ":", "default:1-0", "urgent:1-0", "critical", "critical:"] {
            _ = LaneEntry(key: odd)
        }
        #expect(LaneEntry(key: "default:1-0") == LaneEntry(lane: .default, id: "default:1-0"))
        #expect(LaneEntry(key: "critical:") == LaneEntry(lane: .critical, id: ""))
        let grouped = LaneEntry.group(["1-0", "bulk:2-0", "critical:3-0", "4-0"])
        #expect(grouped.map(\.lane) == [.critical, .default, .bulk])
        #expect(grouped.map(\.ids) == [["3-0"], ["1-0", "4-0"], ["2-0"]])
    }

    @Test func weightsAreClamped() {
        let weights = LaneWeights(defaultShare: 2, bulkShare: -1)
        #expect(weights.defaultShare == 0.5 && weights.bulkShare == 0)
        #expect(LaneWeights(defaultShare: .nan, bulkShare: .infinity) == LaneWeights(defaultShare: 0, bulkShare: 0.5))
    }

    @Test func plannerGivesLowerLanesTheirSharesOverManyRounds() {
        var planner = LanePlanner(weights: .standard)
        var defaultSlots = 0
        var bulkSlots = 0
        // One free slot per round, every lane backed up (each takes all it is granted).
        for _ in 0..<1000 {
            let plan = planner.plan(room: 1)
            #expect(plan.defaultMinimum + plan.bulkMinimum <= 1)
            defaultSlots += plan.defaultMinimum
            bulkSlots += plan.bulkMinimum
            planner.record(plan, defaultRead: plan.defaultMinimum, bulkRead: plan.bulkMinimum)
        }
        #expect(defaultSlots == 200)
        #expect((90...100).contains(bulkSlots))
        // Large rounds: whole shares each round.
        var large = LanePlanner(weights: .standard)
        let plan = large.plan(room: 100)
        #expect(plan == .init(defaultMinimum: 20, bulkMinimum: 10))
    }

    @Test func anEmptyLaneLosesItsCredit() {
        var planner = LanePlanner(weights: LaneWeights(defaultShare: 0.5, bulkShare: 0.5))
        let plan = planner.plan(room: 4)
        #expect(plan == .init(defaultMinimum: 2, bulkMinimum: 2))
        planner.record(plan, defaultRead: 0, bulkRead: 2)
        #expect(planner.defaultCredit == 0)
        #expect(planner.bulkCredit == 0)
        #expect(planner.plan(room: 0) == .init(defaultMinimum: 0, bulkMinimum: 0))
        #expect(planner.plan(room: -5) == .init(defaultMinimum: 0, bulkMinimum: 0))
    }

    @Test func plannerCreditStaysBoundedWhateverTheRounds() {
        var planner = LanePlanner(weights: .standard)
        for room in [1_000_000, 1, 0, 500, Int(Int32.max)] {
            let plan = planner.plan(room: room)
            #expect(plan.defaultMinimum >= 0 && plan.bulkMinimum >= 0)
            #expect(plan.defaultMinimum + plan.bulkMinimum <= max(0, room))
            // A lane that reads more than granted (filled the rest of the round) spends only its grant.
            planner.record(plan, defaultRead: plan.defaultMinimum + 5, bulkRead: plan.bulkMinimum)
            #expect(planner.defaultCredit <= (max(0, room) + 1) * 1000)
        }
    }

    @Test func laneReadParsesTheScriptReply() throws {
        let reply = RESPValue.array([
            .array([self.entry("1-0", ["job_data", "{}"])]),
            .array([]),
            .array([self.entry("2-0", ["job_data", "{}", "priority", "bulk"]), self.entry("3-0", [])]),
        ])
        let read = try LaneRead(reply: reply)
        #expect(read.count == 3)
        #expect(read[.critical].map(\.id) == ["1-0"])
        #expect(read[.bulk].map(\.id) == ["2-0", "3-0"])
        let envelopes = read.envelopes()
        #expect(envelopes.map(\.lane) == [.critical, .bulk, .bulk])
        #expect(envelopes.map(\.slotKey) == ["critical:1-0", "bulk:2-0", "bulk:3-0"])
        // Null lists (RESP null) are empty lanes.
        #expect(try LaneRead(reply: .array([.null, .null, .null])).count == 0)
    }

    @Test func laneReadRejectsGarbage() {
        let garbage: [RESPValue] = [
            .null, .integer(3), self.bulk("OK"), .array([]), .array([.array([]), .array([])]),
            .array([.array([]), .array([]), .array([]), .array([])]),
            .array([.integer(1), .array([]), .array([])]),
            .array([.array([.integer(1)]), .array([]), .array([])]),
            .array([.array([.array([self.bulk("1-0")])]), .array([]), .array([])]),
            .array([.array([.array([self.bulk("1-0"), .array([self.bulk("odd")])])]), .array([]), .array([])]),
            .array([.array([.array([.array([]), .array([])])]), .array([]), .array([])]),
        ]
        for reply in garbage {
            #expect(throws: RedisClientError.self) { try LaneRead(reply: reply) }
        }
    }

    @Test func retryFieldsPinTheLaneTheJobRanIn() {
        let entry = RedisStreamEntry(id: "5-0", fields: ["job_data": "{}", "priority": "bulk"])
        // The stream decides: an entry on the critical stream that says "bulk" retries in critical.
        let fields = JobEnvelope(entry: entry, lane: .critical).fieldsForRetry(attempt: 2)
        #expect(fields.filter { $0 == "priority" }.count == 1)
        let index = try! #require(fields.firstIndex(of: "priority"))
        #expect(fields[index + 1] == "critical")
        #expect(fields.suffix(4) == ["job_id", "5-0", "attempt", "2"])
        let plain = JobEnvelope(entry: RedisStreamEntry(id: "6-0", fields: ["job_data": "{}"])).fieldsForRetry(
            attempt: 2)
        #expect(plain.contains("default"))
    }
}
