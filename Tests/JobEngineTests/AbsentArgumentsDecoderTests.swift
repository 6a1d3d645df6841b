import Foundation
import Testing

@testable import JobEngine

@Suite("Absent arguments decoder")
struct AbsentArgumentsDecoderTests {
    struct AllOptional: Decodable, Equatable {
        var sleep_ms: Int?
        var name: String?
        var flag: Bool?
    }

    struct Required: Decodable {
        var to: String
    }

    struct WithType: Decodable {
        var type: String?
    }

    struct Strict: Decodable {
        enum CodingKeys: String, CodingKey { case type, x }
        let keys: [String]
        init(from decoder: any Decoder) throws {
            self.keys = try decoder.container(keyedBy: CodingKeys.self).allKeys.map(\.stringValue)
        }
    }

    struct Single: Decodable {
        init(from decoder: any Decoder) throws { _ = try decoder.singleValueContainer().decode([String: String].self) }
    }

    @Test func optionalArgumentsAreAbsent() {
        #expect(AbsentArgumentsDecoder.decode(AllOptional.self) == AllOptional())
        #expect(AbsentArgumentsDecoder.decode(JobNoResultArguments.self) != nil)
    }

    @Test func givesUpWhereJSONDecoderMustAnswer() {
        #expect(AbsentArgumentsDecoder.decode(Required.self) == nil)
        #expect(AbsentArgumentsDecoder.decode(WithType.self) == nil)
        #expect(AbsentArgumentsDecoder.decode(Single.self) == nil)
    }

    @Test func allKeysAreWhatJSONDecoderSees() throws {
        let fast = try #require(AbsentArgumentsDecoder.decode(Strict.self))
        let slow = try JSONDecoder().decode(Strict.self, from: Data(#"{"type":"t"}"#.utf8))
        #expect(fast.keys == slow.keys)
    }

    @Test func payloadKnowsWhenOnlyTypeIsThere() throws {
        let decoder = JobPayloadDecoder()
        #expect(try decoder.decode(jobData: #" {"type":"canary"} "#, queue: "q").hasOnlyType)
        #expect(try !decoder.decode(jobData: #"{"type":"canary","sleep_ms":1}"#, queue: "q").hasOnlyType)
        #expect(try !decoder.decode(jobData: #"{"type":"a","type":"b"}"#, queue: "q").hasOnlyType)
        #expect(try !decoder.decode(jobData: #"{"x":{"a":1,"b":2},"type":"t"}"#, queue: "q").hasOnlyType)
    }

    /// An empty arguments struct, like a job type without arguments.
    struct JobNoResultArguments: Decodable {}
}
