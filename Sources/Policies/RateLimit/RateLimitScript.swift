import RedisClient

/// The per-subject limit check: a sliding-window log, one Lua script call per check.
///
/// Why a sliding-window log and not GCRA: the product's rules are "at most 10 emails per user in
/// any hour", "5 SMS a day", "10 MB a day". GCRA spreads a quota evenly (one email every 6
/// minutes after a burst of 10), so over a rolling hour it admits up to 2x the limit and its
/// "free at" time is when one unit comes back, not when the window allows the job. The log is
/// exact for any window, handles byte costs (each entry carries its cost) and tells exactly when
/// enough units leave the window. Its memory is one sorted-set member per admitted job in the
/// window (10 for email, 5 for SMS), and every key expires with its window.
///
/// Key layout (both share the hash tag, so the script works on Redis Cluster):
///
///     bp:limit:{<action>:<subject>}:log    sorted set, member "<cost>:<token>", score = admitted at (ms)
///     bp:limit:{<action>:<subject>}:used   string, sum of the costs in the log
///
/// `subject` is `user:<user_id>` (or `rcpt:<sha256 prefix>`); see ``RateLimiter/subject(userID:)``.
///
/// Arguments: `now_ms window_ms limit cost token consume(1|0)`.
/// Reply: `{allowed(1|0), used, limit, frees_at_ms}`; `frees_at_ms` is 0 when allowed and -1 when
/// the cost alone exceeds the limit (never allowed). A token already in the log is allowed again
/// without being charged twice, so a redelivered or retried job does not spend the user's quota twice.
public enum RateLimitScript {
    /// The Lua source (documented in docs/policies.md for producers in other languages).
    public static let script = RedisScript(
        name: "blueprint-rate-limit",
        source: """
            local now = tonumber(ARGV[1])
            local window = tonumber(ARGV[2])
            local limit = tonumber(ARGV[3])
            local cost = tonumber(ARGV[4])
            local member = ARGV[4] .. ':' .. ARGV[5]
            local horizon = now - window
            local used = tonumber(redis.call('GET', KEYS[2]) or '0')
            local changed = false
            local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', horizon)
            if #expired > 0 then
              for i = 1, #expired do
                used = used - tonumber(string.match(expired[i], '^(%d+):'))
              end
              redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', horizon)
              changed = true
            end
            if used < 0 or redis.call('ZCARD', KEYS[1]) == 0 then
              if used ~= 0 then changed = true end
              used = 0
            end
            local allowed = 0
            local frees_at = 0
            if redis.call('ZSCORE', KEYS[1], member) then
              allowed = 1
            elseif used + cost <= limit then
              allowed = 1
              if ARGV[6] == '1' then
                redis.call('ZADD', KEYS[1], now, member)
                redis.call('PEXPIRE', KEYS[1], window)
                used = used + cost
                changed = true
              end
            elseif cost > limit then
              frees_at = -1
            else
              local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
              local freed = 0
              for i = 1, #entries, 2 do
                freed = freed + tonumber(string.match(entries[i], '^(%d+):'))
                if used - freed + cost <= limit then
                  frees_at = tonumber(entries[i + 1]) + window
                  break
                end
              end
            end
            if changed then
              if used > 0 then
                redis.call('SET', KEYS[2], used, 'PX', window)
              else
                redis.call('DEL', KEYS[2])
              end
            end
            return {allowed, used, limit, frees_at}
            """)
}
