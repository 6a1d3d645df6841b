// Mails per second to a local SMTP server (aiosmtpd, STARTTLS + AUTH), two ways in one run:
//   reuse     — a pool of BENCH_CONNECTIONS authenticated connections, reused (RSET between
//               messages), commands pipelined (MAIL, RCPT, DATA in one write) when offered
//   per-mail  — a new connection for every message (TCP + STARTTLS + EHLO + AUTH), no pipelining
// Each mode sends BENCH_MAILS messages (a Korean multipart/alternative verification mail) from
// BENCH_CONCURRENCY concurrent senders. Prints one line per mode, `mode=... mails=... seconds=...
// mails_per_second=...`, and the ratio last. Server settings come from the SMTP_TEST_* variables
// that scripts/smtp-test-server.sh exports.
// With BENCH_REDIS_PORT set (scripts/bench-email.sh starts a private redis-server), the batch
// column follows: BENCH_NOTIFICATIONS (1,000) templated notifications through the real engine,
// batched vs one job at a time (EngineBatchBench.swift), and `batched_vs_single_ratio=`. Before it,
// rendering alone: per message vs once per locale (RenderBench.swift).
import Foundation
import Logging
import SMTPClient
import SMTPProtocol

let env = ProcessInfo.processInfo.environment
let mails = Int(env["BENCH_MAILS"] ?? "") ?? 400
let concurrency = Int(env["BENCH_CONCURRENCY"] ?? "") ?? 8
let connections = Int(env["BENCH_CONNECTIONS"] ?? "") ?? 4
guard let host = env["SMTP_TEST_HOST"], let port = env["SMTP_TEST_PORT"].flatMap(Int.init) else {
    FileHandle.standardError.write(Data("bench-email: SMTP_TEST_HOST/SMTP_TEST_PORT not set (run scripts/bench-email.sh)\n".utf8))
    exit(2)
}
let logger: Logger = {
    var logger = Logger(label: "bench-email")
    logger.logLevel = .error
    return logger
}()

func message(_ index: Int) throws -> MailMessage {
    MailMessage(
        from: try MailAddress("noreply@blueprint-bench.example", displayName: "블루프린트"),
        to: [try MailAddress("bench-\(index)@blueprint-bench.example")],
        subject: "[블루프린트] 회원가입 인증 코드 \(100_000 + index)",
        text: "안녕하세요.\n회원가입 인증 코드는 \(100_000 + index) 입니다.\n블루프린트 드림",
        html: "<p>안녕하세요.</p><p>회원가입 인증 코드는 <strong>\(100_000 + index)</strong> 입니다.</p>",
        date: 1_795_741_200)
}

func run(mode: String, reuse: Bool) async throws -> Double {
    var configuration = SMTPClientConfiguration(
        host: host, port: port, security: .startTLS, username: env["SMTP_TEST_USER"], password: env["SMTP_TEST_PASSWORD"],
        caFile: env["SMTP_TEST_CA_FILE"])
    configuration.maximumConnections = reuse ? connections : concurrency
    configuration.reuseConnections = reuse
    configuration.usePipelining = reuse
    let client = try SMTPClient(configuration: configuration, logger: logger)
    let messages = try (0..<mails).map(message)
    let clock = ContinuousClock()
    let start = clock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<concurrency {
            group.addTask {
                var index = worker
                while index < messages.count {
                    _ = try await client.send(messages[index])
                    index += concurrency
                }
            }
        }
        try await group.waitForAll()
    }
    let elapsed = start.duration(to: clock.now)
    await client.shutdown()
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let rate = Double(mails) / seconds
    print("mode=\(mode) mails=\(mails) concurrency=\(concurrency) seconds=\(String(format: "%.2f", seconds)) mails_per_second=\(String(format: "%.1f", rate))")
    return rate
}

let reused = try await run(mode: "reuse+pipelining(connections=\(connections))", reuse: true)
let perMail = try await run(mode: "connection-per-mail", reuse: false)
print("reuse_vs_per_mail_ratio=\(String(format: "%.2f", reused / perMail))")

try RenderBench.run(count: Int(env["BENCH_RENDERS"] ?? "") ?? 10_000)

if let redisPort = env["BENCH_REDIS_PORT"].flatMap(Int.init) {
    var smtp = SMTPClientConfiguration(
        host: host, port: port, security: .startTLS, username: env["SMTP_TEST_USER"], password: env["SMTP_TEST_PASSWORD"],
        caFile: env["SMTP_TEST_CA_FILE"])
    smtp.commandTimeout = .seconds(30)
    let bench = EngineBatchBench(
        redisPort: redisPort, notifications: Int(env["BENCH_NOTIFICATIONS"] ?? "") ?? 1000, connections: connections, smtp: smtp, logger: logger)
    let batched = try await bench.run(batched: true)
    let single = try await bench.run(batched: false)
    print("batched_vs_single_ratio=\(String(format: "%.2f", batched / single))")
}
