import Foundation
import Testing

@testable import Observability

@Suite("JSON log output")
struct JSONLogOutputTests {
    @Test("lines from many threads reach the file whole and in each thread's order; logging never waits on write(2)")
    func concurrentLinesStayWhole() throws {
        let path = NSTemporaryDirectory() + "log-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(descriptor >= 0)
        let output = JSONLogOutput(descriptor: descriptor)
        let threads = 4
        let perThread = 2000
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for n in 0..<perThread {
                output.write("{\"thread\":\(thread),\"n\":\(n),\"pad\":\"\(String(repeating: "x", count: 100))\"}\n")
            }
        }
        output.flush()
        close(descriptor)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == threads * perThread)
        var next = [Int](repeating: 0, count: threads)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "a torn line: \(line.prefix(80))")
            let thread = try #require(object["thread"] as? Int)
            #expect(object["n"] as? Int == next[thread], "thread \(thread) out of order")
            next[thread] += 1
        }
    }
}
