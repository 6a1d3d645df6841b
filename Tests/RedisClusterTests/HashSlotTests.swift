import Testing

@testable import RedisClient

@Suite("Redis Cluster hash slots")
struct HashSlotTests {
    @Test func crc16MatchesTheRedisSpecVector() {
        #expect(RedisHashSlot.crc16(Array("123456789".utf8)) == 0x31C3)
        #expect(RedisHashSlot.crc16([UInt8]()) == 0)
    }

    @Test func knownKeySlots() {
        // Values from `CLUSTER KEYSLOT` of a real server.
        #expect(RedisHashSlot.slot(of: "foo") == 12182)
        #expect(RedisHashSlot.slot(of: "bar") == 5061)
        #expect(RedisHashSlot.slot(of: "123456789") == 0x31C3)
        #expect(RedisHashSlot.slot(of: "") == 0)
    }

    @Test func hashTagsFollowTheSpec() {
        #expect(RedisHashSlot.slot(of: "{user1000}.following") == RedisHashSlot.slot(of: "{user1000}.followers"))
        #expect(RedisHashSlot.slot(of: "{user1000}.following") == RedisHashSlot.slot(of: "user1000"))
        // An empty tag does not count: the whole key is hashed.
        #expect(RedisHashSlot.slot(of: "foo{}{bar}") == Int(RedisHashSlot.crc16(Array("foo{}{bar}".utf8)) & 0x3FFF))
        // The tag runs from the first `{` to the first `}` after it.
        #expect(RedisHashSlot.slot(of: "foo{{bar}}zap") == RedisHashSlot.slot(of: "{bar"))
        #expect(RedisHashSlot.slot(of: "foo{bar}{zap}") == RedisHashSlot.slot(of: "bar"))
        // No closing brace: the whole key.
        #expect(RedisHashSlot.slot(of: "foo{bar") == Int(RedisHashSlot.crc16(Array("foo{bar".utf8)) & 0x3FFF))
        #expect(RedisHashSlot.slot(of: "}{") == Int(RedisHashSlot.crc16(Array("}{".utf8)) & 0x3FFF))
    }

    @Test func engineQueueKeysShareTheStreamSlot() {
        // The stream `email_queue` hashes whole, and `{email_queue}:x` hashes `email_queue`.
        let slot = RedisHashSlot.slot(of: "email_queue")
        for suffix in ["delayed", "dead", "results", "idempotency", "idempotency:index", "paused"] {
            #expect(RedisHashSlot.slot(of: "{email_queue}:\(suffix)") == slot)
        }
    }

    @Test func binaryAndHostileKeysStayInRange() {
        let keys: [[UInt8]] = [
            [0, 0xFF, 0x7B, 0x7D], [0x7B, 0x7D], Array(repeating: 0x7B, count: 10_000),
            Array(repeating: 0xFF, count: 1 << 20), (0...255).map { UInt8($0) },
        ]
        for key in keys {
            #expect((0..<16384).contains(RedisHashSlot.slot(of: key)))
        }
        #expect(RedisHashSlot.slot(of: Array("foo".utf8)) == 12182)
        #expect(RedisHashSlot.slot(of: "ключ{tag}") == RedisHashSlot.slot(of: "tag"))
    }
}
