import RedisClient

/// The Lua scripts of scheduled and periodic jobs (same conventions as ``EngineScripts``: every
/// key in `KEYS`, all in the queue's hash slot).
enum ScheduleScripts {
    /// Moves a stream entry that is not due yet (`run_at` / `delay_ms`) to `{q}:delayed`.
    ///
    /// XACK first, like ``EngineScripts/retry``: when two workers hold the same entry (one was
    /// presumed dead) or the script runs again after a lost reply, only the first call moves it,
    /// so the job is in the delayed set exactly once. The member carries `job_id` (the entry ID)
    /// so identical payloads stay distinct members.
    ///
    /// KEYS: stream, delayed. ARGV: group, entry id, due ms, member (JSON array of the fields).
    /// Returns 1 when moved, 0 when the entry was no longer pending.
    static let postpone = RedisScript(
        name: "postpone",
        source: """
            if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 1 then
              redis.call('XDEL', KEYS[1], ARGV[2])
              redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
              return 1
            end
            return 0
            """)

    /// Enqueues the ticks of a periodic job that no worker enqueued yet, then records how far
    /// ticks are handled.
    ///
    /// A tick is enqueued only when it is newer than `last` (the newest tick any worker handled)
    /// AND its own key `{q}:periodic:<name>:<tick>` did not exist (`SET NX PX`): however many
    /// workers run the same schedule, each tick is added to the stream once. Both checks and the
    /// XADD happen in one script, so no crash can leave a tick marked but not enqueued.
    ///
    /// KEYS: stream, last key, one tick key per tick.
    /// ARGV: newest due tick ms, tick key ttl ms, now ms, job name, n ticks, n tick ms values, then
    /// the field/value items of the entry (without `job_id`, `periodic_tick`, `enqueued_at`).
    /// Returns { number enqueued, last tick handled }.
    static let enqueueTicks = RedisScript(
        name: "periodic-enqueue",
        source: """
            local last = tonumber(redis.call('GET', KEYS[2]) or '0') or 0
            local n = tonumber(ARGV[5])
            local fields = {}
            for i = 6 + n, #ARGV do fields[#fields + 1] = ARGV[i] end
            local added = 0
            for i = 1, n do
              local tick = tonumber(ARGV[5 + i])
              if tick > last and redis.call('SET', KEYS[2 + i], '1', 'NX', 'PX', ARGV[2]) then
                local entry = { unpack(fields) }
                entry[#entry + 1] = 'job_id'
                entry[#entry + 1] = 'periodic:' .. ARGV[4] .. ':' .. ARGV[5 + i]
                entry[#entry + 1] = 'periodic_tick'
                entry[#entry + 1] = ARGV[5 + i]
                entry[#entry + 1] = 'enqueued_at'
                entry[#entry + 1] = ARGV[3]
                redis.call('XADD', KEYS[1], '*', unpack(entry))
                added = added + 1
              end
            end
            local newest = tonumber(ARGV[1])
            if newest > last then
              redis.call('SET', KEYS[2], ARGV[1])
              last = newest
            end
            return { added, tostring(last) }
            """)
}
