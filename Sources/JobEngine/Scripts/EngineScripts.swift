import RedisClient

/// The Lua scripts that make every state change of a job atomic.
///
/// Each script acknowledges the stream entry first and does the rest only when `XACK` returned 1:
/// if two workers ever finish the same entry (one was presumed dead), only the first writes an
/// outcome, so every job has exactly one outcome on `{q}:results`.
///
/// All keys are passed in `KEYS` and share the queue's hash slot (`{q}:...`), so the scripts
/// work unchanged on Redis Cluster.
enum EngineScripts {
    /// Finishes many jobs: XACK + one results entry each (+ idempotency record, + lookup index),
    /// then one XDEL and one XTRIM for the whole batch, and the batch's per-minute stats.
    ///
    /// Why one XDEL: Redis 7.0 looks for a stream's new first ID after an XDEL that deleted the
    /// first entry, by iterating from the head over the deleted entries its first node still
    /// holds; a drain deletes in FIFO order, so deleting entry by entry paid that scan per job
    /// (XDEL was the dearest command per job). One XDEL per batch pays it once. The results
    /// stream is trimmed once per batch too (`MAXLEN ~`, as each XADD used to).
    ///
    /// Why the stats are summed in a Lua table: only acknowledged jobs count (a job finished by two
    /// workers counts once), and the batch then costs one HINCRBY per distinct field (a handful),
    /// not three per job. `EXPIRE ... NX` gives a new stats hash its TTL and leaves it alone after.
    ///
    /// KEYS: stream, results, idempotency hash, idempotency index, stats hash of this minute,
    /// then one lookup-index key (`{q}:job:<id>`) per job, in the order of the jobs (none when the
    /// index TTL is 0: no index).
    /// ARGV: group, results maxlen, now ms, stats TTL s, index TTL s (0: no index), then per job 10 values:
    /// entry id, job id, type, status, attempts, duration ms, result-or-error, idempotency key ('' if none),
    /// wait bucket, run bucket.
    /// Returns the number of jobs whose outcome was recorded.
    static let complete = RedisScript(
        name: "complete",
        source: """
            local group, maxlen, now, statsTTL, indexTTL = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
            local acked = {}
            local stats = {}
            for i = 6, #ARGV, 10 do
              local id = ARGV[i]
              if redis.call('XACK', KEYS[1], group, id) == 1 then
                acked[#acked + 1] = id
                local status = ARGV[i + 3]
                local detail = status == 'succeeded' and 'result' or 'error'
                local rid = redis.call('XADD', KEYS[2], '*', 'job_id', ARGV[i + 1], 'type', ARGV[i + 2],
                  'status', status, 'attempts', ARGV[i + 4], 'duration_ms', ARGV[i + 5], detail, ARGV[i + 6])
                if indexTTL ~= '0' then
                  redis.call('SET', KEYS[5 + (i - 6) / 10 + 1], status .. ' ' .. rid, 'EX', indexTTL)
                end
                local key = ARGV[i + 7]
                if key ~= '' then
                  redis.call('HSETNX', KEYS[3], key, status)
                  redis.call('ZADD', KEYS[4], 'NX', now, key)
                end
                local w, r = 'wait:' .. ARGV[i + 8], 'run:' .. ARGV[i + 9]
                stats[status] = (stats[status] or 0) + 1
                stats[w] = (stats[w] or 0) + 1
                stats[r] = (stats[r] or 0) + 1
              end
            end
            for i = 1, #acked, 1000 do
              redis.call('XDEL', KEYS[1], unpack(acked, i, math.min(i + 999, #acked)))
            end
            if #acked > 0 then
              redis.call('XTRIM', KEYS[2], 'MAXLEN', '~', maxlen)
              for field, n in pairs(stats) do redis.call('HINCRBY', KEYS[5], field, n) end
              redis.call('EXPIRE', KEYS[5], statsTTL, 'NX')
            end
            return #acked
            """)

    /// Puts a failed job on the delayed set for a later attempt, and XACK + XDEL the entry; counts
    /// it in the minute's stats (`retried` with its wait and run buckets, or `deferred` alone).
    ///
    /// KEYS: stream, delayed, stats hash. ARGV: group, entry id, due ms, member (JSON array of the
    /// new entry's fields), stats counter, wait bucket ('' for none), run bucket ('' for none), stats TTL s.
    /// Returns 1 when scheduled, 0 when the entry was no longer pending (another worker finished it).
    static let retry = RedisScript(
        name: "retry",
        source: """
            if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 1 then
              redis.call('XDEL', KEYS[1], ARGV[2])
              redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
              redis.call('HINCRBY', KEYS[3], ARGV[5], 1)
              if ARGV[6] ~= '' then redis.call('HINCRBY', KEYS[3], 'wait:' .. ARGV[6], 1) end
              if ARGV[7] ~= '' then redis.call('HINCRBY', KEYS[3], 'run:' .. ARGV[7], 1) end
              redis.call('EXPIRE', KEYS[3], ARGV[8], 'NX')
              return 1
            end
            return 0
            """)

    /// Sends a job to the dead letters: XADD dead + XADD results + XACK + XDEL (+ idempotency
    /// record), and records it in the lookup index and the minute's stats.
    ///
    /// KEYS: stream, dead, results, idempotency hash, idempotency index, stats hash, lookup-index key.
    /// ARGV: group, entry id, results maxlen, dead maxlen, now ms, idempotency key ('' if none),
    /// number of dead fields n, wait bucket, run bucket, stats TTL s, index TTL s (0: no index),
    /// n dead field/value items, then the results field/value items.
    /// Returns 1 when dead-lettered, 0 when the entry was no longer pending.
    static let dead = RedisScript(
        name: "dead",
        source: """
            if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
            redis.call('XDEL', KEYS[1], ARGV[2])
            local n = tonumber(ARGV[7])
            local deadFields, resultFields = {}, {}
            for i = 12, 11 + n do deadFields[#deadFields + 1] = ARGV[i] end
            for i = 12 + n, #ARGV do resultFields[#resultFields + 1] = ARGV[i] end
            redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', unpack(deadFields))
            local rid = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', unpack(resultFields))
            if ARGV[11] ~= '0' then redis.call('SET', KEYS[7], 'dead ' .. rid, 'EX', ARGV[11]) end
            if ARGV[6] ~= '' then
              redis.call('HSETNX', KEYS[4], ARGV[6], 'dead')
              redis.call('ZADD', KEYS[5], 'NX', ARGV[5], ARGV[6])
            end
            redis.call('HINCRBY', KEYS[6], 'dead', 1)
            redis.call('HINCRBY', KEYS[6], 'wait:' .. ARGV[8], 1)
            redis.call('HINCRBY', KEYS[6], 'run:' .. ARGV[9], 1)
            redis.call('EXPIRE', KEYS[6], ARGV[10], 'NX')
            return 1
            """)

    /// Acknowledges and deletes entries without an outcome (duplicates of a finished idempotent job,
    /// entries deleted while pending). KEYS: stream. ARGV: group, ids...
    static let discard = RedisScript(
        name: "discard",
        source: """
            local n = 0
            for i = 2, #ARGV, 1000 do
              local ids = { unpack(ARGV, i, math.min(i + 999, #ARGV)) }
              n = n + redis.call('XACK', KEYS[1], ARGV[1], unpack(ids))
              redis.call('XDEL', KEYS[1], unpack(ids))
            end
            return n
            """)

    /// Moves due retries back onto their lane streams. Safe with many workers: each member moves once.
    ///
    /// A member's `priority` field picks the stream (`critical` -> KEYS[2], `bulk` -> KEYS[4]);
    /// anything else, or none (members written before lanes existed, or by other producers of
    /// the delayed set), goes to the plain queue stream, the `default` lane.
    ///
    /// KEYS: delayed, critical stream, stream, bulk stream. ARGV: now ms, limit. Returns how many were moved.
    static let promote = RedisScript(
        name: "promote",
        source: """
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
            for _, member in ipairs(due) do
              local ok, fields = pcall(cjson.decode, member)
              if ok and type(fields) == 'table' and #fields >= 2 and #fields % 2 == 0 then
                for i = 1, #fields do
                  -- Only strings and numbers can be stream fields (a nested value would fail the XADD, and the script).
                  if type(fields[i]) ~= 'string' and type(fields[i]) ~= 'number' then ok = false end
                end
              else
                ok = false
              end
              if ok then
                local stream = KEYS[3]
                for i = 1, #fields - 1, 2 do
                  if fields[i] == 'priority' then
                    if fields[i + 1] == 'critical' then stream = KEYS[2] elseif fields[i + 1] == 'bulk' then stream = KEYS[4] end
                  end
                end
                redis.call('XADD', stream, '*', unpack(fields))
              else
                redis.call('XADD', KEYS[3], '*', 'job_data', member, 'error', 'undecodable delayed entry')
              end
              redis.call('ZREM', KEYS[1], member)
            end
            return #due
            """)

    /// Reads new entries of a queue's three lane streams in one round trip, in the order that
    /// serves higher lanes first without starving lower ones (see ``LaneWeights``): `default` up
    /// to its guaranteed share, `bulk` up to its share, then `critical`, `default`, `bulk` up to
    /// the room left. A lane that returned fewer entries than asked is empty and not asked again.
    ///
    /// Why a script: reading the lanes one by one from the worker would cost a round trip per
    /// lane, and one `XREADGROUP` over the three streams applies `COUNT` per stream (up to three
    /// times the free slots). `XREADGROUP` in a script never blocks; the consumer blocks with a
    /// plain `XREADGROUP` when every lane was empty.
    ///
    /// KEYS: critical stream, stream, bulk stream (one slot). ARGV: group, consumer, room,
    /// default share, bulk share. Returns three lists of entries (`[id, [field, value...]]`),
    /// one per lane in KEYS order.
    static let readLanes = RedisScript(
        name: "read-lanes",
        source: """
            local group, consumer, room = ARGV[1], ARGV[2], tonumber(ARGV[3])
            local out, empty = { {}, {}, {} }, { false, false, false }
            local function take(lane, n)
              if n <= 0 or room <= 0 or empty[lane] then return end
              n = math.min(n, room)
              local reply = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', n, 'STREAMS', KEYS[lane], '>')
              local entries = reply and reply[1][2] or {}
              local list = out[lane]
              for i = 1, #entries do list[#list + 1] = entries[i] end
              room = room - #entries
              if #entries < n then empty[lane] = true end
            end
            take(2, tonumber(ARGV[4]))
            take(3, tonumber(ARGV[5]))
            take(1, room)
            take(2, room)
            take(3, room)
            return out
            """)

    /// Renews ownership of running jobs: XCLAIM JUSTID (resets idle time, keeps the delivery count)
    /// only for entries this consumer still owns, so a heartbeat never steals an entry back.
    ///
    /// KEYS: stream. ARGV: group, consumer, ids... Returns the ids no longer owned.
    static let heartbeat = RedisScript(
        name: "heartbeat",
        source: """
            local lost = {}
            for i = 3, #ARGV do
              local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
              if p[1] and p[1][2] == ARGV[2] then
                redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
              else
                lost[#lost + 1] = ARGV[i]
              end
            end
            return lost
            """)

    /// Removes a consumer from the group only if it has nothing pending (checked atomically).
    ///
    /// KEYS: stream. ARGV: group, consumer. Returns 1 when removed.
    static let removeIdleConsumer = RedisScript(
        name: "remove-idle-consumer",
        source: """
            local p = redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2])
            if #p > 0 then return 0 end
            redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
            return 1
            """)

    /// Forgets idempotency records older than the retention. KEYS: hash, index. ARGV: cutoff ms, limit.
    static let pruneIdempotency = RedisScript(
        name: "prune-idempotency",
        source: """
            local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
            if #old > 0 then
              redis.call('HDEL', KEYS[1], unpack(old))
              redis.call('ZREM', KEYS[2], unpack(old))
            end
            return #old
            """)

    /// Moves dead letters back onto the queue with the attempt reset, deleting them from the dead stream.
    ///
    /// KEYS: dead, stream, idempotency hash, idempotency index, critical stream, bulk stream. ARGV: ids...
    /// A dead letter goes back to the lane its `priority` field names (`default` without one).
    /// The dead letter's bookkeeping fields are dropped (so `attempt` starts again at 1) and its
    /// idempotency record is forgotten (so the replayed job is not skipped as a duplicate).
    /// Returns how many were replayed.
    static let replay = RedisScript(
        name: "replay",
        source: """
            local skip = { error = true, attempts = true, worker = true, failed_at = true, queue = true,
                           attempt = true, failed_entry_id = true, duration_ms = true }
            local n = 0
            for i = 1, #ARGV do
              local entries = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])
              if #entries == 1 then
                local fields = entries[1][2]
                local out = {}
                for j = 1, #fields, 2 do
                  if fields[j] == 'idempotency_key' then
                    redis.call('HDEL', KEYS[3], fields[j + 1])
                    redis.call('ZREM', KEYS[4], fields[j + 1])
                  end
                  if not skip[fields[j]] then
                    out[#out + 1] = fields[j]
                    out[#out + 1] = fields[j + 1]
                  end
                end
                if #out == 0 then out = { 'job_data', '' } end
                local stream = KEYS[2]
                for j = 1, #out - 1, 2 do
                  if out[j] == 'priority' then
                    if out[j + 1] == 'critical' then stream = KEYS[5] elseif out[j + 1] == 'bulk' then stream = KEYS[6] end
                  end
                end
                redis.call('XADD', stream, '*', unpack(out))
                redis.call('XDEL', KEYS[1], ARGV[i])
                n = n + 1
              end
            end
            return n
            """)
}
