import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Resolves a host name to every address it has (A and AAAA).
///
/// A protocol so tests can answer with chosen addresses (a name that resolves to loopback, or to
/// a public and a private address at once) without a DNS server.
public protocol HostResolver: Sendable {
    /// All addresses of `name`; throws ``FetchError/resolutionFailed`` when there are none.
    func resolve(_ name: String) async throws(FetchError) -> [IPAddress]
}

/// `getaddrinfo` on NIO's blocking thread pool (never on an event loop or the cooperative pool).
public struct SystemHostResolver: HostResolver {
    private let threadPool: NIOThreadPool

    public init(threadPool: NIOThreadPool = .singleton) {
        self.threadPool = threadPool
    }

    public func resolve(_ name: String) async throws(FetchError) -> [IPAddress] {
        let result: Result<[IPAddress], FetchError>
        do {
            result = try await self.threadPool.runIfActive { Self.lookUp(name) }
        } catch {
            throw .resolutionFailed(host: name, "resolver unavailable")
        }
        return try result.get()
    }

    private static func lookUp(_ name: String) -> Result<[IPAddress], FetchError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
            hints.ai_socktype = SOCK_STREAM
        #else
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = name.withCString { getaddrinfo($0, nil, &hints, &list) }
        guard status == 0, let first = list else {
            let detail = status == 0 ? "no address" : String(cString: gai_strerror(status))
            return .failure(.resolutionFailed(host: name, detail))
        }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var current: UnsafeMutablePointer<addrinfo>? = first
        while let entry = current {
            if let socketAddress = entry.pointee.ai_addr {
                switch Int32(socketAddress.pointee.sa_family) {
                case AF_INET:
                    let address = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee }
                    addresses.append(.v4(UInt32(bigEndian: address.sin_addr.s_addr)))
                case AF_INET6:
                    var address = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee }
                    addresses.append(.v6(withUnsafeBytes(of: &address.sin6_addr) { Array($0) }))
                default:
                    break
                }
            }
            current = entry.pointee.ai_next
        }
        var unique: [IPAddress] = []
        for address in addresses where !unique.contains(address) { unique.append(address) }
        return unique.isEmpty ? .failure(.resolutionFailed(host: name, "no address")) : .success(unique)
    }
}
