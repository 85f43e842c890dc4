#include "persistence/internal/redis_layout.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/absl_view.h"
#include "common/micros.h"

namespace cookiejar {
namespace redis_internal {
namespace {

using micros::FromMicros;
using micros::ToMicros;

constexpr size_t kMaxProfileBytes = 256;

std::string PartitionField(const std::optional<CookiePartitionKey>& key) {
  if (!key) return "";
  return absl::StrCat(key->cross_site_ancestor ? "1" : "0", key->top_level_site);
}

bool ParseInt(absl::string_view text, int64_t min, int64_t max, int64_t* out) {
  return absl::SimpleAtoi(text, out) && *out >= min && *out <= max;
}

}  // namespace

absl::Status CheckNames(std::string_view prefix, std::string_view profile) {
  if (prefix.find_first_of("{}") != std::string_view::npos) {
    return absl::InvalidArgumentError("a Redis key prefix may not contain '{' or '}'");
  }
  if (profile.empty() || profile.size() > kMaxProfileBytes) {
    return absl::InvalidArgumentError("a profile name has 1 to 256 bytes");
  }
  for (unsigned char c : profile) {
    if (c < 0x20 || c == 0x7f || c == '{' || c == '}') {
      return absl::InvalidArgumentError(
          "a profile name may not contain '{', '}' or control characters (it is a Redis hash tag)");
    }
  }
  return absl::OkStatus();
}

ProfileKeys KeysOf(std::string_view prefix, std::string_view profile) {
  const std::string base = absl::StrCat(AbslView(prefix), "{", AbslView(profile), "}:");
  return {base + "meta", base + "cookies", base + "tombs", base + "log"};
}

std::string CookieKey(const CanonicalCookie& c) {
  return absl::StrCat(c.name, "\n", c.domain, "\n", c.host_only ? "1" : "0", "\n", c.path, "\n",
                      PartitionField(c.partition_key));
}

absl::Status DecodeCookieKey(std::string_view key, CanonicalCookie* out) {
  std::vector<absl::string_view> f = absl::StrSplit(AbslView(key), '\n');
  if (key.size() > kMaxRecordBytes || f.size() != 5 || (f[2] != "0" && f[2] != "1") ||
      (!f[4].empty() && (f[4].size() < 2 || (f[4][0] != '0' && f[4][0] != '1')))) {
    return absl::DataLossError("malformed cookie key");
  }
  *out = CanonicalCookie();
  out->name = std::string(f[0]);
  out->domain = std::string(f[1]);
  out->host_only = f[2] == "1";
  out->path = std::string(f[3]);
  if (!f[4].empty()) {
    out->partition_key = CookiePartitionKey{std::string(f[4].substr(1)), f[4][0] == '1'};
  }
  return absl::OkStatus();
}

std::string EncodeCookie(const CanonicalCookie& c) {
  return absl::StrCat(c.name, "\n", c.value, "\n", c.domain, "\n", c.path, "\n",
                      PartitionField(c.partition_key), "\n", c.host_only ? 1 : 0, "\n",
                      c.secure ? 1 : 0, "\n", c.http_only ? 1 : 0, "\n",
                      static_cast<int>(c.same_site), "\n", static_cast<int>(c.priority), "\n",
                      c.source_scheme == CookieSourceScheme::kSecure ? 1 : 0, "\n",
                      ToMicros(c.creation), "\n", ToMicros(c.expiry), "\n",
                      ToMicros(c.last_access));
}

absl::Status DecodeRecord(std::string_view record, StoredCookie* out) {
  if (record.size() > kMaxRecordBytes) {
    return absl::DataLossError(absl::StrCat("record of ", record.size(), " bytes (limit ",
                                            kMaxRecordBytes, ")"));
  }
  std::vector<absl::string_view> f = absl::StrSplit(AbslView(record), '\n');
  if (f.size() != 16) {
    return absl::DataLossError(absl::StrCat("record with ", f.size(), " fields, not 16"));
  }
  int64_t version, stamp, host_only, secure, http_only, same_site, priority, scheme, creation,
      expiry, last_access;
  if (!ParseInt(f[0], 1, INT64_MAX, &version) || !ParseInt(f[1], 0, INT64_MAX, &stamp) ||
      !ParseInt(f[7], 0, 1, &host_only) || !ParseInt(f[8], 0, 1, &secure) ||
      !ParseInt(f[9], 0, 1, &http_only) || !ParseInt(f[10], 0, 3, &same_site) ||
      !ParseInt(f[11], 0, 2, &priority) || !ParseInt(f[12], 0, 1, &scheme) ||
      !ParseInt(f[13], INT64_MIN, INT64_MAX, &creation) ||
      !ParseInt(f[14], INT64_MIN, INT64_MAX, &expiry) ||
      !ParseInt(f[15], INT64_MIN, INT64_MAX, &last_access)) {
    return absl::DataLossError("record with a malformed number");
  }
  const absl::string_view partition = f[6];
  if (!partition.empty() && (partition.size() < 2 || (partition[0] != '0' && partition[0] != '1'))) {
    return absl::DataLossError("record with a malformed partition key");
  }
  out->version = static_cast<uint64_t>(version);
  out->stamp = stamp;
  CanonicalCookie& c = out->cookie;
  c = CanonicalCookie();
  c.name = std::string(f[2]);
  c.value = std::string(f[3]);
  c.domain = std::string(f[4]);
  c.path = std::string(f[5]);
  if (!partition.empty()) {
    c.partition_key = CookiePartitionKey{std::string(partition.substr(1)), partition[0] == '1'};
  }
  c.host_only = host_only != 0;
  c.secure = secure != 0;
  c.http_only = http_only != 0;
  c.same_site = static_cast<CookieSameSite>(same_site);
  c.priority = static_cast<CookiePriority>(priority);
  c.source_scheme = scheme != 0 ? CookieSourceScheme::kSecure : CookieSourceScheme::kNonSecure;
  c.creation = FromMicros(creation);
  c.expiry = FromMicros(expiry);
  c.last_access = FromMicros(last_access);
  return absl::OkStatus();
}

// Redis runs the whole script atomically: the check of the layout, the
// comparison with the stored stamp, the counter and the log entry cannot be
// interleaved with another worker's write. Numbers are Lua doubles, exact up
// to 2^53 (a microsecond clock reaches that in the year 2255).
const char kWriteScript[] = R"lua(
local meta, cookies, tombs, log = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local layout = redis.pcall('HGET', meta, 'layout')
if type(layout) == 'table' and layout.err then
  return redis.error_reply('COOKIEJAR_FOREIGN ' .. meta .. ' is not a hash')
end
if not layout then
  if redis.call('EXISTS', cookies, tombs, log) > 0 then
    return redis.error_reply('COOKIEJAR_FOREIGN keys of this profile exist without ' .. meta)
  end
  redis.call('HSET', meta, 'layout', ARGV[2], 'schema', ARGV[1], 'version', 0)
elseif layout ~= ARGV[2] then
  return redis.error_reply('COOKIEJAR_FOREIGN ' .. meta .. ' belongs to another program')
else
  local schema = redis.call('HGET', meta, 'schema')
  if schema ~= ARGV[1] then
    return redis.error_reply('COOKIEJAR_SCHEMA ' .. tostring(schema))
  end
end
for _, key in ipairs({cookies, tombs, log}) do
  local kind = redis.call('TYPE', key)['ok']
  local want = ({[cookies] = 'hash', [tombs] = 'zset', [log] = 'stream'})[key]
  if kind ~= 'none' and kind ~= want then
    return redis.error_reply('COOKIEJAR_FOREIGN ' .. key .. ' is a ' .. kind)
  end
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local out = {}
for i = 5, #ARGV, 3 do
  local field, mark, body = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local current = redis.call('HGET', cookies, field)
  if string.sub(mark, 1, 1) == '=' then
    -- The removal of exactly the version a jar dropped by itself (it
    -- expired, was evicted, its session ended): only while Redis holds that
    -- version, and ordered at the stamp that version was set with, so that
    -- it never defeats a set made since, and leaves no tombstone newer than
    -- the version it removes.
    local version, stamp
    if current then
      version, stamp = string.match(current, '^(%d+)\n(%d+)\n')
    end
    if not current then
      out[#out + 1] = 0
    elseif version ~= string.sub(mark, 2) then
      out[#out + 1] = {tonumber(redis.call('HGET', meta, 'version')), current}
    else
      local v = redis.call('HINCRBY', meta, 'version', 1)
      local vs = string.format('%.0f', v)
      redis.call('HDEL', cookies, field)
      redis.call('ZADD', tombs, stamp, field)
      redis.call('XADD', log, 'MAXLEN', '~', ARGV[3], vs .. '-0', 'k', field, 's', stamp)
      out[#out + 1] = v
    end
  else
    local stamp = math.min(tonumber(mark), now)
    local current_stamp
    if current then
      current_stamp = tonumber(string.match(current, '^%d+\n(%d+)\n'))
    else
      current_stamp = tonumber(redis.call('ZSCORE', tombs, field))
    end
    if current_stamp and stamp < current_stamp then
      out[#out + 1] = {tonumber(redis.call('HGET', meta, 'version')), current or ''}
    elseif body == '' and not current then
      out[#out + 1] = 0
    else
      local v = redis.call('HINCRBY', meta, 'version', 1)
      local vs, ss = string.format('%.0f', v), string.format('%.0f', stamp)
      if body == '' then
        redis.call('HDEL', cookies, field)
        redis.call('ZADD', tombs, ss, field)
        redis.call('XADD', log, 'MAXLEN', '~', ARGV[3], vs .. '-0', 'k', field, 's', ss)
      else
        local record = vs .. '\n' .. ss .. '\n' .. body
        redis.call('HSET', cookies, field, record)
        redis.call('ZREM', tombs, field)
        redis.call('XADD', log, 'MAXLEN', '~', ARGV[3], vs .. '-0', 'k', field, 'r', record)
      end
      out[#out + 1] = v
    end
  end
end
local keep = tonumber(ARGV[4])
if redis.call('ZCARD', tombs) > keep then
  redis.call('ZREMRANGEBYRANK', tombs, 0, -keep - 1)
end
return out
)lua";

}  // namespace redis_internal
}  // namespace cookiejar
