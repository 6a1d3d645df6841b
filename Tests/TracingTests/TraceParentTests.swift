import JobEngine
import Testing

@Suite("W3C traceparent codec")
struct TraceParentTests {
    static let valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    @Test func parsesAndFormatsTheSpecificationExample() throws {
        let parent = try TraceParent(parsing: Self.valid)
        #expect(parent.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(parent.spanID == "00f067aa0ba902b7")
        #expect(parent.flags == 1 && parent.isSampled)
        #expect(parent.description == Self.valid)
        let unsampled = try TraceParent(parsing: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
        #expect(!unsampled.isSampled)
        #expect(try TraceParent(parsing: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-fe").description.hasSuffix("-fe"))
    }

    @Test func buildsFromPartsAndRoundTrips() throws {
        let parent = try TraceParent(traceID: "0af7651916cd43dd8448eb211c80319c", spanID: "b7ad6b7169203331", flags: 0x03)
        #expect(parent.description == "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-03")
        #expect(try TraceParent(parsing: parent.description) == parent)
        #expect(throws: TraceParentError.invalidTraceID) { try TraceParent(traceID: "abc", spanID: "b7ad6b7169203331") }
        #expect(throws: TraceParentError.invalidSpanID) { try TraceParent(traceID: "0af7651916cd43dd8448eb211c80319c", spanID: "0000000000000000") }
    }

    @Test func refusesAllZeroIDs() {
        #expect(throws: TraceParentError.invalidTraceID) {
            try TraceParent(parsing: "00-00000000000000000000000000000000-00f067aa0ba902b7-01")
        }
        #expect(throws: TraceParentError.invalidSpanID) {
            try TraceParent(parsing: "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")
        }
    }

    @Test func refusesBadVersions() {
        #expect(throws: TraceParentError.invalidVersion) {
            try TraceParent(parsing: "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        }
        #expect(throws: TraceParentError.invalidVersion) {
            try TraceParent(parsing: "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        }
        // Version 00 has exactly four fields.
        #expect(throws: TraceParentError.malformed) {
            try TraceParent(parsing: Self.valid + "-extra")
        }
    }

    @Test func readsALaterVersionByItsPrefix() throws {
        let parent = try TraceParent(parsing: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future-field")
        #expect(parent.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(parent.description == Self.valid)
        #expect(throws: TraceParentError.malformed) {
            try TraceParent(parsing: "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x")
        }
    }

    @Test func refusesUppercaseAndNonHex() {
        #expect(throws: TraceParentError.invalidTraceID) {
            try TraceParent(parsing: "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")
        }
        #expect(throws: TraceParentError.invalidSpanID) {
            try TraceParent(parsing: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bz-01")
        }
        #expect(throws: TraceParentError.invalidFlags) {
            try TraceParent(parsing: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0G")
        }
        #expect(throws: TraceParentError.malformed) {
            try TraceParent(parsing: "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01")
        }
    }

    @Test func refusesEveryTruncation() {
        for length in 0..<Self.valid.count {
            #expect(throws: TraceParentError.self) { try TraceParent(parsing: String(Self.valid.prefix(length))) }
        }
    }

    @Test func refusesOversizeInputWithoutEchoingIt() {
        let huge = "00-" + String(repeating: "a", count: 1_000_000)
        #expect(throws: TraceParentError.tooLong) { try TraceParent(parsing: huge) }
        do {
            _ = try TraceParent(parsing: "00-secret-value-that-must-not-be-echoed-xxxxxxxxxxxxxxxxxxxxxxxxx")
            Issue.record("accepted garbage")
        } catch {
            #expect(!error.description.contains("secret"))
        }
    }

    @Test func refusesHostileText() {
        let hostile = [
            "", "-", "---", "\0\0\0", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\n",
            "00-4bf92f3577b34da6a3ce929d0e0é736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-\u{1F600}",
            "\u{1F600}\u{1F600}\u{1F600}\u{1F600}\u{1F600}\u{1F600}\u{1F600}\u{1F600}\u{1F600}\u{1F600}\u{1F600}\u{1F600}\u{1F600}\u{1F600}",
            String(repeating: "-", count: 55), String(repeating: "0", count: 55),
        ]
        for text in hostile {
            #expect(throws: TraceParentError.self, "\(text.debugDescription)") { try TraceParent(parsing: text) }
        }
    }

    @Test func randomGarbageNeverCrashesAndValidOutputRoundTrips() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789abcdefABCDEF-xff\u{0}é")
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 70)
            let text = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
            if let parent = try? TraceParent(parsing: text) {
                #expect((try? TraceParent(parsing: parent.description)) == parent)
            }
        }
    }
}
