import Crypto
import Foundation
import JobEngine
import Messaging
import TestSupport
import Testing

@Suite struct SMSUnitTests {
    @Test(arguments: ["010-1234-5678", "01012345678", "+82 10-1234-5678", "+821012345678", "82-10-1234-5678", "(010) 1234.5678"])
    func koreanNumbersNormalise(_ text: String) throws {
        let number = try PhoneNumber(text)
        #expect(number.e164 == "+821012345678")
        #expect(number.national == "01012345678")
        #expect(number.masked == "***5678")
    }

    @Test(arguments: ["", "1234", "010-1234-567", "010-1234-56789", "02-123-4567", "+82 2 123 4567", "010-1234-5678\r\nX", "abc", "+0123456789", "011-123-4567-000"])
    func invalidNumbersAreRefused(_ text: String) {
        #expect(throws: PhoneNumberError.self) { try PhoneNumber(text) }
    }

    @Test func legacyAndInternational() throws {
        #expect(try PhoneNumber("011-123-4567").national == "0111234567")
        let us = try PhoneNumber("+1 500 555 0006")
        #expect(us.e164 == "+15005550006" && us.national == nil)
    }

    @Test func smsOrLMSByEUCKRLength() {
        #expect(SMSEncoding.eucKRLength("abc") == 3)
        #expect(SMSEncoding.eucKRLength("가나다") == 6)
        #expect(SMSEncoding.eucKRLength("인증번호 123456") == 15)
        #expect(SMSEncoding.kind(of: String(repeating: "a", count: 90)) == .sms)
        #expect(SMSEncoding.kind(of: String(repeating: "a", count: 91)) == .lms)
        #expect(SMSEncoding.kind(of: String(repeating: "가", count: 45)) == .sms)
        #expect(SMSEncoding.kind(of: String(repeating: "가", count: 45) + "a") == .lms)
        #expect(SMSEncoding.eucKRLength("漢字😀") == 6)
    }

    @Test func solapiSignatureKnownAnswer() {
        // hex(HMAC-SHA256(key "secret", "2026-11-27T01:00:00.000Z" + "abc123")) computed independently with Python's hmac.
        let header = SolapiSMSProvider.authorization(apiKey: "KEY", apiSecret: "secret", date: "2026-11-27T01:00:00.000Z", salt: "abc123")
        let mac = HMAC<SHA256>.authenticationCode(for: Data("2026-11-27T01:00:00.000Zabc123".utf8), using: SymmetricKey(data: Data("secret".utf8)))
        let hex = mac.map { String(format: "%02x", $0) }.joined()
        #expect(header == "HMAC-SHA256 apiKey=KEY, date=2026-11-27T01:00:00.000Z, salt=abc123, signature=\(hex)")
        #expect(hex == SMSTestVectors.solapiSignature)
    }
}

enum SMSTestVectors {
    /// python3 -c 'import hmac,hashlib;print(hmac.new(b"secret",b"2026-11-27T01:00:00.000Zabc123",hashlib.sha256).hexdigest())'
    static let solapiSignature = "21b644b96f1df521e0f726dcd92048900e13132690291b5fcf0a44036c6c406b"
}

/// Each provider against an in-process fake that checks the documented request shape.
@Suite struct SMSProviderTests {
    @Test func nhnCloudRequestShape() async throws {
        let respond: FakeProviderServer.Responder = { request in
            let ok = request.headers["x-secret-key"] == "nhn-secret" && request.headers["content-type"] == "application/json;charset=UTF-8"
            return ok
                ? (200, #"{"header":{"isSuccessful":true,"resultCode":0,"resultMessage":"SUCCESS"},"body":{"data":{"requestId":"req-1","statusCode":"2","sendResultList":[{"recipientNo":"01012345678","resultCode":0,"resultMessage":"SUCCESS"}]}}}"#, [])
                : (401, #"{"header":{"isSuccessful":false,"resultCode":-1,"resultMessage":"bad key"}}"#, [])
        }
        try await FakeProviderServer.run(respond: respond) { server in
            try await withOutboundHTTP { http in
                let provider = NHNCloudSMSProvider(baseURL: server.baseURL, appKey: "APPKEY", secretKey: "nhn-secret", sender: "0212345678", http: http)
                let short = try await provider.send(SMSMessage(to: try PhoneNumber("010-1234-5678"), text: "[블루프린트] 인증번호 123456"))
                #expect(short.message_id == "req-1" && short.kind == .sms)
                let long = try await provider.send(SMSMessage(to: try PhoneNumber("010-1234-5678"), text: String(repeating: "가", count: 60), subject: "알림"))
                #expect(long.kind == .lms)
            }
            let requests = server.requests
            #expect(requests.map(\.uri) == ["/sms/v3.0/appKeys/APPKEY/sender/sms", "/sms/v3.0/appKeys/APPKEY/sender/mms"])
            #expect(requests.allSatisfy { $0.method == "POST" })
            let first = try #require(requests[0].json)
            #expect(first["body"] as? String == "[블루프린트] 인증번호 123456")
            #expect(first["sendNo"] as? String == "0212345678")
            #expect((first["recipientList"] as? [[String: Any]])?.first?["recipientNo"] as? String == "01012345678")
            #expect(first["title"] == nil)
            #expect(try #require(requests[1].json)["title"] as? String == "알림")
        }
    }

    @Test func nhnCloudRefusalIsPermanentAndOutageIsUnavailable() async throws {
        let respond: FakeProviderServer.Responder = { request in
            switch request.json?["body"] as? String {
            case "boom": (503, "{}", [("Retry-After", "7")])
            case "slow down": (429, "{}", [("Retry-After", "99999")])
            default: (200, #"{"header":{"isSuccessful":false,"resultCode":-2019,"resultMessage":"Invalid recipient 01012345678"}}"#, [])
            }
        }
        try await FakeProviderServer.run(respond: respond) { server in
            try await withOutboundHTTP { http in
                let provider = NHNCloudSMSProvider(baseURL: server.baseURL, appKey: "K", secretKey: "S", sender: "0212345678", http: http)
                await #expect {
                    _ = try await provider.send(SMSMessage(to: try PhoneNumber("01012345678"), text: "x"))
                } throws: { error in
                    guard case .refused(let text) = error as? SMSProviderError else { return false }
                    return text.contains("-2019") && !text.contains("01012345678")
                }
                await #expect {
                    _ = try await provider.send(SMSMessage(to: try PhoneNumber("01012345678"), text: "boom"))
                } throws: { error in
                    (error as? SMSProviderError) == .unavailable("HTTP 503: {}", retryAfter: .seconds(7))
                }
                // Retry-After is capped at an hour.
                await #expect {
                    _ = try await provider.send(SMSMessage(to: try PhoneNumber("01012345678"), text: "slow down"))
                } throws: { error in
                    (error as? SMSProviderError) == .unavailable("HTTP 429: {}", retryAfter: .seconds(3600))
                }
            }
        }
    }

    @Test func solapiRequestShapeAndSignature() async throws {
        let secret = "solapi-secret"
        let respond: FakeProviderServer.Responder = { request in
            // Verify the signature the way Solapi does: recompute HMAC(secret, date + salt).
            guard let auth = request.headers["authorization"], auth.hasPrefix("HMAC-SHA256 ") else { return (401, #"{"errorCode":"Unauthorized"}"#, []) }
            var fields: [String: String] = [:]
            for part in auth.dropFirst(12).split(separator: ",") {
                let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
            }
            let date = fields["date"] ?? "", salt = fields["salt"] ?? ""
            let mac = HMAC<SHA256>.authenticationCode(for: Data((date + salt).utf8), using: SymmetricKey(data: Data(secret.utf8)))
            let expected = mac.map { String(format: "%02x", $0) }.joined()
            guard fields["apiKey"] == "API-KEY", fields["signature"] == expected, salt.count >= 16, ISO8601DateFormatter.fractional.date(from: date) != nil else {
                return (401, #"{"errorCode":"SignatureDoesNotMatch","errorMessage":"bad signature"}"#, [])
            }
            return (200, #"{"groupId":"G1","messageId":"M1","statusCode":"2000","statusMessage":"정상 접수"}"#, [])
        }
        try await FakeProviderServer.run(respond: respond) { server in
            try await withOutboundHTTP { http in
                let provider = SolapiSMSProvider(baseURL: server.baseURL, apiKey: "API-KEY", apiSecret: secret, sender: "0212345678", http: http)
                let receipt = try await provider.send(SMSMessage(to: try PhoneNumber("+82 10 9876 5432"), text: "인증번호 654321"))
                #expect(receipt.message_id == "M1")
                let wrong = SolapiSMSProvider(baseURL: server.baseURL, apiKey: "API-KEY", apiSecret: "wrong", sender: "0212345678", http: http)
                await #expect {
                    _ = try await wrong.send(SMSMessage(to: try PhoneNumber("01098765432"), text: "x"))
                } throws: { error in
                    guard case .unavailable(let text, _) = error as? SMSProviderError else { return false }
                    return text.contains("credentials refused") && text.contains("SignatureDoesNotMatch")
                }
            }
            let request = try #require(server.requests.first)
            #expect(request.uri == "/messages/v4/send" && request.method == "POST")
            #expect(request.headers["content-type"] == "application/json")
            let message = try #require(request.json?["message"] as? [String: Any])
            #expect(message["to"] as? String == "01098765432")
            #expect(message["from"] as? String == "0212345678")
            #expect(message["text"] as? String == "인증번호 654321")
            #expect(message["type"] as? String == "SMS")
            // Two requests never share a salt.
            let salts = server.requests.compactMap { $0.headers["authorization"]?.components(separatedBy: "salt=").last?.prefix(32) }
            #expect(salts.count == 2 && Set(salts).count == salts.count)
        }
    }

    @Test func twilioFormAndBasicAuth() async throws {
        let respond: FakeProviderServer.Responder = { request in
            let expected = "Basic " + Data("AC123:tw-token".utf8).base64EncodedString()
            guard request.headers["authorization"] == expected else { return (401, #"{"code":20003,"message":"Authenticate","status":401}"#, []) }
            guard request.headers["content-type"] == "application/x-www-form-urlencoded" else { return (415, "{}", []) }
            return (201, #"{"sid":"SM42","status":"queued"}"#, [])
        }
        try await FakeProviderServer.run(respond: respond) { server in
            try await withOutboundHTTP { http in
                let provider = TwilioSMSProvider(baseURL: server.baseURL, accountSID: "AC123", authToken: "tw-token", sender: "+15005550006", http: http)
                let receipt = try await provider.send(SMSMessage(to: try PhoneNumber("010-1234-5678"), text: "코드 1234 & more=yes"))
                #expect(receipt.message_id == "SM42")
            }
            let request = try #require(server.requests.first)
            #expect(request.uri == "/2010-04-01/Accounts/AC123/Messages.json" && request.method == "POST")
            var form: [String: String] = [:]
            for pair in request.text.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
                form[parts[0]] = parts.count > 1 ? parts[1] : ""
            }
            #expect(form == ["To": "+821012345678", "From": "+15005550006", "Body": "코드 1234 & more=yes"])
        }
    }

    @Test func connectionRefusedIsUnavailable() async throws {
        try await withOutboundHTTP({ $0.connectTimeout = .milliseconds(300) }) { http in
            let provider = TwilioSMSProvider(baseURL: URL(string: "http://127.0.0.1:1")!, accountSID: "A", authToken: "T", sender: "+15005550006", http: http)
            await #expect {
                _ = try await provider.send(SMSMessage(to: try PhoneNumber("01012345678"), text: "x"))
            } throws: { error in
                guard case .unavailable(let text, let retryAfter) = error as? SMSProviderError else { return false }
                return text.hasPrefix("cannot connect to 127.0.0.1:1") && retryAfter == nil
            }
        }
    }

    @Test func oversizedAnswerIsUnavailable() async throws {
        let respond: FakeProviderServer.Responder = { _ in (200, String(repeating: " ", count: 2 << 20), []) }
        try await FakeProviderServer.run(respond: respond) { server in
            try await withOutboundHTTP { http in
                let provider = NHNCloudSMSProvider(baseURL: server.baseURL, appKey: "K", secretKey: "S", sender: "0212345678", http: http)
                await #expect {
                    _ = try await provider.send(SMSMessage(to: try PhoneNumber("01012345678"), text: "x"))
                } throws: { error in
                    guard case .unavailable(let text, _) = error as? SMSProviderError else { return false }
                    return text.contains("larger than 1048576 bytes")
                }
            }
        }
    }
}

extension ISO8601DateFormatter {
    static var fractional: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
