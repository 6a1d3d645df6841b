import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A loopback TCP port that refuses every connection for as long as the body runs: a socket is
/// bound to it but never listens, so the kernel answers a connect with a reset, and no other test
/// (or server started by one) can bind the port meanwhile.
///
/// `freeTCPPort()` only finds a port that was free a moment ago: in a parallel run another test's
/// server can take it before the connect, and a "nothing listening" test then reaches that server
/// (and that server counts a connection it never expected). CI failed twice that way.
public func withClosedTCPPort<T>(_ body: (Int) async throws -> T) async throws -> T {
    let (descriptor, port) = try bindLoopbackTCPSocket()
    defer { close(descriptor) }
    return try await body(port)
}

/// A TCP socket bound to 127.0.0.1 on a port the kernel picks, not listening; the caller closes
/// the descriptor.
public func bindLoopbackTCPSocket() throws -> (descriptor: Int32, port: Int) {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw TestFailure("socket() failed: errno \(errno)") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
    }
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    guard bound == 0, named == 0 else {
        let code = errno
        close(descriptor)
        throw TestFailure("binding a loopback socket failed: errno \(code)")
    }
    return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
}
