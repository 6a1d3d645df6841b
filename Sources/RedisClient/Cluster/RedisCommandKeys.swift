import NIOCore
import RESP

/// Which arguments of a command are keys, and so which cluster slot the command belongs to.
///
/// A table covers the commands this project sends (strings, hashes, sorted sets, sets, lists,
/// streams, scripts and functions, `XREAD`/`XREADGROUP` `STREAMS` sections, multi-key `DEL`/`MSET`
/// and friends). A command not in the table is taken to have no keys and goes to any master
/// (`PING`, `INFO`, `SCRIPT`, `CLIENT`...). Pure; no I/O.
enum RedisCommandKeys {
    /// How a command's keys are laid out in its arguments (index 0 is the command name).
    enum Layout {
        /// No key.
        case none
        /// One key at this argument index.
        case single(Int)
        /// Every argument from index 1.
        case all
        /// Every argument from index 1 except the last (`BLPOP k1 k2 timeout`).
        case allButLast
        /// Arguments 1, 3, 5... (`MSET k v k v`).
        case everyOther
        /// Arguments 1 and 2 (`RENAME src dst`).
        case firstTwo
        /// `numkeys` at index 2, then that many keys (`EVALSHA sha n k1 k2 arg`).
        case numKeysAtTwo
        /// After the `STREAMS` token, the first half of the remaining arguments.
        case streams
    }

    /// The layout of a command by its upper-cased name; unknown commands have no keys.
    static func layout(of name: String) -> Layout {
        if let layout = Self.table[name] { return layout }
        return .none
    }

    private static let table: [String: Layout] = {
        var table: [String: Layout] = [:]
        let singleKey = [
            "GET", "SET", "SETNX", "SETEX", "PSETEX", "GETDEL", "GETEX", "GETSET", "GETRANGE", "SETRANGE",
            "INCR", "INCRBY", "INCRBYFLOAT", "DECR", "DECRBY", "APPEND", "STRLEN",
            "EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT", "EXPIRETIME", "PEXPIRETIME", "TTL", "PTTL", "PERSIST", "TYPE",
            "DUMP", "RESTORE",
            "HSET", "HSETNX", "HGET", "HMGET", "HMSET", "HDEL", "HGETALL", "HINCRBY", "HINCRBYFLOAT", "HEXISTS",
            "HLEN", "HKEYS", "HVALS", "HSCAN", "HSTRLEN", "HRANDFIELD",
            "ZADD", "ZREM", "ZRANGE", "ZRANGEBYSCORE", "ZREVRANGE", "ZREVRANGEBYSCORE", "ZRANGEBYLEX",
            "ZREMRANGEBYSCORE", "ZREMRANGEBYRANK", "ZREMRANGEBYLEX", "ZCARD", "ZSCORE", "ZMSCORE", "ZCOUNT",
            "ZINCRBY", "ZRANK", "ZREVRANK", "ZPOPMIN", "ZPOPMAX", "ZSCAN", "ZLEXCOUNT",
            "SADD", "SREM", "SMEMBERS", "SISMEMBER", "SMISMEMBER", "SCARD", "SPOP", "SRANDMEMBER", "SSCAN",
            "LPUSH", "RPUSH", "LPUSHX", "RPUSHX", "LPOP", "RPOP", "LRANGE", "LLEN", "LTRIM", "LREM", "LINDEX",
            "LSET", "LINSERT", "LPOS",
            "XADD", "XLEN", "XRANGE", "XREVRANGE", "XDEL", "XTRIM", "XACK", "XPENDING", "XCLAIM", "XAUTOCLAIM",
            "XSETID",
            "PFADD", "PFCOUNT", "BITCOUNT", "GETBIT", "SETBIT", "BITPOS",
        ]
        for name in singleKey { table[name] = .single(1) }
        for name in ["XGROUP", "XINFO", "OBJECT"] { table[name] = .single(2) }
        for name in ["DEL", "UNLINK", "EXISTS", "TOUCH", "MGET", "WATCH", "SINTER", "SUNION", "SDIFF", "PFMERGE"] {
            table[name] = .all
        }
        for name in ["BLPOP", "BRPOP", "BZPOPMIN", "BZPOPMAX"] { table[name] = .allButLast }
        for name in ["MSET", "MSETNX"] { table[name] = .everyOther }
        for name in ["RENAME", "RENAMENX", "COPY", "SMOVE", "LMOVE", "BLMOVE", "RPOPLPUSH", "BRPOPLPUSH"] {
            table[name] = .firstTwo
        }
        for name in ["EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO"] { table[name] = .numKeysAtTwo }
        for name in ["XREAD", "XREADGROUP"] { table[name] = .streams }
        return table
    }()

    /// The keys of `command`, by the table.
    ///
    /// - Throws: ``RedisClientError`` when the arguments contradict the layout (a `numkeys` that is
    ///   not a number or exceeds the arguments, `XREAD` without `STREAMS` or with an odd count).
    static func keys(of command: RESPCommand) throws -> [ByteBuffer] {
        let layout = Self.layout(of: command.name)
        if case .none = layout { return [] }
        let arguments = command.arguments
        switch layout {
        case .none:
            return []
        case .single(let index):
            // `XINFO HELP`, `XGROUP HELP`, `OBJECT HELP`: no key.
            if index == 2, arguments.count > 1, String(buffer: arguments[1]).uppercased() == "HELP" { return [] }
            return arguments.count > index ? [arguments[index]] : []
        case .all:
            return Array(arguments.dropFirst())
        case .allButLast:
            return arguments.count > 2 ? Array(arguments[1..<(arguments.count - 1)]) : []
        case .everyOther:
            return stride(from: 1, to: arguments.count, by: 2).map { arguments[$0] }
        case .firstTwo:
            return Array(arguments.dropFirst().prefix(2))
        case .numKeysAtTwo:
            guard arguments.count > 2 else { return [] }
            guard let count = Int(String(buffer: arguments[2])), count >= 0, count <= arguments.count - 3 else {
                throw RedisClientError.invalidCommand(
                    "\(command.name): numkeys is not a count of the arguments that follow")
            }
            return Array(arguments[3..<(3 + count)])
        case .streams:
            guard let streams = arguments.firstIndex(where: { String(buffer: $0).uppercased() == "STREAMS" }) else {
                throw RedisClientError.invalidCommand("\(command.name) without STREAMS")
            }
            let rest = arguments.count - streams - 1
            guard rest > 0, rest % 2 == 0 else {
                throw RedisClientError.invalidCommand("\(command.name): STREAMS needs as many IDs as keys")
            }
            return Array(arguments[(streams + 1)..<(streams + 1 + rest / 2)])
        }
    }

    /// The one slot of `command`'s keys; `nil` for a command without keys (any master serves it).
    ///
    /// - Throws: ``RedisClientError/crossSlot(_:)`` when its keys hash to different slots, before
    ///   anything is sent.
    static func slot(of command: RESPCommand) throws -> Int? {
        var slot: Int?
        for key in try Self.keys(of: command) {
            let keySlot = key.withUnsafeReadableBytes { RedisHashSlot.slot(of: $0) }
            if let slot, slot != keySlot { throw RedisClientError.crossSlot(command.name) }
            slot = keySlot
        }
        return slot
    }
}
