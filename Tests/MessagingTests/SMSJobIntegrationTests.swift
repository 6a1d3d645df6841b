import Crypto
import Foundation
import JobEngine
import Messaging
import NIOConcurrencyHelpers
import RedisClient
import TestSupport
import Testing

/// SMS and identity job types end to end: Redis Streams -> engine -> handler -> fake provider API.
@Suite(.enabled(if: TestServers.shouldRun(MessagingTestEnv.env["REDIS_PORT"] != nil), "needs the redis-server of scripts/test.sh"))
struct SMSJobIntegrationTests {
    static func queue() -> String { "t_sms_\(UUID().uuidString.prefix(8))" }

    @Test func smsJobsOutageRetriedRefusalDeadAndMarkerKept() async throws {
        let failuresLeft = NIOLockedValueBox(2)
        let respond: FakeProviderServer.Responder = { request in
            let body = request.json?["body"] as? String ?? ""
            if body.contains("999999") { return (200, #"{"header":{"isSuccessful":false,"resultCode":-2019,"resultMessage":"blocked recipient"}}"#, []) }
            if body.contains("777777"), failuresLeft.withLockedValue({ $0 -= 1; return $0 >= 0 }) { return (503, "{}", []) }
            return (200, #"{"header":{"isSuccessful":true,"resultCode":0,"resultMessage":"SUCCESS"},"body":{"data":{"requestId":"r-\#(UUID().uuidString.prefix(6))","sendResultList":[{"resultCode":0,"resultMessage":"SUCCESS"}]}}}"#, [])
        }
        try await FakeProviderServer.run(respond: respond) { server in
            try await withOutboundHTTP { http in
                let provider = NHNCloudSMSProvider(baseURL: server.baseURL, appKey: "K", secretKey: "S", sender: "0212345678", http: http)
                var service = SMSService(provider: provider, templates: try MessageTemplates(templates: BuiltInTemplates.all))
                service.retryPolicy = RetryPolicy(maximumRetries: 4, baseDelay: .milliseconds(50), maximumDelay: .milliseconds(200))
                let queue = Self.queue()
                var registry = JobRegistry()
                service.register(in: &registry, queues: [queue])
                try await withRedis { client in
                    try await withEngine(queue: queue, registry: registry, client: client) {
                        let producer = JobProducer(client: client)
                        let jobs: [(String, String)] = [
                            ("ok", #"{"type":"send_sms_code","to":"010-1234-5678","code":"123456","purpose":"signup"}"#),
                            ("flaky", #"{"type":"send_sms_code","to":"010-1234-5678","code":"777777","purpose":"login"}"#),
                            ("refused", #"{"type":"send_sms_code","to":"010-1234-5678","code":"999999","purpose":"login"}"#),
                            ("badphone", #"{"type":"send_sms","to":"02-123-4567","text":"hi"}"#),
                            ("template", #"{"type":"send_sms","to":"+821012345678","template":"trade_completed","vars":{"item":"책상","amount":"150,000","trade_id":"T-1"}}"#),
                            ("novar", #"{"type":"send_sms","to":"+821012345678","template":"trade_completed","vars":{"item":"책상"}}"#),
                            ("code7", #"{"type":"send_sms_code","to":"010-1234-5678","code":"1234567","purpose":"login"}"#),
                            ("codeletters", #"{"type":"send_sms_code","to":"010-1234-5678","code":"12ab56","purpose":"login"}"#),
                            ("codeempty", #"{"type":"send_sms_code","to":"010-1234-5678","code":"","purpose":"login"}"#),
                            ("codewide", #"{"type":"send_sms_code","to":"010-1234-5678","code":"１２３４５６","purpose":"login"}"#),
                        ]
                        for (key, job) in jobs { _ = try await producer.enqueue(queue: queue, jobData: job, options: .init(idempotencyKey: "\(key)-\(queue)")) }
                        try await eventually("all outcomes") { try await outcomes(client, queue: queue).count == jobs.count }
                        let results = try await outcomes(client, queue: queue)
                        func result(_ key: String) -> [String: String] { results["\(key)-\(queue)"] ?? [:] }
                        #expect(result("ok")["status"] == "succeeded")
                        #expect(result("flaky")["status"] == "succeeded")
                        #expect(result("flaky")["attempts"] == "3", "two 503s then success")
                        #expect(result("refused")["status"] == "dead")
                        #expect(result("refused")["error"]?.contains("-2019") == true)
                        #expect(result("badphone")["status"] == "dead")
                        #expect(result("badphone")["error"]?.contains("not a valid Korean mobile number") == true)
                        #expect(result("template")["status"] == "succeeded")
                        #expect(result("template")["result"]?.contains(#""kind":"LMS""#) == true)
                        #expect(result("novar")["error"]?.contains("needs variable") == true)
                        for key in ["code7", "codeletters", "codeempty", "codewide"] {
                            #expect(result(key)["status"] == "dead", "\(key)")
                            #expect(result(key)["error"]?.contains("argument 'code' must be exactly 6 digits") == true, "\(key)")
                        }
                        let marker = try await client.send("GET", SentMarker.key(queue: queue, jobID: "ok-\(queue)")).string
                        #expect(marker?.hasPrefix("sent:r-") == true)
                    }
                }
            }
            let bodies = server.requests.compactMap { $0.json?["body"] as? String }
            #expect(bodies.contains("[블루프린트] 인증번호 123456를 입력해 주세요."))
            #expect(bodies.filter { $0.contains("123456") }.count == 1, "sent once")
            #expect(!bodies.contains { $0.contains("1234567") || $0.contains("12ab56") }, "invalid codes are never sent")
            #expect(bodies.contains { $0.contains("책상 거래가 완료되었습니다") })
        }
    }

    static let encryptionKeyBytes = Data((0..<32).map { _ in UInt8.random(in: 0...255) })
    static let integrityKeyBytes = Data((0..<32).map { _ in UInt8.random(in: 0...255) })
    static let hashKeyBytes = Data((0..<32).map { _ in UInt8.random(in: 0...255) })
    static var encryptionKey: SymmetricKey { SymmetricKey(data: encryptionKeyBytes) }
    static var integrityKey: SymmetricKey { SymmetricKey(data: integrityKeyBytes) }

    /// What a PASS provider adapter hands the app: sealed result and its MAC.
    static func token(requestID: String, ci: String = "CI-\(UUID().uuidString)", verifiedAt: Date = Date()) throws -> (String, String) {
        let json = #"{"request_id":"\#(requestID)","ci":"\#(ci)","di":"DI-x","carrier":"SKT","phone":"01012345678","name":"홍길동","birthdate":"19900101","verified_at":\#(Int(verifiedAt.timeIntervalSince1970))}"#
        let sealed = try AES.GCM.seal(Data(json.utf8), using: encryptionKey, authenticating: Data(requestID.utf8))
        let token = sealed.combined!.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        let mac = HMAC<SHA256>.authenticationCode(for: Data(token.utf8), using: integrityKey).map { String(format: "%02x", $0) }.joined()
        return (token, mac)
    }

    @Test func phoneIdentityStoresHashesOnlyAndRefusesForgeries() async throws {
        let verifier = try PhoneIdentityVerifier(encryptionKey: Self.encryptionKeyBytes, integrityKey: Self.integrityKeyBytes, hashKey: Self.hashKeyBytes)
        let queue = Self.queue()
        var registry = JobRegistry()
        verifier.register(in: &registry, queues: [queue])
        let ci = "CI-\(UUID().uuidString)"
        let (good, goodMAC) = try Self.token(requestID: "req-1", ci: ci)
        let (again, againMAC) = try Self.token(requestID: "req-2", ci: ci)
        let (old, oldMAC) = try Self.token(requestID: "req-3", verifiedAt: Date(timeIntervalSinceNow: -3600))
        let userA = "ua-\(UUID().uuidString.prefix(6))", userB = "ub-\(UUID().uuidString.prefix(6))"
        try await withRedis { client in
            try await withEngine(queue: queue, registry: registry, client: client) {
                let producer = JobProducer(client: client)
                func job(_ request: String, _ token: String, _ mac: String) -> String {
                    #"{"type":"verify_phone_identity","provider":"pass","request_id":"\#(request)","token":"\#(token)","integrity":"\#(mac)"}"#
                }
                _ = try await producer.enqueue(queue: queue, jobData: job("req-1", good, goodMAC), options: .init(userID: userA, idempotencyKey: "good-\(queue)"))
                try await eventually("first") { try await outcomes(client, queue: queue).count == 1 }
                _ = try await producer.enqueue(queue: queue, jobData: job("req-2", again, againMAC), options: .init(userID: userB, idempotencyKey: "dup-\(queue)"))
                _ = try await producer.enqueue(queue: queue, jobData: job("req-1", good, String(repeating: "0", count: 64)), options: .init(userID: userA, idempotencyKey: "mac-\(queue)"))
                _ = try await producer.enqueue(queue: queue, jobData: job("req-9", good, goodMAC), options: .init(userID: userA, idempotencyKey: "replay-\(queue)"))
                _ = try await producer.enqueue(queue: queue, jobData: job("req-3", old, oldMAC), options: .init(userID: userA, idempotencyKey: "old-\(queue)"))
                try await eventually("all") { try await outcomes(client, queue: queue).count == 5 }
                let results = try await outcomes(client, queue: queue)
                #expect(results["good-\(queue)"]?["status"] == "succeeded")
                #expect(results["good-\(queue)"]?["result"]?.contains(#""already_linked_to_other_user":false"#) == true)
                #expect(results["dup-\(queue)"]?["result"]?.contains(#""already_linked_to_other_user":true"#) == true)
                #expect(results["mac-\(queue)"]?["error"]?.contains("integrity check failed") == true)
                #expect(results["replay-\(queue)"]?["error"]?.contains("cannot be decrypted for this request") == true)
                #expect(results["old-\(queue)"]?["error"]?.contains("expired") == true)
                let stored = try await client.send("HGETALL", "identity:{\(userA)}")
                let text = "\(stored)"
                #expect(!text.contains(ci) && !text.contains("홍길동") && !text.contains("19900101") && !text.contains("01012345678"))
                #expect(text.contains("5678") && text.contains("SKT"))
                for (_, fields) in results { #expect(!(fields["result"] ?? "").contains(ci)) }
            }
        }
    }
}
