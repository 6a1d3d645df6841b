import Foundation
import TestSupport
import Testing

@testable import WorkerServer

@Suite("HTTP settings")
struct ServerSettingsTests {
    @Test func defaults() {
        var problems: [String] = []
        let settings = ServerSettings.parse([:], problems: &problems)
        #expect(problems.isEmpty)
        #expect(settings.host == "127.0.0.1" && settings.port == 8080 && settings.adminToken == nil)
    }

    @Test func badValuesAreNamedAndTheTokenIsNotEchoed() {
        var problems: [String] = []
        _ = ServerSettings.parse(
            ["BLUEPRINT_HTTP_PORT": "70000", "BLUEPRINT_ADMIN_TOKEN": "short-secret"], problems: &problems)
        #expect(problems.count == 2)
        #expect(problems[0].hasPrefix("BLUEPRINT_HTTP_PORT must be"))
        #expect(problems[1].hasPrefix("BLUEPRINT_ADMIN_TOKEN must be at least 16"))
        #expect(!problems.joined().contains("short-secret"))
    }

    @Test func tokenFromAMountedFile() throws {
        let path = try TestEnv.directory().appendingPathComponent("token").path
        try Data("0123456789abcdef0123\n".utf8).write(to: URL(fileURLWithPath: path))
        var problems: [String] = []
        let settings = ServerSettings.parse(["BLUEPRINT_ADMIN_TOKEN_FILE": path], problems: &problems)
        #expect(problems.isEmpty)
        #expect(settings.adminToken == "0123456789abcdef0123")
    }

    @Test func constantTimeComparison() {
        #expect(ConstantTime.equals(Array("secret-token".utf8), Array("secret-token".utf8)))
        #expect(!ConstantTime.equals(Array("secret-tokeN".utf8), Array("secret-token".utf8)))
        #expect(!ConstantTime.equals(Array("secret".utf8), Array("secret-token".utf8)))
        #expect(!ConstantTime.equals(Array("secret-token-longer".utf8), Array("secret-token".utf8)))
        #expect(!ConstantTime.equals([UInt8](), Array("x".utf8)))
    }
}
