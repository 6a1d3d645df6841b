import DNSClient
import Foundation

extension DomainVerificationService {
    /// Where the system names its resolvers.
    public static let systemResolvConfPath = "/etc/resolv.conf"

    /// The resolver of the `DNS_RESOLVER` setting (`ip[:port]`), or of the first `nameserver` of
    /// `resolvConfPath` when the setting is absent or blank.
    ///
    /// Reads the file once (call it at startup, not per job). Throws
    /// ``DNSResolverError/invalidConfiguration(_:)`` for a setting that is not an IP address with an
    /// optional port, or when the file is missing or names no usable server.
    public static func makeResolver(
        setting: String?,
        resolvConfPath: String = Self.systemResolvConfPath,
        timeout: Duration = .seconds(2),
        retries: Int = 2
    ) throws(DNSResolverError) -> DNSResolver {
        let server = try DNSResolver.server(setting: setting) {
            try String(contentsOfFile: resolvConfPath, encoding: .utf8)
        }
        return DNSResolver(server: server, timeout: timeout, retries: retries)
    }
}
