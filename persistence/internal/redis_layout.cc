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

namespace {

// "<version>\n<stamp>\n<rest>": the numbers, and where the rest starts.
absl::Status SplitRecord(std::string_view record, StoredCookie* out, std::string_view* rest) {
  if (record.size() > kMaxRecordBytes) {
    return absl::DataLossError(absl::StrCat("record of ", record.size(), " bytes (limit ",
                                            kMaxRecordBytes, ")"));
  }
  const size_t first = record.find('\n');
  const size_t second = first == std::string_view::npos ? first : record.find('\n', first + 1);
  int64_t version, stamp;
  if (second == std::string_view::npos ||
      !ParseInt(AbslView(record.substr(0, first)), 1, INT64_MAX, &version) ||
      !ParseInt(AbslView(record.substr(first + 1, second - first - 1)), 0, INT64_MAX, &stamp)) {
    return absl::DataLossError("record with a malformed version or stamp");
  }
  out->version = static_cast<uint64_t>(version);
  out->stamp = stamp;
  *rest = record.substr(second + 1);
  return absl::OkStatus();
}

// The 14 cookie fields (EncodeCookie's text).
absl::Status DecodeFields(std::string_view text, CanonicalCookie* out) {
  std::vector<absl::string_view> f = absl::StrSplit(AbslView(text), '\n');
  if (f.size() != 14) {
    return absl::DataLossError(absl::StrCat("record with ", f.size() + 2, " fields, not 16"));
  }
  int64_t host_only, secure, http_only, same_site, priority, scheme, creation, expiry,
      last_access;
  if (!ParseInt(f[5], 0, 1, &host_only) || !ParseInt(f[6], 0, 1, &secure) ||
      !ParseInt(f[7], 0, 1, &http_only) || !ParseInt(f[8], 0, 3, &same_site) ||
      !ParseInt(f[9], 0, 2, &priority) || !ParseInt(f[10], 0, 1, &scheme) ||
      !ParseInt(f[11], INT64_MIN, INT64_MAX, &creation) ||
      !ParseInt(f[12], INT64_MIN, INT64_MAX, &expiry) ||
      !ParseInt(f[13], INT64_MIN, INT64_MAX, &last_access)) {
    return absl::DataLossError("record with a malformed number");
  }
  const absl::string_view partition = f[4];
  if (!partition.empty() && (partition.size() < 2 || (partition[0] != '0' && partition[0] != '1'))) {
    return absl::DataLossError("record with a malformed partition key");
  }
  CanonicalCookie& c = *out;
  c = CanonicalCookie();
  c.name = std::string(f[0]);
  c.value = std::string(f[1]);
  c.domain = std::string(f[2]);
  c.path = std::string(f[3]);
  if (!partition.empty()) {
    c.partition_key = CookiePartitionKey{std::string(partition.substr(1)), partition[0] == '1'};
  }
  c.host_only = host_only != 0;
  c.secure = secure != 0;
  c.http_only = http_only != 0;
  c.same_site = static_cast<CookieSameSite>(same_site);
  c.priority = static_cast<CookiePriority>(priority);
  c.source_scheme = scheme != 0 ? CookieSourceScheme::kSecure : CookieSourceScheme::kNonSecure;
  c.creation = micros::FiniteFromMicros(creation);
  c.expiry = FromMicros(expiry);
  c.last_access = micros::FiniteFromMicros(last_access);
  return absl::OkStatus();
}

}  // namespace

absl::Status DecodeRecord(std::string_view record, StoredCookie* out) {
  std::string_view fields;
  absl::Status split = SplitRecord(record, out, &fields);
  if (!split.ok()) return split;
  return DecodeFields(fields, &out->cookie);
}

RecordCodec::RecordCodec(std::string profile, const persistence_internal::Sealer* sealer)
    : profile_(std::move(profile)),
      sealer_(sealer),
      layout_(sealer ? absl::StrCat(AbslView(kLayoutName), "-sealed:", sealer->NameKeyCheck())
                     : std::string(kLayoutName)) {}

std::string RecordCodec::Associated(std::string_view kind, const std::string& field) const {
  return absl::StrCat(AbslView(kind), "\n", profile_, "\n", field);
}

std::string RecordCodec::Field(const CanonicalCookie& cookie) const {
  return sealer_ ? sealer_->HashName(CookieKey(cookie)) : CookieKey(cookie);
}

std::string RecordCodec::Body(const CanonicalCookie& cookie, const std::string& field) const {
  if (!sealer_) return EncodeCookie(cookie);
  return sealer_->Seal(EncodeCookie(cookie), Associated("cookie", field));
}

std::string RecordCodec::DeletionBody(const CanonicalCookie& cookie,
                                      const std::string& field) const {
  if (!sealer_) return "";
  return std::string(1, '\0') + sealer_->Seal(CookieKey(cookie), Associated("deleted", field));
}

absl::Status RecordCodec::Decode(const std::string& field, std::string_view record,
                                 StoredCookie* out, bool* stale_key) const {
  std::string_view body;
  absl::Status status = SplitRecord(record, out, &body);
  if (!status.ok()) return status;
  if (stale_key) *stale_key = false;
  if (sealer_) {
    absl::StatusOr<std::string> opened = sealer_->Open(body, Associated("cookie", field));
    if (!opened.ok()) return opened.status();
    if (stale_key) *stale_key = persistence_internal::Sealer::KeyIdOf(body) != sealer_->current_id();
    status = DecodeFields(*opened, &out->cookie);
  } else {
    status = DecodeFields(body, &out->cookie);
  }
  if (status.ok() && Field(out->cookie) != field) {
    status = absl::DataLossError("record filed under another cookie's key");
  }
  return status;
}

absl::Status RecordCodec::DecodeDeletion(const std::string& field, std::string_view note,
                                         CanonicalCookie* out) const {
  if (!sealer_) return DecodeCookieKey(field, out);
  absl::StatusOr<std::string> opened = sealer_->Open(note, Associated("deleted", field));
  if (!opened.ok()) return opened.status();
  absl::Status status = DecodeCookieKey(*opened, out);
  if (status.ok() && Field(*out) != field) {
    status = absl::DataLossError("deletion filed under another cookie's key");
  }
  return status;
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
  -- A deletion's body is empty, or 0x00 and a note for the log (field n).
  local deletion = body == '' or string.byte(body, 1) == 0
  local function log_deletion(vs, ss)
    if body == '' then
      redis.call('XADD', log, 'MAXLEN', '~', ARGV[3], vs .. '-0', 'k', field, 's', ss)
    else
      redis.call('XADD', log, 'MAXLEN', '~', ARGV[3], vs .. '-0', 'k', field, 's', ss, 'n',
                 string.sub(body, 2))
    end
  end
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
      log_deletion(vs, stamp)
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
    elseif deletion and not current then
      out[#out + 1] = 0
    else
      local v = redis.call('HINCRBY', meta, 'version', 1)
      local vs, ss = string.format('%.0f', v), string.format('%.0f', stamp)
      if deletion then
        redis.call('HDEL', cookies, field)
        redis.call('ZADD', tombs, ss, field)
        log_deletion(vs, ss)
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

const char kClaimScript[] = R"lua(
local meta = KEYS[1]
if redis.call('EXISTS', meta) == 0 then
  if redis.call('EXISTS', KEYS[2], KEYS[3], KEYS[4]) > 0 then
    return redis.error_reply('COOKIEJAR_FOREIGN keys of this profile exist without ' .. meta)
  end
  redis.call('HSET', meta, 'layout', ARGV[1], 'schema', ARGV[2], 'version', 0)
end
if redis.call('TYPE', meta)['ok'] ~= 'hash' then
  return redis.error_reply('COOKIEJAR_FOREIGN ' .. meta .. ' is not a hash')
elseif redis.call('HGET', meta, 'layout') == ARGV[1] then
  -- New keys join a ring the profile knows (one key matches, none is
  -- another secret under the same id), or a profile without keys yet.
  local matched, conflict, any = false, false, false
  for i = 3, #ARGV, 2 do
    local have = redis.call('HGET', meta, ARGV[i])
    if have == ARGV[i + 1] then matched = true elseif have then conflict = true end
  end
  for _, field in ipairs(redis.call('HKEYS', meta)) do
    if string.sub(field, 1, 4) == 'key:' then any = true end
  end
  if (matched or not any) and not conflict then
    for i = 3, #ARGV, 2 do
      redis.call('HSETNX', meta, ARGV[i], ARGV[i + 1])
    end
  end
end
return redis.call('HGETALL', meta)
)lua";

}  // namespace redis_internal
}  // namespace cookiejar
