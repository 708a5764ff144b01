-- wrk script: POST imopenlines.crm.chat.get for a random deal 1..MAX_DEAL (form body).
--   wrk -t2 -c64 -d30s --latency -s bench/chat_get.lua \
--     http://127.0.0.1:18900/rest/1/bench0123456789ab/imopenlines.crm.chat.get
-- MAX_DEAL comes from the environment (default 100000). Non-200 answers are counted by wrk
-- ("Non-2xx or 3xx responses"); done() also prints them per status code.
local max_deal = tonumber(os.getenv("MAX_DEAL") or "100000")
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + id)
  statuses = {}
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
  local body = "CRM_ENTITY_TYPE=deal&CRM_ENTITY=" .. math.random(1, max_deal) .. "&ACTIVE_ONLY=N"
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, count in pairs(s or {}) do
      total[code] = (total[code] or 0) + count
    end
  end
  local line = "statuses:"
  for code, count in pairs(total) do
    line = line .. " " .. code .. "=" .. count
  end
  io.write(line .. "\n")
  io.write(string.format("p50_us=%d p99_us=%d rps=%.1f\n",
    latency:percentile(50), latency:percentile(99),
    summary.requests / (summary.duration / 1e6)))
end
