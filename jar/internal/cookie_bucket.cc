#include "jar/internal/cookie_bucket.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <new>

#include "absl/base/attributes.h"

namespace cookiejar {
namespace jar_internal {
namespace {

// Cookie header order (RFC 6265bis §5.8.3 step 2).
bool HeaderBefore(const CookieRecord* a, const CookieRecord* b) {
  if (a->path_size() != b->path_size()) return a->path_size() > b->path_size();
  return a->creation_us() < b->creation_us();
}

}  // namespace

uint64_t Bucket::NextGeneration() {
  // Each thread takes numbers in blocks, so that writers on different
  // threads do not share a counter's cache line on every change.
  static std::atomic<uint64_t> next_block{1};
  constexpr uint64_t kBlock = uint64_t{1} << 16;
  thread_local uint64_t next = 0, end = 0;
  if (next == end) {
    next = next_block.fetch_add(1, std::memory_order_relaxed) * kBlock;
    end = next + kBlock;
  }
  return next++;
}

size_t CookieRecord::ContentSize(const CookieDraft& draft) {
  return (draft.name.empty() ? 0 : draft.name.size() + 1) + draft.value.size() +
         draft.path.size();
}

// Create, Fill, AddDomainReference and Insert are inline: a new cookie
// calls each once, and their calls cost as much as their work.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline CookieRecord* CookieRecord::Create(
    RecordArena* arena, const CookieDraft& draft, uint32_t domain_index, int64_t creation_us,
    int64_t last_access_us, bool lax_by_default) {
  uint8_t size_class;
  void* memory = arena->Allocate(sizeof(CookieRecord) + ContentSize(draft), &size_class);
  CookieRecord* record = new (memory) CookieRecord();
  record->size_class_ = size_class;
  record->domain_index_ = domain_index;
  record->Fill(draft, creation_us, last_access_us, lax_by_default);
  return record;
}

bool CookieRecord::Fits(const CookieDraft& draft) const {
  return sizeof(CookieRecord) + ContentSize(draft) <= BlockBytes();
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline void CookieRecord::Fill(const CookieDraft& draft,
                                                           int64_t creation_us,
                                                           int64_t last_access_us,
                                                           bool lax_by_default) {
  const bool nameless = draft.name.empty();
  const size_t pair_size =
      nameless ? draft.value.size() : draft.name.size() + 1 + draft.value.size();
  expiry_us_ = draft.expiry_us;
  creation_us_ = creation_us;
  last_access_us_.store(last_access_us, std::memory_order_relaxed);
  path_size_ = static_cast<uint32_t>(draft.path.size());
  pair_size_ = static_cast<uint32_t>(pair_size);
  flags_ = nameless ? kNameless : 0;
  same_site_ = static_cast<uint8_t>(draft.same_site);
  priority_ = static_cast<uint8_t>(draft.priority);

  // An empty string_view may carry a null data(), which memcpy must not see
  // even with a zero size (CopyBytes gives it none).
  char* out = data();
  auto append = [&out](std::string_view bytes) {
    CopyBytes(out, bytes.data(), bytes.size());
    out += bytes.size();
  };
  if (nameless) {
    append(draft.value);
  } else if (draft.value.data() == draft.name.data() + draft.name.size() + 1 &&
             draft.name.data()[draft.name.size()] == '=') {
    // Most often the pair is as the Set-Cookie line had it: one copy.
    append(std::string_view(draft.name.data(), pair_size));
  } else {
    append(draft.name);
    *out++ = '=';
    append(draft.value);
  }
  append(draft.path);

  uint8_t needs = 0;
  if (draft.host_only) flags_ |= kHostOnly;
  if (draft.secure) flags_ |= kSecure, needs |= kNeedTrustworthy;
  if (draft.http_only) flags_ |= kHttpOnly, needs |= kNeedHttpApi;
  if (draft.source_scheme == CookieSourceScheme::kSecure) flags_ |= kSourceSecure;
  switch (draft.same_site) {
    case CookieSameSite::kStrict: needs |= kNeedStrict | kNeedLax; break;
    case CookieSameSite::kLax: needs |= kNeedLax; break;
    case CookieSameSite::kNoRestriction: break;
    case CookieSameSite::kUnspecified:
      if (lax_by_default) {
        needs |= kNeedLax;
        flags_ |= kLaxByDefault;
      }
      break;
  }
  needs_.store(needs, std::memory_order_relaxed);
}

void CookieRecord::Destroy(RecordArena* arena, CookieRecord* record) {
  const uint8_t size_class = record->size_class_;
  record->~CookieRecord();
  arena->Free(record, size_class);
}

void CookieRecord::Abandon(CookieRecord* record) {
  const uint8_t size_class = record->size_class_;
  record->~CookieRecord();
  if (size_class == RecordArena::kHeapClass) ::operator delete(record);
}

Bucket::~Bucket() {
  for (CookieRecord* record : records_) CookieRecord::Abandon(record);
  if (extras_) {
    for (PathGroup& group : extras_->groups) {
      for (CookieRecord* record : group.records) CookieRecord::Abandon(record);
    }
  }
}

CookieRecord* Bucket::Find(std::string_view name, std::string_view domain, bool host_only,
                           std::string_view path) const {
  auto same = [&](const CookieRecord& r) {
    return r.host_only() == host_only && SameBytes(r.path(), path) &&
           SameBytes(domain_of(r).domain, domain);
  };
  if (NameIndex* index = by_name()) {
    auto it = index->find(absl::string_view(name.data(), name.size()));
    if (it == index->end()) return nullptr;
    for (CookieRecord* record : it->second) {
      if (same(*record)) return record;
    }
    return nullptr;
  }
  // Only a record whose tag matches is read.
  const uint8_t tag = RecordTag(name, path.size());
  const uint8_t* tags = records_.tags();
  for (size_t i = 0; i < records_.size(); ++i) {
    if (tags[i] != tag) continue;
    CookieRecord* record = records_[i];
    if (record->path_size() == path.size() && record->HasName(name) && same(*record)) {
      return record;
    }
  }
  return nullptr;
}

PathGroup* Bucket::FindGroup(uint32_t path_size) {
  for (PathGroup& group : extras_->groups) {
    if (group.path_size == path_size) return &group;
    if (group.path_size < path_size) break;
  }
  return nullptr;
}

size_t Bucket::PositionOf(const CookieRecord* record) const {
  // A small bucket's pointers are fewer than the records a binary search
  // would read.
  if (records_.size() <= kIndexAbove) return records_.IndexOf(record);
  auto it = std::lower_bound(records_.begin(), records_.end(), record, HeaderBefore);
  while (*it != record) ++it;  // Past equal creation times, if any.
  return static_cast<size_t>(it - records_.begin());
}

RecordArray& Bucket::GroupFor(uint32_t path_size) {
  std::vector<PathGroup>& groups = extras_->groups;
  size_t at = 0;
  while (at < groups.size() && groups[at].path_size > path_size) ++at;
  if (at == groups.size() || groups[at].path_size != path_size) {
    PathGroup group;
    group.path_size = path_size;
    groups.insert(groups.begin() + at, std::move(group));
  }
  return groups[at].records;
}

void Bucket::Group() {
  std::vector<PathGroup>& groups = extras().groups;
  for (CookieRecord* record : records_) {
    if (groups.empty() || groups.back().path_size != record->path_size()) {
      groups.emplace_back();
      groups.back().path_size = record->path_size();
    }
    groups.back().records.push_back(record);
  }
  records_.Clear();
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline uint32_t Bucket::AddDomainReference(std::string_view domain,
                                                                        bool host_only) {
  Changed();
  ptrdiff_t free_slot = -1;
  for (size_t i = 0; i < domains_.size(); ++i) {
    DomainEntry& entry = domains_[i];
    if (entry.references == 0) {
      if (free_slot < 0) free_slot = static_cast<ptrdiff_t>(i);
      continue;
    }
    if (entry.host_only == host_only && SameBytes(entry.domain, domain)) {
      ++entry.references;
      return static_cast<uint32_t>(i);
    }
  }
  if (free_slot >= 0) {
    DomainEntry& entry = domains_[free_slot];
    entry.domain.assign(domain.data(), domain.size());
    entry.host_only = host_only;
    entry.references = 1;
    return static_cast<uint32_t>(free_slot);
  }
  // Past the inline entry, grow by one: a third domain is rare. Growing from
  // one entry to two is what emplace_back does anyway, without a call.
  if (domains_.size() > 1 && domains_.size() == domains_.capacity()) {
    domains_.reserve(domains_.size() + 1);
  }
  domains_.emplace_back(domain, host_only);
  return static_cast<uint32_t>(domains_.size() - 1);
}

void Bucket::DropDomainReference(uint32_t index) {
  DomainEntry& entry = domains_[index];
  if (--entry.references == 0) {
    entry.domain.clear();
    entry.domain.shrink_to_fit();
  }
  while (!domains_.empty() && domains_.back().references == 0) domains_.pop_back();
}

void Bucket::IndexAdd(CookieRecord* record) {
  const std::string_view name = record->name();
  (*extras_->by_name)[absl::string_view(name.data(), name.size())].push_back(record);
}

void Bucket::IndexRemove(CookieRecord* record) {
  NameIndex& index = *extras_->by_name;
  const std::string_view name = record->name();
  auto it = index.find(absl::string_view(name.data(), name.size()));
  if (it == index.end()) return;
  auto& records = it->second;
  records.erase(std::remove(records.begin(), records.end(), record), records.end());
  if (records.empty()) {
    index.erase(it);
  } else if (it->first.data() == record->pair().data()) {
    // The key's bytes belong to the record that goes: key the entry by a
    // record that stays.
    absl::InlinedVector<CookieRecord*, 1> rest = std::move(records);
    index.erase(it);
    const std::string_view name = rest.front()->name();
    index.emplace(absl::string_view(name.data(), name.size()), std::move(rest));
  }
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline void Bucket::Insert(CookieRecord* record, uint8_t tag) {
  Changed();
  if (!grouped() && live_ >= kGroupAbove) Group();
  // A new cookie is the latest created: it goes last among its path length,
  // which in a group (and most often in a small bucket) is the end.
  if (!grouped()) {
    one_path_length_ =
        records_.empty() || (one_path_length_ && records_.back()->path_size() == record->path_size());
    if (records_.empty() || !HeaderBefore(record, records_.back())) {
      records_.PushBack(record, tag);
    } else {
      records_.Insert(
          std::upper_bound(records_.begin(), records_.end(), record, HeaderBefore) -
              records_.begin(),
          record, tag);
    }
  } else {
    RecordArray& records = GroupFor(record->path_size());
    // Grow by half rather than double, as the bucket's own array does.
    if (records.size() == records.capacity()) {
      records.reserve(records.size() + std::max<size_t>(1, records.size() / 2));
    }
    if (records.empty() || !HeaderBefore(record, records.back())) {
      records.push_back(record);
    } else {
      records.insert(std::upper_bound(records.begin(), records.end(), record, HeaderBefore),
                     record);
    }
  }
  ++live_;
  if (record->secure()) ++secure_;
  earliest_expiry_us_ = std::min(earliest_expiry_us_, record->expiry_us());
  if (by_name()) {
    IndexAdd(record);
  } else if (live_ > kIndexAbove) {
    extras().by_name = std::make_unique<NameIndex>();
    ForEach([&](const CookieRecord& r) { IndexAdd(const_cast<CookieRecord*>(&r)); });
  }
}

void Bucket::ReplaceInPlace(RecordArena* arena, CookieRecord* old, CookieRecord* fresh) {
  Changed();
  if (grouped()) {
    RecordArray& records = GroupFor(old->path_size());
    auto it = std::lower_bound(records.begin(), records.end(), old, HeaderBefore);
    while (*it != old) ++it;  // Past equal creation times, if any.
    *it = fresh;
  } else {
    records_.Replace(PositionOf(old), fresh);
  }
  if (old->secure()) --secure_;
  if (fresh->secure()) ++secure_;
  earliest_expiry_us_ = std::min(earliest_expiry_us_, fresh->expiry_us());
  if (by_name()) {
    IndexRemove(old);
    IndexAdd(fresh);
  }
  DropDomainReference(old->domain_index());
  CookieRecord::Destroy(arena, old);
}

CookieRecord* Bucket::Add(RecordArena* arena, const CookieDraft& draft, int64_t creation_us,
                          int64_t last_access_us, bool lax_by_default) {
  CookieRecord* record =
      CookieRecord::Create(arena, draft, AddDomainReference(draft.domain, draft.host_only),
                           creation_us, last_access_us, lax_by_default);
  Insert(record, RecordTag(draft.name, draft.path.size()));
  return record;
}

CookieRecord* Bucket::Overwrite(RecordArena* arena, CookieRecord* old, const CookieDraft& draft,
                                int64_t creation_us, int64_t last_access_us,
                                bool lax_by_default, bool latest_creation) {
  // A large bucket's groups keep removed cookies in place until compaction,
  // and a block too small for the new bytes cannot be reused: both take a
  // new record.
  if (grouped() || !old->Fits(draft)) {
    CookieRecord* fresh =
        CookieRecord::Create(arena, draft, AddDomainReference(draft.domain, draft.host_only),
                             creation_us, last_access_us, lax_by_default);
    if (old->creation_us() == creation_us) {
      ReplaceInPlace(arena, old, fresh);
    } else {
      Remove(arena, old);
      Insert(fresh, RecordTag(draft.name, draft.path.size()));
    }
    return fresh;
  }
  Changed();
  const int64_t old_creation_us = old->creation_us();
  // A kept creation time keeps the cookie's place: no need to know it.
  const size_t at = creation_us != old_creation_us ? PositionOf(old) : 0;
  if (old->secure()) --secure_;
  // The name, and so the name index's key (the record's first bytes), stay.
  old->Fill(draft, creation_us, last_access_us, lax_by_default);
  if (old->secure()) ++secure_;
  earliest_expiry_us_ = std::min(earliest_expiry_us_, old->expiry_us());
  // A new creation time moves the cookie among the others of its path
  // length: after them when it was just created (a short move, as the
  // cookie is the latest), anywhere for an import's own time.
  if (creation_us > old_creation_us) {
    // Most sites' cookies share one path length, so the latest goes last:
    // no record read to know it (or one, rather than a binary search's few).
    CookieRecord* const* begin = records_.begin();
    const size_t to = (latest_creation && one_path_length_) || !HeaderBefore(old, records_.back())
                          ? records_.size()
                          : std::upper_bound(begin + at + 1, records_.end(), old, HeaderBefore) -
                                begin;
    records_.Rotate(at, at + 1, to);
  } else if (creation_us < old_creation_us) {
    CookieRecord* const* begin = records_.begin();
    records_.Rotate(std::upper_bound(begin, begin + at, old, HeaderBefore) - begin, at, at + 1);
  }
  return old;
}

void Bucket::Remove(RecordArena* arena, CookieRecord* record) {
  Changed();
  if (by_name()) IndexRemove(record);
  DropDomainReference(record->domain_index());
  --live_;
  if (record->secure()) --secure_;
  if (!grouped()) {
    records_.Erase(PositionOf(record));
    CookieRecord::Destroy(arena, record);
    return;
  }
  // Large: mark it, and compact its group once removed cookies outnumber
  // the live ones.
  PathGroup* group = FindGroup(record->path_size());
  record->MarkRemoved();
  if (++group->removed * 2 <= group->records.size()) return;
  size_t kept = 0;
  for (CookieRecord* r : group->records) {
    if (r->removed()) {
      CookieRecord::Destroy(arena, r);
    } else {
      group->records[kept++] = r;
    }
  }
  group->records.resize(kept);
  group->removed = 0;
  if (kept == 0) {
    extras_->groups.erase(extras_->groups.begin() + (group - extras_->groups.data()));
  } else if (group->records.capacity() > 2 * kept + 8) {
    group->records.shrink_to_fit();
  }
}

std::vector<CookieRecord*> Bucket::Live() const {
  std::vector<CookieRecord*> live;
  live.reserve(live_);
  ForEach([&](const CookieRecord& r) { live.push_back(const_cast<CookieRecord*>(&r)); });
  return live;
}

const CookiePartitionKey* Bucket::partition() const {
  return extras_ && extras_->partition ? &*extras_->partition : nullptr;
}

void Bucket::set_partition(const CookiePartitionKey& partition) {
  Changed();
  extras().partition = partition;
}

CanonicalCookie Bucket::ToCanonical(const CookieRecord& r) const {
  CanonicalCookie cookie;
  cookie.name = std::string(r.name());
  cookie.value = std::string(r.value());
  cookie.domain = domain_of(r).domain;
  cookie.path = std::string(r.path());
  cookie.creation = FromMicros(r.creation_us());
  cookie.expiry = FromMicros(r.expiry_us());
  cookie.last_access = FromMicros(r.last_access_us());
  cookie.host_only = r.host_only();
  cookie.secure = r.secure();
  cookie.http_only = r.http_only();
  cookie.same_site = r.same_site();
  cookie.priority = r.priority();
  cookie.source_scheme =
      r.source_secure() ? CookieSourceScheme::kSecure : CookieSourceScheme::kNonSecure;
  if (const CookiePartitionKey* key = partition()) cookie.partition_key = *key;
  return cookie;
}

}  // namespace jar_internal
}  // namespace cookiejar
