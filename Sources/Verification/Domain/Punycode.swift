/// Punycode (RFC 3492): a Unicode label as the ASCII letters, digits and hyphens DNS can carry.
///
/// Only the encoder is needed here (names go out, ACE labels coming back are compared as ASCII).
/// Basic code points keep their case; IDNA lower-cases before encoding.
public enum Punycode {
    private static let base: UInt32 = 36
    private static let tMin: UInt32 = 1
    private static let tMax: UInt32 = 26
    private static let skew: UInt32 = 38
    private static let damp: UInt32 = 700
    private static let initialBias: UInt32 = 72
    private static let initialN: UInt32 = 128

    /// The Punycode form of `input` (without the `xn--` prefix), or `nil` when the arithmetic would
    /// overflow (only for absurdly long inputs; RFC 3492 section 6.4).
    public static func encode(_ input: String) -> String? {
        let scalars = input.unicodeScalars.map(\.value)
        var output: [UInt8] = scalars.filter { $0 < 0x80 }.map { UInt8($0) }
        let basicCount = UInt32(output.count)
        var handled = basicCount
        if basicCount > 0 { output.append(UInt8(ascii: "-")) }
        var n = Self.initialN
        var delta: UInt32 = 0
        var bias = Self.initialBias
        while handled < UInt32(scalars.count) {
            // The smallest code point not handled yet.
            guard let m = scalars.filter({ $0 >= n }).min() else { return nil }
            let (increment, overflow1) = (m - n).multipliedReportingOverflow(by: handled + 1)
            guard !overflow1 else { return nil }
            let (sum, overflow2) = delta.addingReportingOverflow(increment)
            guard !overflow2 else { return nil }
            delta = sum
            n = m
            for scalar in scalars {
                if scalar < n {
                    let (next, overflow) = delta.addingReportingOverflow(1)
                    guard !overflow else { return nil }
                    delta = next
                }
                if scalar == n {
                    var q = delta
                    var k = Self.base
                    while true {
                        let t = k <= bias ? Self.tMin : (k >= bias + Self.tMax ? Self.tMax : k - bias)
                        if q < t { break }
                        output.append(Self.digit(t + (q - t) % (Self.base - t)))
                        q = (q - t) / (Self.base - t)
                        k += Self.base
                    }
                    output.append(Self.digit(q))
                    bias = Self.adapt(delta: delta, points: handled + 1, first: handled == basicCount)
                    delta = 0
                    handled += 1
                }
            }
            delta += 1
            n += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bias adaptation function (RFC 3492 section 6.1).
    private static func adapt(delta: UInt32, points: UInt32, first: Bool) -> UInt32 {
        var delta = first ? delta / Self.damp : delta / 2
        delta += delta / points
        var k: UInt32 = 0
        while delta > ((Self.base - Self.tMin) * Self.tMax) / 2 {
            delta /= Self.base - Self.tMin
            k += Self.base
        }
        return k + (Self.base - Self.tMin + 1) * delta / (delta + Self.skew)
    }

    /// 0...25 -> a...z, 26...35 -> 0...9.
    private static func digit(_ value: UInt32) -> UInt8 {
        value < 26 ? UInt8(value) + UInt8(ascii: "a") : UInt8(value - 26) + UInt8(ascii: "0")
    }
}
