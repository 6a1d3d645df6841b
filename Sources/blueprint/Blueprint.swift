import ArgumentParser

/// The `blueprint` command: runs workers and operates queues.
@main
struct Blueprint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blueprint",
        abstract: "Blueprint Worker: background jobs on Redis Streams.",
        discussion: """
            Settings come from the environment (DESIGN.md section 6): REDIS_URL, BLUEPRINT_WORKER_ID,
            BLUEPRINT_QUEUES, BLUEPRINT_CONCURRENCY, BLUEPRINT_DIAGNOSTICS, BLUEPRINT_LOG_LEVEL, ...
            Exit codes: 0 success, 1 runtime failure (e.g. Redis unreachable), 2 invalid settings, 64 bad usage.
            """,
        subcommands: [Serve.self, Enqueue.self, Dead.self])
}
