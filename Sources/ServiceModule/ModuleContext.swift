import Logging
import OutboundHTTP
import RedisClient
import SettingsModel

/// What a module is given to build its handlers.
public struct ModuleContext: Sendable {
    /// Every setting's value; typed reads report bad values here.
    public var values: SettingValues
    /// The worker's logger (JSON lines, redacted).
    public let logger: Logger
    /// The one shared outbound HTTP client.
    public let http: OutboundHTTPClient
    /// The worker's Redis client (sent markers, caches).
    public let redis: RedisClient
    /// Directory for local state (`var/` by default): outboxes, local storage.
    public let dataDirectory: String
    /// Charges per-user usage known only while a job runs (bytes of an upload); `nil` when
    /// per-user limits are off.
    public let usage: (any UsageMeter)?

    /// Creates a context.
    public init(
        values: SettingValues, logger: Logger, http: OutboundHTTPClient, redis: RedisClient, dataDirectory: String = "var",
        usage: (any UsageMeter)? = nil
    ) {
        self.values = values
        self.logger = logger
        self.http = http
        self.redis = redis
        self.dataDirectory = dataDirectory
        self.usage = usage
    }
}
