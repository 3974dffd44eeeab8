-- GCRA on one bucket, on Redis' own clock, atomically (a script runs alone).
-- KEYS[1]: the bucket. Its value is the TAT (theoretical arrival time, microseconds since the
--          Unix epoch); the key expires when the bucket is full again, so idle buckets vanish.
-- ARGV:    interval_us (one token), capacity, cost, take (1: take the tokens if allowed,
--          0: only look).
-- Returns: {allowed 0|1, remaining, reset_after_us, retry_after_us or -1 (never)}.
-- The same formulas as `figures` in local.rs: change both or neither.
local interval = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local take = ARGV[4] == '1'

-- Before Redis 5 a script that writes after reading the clock must replicate its effects.
if redis.replicate_commands then redis.replicate_commands() end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
-- GET answers false when the key is missing; tonumber(false) is nil.
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then
  tat = now
end

local burst = interval * capacity
local owed = tat - now
local needed = owed + interval * cost
local allowed = cost == 0 or (cost <= capacity and needed <= burst)
local retry = -1
if not allowed and cost <= capacity then
  retry = needed - burst
end
if allowed and take and cost > 0 then
  owed = needed
  -- '%.0f': Lua would print a number this large in exponent form and lose digits.
  redis.call('SET', KEYS[1], string.format('%.0f', now + owed),
    'PX', string.format('%.0f', math.ceil(owed / 1000)))
end
local remaining = math.floor(math.max(burst - owed, 0) / interval)
if allowed then
  return {1, remaining, owed, retry}
end
return {0, remaining, owed, retry}
