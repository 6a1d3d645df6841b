import RESP

/// A `+switch-master` event of a sentinel: `<name> <old-ip> <old-port> <new-ip> <new-port>`,
/// published on the channel of that name after a failover.
public struct SentinelSwitchMaster: Sendable, Hashable {
    /// The channel sentinels publish failovers on.
    public static let channel = "+switch-master"

    public var masterName: String
    public var oldAddress: RedisSentinelConfiguration.Address
    public var newAddress: RedisSentinelConfiguration.Address

    public init(
        masterName: String, oldAddress: RedisSentinelConfiguration.Address,
        newAddress: RedisSentinelConfiguration.Address
    ) {
        self.masterName = masterName
        self.oldAddress = oldAddress
        self.newAddress = newAddress
    }

    /// Parses the message payload; `nil` when it is not five fields with valid ports.
    public init?(payload: String) {
        guard payload.utf8.count <= 1024 else { return nil }
        let parts = payload.split(separator: " ")
        guard parts.count == 5, let oldPort = Int(parts[2]), let newPort = Int(parts[4]),
            (1...65535).contains(oldPort), (1...65535).contains(newPort)
        else { return nil }
        self.init(
            masterName: String(parts[0]), oldAddress: .init(host: String(parts[1]), port: oldPort),
            newAddress: .init(host: String(parts[3]), port: newPort))
    }

    /// Parses a pub/sub frame (RESP3 push or RESP2 array) `["message", "+switch-master", payload]`;
    /// `nil` for any other frame (subscribe confirmations, other channels, garbage).
    public init?(message: RESPValue) {
        guard let items = message.unwrappingAttributes.array, items.count == 3,
            items[0].string?.lowercased() == "message", items[1].string == Self.channel,
            let payload = items[2].string
        else { return nil }
        self.init(payload: payload)
    }
}
