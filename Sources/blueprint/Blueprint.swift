import ArgumentParser

/// The `blueprint` command: runs workers and operates queues.
@main
struct Blueprint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blueprint",
        abstract: "Blueprint Worker: background jobs on Redis Streams.",
        discussion: """
            Settings (DESIGN.md section 6: REDIS_URL, BLUEPRINT_WORKER_ID, BLUEPRINT_QUEUES, \
            BLUEPRINT_CONCURRENCY, BLUEPRINT_DIAGNOSTICS, BLUEPRINT_LOG_LEVEL, BLUEPRINT_HTTP_HOST, \
            BLUEPRINT_HTTP_PORT, BLUEPRINT_ADMIN_TOKEN, ...) come from the environment, then a secrets \
            directory (BLUEPRINT_SECRETS_DIR, one file per setting), then a JSON settings file \
            (BLUEPRINT_CONFIG). `blueprint check-config` validates them.

            Exit codes: 0 success, 1 runtime failure (e.g. Redis unreachable), 2 invalid settings, \
            64 bad usage (unknown option, missing argument, unknown queue).

            Operations guide: docs/operations.md.
            """,
        subcommands: [Serve.self, Enqueue.self, Dead.self, Queues.self, Pending.self, Pause.self, Resume.self, Workers.self, CheckConfig.self])
}
