import Testing

@testable import DNSClient

/// Fuzz-like runs of the decoder on hostile input: it may throw ``DNSMessageError``, never trap.
@Suite("DNS decoder fuzz")
struct DNSDecoderFuzzTests {
    typealias M = DNSTestMessages

    /// A small deterministic generator (SplitMix64), so a failure reproduces.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            self.state &+= 0x9E37_79B9_7F4A_7C15
            var z = self.state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Decodes `bytes`; any outcome but a trap is fine. Returns whether it decoded.
    @discardableResult
    static func survive(_ bytes: [UInt8]) -> Bool {
        do {
            _ = try DNSMessage.decode(bytes)
            _ = DNSReplyInterpreter.isReply(bytes, to: 1, question: DNSQuestion(name: "example.com", type: .mx))
            return true
        } catch {
            return false
        }
    }

    @Test func randomBytesNeverTrap() {
        var generator = SeededGenerator(state: 0x0D15_EA5E)
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...600, using: &generator)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            Self.survive(bytes)
        }
    }

    @Test func randomBodiesBehindPlausibleHeadersNeverTrap() {
        // Small counts and pointer-rich bodies reach deeper than uniform noise.
        var generator = SeededGenerator(state: 42)
        let alphabet: [UInt8] = [0, 1, 2, 3, 63, 64, 0xC0, 0xC0, 0xC0, 12, 13, 14, 0x61, 0xFF, 15, 16, 5, 6]
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...300, using: &generator)
            let body = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            let counts = (0..<4).map { _ in UInt16.random(in: 0...4, using: &generator) }
            Self.survive(M.message(qd: counts[0], an: counts[1], ns: counts[2], ar: counts[3], body: body))
        }
    }

    @Test(arguments: [DNSTestMessages.mxReply, DNSTestMessages.nxdomainReply])
    func everyTruncationFailsCleanly(message: [UInt8]) throws {
        _ = try DNSMessage.decode(message)
        for length in 0..<message.count {
            #expect(throws: DNSMessageError.truncated, "prefix of \(length) bytes") {
                try DNSMessage.decode(Array(message.prefix(length)))
            }
        }
    }

    @Test func everySingleByteMutationNeverTraps() {
        for message in [M.mxReply, M.nxdomainReply] {
            for index in message.indices {
                for value: UInt8 in [0x00, 0x01, 0x3F, 0x40, 0x80, 0xC0, 0xC1, 0xFF, message[index] ^ 0x01] {
                    var mutated = message
                    mutated[index] = value
                    Self.survive(mutated)
                }
            }
        }
    }

    @Test func oversizeCountsOnAValidMessageFailCleanly() {
        for field in [4, 6, 8, 10] {
            for count: UInt16 in [5, 100, 0x7FFF, .max] {
                var message = M.mxReply
                message[field] = UInt8(count >> 8)
                message[field + 1] = UInt8(count & 0xFF)
                // Each claimed item needs at least 5 bytes: 100 of them cannot fit in this message.
                let decoded = Self.survive(message)
                if count >= 100 { #expect(!decoded, "count \(count) at \(field)") }
            }
        }
    }

    @Test func deepPointerChainsAreBounded() {
        // 100 pointers, each to the previous one: strictly backwards (no loop) but over the cap of 64.
        var chain: [UInt8] = [0]  // offset 12: the root
        var offsets = [12]
        for _ in 0..<100 {
            let previous = offsets.last!
            offsets.append(12 + chain.count)
            chain += [0xC0 | UInt8(previous >> 8), UInt8(previous & 0xFF)]
        }
        let question = chain + M.u16(1) + M.u16(1)
        var reader = DNSMessageReader(M.message(body: question), offset: offsets.last!)
        #expect(throws: DNSMessageError.pointerLoop) { _ = try reader.readName() }
        var shortReader = DNSMessageReader(M.message(body: question), offset: offsets[10])
        #expect(throws: Never.self) { _ = try shortReader.readName() }
    }
}
