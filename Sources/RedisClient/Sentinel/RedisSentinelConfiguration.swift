/// Where the sentinels of a Redis master listen, and how to log in to them (Sentinel mode).
///
/// In Sentinel mode the client never connects to a fixed address: before each (re)connect it asks
/// the sentinels in turn for the master of ``masterName`` (`SENTINEL GET-MASTER-ADDR-BY-NAME`),
/// connects there and checks with `ROLE` that the node is the master. Made by
/// ``RedisConfiguration/init(url:)`` from `redis+sentinel://[user:pass@]host:port,host:port/name[/db]`
/// (`rediss+sentinel://` for TLS to the sentinels and the data nodes).
public struct RedisSentinelConfiguration: Sendable, Hashable {
    /// One sentinel's address.
    public struct Address: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
        public var description: String { self.host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// The sentinels, asked in this order at first (one that answered is asked first afterwards).
    public var sentinels: [Address]
    /// The name the sentinels monitor the master under (`sentinel monitor NAME ...`).
    public var masterName: String
    /// ACL user of the sentinels (`sentinel_username=` query item); `nil`: the `default` user.
    public var username: String?
    /// Password of the sentinels (`sentinel_password=` query item, `requirepass` of sentinel.conf);
    /// never logged. The data nodes' password is the URL's user info.
    public var password: String?

    /// How often a sentinel that refuses `SUBSCRIBE` is asked for the master instead (1 s).
    public var pollInterval: Duration = .seconds(1)

    /// The port sentinels listen on when a URL names none.
    public static let defaultPort = 26379

    public init(sentinels: [Address], masterName: String, username: String? = nil, password: String? = nil) {
        self.sentinels = sentinels
        self.masterName = masterName
        self.username = username
        self.password = password
    }
}
