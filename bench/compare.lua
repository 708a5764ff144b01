-- wrk script of bench/compare.sh: one lookup of a deal's chats per request, a random deal each
-- time, in one of three shapes chosen by the environment.
--
--   MODE=chat_get  POST PREFIX/imopenlines.crm.chat.get, form CRM_ENTITY_TYPE=deal&
--                  CRM_ENTITY=<deal>&ACTIVE_ONLY=<ACTIVE_ONLY>
--   MODE=batch     POST PREFIX/batch with BATCH (50) such commands, halt=0
--   MODE=json      GET /deals/<deal>/chats (json-server), plus ?active=true when ACTIVE_ONLY=Y
--
-- PREFIX is the webhook path, e.g. /rest/1/bench0123456789ab. The deal is
-- 1 + STRIDE * k for a random k with the deal <= MAX_DEAL: STRIDE 1 is any deal; the
-- non-admin workload uses the department count, so that every deal asked for is one its user
-- may read (see bench/gen_fixture.py). done() prints one line for compare.sh:
--   compare: requests=R non200=N bad=B socket_errors=S p50_us=P p99_us=Q rps=X
-- where bad counts 200 answers that still failed: a batch with anything in result_error, or
-- a chat.get whose answer has no result list.
local mode = os.getenv("MODE") or "chat_get"
local prefix = os.getenv("PREFIX") or "/rest/1/bench0123456789ab"
local active_only = os.getenv("ACTIVE_ONLY") or "N"
local max_deal = tonumber(os.getenv("MAX_DEAL") or "100000")
local stride = tonumber(os.getenv("STRIDE") or "1")
local batch_size = tonumber(os.getenv("BATCH") or "50")
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + id)
  non200, bad = 0, 0
  if mode == "json" then
    wrk.method = "GET"
  else
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
end

local function deal()
  return 1 + stride * math.random(0, math.floor((max_deal - 1) / stride))
end

local function chat_get_params(id)
  return "CRM_ENTITY_TYPE=deal&CRM_ENTITY=" .. id .. "&ACTIVE_ONLY=" .. active_only
end

function request()
  if mode == "json" then
    local path = "/deals/" .. deal() .. "/chats"
    if active_only == "Y" then path = path .. "?active=true" end
    return wrk.format(nil, path)
  end
  if mode == "batch" then
    local parts = { "halt=0" }
    for c = 0, batch_size - 1 do
      -- cmd[cN]=imopenlines.crm.chat.get?<params>, the value percent-encoded once.
      local command = "imopenlines.crm.chat.get?" .. chat_get_params(deal())
      command = command:gsub("[?&=]", function(ch) return string.format("%%%02X", string.byte(ch)) end)
      parts[#parts + 1] = "cmd%5Bc" .. c .. "%5D=" .. command
    end
    return wrk.format(nil, prefix .. "/batch", nil, table.concat(parts, "&"))
  end
  return wrk.format(nil, prefix .. "/imopenlines.crm.chat.get", nil, chat_get_params(deal()))
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
  elseif mode == "batch" then
    if not body:find('"result_error":[]', 1, true) then bad = bad + 1 end
  elseif mode == "chat_get" then
    if not body:find('{"result":[', 1, true) then bad = bad + 1 end
  end
end

function done(summary, latency, requests)
  local total_non200, total_bad = 0, 0
  for _, thread in ipairs(threads) do
    total_non200 = total_non200 + (thread:get("non200") or 0)
    total_bad = total_bad + (thread:get("bad") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    "compare: requests=%d non200=%d bad=%d socket_errors=%d p50_us=%d p99_us=%d rps=%.1f\n",
    summary.requests, total_non200, total_bad, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99),
    summary.requests / (summary.duration / 1e6)))
end
