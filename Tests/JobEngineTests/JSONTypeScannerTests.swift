import Foundation
import TestSupport
import Testing

@testable import JobEngine

@Suite("JSON type scanner")
struct JSONTypeScannerTests {
    func scan(_ text: String) -> JSONTypeScanner.Result {
        Array(text.utf8).withUnsafeBytes { JSONTypeScanner.scan($0) }
    }

    @Test func findsTopLevelType() {
        #expect(scan(#"{"type":"send_email","to":"a@b.c"}"#) == .type("send_email"))
        #expect(scan(#"  {"a":{"type":"nested"},"type":"outer"}  "#) == .type("outer"))
        #expect(scan(#"{"type":"caf\u00e9\n"}"#) == .type("café\n"))
        #expect(scan(#"{"x":[1,-2.5e3,true,false,null,{"y":[]}],"type":"t"}"#) == .type("t"))
    }

    @Test func classifiesProblems() {
        #expect(scan(#"{"to":"a"}"#) == .missingType)
        #expect(scan(#"{"a":{"type":"nested"}}"#) == .missingType)
        #expect(scan(#"{"type":5}"#) == .typeNotString)
        #expect(scan(#"[1,2]"#) == .notObject)
        #expect(scan(#""text""#) == .notObject)
        for invalid in [#"{"type":"x""#, #"{"type":"x",}"#, #"{type:"x"}"#, #"{"type":"x"} extra"#, "{\"type\":\"a\u{1}\"}",
                        #"{"a":01}"#, #"{"a":1.}"#, #"{"a":"\q"}"#, #"{"a":tru}"#, "", "not json", "{"] {
            #expect(scan(invalid) == .invalid, "\(invalid)")
        }
    }

    @Test func deepNestingIsRefusedWithoutRecursingForever() {
        let deep = "{\"type\":\"x\",\"a\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        #expect(scan(deep) == .invalid)
    }

    @Test func agreesWithFoundationOnRandomInputs() {
        var generator = SeededGenerator(state: 7)
        let pieces = ["{", "}", "[", "]", ",", ":", "\"type\"", "\"a\"", "\"x\"", "1", "-0.5", "true", "null", " ", "\\", "\""]
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 1...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let ours = scan(text)
            let foundationValid = (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) != nil
            #expect((ours != .invalid) == foundationValid, "disagreement on \(text)")
        }
    }
}
