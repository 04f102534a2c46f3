-- wrk script for bench/zero-downtime: counts responses by HTTP status and by the "release" the health
-- route reports (each wrk thread counts in its own Lua state; done() adds them up), and keeps a few
-- bodies of failed responses (non-2xx, or no release in the body).
counts = {}
samples = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function response(status, headers, body)
  local key = "status " .. status
  counts[key] = (counts[key] or 0) + 1
  local release = body and body:match('"release":"([^"]+)"')
  key = "release " .. (release or "(none)")
  counts[key] = (counts[key] or 0) + 1
  if status >= 200 and status <= 299 and not release then
    counts["status cut-short"] = (counts["status cut-short"] or 0) + 1
  end
  if (status < 200 or status > 299 or not release) and #samples < 3 then
    samples[#samples + 1] = status .. " " .. (body or ""):sub(1, 160):gsub("%s+", " ")
  end
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("counts")) do total[k] = (total[k] or 0) + v end
  end
  for k, v in pairs(total) do io.write("count ", k, " ", v, "\n") end
  for _, t in ipairs(threads) do
    for _, s in ipairs(t:get("samples")) do io.write("sample ", s, "\n") end
  end
  local e = summary.errors
  io.write(string.format("errors connect %d read %d write %d timeout %d status %d\n", e.connect, e.read, e.write, e.timeout, e.status))
  io.write(string.format("total %d\n", summary.requests))
end
