-- wrk script: GET passports drawn at random from a list, as a phone's browser asks for them
-- (HTML, gzip). PATHS (env) names the list, one resolver path per line (/01/…/21/…); N (env)
-- uses only its first N lines, so N sets how many distinct passports the load touches.
local file = os.getenv("PATHS") or "paths.txt"
local paths = {}
for line in io.lines(file) do
  if line ~= "" then paths[#paths + 1] = line end
end
assert(#paths > 0, "no paths in " .. file)
local n = math.min(tonumber(os.getenv("N") or "") or #paths, #paths)

request = function()
  return wrk.format("GET", paths[math.random(n)],
    {["Accept"] = "text/html", ["Accept-Encoding"] = "gzip"})
end
