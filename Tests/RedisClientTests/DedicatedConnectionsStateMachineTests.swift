import TestSupport
import Testing

@testable import RedisClient

/// The bound on dedicated connections on its own: grants, waiting, hand-over, reuse, shutdown.
@Suite("Dedicated connections state machine (pure)")
struct DedicatedConnectionsStateMachineTests {
    final class Connection {
        var isActive = true
    }
    typealias Machine = DedicatedConnectionsStateMachine<Connection, String>

    private func open(_ machine: inout Machine, _ waiter: String, id: UInt64) -> Connection? {
        guard case .grant(.open) = machine.acquire(waiterID: id, waiter: waiter, isUsable: \.isActive) else {
            return nil
        }
        let connection = Connection()
        let accepted = machine.opened(connection)
        #expect(accepted)
        return connection
    }

    @Test func pastTheBoundCallersWaitAndGetReleasedConnectionsInOrder() throws {
        var machine = Machine(maximum: 2, maximumIdle: 1)
        let a = try #require(self.open(&machine, "a", id: 1))
        let b = try #require(self.open(&machine, "b", id: 2))
        guard case .wait = machine.acquire(waiterID: 3, waiter: "c", isUsable: \.isActive) else {
            Issue.record("third caller should wait")
            return
        }
        guard case .wait = machine.acquire(waiterID: 4, waiter: "d", isUsable: \.isActive) else {
            Issue.record("fourth caller should wait")
            return
        }
        #expect(machine.count == 2 && machine.waiterCount == 2)

        // A reusable connection goes straight to the oldest waiter.
        let handOver = machine.release(a, reusable: true)
        #expect(handOver.close == nil)
        #expect(handOver.resume?.waiter == "c")
        if case .use(let connection) = handOver.resume?.grant {
            #expect(connection === a)
        } else {
            Issue.record("expected a")
        }

        // One that cannot be reused is closed and its slot passed on: the waiter opens a new one.
        let replaced = machine.release(b, reusable: false)
        #expect(replaced.close === b)
        #expect(replaced.resume?.waiter == "d")
        if case .open = replaced.resume?.grant {} else { Issue.record("expected an open grant") }
        #expect(machine.count == 2 && machine.waiterCount == 0)
    }

    @Test func idleConnectionsAreReusedUpToTheirLimitAndDeadOnesDropped() throws {
        var machine = Machine(maximum: 3, maximumIdle: 1)
        let a = try #require(self.open(&machine, "a", id: 1))
        let b = try #require(self.open(&machine, "b", id: 2))
        #expect(machine.release(a, reusable: true).close == nil)
        #expect(machine.release(b, reusable: true).close === b)  // over the idle limit
        #expect(machine.count == 1)
        guard case .grant(.use(let reused)) = machine.acquire(waiterID: 3, waiter: "c", isUsable: \.isActive) else {
            Issue.record("expected the idle connection")
            return
        }
        #expect(reused === a)
        #expect(machine.release(a, reusable: true).close == nil)
        a.isActive = false
        guard case .grant(.open) = machine.acquire(waiterID: 4, waiter: "d", isUsable: \.isActive) else {
            Issue.record("a closed idle connection must not be handed out")
            return
        }
        #expect(machine.count == 1)
    }

    @Test func failedOpensPassTheSlotOnAndCancelledWaitersLeave() throws {
        var machine = Machine(maximum: 1, maximumIdle: 0)
        guard case .grant(.open) = machine.acquire(waiterID: 1, waiter: "a", isUsable: \.isActive) else {
            Issue.record("expected an open grant")
            return
        }
        _ = machine.acquire(waiterID: 2, waiter: "b", isUsable: \.isActive)
        _ = machine.acquire(waiterID: 3, waiter: "c", isUsable: \.isActive)
        #expect(machine.cancelWaiter(2) == "b")
        #expect(machine.cancelWaiter(2) == nil)
        let failed = machine.openFailed()
        #expect(failed.resume?.waiter == "c")
        #expect(machine.count == 1 && machine.waiterCount == 0)
        #expect(machine.openFailed().resume == nil)
        #expect(machine.count == 0)
    }

    @Test func shutdownReturnsEverythingAndRefusesLaterWork() throws {
        var machine = Machine(maximum: 3, maximumIdle: 2)
        let a = try #require(self.open(&machine, "a", id: 1))
        let b = try #require(self.open(&machine, "b", id: 2))
        _ = machine.release(b, reusable: true)
        guard case .grant(.use) = machine.acquire(waiterID: 3, waiter: "c", isUsable: \.isActive),
            case .grant(.open) = machine.acquire(waiterID: 4, waiter: "d", isUsable: \.isActive),
            case .wait = machine.acquire(waiterID: 5, waiter: "e", isUsable: \.isActive)
        else {
            Issue.record("expected reuse, open, wait")
            return
        }
        let (connections, waiters) = machine.shutdown()
        #expect(Set(connections.map(ObjectIdentifier.init)) == [ObjectIdentifier(a), ObjectIdentifier(b)])
        #expect(waiters == ["e"])
        #expect(machine.release(a, reusable: true).close === a)
        guard case .shutdown = machine.acquire(waiterID: 6, waiter: "f", isUsable: \.isActive) else {
            Issue.record("expected shutdown")
            return
        }
        // The connection "d" was opening is refused.
        #expect(machine.opened(Connection()) == false)
    }
}
