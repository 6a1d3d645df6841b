import JobEngine
import Testing

@testable import WorkerServer

@Suite("Partitioned queue totals and dead-letter merge order")
struct PartitionStatsTests {
    func part(_ name: String, length: Int, pending: Int, delayed: Int, paused: Bool = false, age: Double? = nil,
              consumers: [ConsumerStats] = [], enqueued: Int? = 10) -> QueueStats {
        var stats = QueueStats(queue: name, group: "g")
        stats.groupExists = true
        stats.length = length
        stats.pending = pending
        stats.waiting = length - pending
        stats.lag = length - pending
        stats.delayed = delayed
        stats.dead = 1
        stats.paused = paused
        stats.oldestWaitingAgeSeconds = age
        stats.enqueuedTotal = enqueued
        stats.finishedTotal = 5
        stats.consumers = consumers
        stats.lanes = [LaneStats(lane: .default, stream: name, length: length, pending: pending)]
        return stats
    }

    @Test func totalsSumThePartitionsAndKeepThemAsABreakdown() {
        let keys = QueueKeys(queue: "q", group: "g")
        let parts = [
            self.part("q", length: 5, pending: 1, delayed: 2, age: 1.5,
                      consumers: [ConsumerStats(name: "w1", pending: 1, idleMilliseconds: 50, inactiveMilliseconds: 40)]),
            self.part("q~1", length: 3, pending: 2, delayed: 0, paused: true, age: 4,
                      consumers: [ConsumerStats(name: "w1", pending: 2, idleMilliseconds: 10, inactiveMilliseconds: nil),
                                  ConsumerStats(name: "w2", pending: 0, idleMilliseconds: 5, inactiveMilliseconds: 5)]),
            self.part("q~2", length: 0, pending: 0, delayed: 1),
        ]
        let total = QueueStats.summing(parts, queue: keys)
        #expect(total.queue == "q")
        #expect(total.length == 8 && total.pending == 3 && total.waiting == 5 && total.delayed == 3 && total.dead == 3)
        #expect(total.paused, "one paused partition shows")
        #expect(total.oldestWaitingAgeSeconds == 4)
        #expect(total.enqueuedTotal == 30 && total.finishedTotal == 15)
        #expect(total.consumers.map(\.name) == ["w1", "w2"])
        #expect(total.consumers[0].pending == 3 && total.consumers[0].idleMilliseconds == 10)
        #expect(total.lanes.count == 1 && total.lanes[0].stream == "q" && total.lanes[0].length == 8 && total.lanes[0].waiting == 5)
        #expect(total.partitions?.map(\.queue) == ["q", "q~1", "q~2"])

        var unknown = parts
        unknown[1].enqueuedTotal = nil
        #expect(QueueStats.summing(unknown, queue: keys).enqueuedTotal == nil)
        var missingGroup = parts
        missingGroup[2].groupExists = false
        #expect(!QueueStats.summing(missingGroup, queue: keys).groupExists)
        #expect(!QueueStats.summing([], queue: keys).groupExists)
    }

    @Test func entryIDsSortAsNumbersAndGarbageLast() {
        let ids = ["10-0", "9-5", "9-10", "garbage", "", "18446744073709551615-0", "99999999999999999999999-0", "1-x"]
        let sorted = ids.sorted(by: QueueInspector.entryIDOrder)
        #expect(Array(sorted.prefix(4)) == ["9-5", "9-10", "10-0", "18446744073709551615-0"])
        #expect(Set(sorted.suffix(4)) == ["garbage", "", "99999999999999999999999-0", "1-x"])
    }
}
