-- Loaded by every wrk run of scripts/bench.sh. At the end it prints one line the harness parses:
-- BENCH-JSON {...}. Latencies are wrk's (microseconds, from send to last byte).
-- With an argument (`-- <gap ms>`) each connection waits about that long between its requests, so the
-- load can be held below the server's peak (the "half of peak" latency check). The wait is drawn between
-- half and one and a half gaps: equal waits keep the connections in step, and the server would see bursts
-- of every connection at once instead of a steady load.
function init(args)
  local gap = tonumber(args[1])
  if gap ~= nil and gap > 0 then
    delay = function() return gap * (0.5 + math.random()) end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests":%d,"durationUs":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
