-- wrk script for the soak: GET /productpage as the personas in turn, one Cookie header per line of the file
-- named by SOAK_COOKIES (an empty line is an anonymous visitor), and counts what each answer showed.
-- Prints one JSON line at the end (the soak test reads it).
local cookies = {}
local counter = 0
local threads = {}
kinds = nil

setup = function(thread)
  table.insert(threads, thread)
end

init = function(args)
  for line in io.lines(os.getenv("SOAK_COOKIES")) do table.insert(cookies, line) end
  kinds = { full = 0, user = 0, anonymous = 0, other = 0, non200 = 0 }
end

request = function()
  counter = counter + 1
  local cookie = cookies[(counter % #cookies) + 1]
  if cookie == "" then return wrk.format("GET", "/productpage") end
  return wrk.format("GET", "/productpage", { Cookie = cookie })
end

-- The persona's page, from its markers: the moderator's whole page (stars from reviews v2/v3, none from v1,
-- never "Ratings service is currently unavailable"), the user's details-only page, the anonymous page with
-- "Sign in"; anything else (an error text, a missing part) is `other`.
response = function(status, headers, body)
  if status ~= 200 then
    kinds.non200 = kinds.non200 + 1
    return
  end
  local signedIn = body:find("sign out</a>", 1, true) ~= nil
  local details = body:find(">Book Details</h4>", 1, true) ~= nil
  local reviews = body:find(">Book Reviews</h4>", 1, true) ~= nil
  local ratingsDown = body:find("Ratings service is currently unavailable", 1, true) ~= nil
  if signedIn and details and reviews and not ratingsDown then kinds.full = kinds.full + 1
  elseif signedIn and details and not reviews and body:find("Error fetching product reviews!", 1, true) then kinds.user = kinds.user + 1
  elseif not signedIn and not details and not reviews and body:find(">Sign in</a>", 1, true) then kinds.anonymous = kinds.anonymous + 1
  else kinds.other = kinds.other + 1 end
end

done = function(summary, latency, requests)
  local total = { full = 0, user = 0, anonymous = 0, other = 0, non200 = 0 }
  for _, thread in ipairs(threads) do
    local k = thread:get("kinds")
    for name, n in pairs(k) do total[name] = total[name] + n end
  end
  io.write(string.format(
    '{"requests":%d,"durationUs":%d,"socketErrors":%d,"timeouts":%d,"non2xx":%d,"full":%d,"user":%d,"anonymous":%d,"other":%d,"non200":%d,"latencyMaxUs":%d,"latencyP99Us":%d,"latencyMeanUs":%.0f}\n',
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write, summary.errors.timeout, summary.errors.status,
    total.full, total.user, total.anonymous, total.other, total.non200,
    latency.max, latency:percentile(99), latency.mean))
end
