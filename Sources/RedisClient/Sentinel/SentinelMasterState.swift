/// Which master the client believes in, and which sentinel to ask first. Pure: no I/O, no clock.
///
/// The resolver asks sentinels in ``sentinelOrder``; one that answers moves to the front so the
/// next resolution asks it first. A resolved master is kept until something casts doubt on it: a
/// failed connect, a `ROLE` that is not master, a `READONLY` reply, or a `+switch-master` event
/// naming another address. Each change of master bumps ``generation``.
struct SentinelMasterState: Sendable {
    private(set) var sentinelOrder: [RedisSentinelConfiguration.Address]
    /// The master connections go to; `nil`: ask the sentinels first.
    private(set) var master: RedisSentinelConfiguration.Address?
    /// Bumped each time the known master changes to another address.
    private(set) var generation: UInt64 = 0

    init(sentinels: [RedisSentinelConfiguration.Address]) {
        self.sentinelOrder = sentinels
    }

    /// The sentinel at `address` answered: ask it first next time.
    mutating func sentinelAnswered(_ address: RedisSentinelConfiguration.Address) {
        guard let index = self.sentinelOrder.firstIndex(of: address), index > 0 else { return }
        self.sentinelOrder.remove(at: index)
        self.sentinelOrder.insert(address, at: 0)
    }

    /// The sentinels named `address` as master; returns whether it differs from the master known
    /// before (not for the first resolution).
    @discardableResult
    mutating func resolved(_ address: RedisSentinelConfiguration.Address) -> Bool {
        self.master = address
        return self.remember(address)
    }

    /// The master is in doubt (connect failed, wrong role, `READONLY`): ask the sentinels again.
    mutating func invalidate() {
        self.master = nil
    }

    /// A `+switch-master` event: returns `true` when it is about our master and names an address
    /// other than the one connections use (they must move).
    mutating func switched(_ event: SentinelSwitchMaster, masterName: String) -> Bool {
        guard event.masterName == masterName else { return false }
        self.master = event.newAddress
        return self.remember(event.newAddress)
    }

    /// The last master resolved or announced, kept across ``invalidate()``.
    private(set) var lastKnown: RedisSentinelConfiguration.Address?

    private mutating func remember(_ address: RedisSentinelConfiguration.Address) -> Bool {
        defer { self.lastKnown = address }
        guard let lastKnown, lastKnown != address else { return false }
        self.generation &+= 1
        return true
    }
}
