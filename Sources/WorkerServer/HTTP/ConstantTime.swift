/// Comparison whose time does not depend on where two secrets first differ.
enum ConstantTime {
    /// `true` when `given` equals `expected`; looks at every byte of `expected` whatever `given` is.
    static func equals(_ given: some Collection<UInt8>, _ expected: some Collection<UInt8>) -> Bool {
        let given = Array(given)
        var difference: UInt8 = given.count == expected.count ? 0 : 1
        for (index, byte) in expected.enumerated() {
            let other = index < given.count ? given[index] : ~byte
            difference |= other ^ byte
        }
        return difference == 0
    }
}
