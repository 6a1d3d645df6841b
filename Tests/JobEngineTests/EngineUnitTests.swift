import Foundation
import TestSupport
import Testing

@testable import JobEngine
@testable import Observability

/// A deterministic generator for jitter tests.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state
    }
}

@Suite("Retry policy")
struct RetryPolicyTests {
    @Test func ceilingsDoubleUpToTheCap() {
        let policy = RetryPolicy(maximumRetries: 10, baseDelay: .seconds(1), maximumDelay: .seconds(5))
        #expect(policy.delayCeiling(retry: 1) == .seconds(1))
        #expect(policy.delayCeiling(retry: 2) == .seconds(2))
        #expect(policy.delayCeiling(retry: 3) == .seconds(4))
        #expect(policy.delayCeiling(retry: 4) == .seconds(5))
        #expect(policy.delayCeiling(retry: 60) == .seconds(5))
    }

    @Test func fullJitterStaysWithinZeroAndCeiling() {
        let policy = RetryPolicy.default
        var generator = SeededGenerator(state: 42)
        var seen = Set<Int64>()
        for retry in 1...3 {
            for _ in 0..<1000 {
                let delay = policy.delay(retry: retry, using: &generator)
                #expect(delay >= .zero && delay <= policy.delayCeiling(retry: retry))
                seen.insert(delay.milliseconds)
            }
        }
        #expect(seen.count > 100, "jitter spreads the delays")
    }

    @Test func defaultAllowsThreeRetries() {
        let policy = RetryPolicy.default
        #expect(policy.allowsRetry(afterAttempt: 1))
        #expect(policy.allowsRetry(afterAttempt: 3))
        #expect(!policy.allowsRetry(afterAttempt: 4))
        #expect(!RetryPolicy.none.allowsRetry(afterAttempt: 1))
    }
}

@Suite("Alert throttle")
struct AlertThrottleTests {
    @Test func floodBecomesOneAlertAndOneSummary() {
        var throttle = AlertThrottle(intervalMilliseconds: 60_000)
        #expect(throttle.alert("a", now: 0) == .send)
        for i in 1...999 { #expect(throttle.alert("x\(i)", now: Int64(i)) == .suppress) }
        #expect(throttle.summaryIfDue(now: 59_999) == nil)
        let summary = throttle.summaryIfDue(now: 60_000)
        #expect(summary?.count == 999)
        #expect(summary?.samples.count == 5)
        #expect(throttle.alert("later", now: 61_000) == .send)
    }
}

@Suite("Payload decoding (poison input)")
struct PayloadDecoderTests {
    let decoder = JobPayloadDecoder(maximumBytes: 1024)

    @Test func validPayload() throws {
        let payload = try decoder.decode(jobData: #"{"type":"send_email","to":"a@b.c"}"#, queue: "q")
        #expect(payload.type == "send_email")
    }

    @Test(arguments: [
        (nil, "entry has no job_data field"),
        ("", "job_data is empty"),
        ("not json", "job_data is not a JSON object"),
        ("[1,2]", "job_data is not a JSON object"),
        ("{\"to\":1}", "job_data has no \"type\""),
        ("{\"type\":5}", "job_data \"type\" must be a string"),
        ("{\"type\":\"x\"", "job_data is not valid JSON"),
        ("{\"type\":\"\"}", "job_data \"type\" is empty or too long"),
        ("enc:v1:k1:AAAA", "job_data is encrypted but this worker has no encryption keys"),
        ("\u{0}\u{1}\u{FFFD}garbage", "job_data is not a JSON object"),
    ] as [(String?, String)])
    func poisonIsAPermanentErrorWithAClearMessage(_ jobData: String?, _ message: String) {
        #expect(throws: JobError.permanent(message)) { try decoder.decode(jobData: jobData, queue: "q") }
    }

    @Test func oversizePayloadIsRefusedBeforeParsing() {
        let big = "{\"type\":\"x\",\"pad\":\"" + String(repeating: "a", count: 5000) + "\"}"
        #expect(throws: JobError.self) { try decoder.decode(jobData: big, queue: "q") }
    }
}

@Suite("Wire format")
struct WireFormatTests {
    struct Args: Codable, Sendable { var to: String; var count: Int }

    @Test func producerJobDataPutsTypeFirst() throws {
        let json = try JobProducer.jobData(type: "send_email", arguments: Args(to: "a@b.c", count: 2))
        #expect(json == #"{"type":"send_email","count":2,"to":"a@b.c"}"#)
        struct Empty: Codable, Sendable {}
        #expect(try JobProducer.jobData(type: "canary", arguments: Empty()) == #"{"type":"canary"}"#)
    }

    @Test func envelopeJobIDRules() {
        let plain = JobEnvelope(entry: .init(id: "1-0", fields: ["job_data": "{}"]))
        #expect(plain.jobID == "1-0")
        #expect(plain.attempt == 1)
        let keyed = JobEnvelope(entry: .init(id: "2-0", fields: ["job_data": "{}", "idempotency_key": "k"]))
        #expect(keyed.jobID == "k")
        let retried = JobEnvelope(entry: .init(id: "3-0", fields: ["job_data": "{}", "idempotency_key": "k", "job_id": "j", "attempt": "3"]))
        #expect(retried.jobID == "j")
        #expect(retried.attempt == 3)
        let fields = retried.fieldsForRetry(attempt: 4)
        #expect(fields.suffix(4) == ["job_id", "j", "attempt", "4"])
        #expect(fields.filter { $0 == "attempt" }.count == 1)
    }

    @Test func argumentErrorsNameTheArgumentNotTheValue() throws {
        let decoder = JSONDecoder()
        do {
            _ = try decoder.decode(Args.self, from: Data(#"{"to":"secret@x.y"}"#.utf8))
        } catch let error as DecodingError {
            #expect(AnyJobHandler.describe(error) == "invalid arguments: missing argument 'count'")
        }
        do {
            _ = try decoder.decode(Args.self, from: Data(#"{"to":"secret@x.y","count":"two"}"#.utf8))
        } catch let error as DecodingError {
            let message = AnyJobHandler.describe(error)
            #expect(message == "invalid arguments: argument 'count' must be an integer")
            #expect(!message.contains("secret"))
        }
    }
}
