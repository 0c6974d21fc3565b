package queue

import "github.com/redis/go-redis/v9"

// The queue lives in these Redis keys, all sharing one hash tag so every
// script touches a single Cluster slot:
//
//	ready      ZSET key -> due time (unix ms); due <= now is ready, later is delayed
//	processing ZSET key -> lease expiry (unix ms)
//	leases     HASH key -> lease token of the current holder
//	dirty      ZSET key -> earliest due time requested while the key was processing
//	attempts   HASH key -> failed attempts since the last success
//	dead       ZSET key -> time of death (unix ms)
//	deadinfo   HASH key -> JSON {"error","attempts","at"}
//	seq        STRING   -> last lease token handed out (INCR)
//	paused     STRING   -> no key is handed out before this time (unix ms)
//	failing    HASH key -> JSON {"error","attempts","at","parked"} of a key
//	                       whose last run failed; cleared by success or death
//	after      ZSET (lexicographic) "<len>:<key><other>" -> keys that wait for
//	                       the run of key to end (AddOr, Await); released into
//	                       ready however the run ends
//	wake       channel  -> published whenever a key enters ready (payload: the
//	                       publishing queue's origin), so idle workers of every
//	                       replica wake at once instead of polling
//
// Every transition below is one script, so no state is ever half-written.

// releaseLua moves the keys waiting for the run of key to end (the after
// set) into ready, due at once, or marks one that runs now to run again;
// it returns how many it moved. It expects the KEYS indexes READY,
// PROCESSING, DIRTY and AFTER to be set by the script.
const releaseLua = `
local function release(key)
  local p = #key .. ':' .. key
  local waiting = redis.call('ZRANGEBYLEX', KEYS[AFTER], '[' .. p, '[' .. p .. '\255')
  local moved = 0
  for _, m in ipairs(waiting) do
    local k = string.sub(m, #p + 1)
    redis.call('ZREM', KEYS[AFTER], m)
    if redis.call('ZSCORE', KEYS[PROCESSING], k) then
      redis.call('ZADD', KEYS[DIRTY], 'LT', 0, k)
    else
      redis.call('ZADD', KEYS[READY], 'LT', 0, k)
      moved = moved + 1
    end
  end
  return moved
end
`

// killLua dead-letters a key inside a script; it expects the locals key, n
// (attempts), now and errmsg, KEYS in the order documented on each script
// and FAILING, the index of the failing key among them.
const killLua = `
local function kill(key, n, now, errmsg)
  redis.call('ZADD', KEYS[6], now, key)
  redis.call('HSET', KEYS[7], key, cjson.encode({error = errmsg, attempts = n, at = now}))
  redis.call('HDEL', KEYS[5], key)
  redis.call('ZREM', KEYS[1], key)
  redis.call('ZREM', KEYS[4], key)
  redis.call('HDEL', KEYS[FAILING], key)
end
`

// addScript: KEYS ready, processing, dirty, dead, attempts, deadinfo, after.
// ARGV key, due, revive ("1" to revive a dead key), wake channel, origin,
// instead (optional: the key that waits for the run of key to end, and then
// runs, in place of key running again).
var addScript = redis.NewScript(`
local key = ARGV[1]
local due = tonumber(ARGV[2])
if redis.call('ZSCORE', KEYS[2], key) then
  if ARGV[6] == nil or ARGV[6] == '' then
    redis.call('ZADD', KEYS[3], 'LT', due, key)
    return 'dirty'
  end
  redis.call('ZADD', KEYS[7], 0, #key .. ':' .. key .. ARGV[6])
  return 'instead'
end
if redis.call('ZSCORE', KEYS[4], key) then
  if ARGV[3] ~= '1' then return 'dead' end
  redis.call('ZREM', KEYS[4], key)
  redis.call('HDEL', KEYS[6], key)
  redis.call('HDEL', KEYS[5], key)
end
if redis.call('ZSCORE', KEYS[1], key) then
  -- A key waiting out its backoff keeps it; a fresh one may move earlier.
  if redis.call('HEXISTS', KEYS[5], key) == 0 then
    if redis.call('ZADD', KEYS[1], 'LT', 'CH', due, key) > 0 then
      redis.call('PUBLISH', ARGV[4], ARGV[5])
    end
  end
  return 'coalesced'
end
redis.call('ZADD', KEYS[1], due, key)
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 'added'
`)

// awaitScript: KEYS processing, after. ARGV key, waiter.
// Returns 1 when key runs now and waiter was set to run once it ends, 0
// when key does not run.
var awaitScript = redis.NewScript(`
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[2], 0, #ARGV[1] .. ':' .. ARGV[1] .. ARGV[2])
return 1
`)

// leaseScript reaps expired leases, then leases the earliest ready key. A
// reaped key counts a failed attempt (its worker died or stalled) and comes
// back after a backoff (none the first time), so a key that kills its
// worker cannot take the workers down in a loop; a dead-letter key dies
// once its attempts are spent.
// KEYS ready, processing, leases, dirty, attempts, dead, deadinfo, seq,
// paused, failing, after.
// ARGV now, lease ms, max attempts, reap limit, lease ("0" only reaps), base
// delay ms, max delay ms, wake channel, origin, then the dead-letter
// prefixes.
// Returns {key, token, attempts, reaped, killed, more}; more counts the keys
// still ready after this lease; key "" means none ready and
// token then holds the next due time (or -1 when the queue is empty). When
// it only reaps, token is the number of keys ready now (0 while paused).
var leaseScript = redis.NewScript(`local FAILING, READY, PROCESSING, DIRTY, AFTER = 10, 1, 2, 4, 11` + killLua + releaseLua + `
local now = tonumber(ARGV[1])
local max = tonumber(ARGV[3])
local base, cap = tonumber(ARGV[6]), tonumber(ARGV[7])
local function oneShot(key)
  for i = 10, #ARGV do
    if string.sub(key, 1, #ARGV[i]) == ARGV[i] then return true end
  end
  return false
end
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[4]))
local reaped, killed, released = 0, 0, 0
local msg = 'lease expired: worker stopped or stalled'
for _, key in ipairs(expired) do
  redis.call('ZREM', KEYS[2], key)
  redis.call('HDEL', KEYS[3], key)
  released = released + release(key)
  local n = redis.call('HINCRBY', KEYS[5], key, 1)
  if oneShot(key) and n >= max then
    kill(key, n, now, msg)
    killed = killed + 1
  else
    local delay = 0
    if n > 1 then
      delay = base
      for _ = 3, n do
        if delay >= cap then break end
        delay = delay * 2
      end
      if delay > cap then delay = cap end
    end
    redis.call('ZREM', KEYS[4], key)
    redis.call('ZADD', KEYS[1], now + delay, key)
    redis.call('HSET', KEYS[10], key, cjson.encode({error = msg, attempts = n, at = now, parked = false}))
    reaped = reaped + 1
  end
end
if reaped + released > 0 then redis.call('PUBLISH', ARGV[8], ARGV[9]) end
local paused = tonumber(redis.call('GET', KEYS[9]) or '0')
if ARGV[5] == '0' then
  local ready = 0
  if paused <= now then ready = redis.call('ZCOUNT', KEYS[1], '-inf', now) end
  return {'', ready, 0, reaped, killed, 0}
end
if paused > now then return {'', paused, 0, reaped, killed, 0} end
local ready = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, 1)
if #ready == 0 then
  local nxt = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local due = -1
  if #nxt > 0 then due = tonumber(nxt[2]) end
  return {'', due, 0, reaped, killed, 0}
end
local key = ready[1]
redis.call('ZREM', KEYS[1], key)
local token = redis.call('INCR', KEYS[8])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), key)
redis.call('HSET', KEYS[3], key, token)
local attempts = tonumber(redis.call('HGET', KEYS[5], key) or '0')
local more = redis.call('ZCOUNT', KEYS[1], '-inf', now)
return {key, token, attempts, reaped, killed, more}
`)

// doneScript: KEYS ready, processing, leases, dirty, attempts, failing,
// after.
// ARGV key, token, wake channel, origin.
// Returns 0 when the lease is lost, 1 when done, 2 when done and requeued
// because the key was added while processing.
var doneScript = redis.NewScript(`local READY, PROCESSING, DIRTY, AFTER = 1, 2, 4, 7` + releaseLua + `
local key = ARGV[1]
if redis.call('HGET', KEYS[3], key) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[2], key)
redis.call('HDEL', KEYS[3], key)
redis.call('HDEL', KEYS[5], key)
redis.call('HDEL', KEYS[6], key)
if release(key) > 0 then redis.call('PUBLISH', ARGV[3], ARGV[4]) end
local due = redis.call('ZSCORE', KEYS[4], key)
if due then
  redis.call('ZREM', KEYS[4], key)
  redis.call('ZADD', KEYS[1], due, key)
  redis.call('PUBLISH', ARGV[3], ARGV[4])
  return 2
end
return 1
`)

// requeueScript ends a lease without success, by mode:
//
//	retry   count an attempt; queue after the delay, or dead-letter once
//	        attempts reach max (0: never)
//	park    count an attempt; leave the queue until the next add (at once if
//	        it was added during the run), or dead-letter as retry does
//	kill    count an attempt and dead-letter
//	defer   queue after the delay; attempts unchanged
//	forget  forget attempts and failure (a success); queue after the delay
//
// KEYS ready, processing, leases, dirty, attempts, dead, deadinfo, failing,
// after.
// ARGV key, token, now, delay ms, max attempts, error, mode, wake channel,
// origin.
// Returns {status, attempts}: status 0 lease lost, 1 queued, 2 dead,
// 3 parked.
var requeueScript = redis.NewScript(`local FAILING, READY, PROCESSING, DIRTY, AFTER = 8, 1, 2, 4, 9` + killLua + releaseLua + `
local key = ARGV[1]
if redis.call('HGET', KEYS[3], key) ~= ARGV[2] then return {0, 0} end
local now = tonumber(ARGV[3])
local max = tonumber(ARGV[5])
local mode = ARGV[7]
redis.call('ZREM', KEYS[2], key)
redis.call('HDEL', KEYS[3], key)
if release(key) > 0 then redis.call('PUBLISH', ARGV[8], ARGV[9]) end
local n = tonumber(redis.call('HGET', KEYS[5], key) or '0')
if mode == 'retry' or mode == 'park' or mode == 'kill' then
  n = redis.call('HINCRBY', KEYS[5], key, 1)
  if mode == 'kill' or (max > 0 and n >= max) then
    kill(key, n, now, ARGV[6])
    return {2, n}
  end
  redis.call('HSET', KEYS[8], key, cjson.encode({error = ARGV[6], attempts = n, at = now, parked = (mode == 'park')}))
elseif mode == 'forget' then
  redis.call('HDEL', KEYS[5], key)
  redis.call('HDEL', KEYS[8], key)
  n = 0
end
if mode == 'park' then
  local due = redis.call('ZSCORE', KEYS[4], key)
  if not due then return {3, n} end
  redis.call('ZREM', KEYS[4], key)
  redis.call('ZADD', KEYS[1], due, key)
  redis.call('PUBLISH', ARGV[8], ARGV[9])
  return {1, n}
end
-- The key is queued again anyway, so a pending dirty mark is satisfied.
-- After a failure the backoff wins over an earlier dirty due time; after a
-- success (forget: a handler's RequeueAfter) the key was added during the
-- run for a new change, which must not wait for the later run asked for.
local due = now + tonumber(ARGV[4])
local dirty = redis.call('ZSCORE', KEYS[4], key)
if mode == 'forget' and dirty and tonumber(dirty) < due then due = tonumber(dirty) end
redis.call('ZREM', KEYS[4], key)
redis.call('ZADD', KEYS[1], due, key)
redis.call('PUBLISH', ARGV[8], ARGV[9])
return {1, n}
`)

// extendScript: KEYS processing, leases. ARGV key, token, new expiry.
var extendScript = redis.NewScript(`
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZADD', KEYS[1], 'XX', tonumber(ARGV[3]), ARGV[1])
return 1
`)

// replayScript: KEYS ready, dead, deadinfo, attempts. ARGV key, now, wake
// channel, origin.
var replayScript = redis.NewScript(`
if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
redis.call('ZADD', KEYS[1], tonumber(ARGV[2]), ARGV[1])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1
`)

// dropScript: KEYS dead, deadinfo. ARGV key.
var dropScript = redis.NewScript(`
local n = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return n
`)

// depthScript: KEYS ready, processing, dead, dirty, failing. ARGV now.
// Keys due later are delayed when their last run failed (a backoff) and
// scheduled otherwise (AddAfter, a handler's RequeueAfter); telling them
// apart walks the failing keys, which are few unless an upstream is down.
var depthScript = redis.NewScript(`
local now = tonumber(ARGV[1])
local later = redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf')
local delayed = 0
if later > 0 then
  for _, k in ipairs(redis.call('HKEYS', KEYS[5])) do
    local at = redis.call('ZSCORE', KEYS[1], k)
    if at and tonumber(at) > now then delayed = delayed + 1 end
  end
end
return {
  redis.call('ZCOUNT', KEYS[1], '-inf', now),
  delayed,
  redis.call('ZCARD', KEYS[2]),
  redis.call('ZCARD', KEYS[3]),
  redis.call('ZCARD', KEYS[4]),
  redis.call('HLEN', KEYS[5]),
  later - delayed,
}
`)

// pauseScript: KEYS paused. ARGV until ms. Keeps the later of two pauses; a
// pause in the past is inert.
var pauseScript = redis.NewScript(`
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local new = tonumber(ARGV[1])
if new > cur then redis.call('SET', KEYS[1], ARGV[1]) end
return 1
`)
