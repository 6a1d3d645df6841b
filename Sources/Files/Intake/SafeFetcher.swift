import Logging
import NIOCore
import NIOFileSystem
import NIOHTTP1
import OutboundHTTP

/// Fetches a user-supplied `https` URL to a file without letting it reach internal services (SSRF).
///
/// For the first URL and for every redirect `Location` alike:
/// 1. the URL is parsed strictly (``FetchURL``; odd IP spellings are read as the IPs they are);
/// 2. an IP host is checked by ``AddressPolicy``; a name is resolved (all A and AAAA records) and
///    refused if ANY address is forbidden — no partial use of a mixed answer;
/// 3. the connection goes to a checked address through ``PinnedFetch`` (no second resolution, so
///    DNS rebinding cannot swap the address), with TLS verifying the certificate for the name.
///
/// At most ``Configuration/maximumRedirects`` redirects; the body is capped (`Content-Length`
/// first, then while streaming) and streamed to the file; one time cap covers the whole fetch,
/// redirects included. On failure the partial file is removed.
///
/// Limit: the time cap is checked before each name resolution but cannot interrupt a
/// `getaddrinfo` call in progress (the resolver's own timeout applies).
public struct SafeFetcher: Sendable {
    /// What the fetcher allows.
    public struct Configuration: Sendable {
        /// The default body cap (`max_bytes`): 20 MB.
        public static let defaultMaximumBytes = 20 * 1024 * 1024

        /// Allows loopback, private and other internal addresses. TESTS ONLY
        /// (`FILES_ALLOW_PRIVATE_ADDRESSES`, off by default).
        public var allowPrivateAddresses: Bool
        /// Allows `http://` URLs. TESTS ONLY (`FILES_ALLOW_PRIVATE_ADDRESSES` turns it on too, off by default).
        public var allowPlainHTTP: Bool
        /// Addresses allowed although internal, for tests that need one reachable origin while
        /// every other internal address stays refused. Empty in production.
        public var testOnlyAllowedAddresses: Set<IPAddress>
        /// Redirects followed (each re-validated); one more is an error.
        public var maximumRedirects: Int
        /// The `User-Agent` header.
        public var userAgent: String

        public init(
            allowPrivateAddresses: Bool = false, allowPlainHTTP: Bool = false,
            testOnlyAllowedAddresses: Set<IPAddress> = [], maximumRedirects: Int = 3,
            userAgent: String = "BlueprintWorker (file intake)"
        ) {
            self.allowPrivateAddresses = allowPrivateAddresses
            self.allowPlainHTTP = allowPlainHTTP
            self.testOnlyAllowedAddresses = testOnlyAllowedAddresses
            self.maximumRedirects = maximumRedirects
            self.userAgent = userAgent
        }
    }

    public let configuration: Configuration
    private let client: PinnedFetch
    private let resolver: any HostResolver
    private let logger: Logger

    public init(
        configuration: Configuration = .init(), client: PinnedFetch,
        resolver: any HostResolver = SystemHostResolver(), logger: Logger
    ) {
        self.configuration = configuration
        self.client = client
        self.resolver = resolver
        self.logger = logger
    }

    /// Fetches `url` into a new file at `path` (replaced if it exists).
    ///
    /// - Parameters:
    ///   - maxBytes: the body cap; a larger body fails with ``FetchError/tooLarge``.
    ///   - timeout: the time cap for the whole fetch, redirects included.
    public func fetch(
        _ url: String, toFileAt path: String, maxBytes: Int = Configuration.defaultMaximumBytes,
        timeout: Duration = .seconds(60)
    ) async throws(FetchError) -> FetchedFile {
        do {
            return try await self.fetchFollowingRedirects(url, path: path, maxBytes: maxBytes, timeout: timeout)
        } catch {
            _ = try? await FileSystem.shared.removeItem(at: FilePath(path))
            throw error
        }
    }

    private func fetchFollowingRedirects(
        _ text: String, path: String, maxBytes: Int, timeout: Duration
    ) async throws(FetchError) -> FetchedFile {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var url = try FetchURL.parse(text, allowPlainHTTP: self.configuration.allowPlainHTTP)
        var redirects = 0
        while true {
            guard ContinuousClock.now < deadline else { throw .timedOut(after: timeout) }
            let addresses = try await self.checkedAddresses(of: url)
            let response = try await self.get(
                url, addresses: addresses, path: path, maxBytes: maxBytes, deadline: deadline, timeout: timeout)
            switch response.status {
            case 200..<300:
                return FetchedFile(
                    path: path, byteCount: response.bodyBytes,
                    declaredContentType: response.headers.first(name: "content-type"),
                    finalOrigin: url.description, redirects: redirects)
            case 301, 302, 303, 307, 308:
                guard redirects < self.configuration.maximumRedirects else {
                    throw .tooManyRedirects(self.configuration.maximumRedirects)
                }
                guard let location = response.headers.first(name: "location") else {
                    throw .invalidRedirect("no Location header")
                }
                let next = try url.resolving(location: location, allowPlainHTTP: self.configuration.allowPlainHTTP)
                self.logger.debug(
                    "fetch redirected", metadata: ["fetch.from": "\(url)", "fetch.to": "\(next)"])
                url = next
                redirects += 1
            default:
                throw .httpStatus(host: url.host.description, response.status)
            }
        }
    }

    /// The addresses `url` may be fetched from: its IP, or every address of its name, each one
    /// allowed by the policy (else the whole URL is refused).
    func checkedAddresses(of url: FetchURL) async throws(FetchError) -> [IPAddress] {
        let policy = AddressPolicy(allowPrivateAddresses: self.configuration.allowPrivateAddresses)
        let addresses: [IPAddress]
        switch url.host {
        case .ip(let address):
            addresses = [address]
        case .name(let name):
            if !self.configuration.allowPrivateAddresses, name == "localhost" || name.hasSuffix(".localhost") {
                throw .forbiddenAddress(host: name, "loopback name")
            }
            addresses = try await self.resolver.resolve(name)
        }
        guard !addresses.isEmpty else { throw .resolutionFailed(host: url.host.description, "no address") }
        for address in addresses where !self.configuration.testOnlyAllowedAddresses.contains(address) {
            if let reason = policy.refusal(for: address) {
                let shown = url.host.serverName.map { "\($0) (\(address))" } ?? "\(address)"
                throw .forbiddenAddress(host: shown, reason)
            }
        }
        return addresses
    }

    /// One GET, trying the checked addresses in order while connections fail.
    private func get(
        _ url: FetchURL, addresses: [IPAddress], path: String, maxBytes: Int, deadline: ContinuousClock.Instant,
        timeout: Duration
    ) async throws(FetchError) -> PinnedFetch.Response {
        var lastError = FetchError.connectFailed(host: url.host.description, "no address")
        for address in addresses {
            let socketAddress: SocketAddress
            do {
                socketAddress = try SocketAddress(ipAddress: "\(address)", port: url.port)
            } catch {
                continue
            }
            var headers = HTTPHeaders()
            headers.add(name: "User-Agent", value: self.configuration.userAgent)
            headers.add(name: "Accept", value: "*/*")
            let request = PinnedFetch.Request(
                address: socketAddress, serverName: url.host.serverName, hostHeader: url.hostHeader,
                target: url.target, useTLS: url.usesTLS, headers: headers, maximumBytes: maxBytes, deadline: deadline)
            do {
                return try await self.client.get(request, writingBodyTo: path)
            } catch {
                let mapped = Self.map(error, host: url.host.description, limit: maxBytes, timeout: timeout)
                guard mapped == .connectFailed else { throw mapped }
                lastError = mapped
            }
        }
        throw lastError
    }

    private static func map(_ error: OutboundHTTPError, host: String, limit: Int, timeout: Duration) -> FetchError {
        if error == .connectFailed { return .connectFailed(host: host, error.message) }
        if error == .timedOut { return .timedOut(after: timeout) }
        if error == .responseTooLarge { return .tooLarge(limit: limit) }
        return .transport(host: host, error.message)
    }
}
