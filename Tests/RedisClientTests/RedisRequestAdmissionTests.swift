import TestSupport
import Testing

@testable import RedisClient

/// The pending-request bound on its own: which requests are written, which wait, in what order.
@Suite("Request admission (pure)")
struct RedisRequestAdmissionTests {
    @Test func requestsPastTheBoundParkAndGoOutInOrderAsRepliesArrive() {
        var admission = RedisRequestAdmission<String>(maximum: 3)
        #expect(admission.submit("a", replies: 1) == "a")
        #expect(admission.submit("b", replies: 2) == "b")
        #expect(admission.outstanding == 3)
        #expect(admission.submit("c", replies: 1) == nil)
        #expect(admission.submit("d", replies: 1) == nil)
        #expect(admission.parkedCount == 2)
        #expect(admission.nextAdmitted() == nil)

        admission.replyReceived()
        #expect(admission.nextAdmitted() == "c")
        #expect(admission.nextAdmitted() == nil)
        #expect(admission.outstanding == 3)
        // Nothing overtakes a parked request, even one that would fit.
        admission.replyReceived()
        #expect(admission.submit("e", replies: 1) == nil)
        #expect(admission.nextAdmitted() == "d")
        #expect(admission.nextAdmitted() == nil)
        admission.replyReceived()
        #expect(admission.nextAdmitted() == "e")
        #expect(admission.parkedCount == 0)
    }

    @Test func aPipelineLargerThanTheBoundGoesOutAloneOnAnIdleConnection() {
        var admission = RedisRequestAdmission<String>(maximum: 2)
        #expect(admission.submit("small", replies: 1) == "small")
        #expect(admission.submit("big", replies: 5) == nil)
        admission.replyReceived()
        #expect(admission.nextAdmitted() == "big")
        #expect(admission.outstanding == 5)
        #expect(admission.submit("next", replies: 1) == nil)
    }

    @Test func expiredAndCancelledRequestsLeaveTheQueueAndResetReturnsTheRest() {
        var admission = RedisRequestAdmission<Int>(maximum: 1)
        #expect(admission.submit(0, replies: 1) == 0)
        for n in 1...5 { #expect(admission.submit(n, replies: 1) == nil) }
        #expect(admission.removeParked(where: { $0 % 2 == 0 }) == [2, 4])
        #expect(admission.removeParked(where: { $0 == 42 }) == [])
        #expect(admission.parkedCount == 3)
        #expect(admission.reset() == [1, 3, 5])
        #expect(admission.outstanding == 0)
        #expect(admission.submit(6, replies: 1) == 6)
    }
}
