import Foundation
import Logging
import NIOCore
import NIOPosix
import TestSupport
import Testing

@testable import ClamAV

/// A real clamd of the test's own, frozen while a scan is being sent and then killed.
@Suite(
    "ClamdClient when a real clamd dies mid-scan",
    .enabled(if: TestServers.shouldRun(TestClamd.isAvailable), "CLAMD_TEST_ADDRESS is not set"))
struct ClamdKilledTests {
    @Test("clamd killed while the file is being sent: unavailable (transient), promptly")
    func killedMidScan() async throws {
        let server = try await PrivateClamd.start()
        defer { server.stop() }
        let client = server.client(timeout: .seconds(30))
        // Frozen: the kernel still accepts the connection and queues bytes until its buffers fill,
        // so the scan is certainly mid-send when clamd is killed.
        server.signal(SIGSTOP)
        let bytes = [UInt8](repeating: 0x61, count: 24 * 1024 * 1024)
        try await ClamdClientTests.withFile(bytes) { path in
            let ended = LockedBox<ClamdError??>(nil)
            try await withThrowingTaskGroup(of: ClamdError?.self) { group in
                group.addTask {
                    let error = await ClamdClientTests.error { () async throws(ClamdError) in try await client.scan(fileAt: path) }
                    ended.withLock { $0 = .some(error) }
                    return error
                }
                // Mid-send: bytes queued at the frozen clamd (seen in /proc/net/tcp), or the scan still
                // running after 2 s, which with 24 MB against a frozen reader means it is blocked
                // mid-send (the socket buffers hold a few MB at most).
                let started = ContinuousClock.now
                try await waitUntil("the scan to be mid-send at the frozen clamd", timeout: .seconds(60)) {
                    if let early = ended.current {
                        throw TestFailure("the scan ended before clamd was killed: \(String(describing: early))")
                    }
                    return server.queuedBytes() > 0 || ContinuousClock.now - started > .seconds(2)
                }
                server.signal(SIGKILL)
                let error = try await group.next() ?? nil
                #expect(error == .unavailable, "\(String(describing: error))")
                #expect(error?.isTransient == true)
            }
        }
    }
}
