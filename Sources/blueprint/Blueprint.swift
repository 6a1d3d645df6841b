import ArgumentParser

/// The `blueprint` command: runs workers and operates queues.
@main
struct Blueprint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blueprint",
        abstract: "Blueprint Worker: background jobs on Redis Streams.",
        discussion: """
            Settings come from a JSON settings file named by BLUEPRINT_CONFIG and from the environment,
            which wins (DESIGN.md section 6): REDIS_URL, BLUEPRINT_WORKER_ID, BLUEPRINT_QUEUES,
            BLUEPRINT_CONCURRENCY, BLUEPRINT_DIAGNOSTICS, BLUEPRINT_LOG_LEVEL, BLUEPRINT_HTTP_HOST,
            BLUEPRINT_HTTP_PORT, BLUEPRINT_ADMIN_TOKEN (or BLUEPRINT_ADMIN_TOKEN_FILE), ...
            Exit codes: 0 success, 1 runtime failure (e.g. Redis unreachable), 2 invalid settings,
            64 bad usage (unknown option, missing argument, unknown queue).
            """,
        subcommands: [Serve.self, Enqueue.self, Dead.self, Queues.self, Pending.self, Pause.self, Resume.self, Workers.self, CheckConfig.self])
}
