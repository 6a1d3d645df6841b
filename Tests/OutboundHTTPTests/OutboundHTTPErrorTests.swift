import AsyncHTTPClient
import NIOCore
import NIOPosix
import Testing

@testable import OutboundHTTP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How AsyncHTTPClient and NIO errors map onto ``OutboundHTTPError`` (no I/O).
@Suite("OutboundHTTPError mapping")
struct OutboundHTTPErrorTests {
    static func map(_ error: any Error) -> OutboundHTTPError {
        OutboundHTTPClient.map(error, host: "api.example.com", timeout: .seconds(3), limit: 1024)
    }

    @Test("HTTPClientError values are told apart with ==")
    func httpClientErrors() {
        #expect(Self.map(HTTPClientError.deadlineExceeded) == .timedOut)
        #expect(Self.map(HTTPClientError.readTimeout) == .timedOut)
        #expect(Self.map(HTTPClientError.writeTimeout) == .timedOut)
        #expect(Self.map(HTTPClientError.getConnectionFromPoolTimeout) == .timedOut)
        #expect(Self.map(HTTPClientError.connectTimeout) == .connectFailed)
        #expect(Self.map(HTTPClientError.tlsHandshakeTimeout) == .connectFailed)
        #expect(Self.map(HTTPClientError.cancelled) == .cancelled)
        #expect(Self.map(HTTPClientError.remoteConnectionClosed) == .transport)
        #expect(Self.map(HTTPClientError.alreadyShutdown) == .transport)
    }

    @Test("NIO errors")
    func nioErrors() {
        #expect(Self.map(NIOTooManyBytesError(maxBytes: 1024)) == .responseTooLarge)
        #expect(Self.map(ChannelError.connectTimeout(.seconds(1))) == .connectFailed)
        #expect(Self.map(ChannelError.ioOnClosedChannel) == .transport)
        #expect(Self.map(IOError(errnoCode: ECONNREFUSED, reason: "connect")) == .connectFailed)
        #expect(Self.map(IOError(errnoCode: ECONNRESET, reason: "read")) == .transport)
        #expect(Self.map(CancellationError()) == .cancelled)
    }

    @Test("messages name the host and the limit; equality ignores them")
    func messages() {
        let tooLarge = Self.map(NIOTooManyBytesError(maxBytes: 1024))
        #expect(tooLarge.message == "the response of api.example.com is larger than 1024 bytes")
        #expect(
            Self.map(HTTPClientError.deadlineExceeded).message == "api.example.com did not answer within 3.0 seconds")
        #expect(
            OutboundHTTPError.timedOut(host: "a", after: .seconds(1))
                == OutboundHTTPError.timedOut(host: "b", after: .seconds(2)))
        #expect(OutboundHTTPError.timedOut != .connectFailed)
        #expect(Set([OutboundHTTPError.timedOut(host: "a", after: .seconds(1)), .timedOut]).count == 1)
    }

    @Test("the host of a request never includes credentials, path or query")
    func requestHost() {
        #expect(
            OutboundRequest(url: "https://user:secret@vault.internal:8200/v1/secret/data/x?token=1").host
                == "vault.internal:8200")
        #expect(OutboundRequest(url: "http://127.0.0.1:1").host == "127.0.0.1:1")
        #expect(OutboundRequest(url: "no-scheme").host == "?")
    }
}
