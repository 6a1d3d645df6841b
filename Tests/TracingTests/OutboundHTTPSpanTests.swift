import Hummingbird
import InMemoryTracing
import JobEngine
import OutboundHTTP
import TestSupport
import Testing
import Tracing

/// AsyncHTTPClient's own spans through the shared client: a child of the caller's span, the
/// `traceparent` sent on, and never the URL's path or query (credentials, personal data).
@Suite("Outbound HTTP spans")
struct OutboundHTTPSpanTests {
    @Test func callIsAClientSpanUnderTheJobWithoutPathOrQuery() async throws {
        let tracer = W3CTestTracer()
        let router = Router()
        router.get("users/{id}") { request, _ -> String in
            request.headers[HTTPFields.Element.Name("traceparent")!] ?? "none"
        }
        try await withFakeHTTPServer(router) { port in
            try await withTracer(tracer) {
                // The client takes the tracer in force when it is made (as `blueprint serve` does after bootstrap).
                try await withOutboundHTTP { client in
                    let (received, jobSpan): (String, InMemorySpanContext?) = try await withSpan("job", ofKind: .consumer) { span in
                        let response = try await client.execute(
                            OutboundRequest(url: "http://127.0.0.1:\(port)/users/user@example.com?api_key=hunter2"))
                        #expect(response.status == 200)
                        return (response.text, span.context.inMemorySpanContext)
                    }
                    let job = try #require(jobSpan)
                    let http = try #require(tracer.finishedSpans.first { $0.kind == .client })
                    #expect(http.operationName == "GET")
                    #expect(http.traceID == job.traceID)
                    #expect(http.parentSpanID == job.spanID)
                    #expect(http.attributes["server.address"]?.toSpanAttribute() == .string("127.0.0.1"))
                    #expect(http.attributes["http.status_code"]?.toSpanAttribute() == .int64(200))
                    var keys: [String] = []
                    http.attributes.forEach { key, _ in keys.append(key) }
                    #expect(!keys.contains("url.full") && !keys.contains("url.path") && !keys.contains("url.query"), "\(keys)")
                    #expect(!"\(http.attributes)".contains("hunter2") && !"\(http.attributes)".contains("user@example.com"))
                    // The callee joins the trace as a child of the HTTP client span.
                    #expect(received == "00-\(job.traceID)-\(http.spanID)-01")
                }
            }
        }
    }

    @Test func noTracerMeansNoSpanAndNoTraceparentHeader() async throws {
        let router = Router()
        router.get("plain") { request, _ -> String in
            request.headers[HTTPFields.Element.Name("traceparent")!] ?? "none"
        }
        try await withFakeHTTPServer(router) { port in
            try await withOutboundHTTP { client in
                let response = try await client.execute(OutboundRequest(url: "http://127.0.0.1:\(port)/plain"))
                #expect(response.text == "none")
            }
        }
    }
}
