/// The hash slot of a key in Redis Cluster: CRC16 (XMODEM) of the key, or of its hash tag, mod 16384.
///
/// A hash tag is the part between the first `{` and the first `}` after it, when that part is not
/// empty: `{user1000}.following` and `{user1000}.followers` share a slot; `foo{}{bar}` hashes the
/// whole key; `foo{{bar}}zap` hashes `{bar`. Pure; no I/O.
public enum RedisHashSlot {
    /// Number of slots in a cluster.
    public static let count = 16384

    /// The slot of `key` (its UTF-8 bytes).
    public static func slot(of key: String) -> Int {
        var key = key
        return key.withUTF8 { self.slot(of: $0) }
    }

    /// The slot of a binary key.
    public static func slot(of key: some Collection<UInt8>) -> Int {
        let fast: Int? = key.withContiguousStorageIfAvailable { self.slot(ofBuffer: $0) }
        if let fast { return fast }
        return Array(key).withUnsafeBufferPointer { self.slot(ofBuffer: $0) }
    }

    private static func slot(ofBuffer key: UnsafeBufferPointer<UInt8>) -> Int {
        var hashed = key[...]
        if let open = key.firstIndex(of: UInt8(ascii: "{")),
            let close = key[(open + 1)...].firstIndex(of: UInt8(ascii: "}")), close > open + 1
        {
            hashed = key[(open + 1)..<close]
        }
        return Int(self.crc16(hashed) & 0x3FFF)
    }

    /// CRC16-CCITT (XMODEM: polynomial 0x1021, initial value 0), as Redis Cluster uses it.
    /// `crc16("123456789") == 0x31C3`.
    public static func crc16(_ bytes: some Sequence<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc = (crc << 8) ^ Self.table[Int((crc >> 8) ^ UInt16(byte)) & 0xFF]
        }
        return crc
    }

    private static let table: [UInt16] = (0..<256).map { index in
        var crc = UInt16(index) << 8
        for _ in 0..<8 {
            crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1
        }
        return crc
    }
}
