// The compiled graph images: ATT&CK as sections used in place (read and checked block by block), D3FEND as read.
#include "store/image.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <deque>
#include <mutex>
#include <span>
#include <stdexcept>
#include <type_traits>

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <xxhash.h>

#include "mitrekg/error.hpp"
#include "support/huge_pages.hpp"
#include "support/text.hpp"

namespace mitrekg::store {

namespace {

constexpr char d3fend_magic[8] = {'M', 'K', 'G', 'D', '3', 'F', '3', '\0'};
constexpr std::size_t magic_size = 8;
// Layout: magic, u64 XXH3 of everything after it, u32 string-area size, strings, records.
constexpr std::size_t header_size = magic_size + 8 + 4;

// (D3FEND image) Appends little-endian integers and string references (offset, length into `strings`).
class writer {
public:
  explicit writer(const char* magic) : magic_(magic) {}
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v) { out_.append(reinterpret_cast<const char*>(&v), 4); }
  void str(std::string_view s) {
    u32(static_cast<std::uint32_t>(strings_.size()));
    u32(static_cast<std::uint32_t>(s.size()));
    strings_.append(s);
  }
  std::string finish() {
    std::string image(magic_, magic_size);
    image.append(8, '\0');
    std::uint32_t n = static_cast<std::uint32_t>(strings_.size());
    image.append(reinterpret_cast<const char*>(&n), 4);
    image += strings_;
    image += out_;
    // The checksum covers every byte after itself: a flipped byte anywhere is caught.
    std::uint64_t sum = XXH3_64bits(image.data() + magic_size + 8, image.size() - magic_size - 8);
    std::memcpy(image.data() + magic_size, &sum, 8);
    return image;
  }

private:
  const char* magic_;
  std::string out_;
  std::string strings_;
};

// Reads what writer wrote; every read is bounds-checked, so a damaged image
// throws error(bad_snapshot) instead of reading past its end.
class reader {
public:
  reader(std::string_view image, std::string_view file, const char* magic) : file_(file) {
    if (image.size() < header_size || std::memcmp(image.data(), magic, magic_size) != 0)
      fail(image.size() >= magic_size && std::memcmp(image.data(), magic, magic_size - 2) == 0
               ? "graph image has no valid header (another format or version)"
               : "graph image has no valid header");
    std::uint64_t sum;
    std::memcpy(&sum, image.data() + magic_size, 8);
    if (sum != XXH3_64bits(image.data() + magic_size + 8, image.size() - magic_size - 8))
      fail("graph image checksum does not match");
    std::uint32_t n;
    std::memcpy(&n, image.data() + magic_size + 8, 4);
    if (n > image.size() - header_size) fail("graph image string area is cut short");
    strings_ = image.substr(header_size, n);
    rest_ = image.substr(header_size + n);
  }
  // Over bytes an earlier reader of the same image checked: `rest` is where
  // it stood then (a deferred part read again on first use).
  struct resume_tag {};
  reader(resume_tag, std::string_view rest, std::string_view strings, std::string_view file)
      : strings_(strings), rest_(rest), file_(file) {}
  std::uint8_t u8() {
    need(1);
    auto v = static_cast<std::uint8_t>(rest_[0]);
    rest_.remove_prefix(1);
    return v;
  }
  std::uint32_t u32() {
    need(4);
    std::uint32_t v;
    std::memcpy(&v, rest_.data(), 4);
    rest_.remove_prefix(4);
    return v;
  }
  std::string_view str() {
    std::uint32_t off = u32(), len = u32();
    if (off > strings_.size() || len > strings_.size() - off) fail("graph image names text outside its string area");
    return strings_.substr(off, len);
  }
  // The next `n` bytes as they are.
  std::string_view bytes(std::size_t n) {
    need(n);
    std::string_view v = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return v;
  }
  bool done() const { return rest_.empty(); }
  // `count` u32 values into `out` (little-endian, as the machine), one bounds check.
  template <class T>
  void u32s(T* out, std::size_t count) {
    static_assert(sizeof(T) == 4 && std::is_trivially_copyable_v<T>);
    if (count > rest_.size() / 4) fail("graph image is cut short");
    if (count == 0) return;   // `out` may be null (an empty vector's data()): memcpy must not see it
    std::memcpy(out, rest_.data(), count * 4);
    rest_.remove_prefix(count * 4);
  }
  // A text ref at `p` (8 bytes of a record already read) checked against the string area.
  std::string_view text_at(const char* p) const {
    std::uint32_t off, len;
    std::memcpy(&off, p, 4);
    std::memcpy(&len, p + 4, 4);
    if (off > strings_.size() || len > strings_.size() - off) fail("graph image names text outside its string area");
    return strings_.substr(off, len);
  }
  // What is left to read, and the string area: for records read again later.
  std::string_view rest() const { return rest_; }
  std::string_view strings() const { return strings_; }
  [[noreturn]] void fail(std::string_view what) const {
    throw error(errc::bad_snapshot, std::string(file_), "", fmt::format("snapshot is corrupted: {}", what));
  }

private:
  void need(std::size_t n) const {
    if (rest_.size() < n) fail("graph image is cut short");
  }
  std::string_view strings_, rest_;
  std::string_view file_;
};

}  // namespace

// ---- the ATT&CK image, format 2 --------------------------------------------------

namespace {

constexpr char attack_magic[8] = {'M', 'K', 'G', 'I', 'M', 'G', '2', '\0'};
// Each section is checked in blocks of this size: a question reads and checks
// only the blocks it touches.
constexpr std::uint32_t block_size = 8192;
// magic, u64 XXH3 of the rest of the header and table, u32 block size,
// u32 section count, u32 objects, u32 edges; then per section u64 offset and
// u64 size; then one u64 XXH3 per block of every section, in section order.
constexpr std::size_t fixed_header = 32;

enum section : unsigned {
  s_heads,        // per object: u8 type, u8 domains, u8 flags (1 revoked, 2 deprecated, 4 sub-technique), u8 0
  s_objects,      // per object: 9 text refs, then (first, count) of platforms, aliases, phases in s_lists
  s_lists,        // text refs; a kill chain phase is two (chain, phase)
  s_edges,        // per edge, insertion order: u32 source, u32 target, u8 relation, u8 flags, u16 0, 3 text refs
  s_out_offsets,  // u32 per object + 1: CSR row starts into s_out_items
  s_out_items,    // per out-edge: u32 edge, u32 target, u8 relation, u8 flags (1 revoked, 2 deprecated, 4 relationship), u16 0
  s_in_offsets,
  s_in_items,     // the same, the source in place of the target
  s_id_slots,     // open addressing, a power of two: u64 XXH3, u32 key offset, u32 key length, u32 first, u32 count (0: empty)
  s_id_nodes,     // u32 nodes of each key, live first
  s_id_keys,      // the lower-case keys
  s_name_slots,
  s_name_nodes,
  s_name_keys,
  s_stix_slots,   // first = the node, count = 1
  s_stix_keys,
  s_strings,      // every text; a text ref is u32 offset, u32 length
  section_count
};
constexpr const char* section_names[section_count] = {
    "object heads", "objects", "lists", "edges", "out-edge offsets", "out-edges", "in-edge offsets", "in-edges",
    "id index", "id index lists", "id index keys", "name index", "name index lists", "name index keys",
    "STIX-id index", "STIX-id index keys", "strings"};

constexpr std::size_t object_record = 9 * 8 + 3 * 8;
constexpr std::size_t edge_record = 12 + 3 * 8;
constexpr std::size_t item_record = 12;
constexpr std::size_t slot_record = 24;

void put32(std::string& out, std::uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); }
void put64(std::string& out, std::uint64_t v) { out.append(reinterpret_cast<const char*>(&v), 8); }
std::uint32_t get32(const char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
std::uint64_t get64(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Maps in the pages of [p, p + bytes) with one call (MADV_POPULATE_WRITE,
// Linux 5.14) instead of one fault per 4 KiB page on first write: in the VMs
// measured, first-touch faults of freshly allocated arrays were the largest
// cost of opening the D3FEND image (docs/benchmarks.md). Best effort.
void prefault(const void* p, std::size_t bytes) {
#ifdef MADV_POPULATE_WRITE
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto from = (reinterpret_cast<std::uintptr_t>(p) + page - 1) / page * page;
  const auto to = (reinterpret_cast<std::uintptr_t>(p) + bytes) / page * page;
  if (to > from) ::madvise(reinterpret_cast<void*>(from), to - from, MADV_POPULATE_WRITE);
#else
  (void)p;
  (void)bytes;
#endif
}

struct image_writer {
  std::string sections[section_count];
  std::string& operator[](section s) { return sections[s]; }
  // A text ref into s_strings.
  void text(std::string& out, std::string_view s) {
    put32(out, static_cast<std::uint32_t>(sections[s_strings].size()));
    put32(out, static_cast<std::uint32_t>(s.size()));
    sections[s_strings].append(s);
  }
  // An index as a ready hash table: `entries` are (key, nodes); nodes empty for the STIX-id one (node in `first`).
  void table(section slots, section nodes, section keys, const std::vector<std::pair<std::string_view, std::span<const node>>>& entries,
             const std::vector<std::pair<std::string_view, node>>& single) {
    const std::size_t n = entries.size() + single.size();
    std::size_t count = 1;
    while (count < 2 * n) count *= 2;
    struct slot {
      std::uint64_t hash = 0;
      std::uint32_t key_offset = 0, key_length = 0, first = 0, count = 0;
    };
    std::vector<slot> table(count);
    auto place = [&](std::string_view key, std::uint32_t first, std::uint32_t size) {
      slot s{XXH3_64bits(key.data(), key.size()), static_cast<std::uint32_t>(sections[keys].size()),
             static_cast<std::uint32_t>(key.size()), first, size};
      sections[keys].append(key);
      std::size_t i = s.hash & (count - 1);
      while (table[i].count != 0) i = (i + 1) & (count - 1);
      table[i] = s;
    };
    for (const auto& [key, list] : entries) {
      place(key, static_cast<std::uint32_t>(sections[nodes].size() / 4), static_cast<std::uint32_t>(list.size()));
      for (node v : list) put32(sections[nodes], index_of(v));
    }
    for (const auto& [key, v] : single) place(key, index_of(v), 1);
    for (const slot& s : table) {
      put64(sections[slots], s.hash);
      put32(sections[slots], s.key_offset);
      put32(sections[slots], s.key_length);
      put32(sections[slots], s.first);
      put32(sections[slots], s.count);
    }
  }
};

// A stored graph over an image: sections read block by block on first use.
class image_graph final : public stored_graph {
public:
  explicit image_graph(image_source source) : src_(std::move(source)) {}
  ~image_graph() override {
    if (objects_) ::munmap(objects_, objects_bytes_);
    if (src_.fd >= 0) ::close(src_.fd);
  }
  image_graph(const image_graph&) = delete;
  image_graph& operator=(const image_graph&) = delete;

  void open(bool verify_all);

  std::size_t size() const noexcept override { return n_objects_; }
  std::size_t edge_count() const noexcept override { return n_edges_; }
  // Decoded from the image's 4-byte record (validated at open).
  object_head head(node n) const noexcept override {
    const unsigned char* h = heads_ + std::size_t{index_of(n)} * 4;
    return {static_cast<object_type>(h[0]), static_cast<domain_set>(h[1]), (h[2] & 1) != 0, (h[2] & 2) != 0,
            (h[2] & 4) != 0};
  }
  const attack_object& object(node n) const override;
  void adjacent(node n, bool out, std::vector<edge_ref>& refs) const override;
  edge edge_at(std::uint32_t e) const override;
  void lookup(index which, std::string_view key, std::vector<node>& out) const override;

private:
  [[noreturn]] void fail(std::string_view what) const {
    throw error(errc::bad_snapshot, src_.file, "", fmt::format("snapshot is corrupted or truncated: {}", what));
  }
  // A block read later was damaged: forget the file (see image_source) and fail.
  [[noreturn]] void fail_damaged(std::string_view what) const;
  // Bytes [offset, offset + length) of a section, its blocks read and checked first.
  const char* at(section s, std::uint64_t offset, std::uint64_t length) const;
  // Blocks [first, last] of a section made one contiguous run (read, checked
  // and placed where missing); its start. Takes load_mutex_.
  const char* load_run(section s, std::uint64_t first, std::uint64_t last) const;
  std::size_t block_length(section s, std::uint64_t block) const {
    return static_cast<std::size_t>(std::min<std::uint64_t>(block_size, sections_[s].size - block * block_size));
  }
  std::string_view text(const char* ref) const {
    return std::string_view(at(s_strings, get32(ref), get32(ref + 4)), get32(ref + 4));
  }
  node node_ref(std::uint32_t v) const {
    if (v >= n_objects_) fail("graph image names a missing object");
    return node{v};
  }

  image_source src_;
  std::uint32_t n_objects_ = 0, n_edges_ = 0;
  struct section_info {
    std::uint64_t offset = 0, size = 0;
    std::size_t first_block = 0;   // into sums_ and places_
  } sections_[section_count];
  std::vector<std::uint64_t> sums_;
  // Where each block's checked bytes are (null: not read yet), published with
  // release. From a file, blocks are copied into the source's arena in the
  // order questions need them, not at their offsets in the image: the two
  // dozen blocks a `show` reads then share a huge page instead of faulting in
  // one fresh 2 MiB page per region of the image they lie in
  // (docs/benchmarks.md). A block may be copied again to make a run
  // contiguous; earlier copies stay valid (the arena never moves or frees) and
  // hold the same bytes. Bytes already in memory are checked in place.
  std::unique_ptr<std::atomic<const char*>[]> places_;
  const unsigned char* heads_ = nullptr;   // the heads section, read and checked at open: 4 bytes per object
  mutable std::mutex load_mutex_;
  // Objects decoded on first use, published once (atomic_ref, acquire/release);
  // kept in a deque: addresses never move. The slots are zero pages of their
  // own mapping, faulted in only where a question decodes an object (a
  // value-initialized array would write every slot at open: ~50 KB, a dozen
  // page faults of each warm call).
  mutable std::mutex object_mutex_;
  const attack_object** objects_ = nullptr;
  std::size_t objects_bytes_ = 0;
  mutable std::deque<attack_object> decoded_;
};

bool pread_exact(int fd, char* target, std::size_t n, std::uint64_t offset) {
  while (n > 0) {
    ssize_t got = ::pread(fd, target, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    target += got;
    n -= static_cast<std::size_t>(got);
    offset += static_cast<std::uint64_t>(got);
  }
  return true;
}

void image_graph::fail_damaged(std::string_view what) const {
  struct stat open_file {}, named {};
  if (!src_.remove_when_damaged.empty() && ::fstat(src_.fd, &open_file) == 0 &&
      ::lstat(src_.remove_when_damaged.c_str(), &named) == 0 && S_ISREG(named.st_mode) &&
      open_file.st_ino == named.st_ino && open_file.st_dev == named.st_dev)
    ::unlink(src_.remove_when_damaged.c_str());
  fail(what);
}

const char* image_graph::load_run(section s, std::uint64_t first, std::uint64_t last) const {
  const section_info& info = sections_[s];
  std::atomic<const char*>* place = places_.get() + info.first_block;
  std::lock_guard lock(load_mutex_);
  // Contiguous already (another thread made it so)?
  const char* start = place[first].load(std::memory_order_relaxed);
  std::uint64_t have = first;   // blocks [first, have) lie contiguously from start
  if (start)
    while (have <= last && place[have].load(std::memory_order_relaxed) == start + (have - first) * block_size) ++have;
  if (have > last) return start;
  auto check = [&](std::uint64_t b, const char* bytes) {
    if (XXH3_64bits(bytes, block_length(s, b)) != sums_[info.first_block + b])
      fail_damaged(fmt::format("graph image checksum does not match ({} block {})", section_names[s], b));
  };
  // Bytes in memory: each block is checked where it lies, so runs are contiguous.
  if (src_.fd < 0) {
    for (std::uint64_t b = first; b <= last; ++b) {
      if (place[b].load(std::memory_order_relaxed)) continue;
      const char* bytes = src_.bytes + info.offset + b * block_size;
      check(b, bytes);
      place[b].store(bytes, std::memory_order_release);
    }
    return place[first].load(std::memory_order_relaxed);
  }
  // From the file, into the arena: blocks [first, have) stay where they are
  // when they end at the arena's top (the run grows in place, so a section
  // read in order is copied once); else the whole run is placed anew.
  // Sizes in whole pages (only a section's last block is shorter), so a
  // block spans two 4 KiB pages, not three. No prefault(): a run usually
  // lands in a huge page the D3FEND image or an earlier run faulted in, and
  // the call was measured slower than none (docs/benchmarks.md, session 12).
  auto pages = [](std::size_t n) { return (n + 4095) / 4096 * 4096; };
  std::size_t bytes = 0;
  for (std::uint64_t b = have; b <= last; ++b) bytes += block_length(s, b);
  std::uint64_t from = have;
  char* target = have > first ? src_.arena->take_after(start + (have - first) * block_size, pages(bytes)) : nullptr;
  if (!target) {
    for (std::uint64_t b = first; b < have; ++b) bytes += block_length(s, b);
    target = src_.arena->take(pages(bytes));
    from = first;
  }
  char* out = target;
  for (std::uint64_t b = from; b <= last;) {
    if (const char* copy = place[b].load(std::memory_order_relaxed)) {   // checked already
      std::memcpy(out, copy, block_length(s, b));
      out += block_length(s, b);
      ++b;
      continue;
    }
    std::uint64_t end = b;   // one pread for each stretch of missing blocks
    std::size_t n = 0;
    while (end <= last && !place[end].load(std::memory_order_relaxed)) n += block_length(s, end++);
    if (!pread_exact(src_.fd, out, n, src_.offset + info.offset + b * block_size))
      fail_damaged(fmt::format("graph image file is cut short ({} block {})", section_names[s], b));
    for (; b < end; ++b) {
      check(b, out);
      out += block_length(s, b);
    }
  }
  const char* run = from == first ? target : start;
  for (std::uint64_t b = from; b <= last; ++b)
    place[b].store(run + (b - first) * block_size, std::memory_order_release);
  return run;
}

const char* image_graph::at(section s, std::uint64_t offset, std::uint64_t length) const {
  const section_info& info = sections_[s];
  if (offset > info.size || length > info.size - offset) fail(fmt::format("graph image refers outside its {}", section_names[s]));
  if (length == 0) return "";   // no bytes to point at (offset may be the section's end)
  const std::uint64_t first = offset / block_size, last = (offset + length - 1) / block_size;
  const std::atomic<const char*>* place = places_.get() + info.first_block;
  const char* start = place[first].load(std::memory_order_acquire);
  bool whole = start != nullptr;
  for (std::uint64_t b = first + 1; whole && b <= last; ++b)
    whole = place[b].load(std::memory_order_acquire) == start + (b - first) * block_size;
  if (!whole) start = load_run(s, first, last);
  return start + (offset - first * block_size);
}

void image_graph::open(bool verify_all) {
  char fixed[fixed_header];
  auto read = [&](char* target, std::size_t n, std::uint64_t from) {
    if (from > src_.size || n > src_.size - from) fail("graph image is cut short");
    if (n == 0) return;   // an image with no blocks: no table to read (and memcpy may not take a null target)
    if (src_.fd >= 0) {
      if (!pread_exact(src_.fd, target, n, src_.offset + from)) fail("graph image file is cut short");
    } else {
      std::memcpy(target, src_.bytes + from, n);
    }
  };
  read(fixed, fixed_header, 0);
  if (std::memcmp(fixed, attack_magic, 8) != 0) fail("graph image has no valid header (another format or version)");
  if (get32(fixed + 16) != block_size || get32(fixed + 20) != section_count) fail("graph image has another layout");
  n_objects_ = get32(fixed + 24);
  n_edges_ = get32(fixed + 28);
  // The table: sizes first (to count the blocks), then the block checksums.
  std::string table(section_count * 16, '\0');
  read(table.data(), table.size(), fixed_header);
  std::size_t blocks = 0;
  std::uint64_t end = fixed_header + table.size();
  for (unsigned s = 0; s < section_count; ++s) {
    section_info& info = sections_[s];
    info.offset = get64(table.data() + s * 16);
    info.size = get64(table.data() + s * 16 + 8);
    if (info.offset > src_.size || info.size > src_.size - info.offset) fail("graph image section lies outside the image");
    info.first_block = blocks;
    blocks += static_cast<std::size_t>((info.size + block_size - 1) / block_size);
  }
  if (blocks > src_.size / 8) fail("graph image section table is impossible");
  sums_.resize(blocks);
  read(reinterpret_cast<char*>(sums_.data()), blocks * 8, end);
  {
    XXH3_state_t* state = XXH3_createState();
    XXH3_64bits_reset(state);
    XXH3_64bits_update(state, fixed + 16, fixed_header - 16);
    XXH3_64bits_update(state, table.data(), table.size());
    XXH3_64bits_update(state, sums_.data(), blocks * 8);
    const std::uint64_t sum = XXH3_64bits_digest(state);
    XXH3_freeState(state);
    if (sum != get64(fixed + 8)) fail("graph image checksum does not match (header)");
  }
  // Shapes every later read relies on.
  auto size_is = [&](section s, std::uint64_t expected) {
    if (sections_[s].size != expected) fail(fmt::format("graph image {} have a wrong size", section_names[s]));
  };
  size_is(s_heads, std::uint64_t{n_objects_} * 4);
  size_is(s_objects, std::uint64_t{n_objects_} * object_record);
  size_is(s_edges, std::uint64_t{n_edges_} * edge_record);
  size_is(s_out_offsets, (std::uint64_t{n_objects_} + 1) * 4);
  size_is(s_in_offsets, (std::uint64_t{n_objects_} + 1) * 4);
  size_is(s_out_items, std::uint64_t{n_edges_} * item_record);
  size_is(s_in_items, std::uint64_t{n_edges_} * item_record);
  for (section s : {s_id_slots, s_name_slots, s_stix_slots}) {
    const std::uint64_t slots = sections_[s].size / slot_record;
    if (slots == 0 || sections_[s].size % slot_record != 0 || (slots & (slots - 1)) != 0)
      fail(fmt::format("graph image {} has a wrong size", section_names[s]));
  }
  places_ = std::make_unique<std::atomic<const char*>[]>(blocks);
  if (src_.fd >= 0 && !src_.arena) src_.arena = std::make_shared<image_arena>(huge_page);
  if (verify_all)
    for (unsigned s = 0; s < section_count; ++s) at(static_cast<section>(s), 0, sections_[s].size);
  heads_ = reinterpret_cast<const unsigned char*>(at(s_heads, 0, std::uint64_t{n_objects_} * 4));
  for (std::uint32_t i = 0; i < n_objects_; ++i)
    if (heads_[std::size_t{i} * 4] > static_cast<std::uint8_t>(object_type::unknown))
      fail("graph image has an unknown object type");
  objects_bytes_ = std::max<std::size_t>(std::size_t{n_objects_} * sizeof(const attack_object*), 1);
  void* slots = ::mmap(nullptr, objects_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (slots == MAP_FAILED) throw error(errc::io_error, src_.file, "", "cannot reserve memory for the graph image");
  objects_ = static_cast<const attack_object**>(slots);
}

const attack_object& image_graph::object(node n) const {
  const std::uint32_t i = index_of(n);
  std::atomic_ref<const attack_object*> slot(objects_[i]);
  if (const attack_object* o = slot.load(std::memory_order_acquire)) return *o;
  std::lock_guard lock(object_mutex_);
  if (const attack_object* o = slot.load(std::memory_order_relaxed)) return *o;
  attack_object o;
  const object_head h = head(n);
  o.type = h.type;
  o.domains = h.domains;
  o.revoked = h.revoked;
  o.deprecated = h.deprecated;
  o.is_subtechnique = h.subtechnique;
  char record[object_record];
  std::memcpy(record, at(s_objects, std::uint64_t{i} * object_record, object_record), object_record);
  const char* p = record;
  for (std::string_view* s : {&o.stix_type, &o.stix_id, &o.id, &o.name, &o.description, &o.url, &o.shortname,
                              &o.modified, &o.version}) {
    *s = text(p);
    p += 8;
  }
  auto list = [&](const char* ref, std::size_t per_item) {
    const std::uint64_t first = get32(ref), count = get32(ref + 4);
    return std::pair{at(s_lists, first * 8, count * 8 * per_item), count};
  };
  {
    auto [refs, count] = list(p, 1);
    for (std::uint64_t k = 0; k < count; ++k) o.platforms.push_back(text(refs + 8 * k));
  }
  {
    auto [refs, count] = list(p + 8, 1);
    for (std::uint64_t k = 0; k < count; ++k) o.aliases.push_back(text(refs + 8 * k));
  }
  {
    auto [refs, count] = list(p + 16, 2);
    for (std::uint64_t k = 0; k < count; ++k) o.kill_chain_phases.push_back({text(refs + 16 * k), text(refs + 16 * k + 8)});
  }
  const attack_object* kept = &decoded_.emplace_back(std::move(o));
  slot.store(kept, std::memory_order_release);
  return *kept;
}

void image_graph::adjacent(node n, bool out, std::vector<edge_ref>& refs) const {
  const std::uint32_t i = index_of(n);
  const char* offsets = at(out ? s_out_offsets : s_in_offsets, std::uint64_t{i} * 4, 8);
  const std::uint64_t first = get32(offsets), last = get32(offsets + 4);
  if (last < first) fail("graph image adjacency list is malformed");
  const char* items = at(out ? s_out_items : s_in_items, first * item_record, (last - first) * item_record);
  refs.reserve(refs.size() + static_cast<std::size_t>(last - first));
  for (std::uint64_t k = first; k < last; ++k, items += item_record) {
    const std::uint32_t e = get32(items);
    if (e >= n_edges_) fail("graph image names a missing edge");
    const auto type = static_cast<std::uint8_t>(items[8]);
    if (type > static_cast<std::uint8_t>(relation::other)) fail("graph image has an unknown relation");
    const auto flags = static_cast<std::uint8_t>(items[9]);
    refs.push_back({e, node_ref(get32(items + 4)), static_cast<relation>(type), (flags & 1) != 0, (flags & 2) != 0,
                    (flags & 4) != 0});
  }
}

edge image_graph::edge_at(std::uint32_t e) const {
  if (e >= n_edges_) fail("graph image names a missing edge");
  char record[edge_record];
  std::memcpy(record, at(s_edges, std::uint64_t{e} * edge_record, edge_record), edge_record);
  const auto type = static_cast<std::uint8_t>(record[8]);
  if (type > static_cast<std::uint8_t>(relation::other)) fail("graph image has an unknown relation");
  const auto flags = static_cast<std::uint8_t>(record[9]);
  return edge{node_ref(get32(record)), node_ref(get32(record + 4)), static_cast<relation>(type), text(record + 12),
              text(record + 20), text(record + 28), (flags & 1) != 0, (flags & 2) != 0};
}

void image_graph::lookup(index which, std::string_view key, std::vector<node>& out) const {
  const section slots = which == index::id ? s_id_slots : which == index::name ? s_name_slots : s_stix_slots;
  const section keys = which == index::id ? s_id_keys : which == index::name ? s_name_keys : s_stix_keys;
  const section nodes = which == index::id ? s_id_nodes : s_name_nodes;
  const std::uint64_t count = sections_[slots].size / slot_record;
  const std::uint64_t hash = XXH3_64bits(key.data(), key.size());
  for (std::uint64_t probe = 0, i = hash & (count - 1); probe < count; ++probe, i = (i + 1) & (count - 1)) {
    const char* slot = at(slots, i * slot_record, slot_record);
    const std::uint32_t size = get32(slot + 20);
    if (size == 0) return;
    if (get64(slot) != hash || get32(slot + 12) != key.size()) continue;
    if (std::memcmp(at(keys, get32(slot + 8), key.size()), key.data(), key.size()) != 0) continue;
    if (which == index::stix) {
      out.push_back(node_ref(get32(slot + 16)));
      return;
    }
    const char* list = at(nodes, std::uint64_t{get32(slot + 16)} * 4, std::uint64_t{size} * 4);
    for (std::uint32_t k = 0; k < size; ++k) out.push_back(node_ref(get32(list + 4 * k)));
    return;
  }
}

}  // namespace

std::unique_ptr<stored_graph> open_image(image_source source, bool verify_all) {
  auto g = std::make_unique<image_graph>(std::move(source));
  g->open(verify_all);
  return g;
}

void reseal_image(std::string& image) {
  const std::size_t table_at = fixed_header, sums_at = fixed_header + section_count * 16;
  if (image.size() < sums_at) return;
  std::uint64_t blocks = 0;
  for (unsigned s = 0; s < section_count; ++s) {
    const std::uint64_t offset = get64(image.data() + table_at + s * 16), size = get64(image.data() + table_at + s * 16 + 8);
    if (offset > image.size() || size > image.size() - offset) return;
    blocks += (size + block_size - 1) / block_size;
  }
  if (blocks > (image.size() - sums_at) / 8) return;
  std::uint64_t k = 0;
  for (unsigned s = 0; s < section_count; ++s) {
    const std::uint64_t offset = get64(image.data() + table_at + s * 16), size = get64(image.data() + table_at + s * 16 + 8);
    for (std::uint64_t from = 0; from < size; from += block_size, ++k) {
      const std::uint64_t sum = XXH3_64bits(image.data() + offset + from, std::min<std::uint64_t>(block_size, size - from));
      std::memcpy(image.data() + sums_at + 8 * k, &sum, 8);
    }
  }
  const std::uint64_t sum = XXH3_64bits(image.data() + 16, sums_at + 8 * blocks - 16);
  std::memcpy(image.data() + 8, &sum, 8);
}

std::unique_ptr<graph_impl> materialize(const graph_impl& g) {
  auto m = std::make_unique<graph_impl>();
  const stored_graph& s = *g.stored;
  m->objects.reserve(s.size());
  for (node n : all_handles<node>(s.size())) m->objects.push_back(s.object(n));
  built_edges edges;
  edges.reserve(s.edge_count());
  for (std::uint32_t e = 0; e < s.edge_count(); ++e) {
    const edge x = s.edge_at(e);
    edges.push_back(index_of(x.source), index_of(x.target),
                    edge_data{.stix_id = x.stix_id, .description = x.description, .log_source = x.log_source, .seq = e,
                              .type = x.type, .revoked = x.revoked, .deprecated = x.deprecated});
  }
  set_edges(*m, std::move(edges));
  build_indexes(*m);
  m->sources = g.sources;
  m->report = g.report;
  m->relationships = g.relationships;
  m->stamps = g.stamps;
  return m;
}

std::string encode_image(const graph_impl& graph) {
  std::unique_ptr<graph_impl> full;
  if (graph.stored) full = materialize(graph);
  const graph_impl& g = full ? *full : graph;
  image_writer w;
  const auto n_objects = static_cast<std::uint32_t>(g.objects.size());
  for (const attack_object& o : g.objects) {
    std::string& h = w[s_heads];
    h.push_back(static_cast<char>(o.type));
    h.push_back(static_cast<char>(o.domains));
    h.push_back(static_cast<char>(o.revoked | (o.deprecated << 1) | (o.is_subtechnique << 2)));
    h.push_back('\0');
    std::string& r = w[s_objects];
    for (std::string_view s : {o.stix_type, o.stix_id, o.id, o.name, o.description, o.url, o.shortname, o.modified,
                               o.version})
      w.text(r, s);
    std::string& lists = w[s_lists];
    auto list_ref = [&](std::size_t count, std::size_t per_item) {
      put32(r, static_cast<std::uint32_t>(lists.size() / 8));
      put32(r, static_cast<std::uint32_t>(count));
      (void)per_item;
    };
    list_ref(o.platforms.size(), 1);
    for (auto p : o.platforms) w.text(lists, p);
    list_ref(o.aliases.size(), 1);
    for (auto a : o.aliases) w.text(lists, a);
    list_ref(o.kill_chain_phases.size(), 2);
    for (const auto& k : o.kill_chain_phases) {
      w.text(lists, k.kill_chain_name);
      w.text(lists, k.phase_name);
    }
  }
  std::vector<boost_graph::edge_descriptor> edges;
  for (auto [e, end] = boost::edges(g.graph); e != end; ++e) edges.push_back(*e);
  std::sort(edges.begin(), edges.end(), [&](const auto& a, const auto& b) { return g.graph[a].seq < g.graph[b].seq; });
  const auto n_edges = static_cast<std::uint32_t>(edges.size());
  // CSR rows by a stable counting sort: each vertex's edges keep insertion order, as the adjacency_list had them.
  std::vector<std::uint32_t> out_start(n_objects + 1, 0), in_start(n_objects + 1, 0);
  for (const auto& e : edges) {
    ++out_start[boost::source(e, g.graph) + 1];
    ++in_start[boost::target(e, g.graph) + 1];
  }
  for (std::uint32_t v = 0; v < n_objects; ++v) {
    out_start[v + 1] += out_start[v];
    in_start[v + 1] += in_start[v];
  }
  for (std::uint32_t v : out_start) put32(w[s_out_offsets], v);
  for (std::uint32_t v : in_start) put32(w[s_in_offsets], v);
  w[s_out_items].resize(std::size_t{n_edges} * item_record);
  w[s_in_items].resize(std::size_t{n_edges} * item_record);
  std::vector<std::uint32_t> out_next(out_start.begin(), out_start.end() - 1), in_next(in_start.begin(), in_start.end() - 1);
  for (std::uint32_t i = 0; i < n_edges; ++i) {
    const edge_data& d = g.graph[edges[i]];
    const auto s = static_cast<std::uint32_t>(boost::source(edges[i], g.graph));
    const auto t = static_cast<std::uint32_t>(boost::target(edges[i], g.graph));
    std::string& r = w[s_edges];
    put32(r, s);
    put32(r, t);
    r.push_back(static_cast<char>(d.type));
    r.push_back(static_cast<char>(d.revoked | (d.deprecated << 1)));
    r.append(2, '\0');
    w.text(r, d.stix_id);
    w.text(r, d.description);
    w.text(r, d.log_source);
    char item[item_record] = {};
    std::memcpy(item, &i, 4);
    item[8] = static_cast<char>(d.type);
    item[9] = static_cast<char>(d.revoked | (d.deprecated << 1) | (!d.stix_id.empty() << 2));
    std::memcpy(item + 4, &t, 4);
    std::memcpy(w[s_out_items].data() + std::size_t{out_next[s]++} * item_record, item, item_record);
    std::memcpy(item + 4, &s, 4);
    std::memcpy(w[s_in_items].data() + std::size_t{in_next[t]++} * item_record, item, item_record);
  }
  for (auto [map, slots] : {std::pair{&g.by_id, s_id_slots}, std::pair{&g.by_name, s_name_slots}}) {
    std::vector<std::pair<std::string_view, std::span<const node>>> entries;
    for (const auto& [key, r] : map->runs) entries.emplace_back(key, std::span(map->nodes).subspan(r.first, r.count));
    // Map order is the hash's: sort so that equal graphs give equal images (keys are unique).
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    w.table(slots, static_cast<section>(slots + 1), static_cast<section>(slots + 2), entries, {});
  }
  {
    std::vector<std::pair<std::string_view, node>> single(g.by_stix.begin(), g.by_stix.end());
    std::sort(single.begin(), single.end());
    w.table(s_stix_slots, s_id_nodes, s_stix_keys, {}, single);
  }
  // Header, section table, block checksums, then the sections (each at a multiple of the block size:
  // blocks are whole pages of the memory they are read into).
  std::string table, sums;
  std::uint64_t at = fixed_header + section_count * 16;
  std::size_t blocks = 0;
  for (const std::string& s : w.sections) blocks += (s.size() + block_size - 1) / block_size;
  at += blocks * 8;
  for (const std::string& s : w.sections) {
    at = (at + block_size - 1) / block_size * block_size;
    put64(table, at);
    put64(table, s.size());
    for (std::size_t from = 0; from < s.size(); from += block_size)
      put64(sums, XXH3_64bits(s.data() + from, std::min<std::size_t>(block_size, s.size() - from)));
    at += s.size();
  }
  std::string image(attack_magic, 8);
  put64(image, 0);
  put32(image, block_size);
  put32(image, section_count);
  put32(image, n_objects);
  put32(image, n_edges);
  image += table;
  image += sums;
  const std::uint64_t sum = XXH3_64bits(image.data() + 16, image.size() - 16);
  std::memcpy(image.data() + 8, &sum, 8);
  for (const std::string& s : w.sections) {
    image.append((block_size - image.size() % block_size) % block_size, '\0');
    image += s;
  }
  return image;
}

namespace {

// Sizes of a node's fixed records in a D3FEND image (see encode_d3fend_image):
// 11 text refs, u8, 4 u32 — and, in the built part, 2 u8, a text ref, 3 u32.
constexpr std::size_t d3fend_node_record = 11 * 8 + 1 + 4 * 4;
constexpr std::size_t d3fend_built_record = 2 + 8 + 3 * 4;

// A text ref at `p` that decode_d3fend_image already checked against `strings`.
std::string_view checked_text(std::string_view strings, const char* p) noexcept {
  return strings.substr(get32(p), get32(p + 4));
}

// A node's ATT&CK id as its entry holds it, from its checked node and built
// records: a mitigation's is its name (as build() names them), any other's
// the stored one. For fill_d3fend_entries and the key scan alike.
std::string_view stored_attack_id(std::string_view strings, const char* record, const char* built) noexcept {
  if (static_cast<d3fend_kind>(built[0]) == d3fend_kind::attack_mitigation)
    return d3fend_detail::name_of_id(checked_text(strings, record));
  return checked_text(strings, record + 32);
}

// Fills d.extra from the node records of an image decode_d3fend_image
// already checked (every text ref and node number in bounds): what
// impl::extras() calls on first use. Borrows the image, which d owns.
void read_d3fend_extras(std::string_view records, std::string_view built, std::string_view strings,
                        const d3fend_impl& d) {
  auto text_at = [&](const char* p) { return checked_text(strings, p); };
  const std::size_t n = d.count();
  d.extra.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const char* p = records.data() + i * d3fend_node_record;
    auto& x = d.extra[i];
    x.comment = text_at(p + 6 * 8);
    x.title = text_at(p + 7 * 8);
    x.url = text_at(p + 8 * 8);
    x.organization = text_at(p + 9 * 8);
    x.author = text_at(p + 10 * 8);
    x.flags = static_cast<std::uint16_t>(get32(p + 11 * 8 + 1));
    x.offset = get32(p + 11 * 8 + 5);
    x.on_property = d3fend_node{get32(p + 11 * 8 + 9)};
    x.some_values_from = d3fend_node{get32(p + 11 * 8 + 13)};
    x.enables = d3fend_node{get32(built.data() + i * d3fend_built_record + 10)};
    x.name_prefix = d3fend_detail::name_prefix_of(d3fend_detail::name_of_id(text_at(p)));   // as append_node sets it
  }
}

// Constructs the entries of nodes [first, first + count) at `out` from the
// node and built records of an image decode_d3fend_image already checked:
// what impl::entry() calls for a block on first use. Borrows the image.
void fill_d3fend_entries(std::string_view records, std::string_view built, std::string_view strings,
                         d3fend_entry* out, std::size_t first, std::size_t count) noexcept {
  auto text_at = [&](const char* p) { return checked_text(strings, p); };
  for (std::size_t i = 0; i < count; ++i) {
    const char* p = records.data() + (first + i) * d3fend_node_record;
    const char* b = built.data() + (first + i) * d3fend_built_record;
    d3fend_entry& e = *::new (out + i) d3fend_entry{};
    e.id = text_at(p);
    e.name = d3fend_detail::name_of_id(e.id);   // as append_node names it
    e.label = text_at(p + 8);
    e.definition = text_at(p + 16);
    e.d3fend_id = text_at(p + 24);
    e.attack_id = stored_attack_id(strings, p, b);
    e.kb_article = text_at(p + 40);
    e.deprecated = p[88] != 0;
    e.kind = static_cast<d3fend_kind>(b[0]);
    if (static_cast<std::uint8_t>(b[1]) != 0xff) e.tactic = static_cast<d3fend_tactic>(b[1]);
    e.revoked_by = text_at(b + 2);
  }
}

// Checks the graph parts of a D3FEND image (see encode_d3fend_image: two
// hierarchies' edges, then the closure, statements, defensive and uses
// indexes as row starts and items) and moves `r` past them; writes nothing.
void check_graph_parts(reader& r, std::uint32_t n, std::size_t image_size) {
  auto node = [&](std::uint32_t v) {
    if (v >= n) r.fail("D3FEND image names a missing node");
  };
  auto count = [&] {
    std::uint32_t c = r.u32();
    if (c > image_size) r.fail("D3FEND image count is impossible");
    return c;
  };
  for (int h = 0; h < 2; ++h)
    for (std::size_t e = count(), i = 0; i < 2 * e; ++i) node(r.u32());
  // Row starts (n + 1, from 0, never decreasing) ending at `items` (any end
  // when ~0), then `items` items of `refs` node numbers each.
  auto rows = [&](std::uint32_t items, unsigned refs) {
    std::uint32_t at = r.u32();
    if (at != 0) r.fail("D3FEND image has malformed rows");
    for (std::uint32_t v = 0; v < n; ++v) {
      const std::uint32_t next = r.u32();
      if (next < at) r.fail("D3FEND image has malformed rows");
      at = next;
    }
    if (items == 0xffffffffu) items = at;
    if (at != items || items > image_size) r.fail("D3FEND image has malformed rows");
    for (std::size_t i = 0; i < std::size_t{items} * refs; ++i) node(r.u32());
  };
  rows(0xffffffffu, 1);   // closure
  const std::uint32_t statements = count();
  rows(statements, 2);
  rows(0xffffffffu, 2);   // defensive index
  rows(0xffffffffu, 2);   // uses index
}

// Builds what check_graph_parts checked, from a reader standing where that
// one stood: impl::graph_parts() through fill_graph. Cannot meet bad data.
void build_graph_parts(reader& r, const d3fend_impl& o, std::uint32_t n) {
  for (auto* h : {&o.classes, &o.properties}) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> edges(r.u32());
    for (auto& [a, b] : edges) {
      a = r.u32();
      b = r.u32();
    }
    // Sorted by source already, each source's edges in file order: the same graph.
    *h = d3fend_detail::hierarchy(boost::edges_are_unsorted_multi_pass, edges.begin(), edges.end(), n);
  }
  // A CSR's row starts then its items.
  auto rows = [&](auto& c, auto&& item) {
    c.offsets.resize(std::size_t{n} + 1);
    r.u32s(c.offsets.data(), c.offsets.size());
    c.items.reserve(c.offsets.back());
    prefault(c.items.data(), c.offsets.back() * sizeof(c.items[0]));
    c.items.resize(c.offsets.back());
    for (auto& x : c.items) item(x);
  };
  rows(o.closure, [&](d3fend_node& x) { x = d3fend_node{r.u32()}; });
  r.u32();   // the statement count, which the row starts end at
  rows(o.statements, [&](d3fend_statement& x) {
    x.relation = d3fend_node{r.u32()};
    x.target = d3fend_node{r.u32()};   // relation_name stays empty: statements() names them
  });
  for (auto* c : {&o.defensive_index, &o.uses_index})
    rows(*c, [&](d3fend_detail::def_use& x) {
      x.technique = d3fend_node{r.u32()};
      x.relation = d3fend_node{r.u32()};
    });
}

// The built part of a D3FEND image (see encode_d3fend_image), every node
// reference and row bound checked: the ontology answers as build() left it.
void decode_d3fend_built(reader& r, std::size_t image_size, d3fend_impl& o, std::uint32_t n,
                         std::string_view records, std::span<char> spare, std::string_view& node_records) {
  const auto none = index_of(d3fend_detail::no_node);
  auto node_or_none = [&](std::uint32_t v) {
    if (v != none && v >= n) r.fail("D3FEND image names a missing node");
    return d3fend_node{v};
  };
  auto node_ref = [&](std::uint32_t v) {
    if (v >= n) r.fail("D3FEND image names a missing node");
    return d3fend_node{v};
  };
  auto count = [&] {
    std::uint32_t c = r.u32();
    if (c > image_size) r.fail("D3FEND image count is impossible");
    return c;
  };
  node_records = r.rest();   // d3fend_built_record bytes a node: read_d3fend_extras reads them again
  // Inverse and rank are read in place (impl::inverse_of, rank_of), checked here.
  o.stored_inverse = {node_records.data() + 14, d3fend_built_record};
  o.stored_rank = {node_records.data() + 18, d3fend_built_record};
  // Kind, tactic and revoked_by are checked now and go into the entries when
  // they are filled (fill_d3fend_entries).
  for (std::uint32_t v = 0; v < n; ++v) {
    const char* p = r.bytes(d3fend_built_record).data();
    const auto kind = static_cast<std::uint8_t>(p[0]);
    if (kind > static_cast<std::uint8_t>(d3fend_kind::other)) r.fail("D3FEND image has an unknown kind");
    const auto tactic = static_cast<std::uint8_t>(p[1]);
    if (tactic != 0xff && tactic >= std::size(all_d3fend_tactics)) r.fail("D3FEND image has an unknown tactic");
    r.text_at(p + 2);   // revoked_by
    node_or_none(get32(p + 10));   // enables: checked now, read by extras()
    node_or_none(get32(p + 14));   // inverse
    if (get32(p + 18) >= n) r.fail("D3FEND image has an impossible name rank");
  }
  // From here on entry() may be called (statements name their relations).
  o.deferred = std::make_unique<d3fend_detail::deferred_entries>(n, spare);
  o.deferred->fill = [records, node_records, strings = r.strings()](d3fend_entry* out, std::size_t first,
                                                                    std::size_t count) {
    fill_d3fend_entries(records, node_records, strings, out, first, count);
  };
  o.deferred->text = [records, node_records, strings = r.strings()](std::size_t v, d3fend_detail::deferred_entries::key k) {
    const char* p = records.data() + v * d3fend_node_record;
    switch (k) {
      case d3fend_detail::deferred_entries::id: return checked_text(strings, p);
      case d3fend_detail::deferred_entries::d3fend_id: return checked_text(strings, p + 24);
      case d3fend_detail::deferred_entries::attack_id: break;
    }
    return stored_attack_id(strings, p, node_records.data() + v * d3fend_built_record);
  };
  for (d3fend_node& t : o.tactic_nodes) t = node_or_none(r.u32());
  for (d3fend_node* p : {&o.enables_property, &o.related_property, &o.reference_property}) *p = node_or_none(r.u32());
  // The hierarchies, closure, statements and indexes: checked now, built on
  // first use (impl::graph_parts(); a `show` or `countermeasures` reads none).
  const std::string_view parts = r.rest();
  check_graph_parts(r, n, image_size);
  o.fill_graph = [parts = parts.substr(0, parts.size() - r.rest().size()), strings = r.strings(), n](const d3fend_impl& d) {
    reader again(reader::resume_tag{}, parts, strings, "D3FEND image");
    build_graph_parts(again, d, n);
  };
  // Node lists copied whole, then checked in one pass.
  auto nodes = [&](d3fend_node* v, std::size_t count) {
    r.u32s(v, count);
    if (std::any_of(v, v + count, [&](d3fend_node x) { return index_of(x) >= n; }))
      r.fail("D3FEND image names a missing node");
  };
  for (auto* list : {&o.attack_techniques, &o.attack_mitigations, &o.defensive_techniques, &o.artifact_classes}) {
    list->resize(count());
    nodes(list->data(), list->size());
  }
  // by_id and by_key are filled on the first lookup (impl::keys()).
  o.keys_deferred = true;
  // The inference's results (format 3): all_mappings() as it was when written,
  // so `countermeasures --all` infers nothing. Relations are stored as property
  // nodes, named as infer() names them. Checked now, decoded when asked
  // (impl::stored_row): a `show` needs one class's run, not 5,503 rows.
  const std::uint32_t mappings = r.u32();
  if (mappings > image_size / 24) r.fail("D3FEND image count is impossible");
  o.stored_rows = r.bytes(std::size_t{mappings} * 24);
  // Each class's rows are one run (all_mappings() is infer() per class in turn).
  for (std::uint32_t i = 0; i < mappings; ++i) {
    std::uint32_t v[6];
    std::memcpy(v, o.stored_rows.data() + std::size_t{i} * 24, 24);
    for (std::uint32_t x : v) node_ref(x);
    if (!o.stored_runs.empty() && o.stored_runs.back()[0] == v[0]) ++o.stored_runs.back()[2];
    else o.stored_runs.push_back({v[0], i, 1});
  }
  std::sort(o.stored_runs.begin(), o.stored_runs.end());
  for (std::size_t k = 1; k < o.stored_runs.size(); ++k)
    if (o.stored_runs[k][0] == o.stored_runs[k - 1][0]) r.fail("D3FEND image mappings are not grouped by technique");
  o.all_stored = true;
}

}  // namespace

std::string encode_d3fend_image(const d3fend_impl& o) {
  writer w(d3fend_magic);
  w.str(o.version);
  w.u32(static_cast<std::uint32_t>(o.count()));
  for (d3fend_node n : all_handles<d3fend_node>(o.count())) {
    const d3fend_entry& e = o.entry(n);
    const auto& x = o.extras()[n];
    // What the reader stored; build() derives the rest (kinds, tactics, a mitigation's M-id).
    std::string_view attack_id = e.kind == d3fend_kind::attack_mitigation ? std::string_view{} : e.attack_id;
    for (std::string_view s : {e.id, e.label, e.definition, e.d3fend_id, attack_id, e.kb_article, x.comment, x.title,
                               x.url, x.organization, x.author})
      w.str(s);
    w.u8(e.deprecated);
    w.u32(x.flags);
    w.u32(x.offset);
    w.u32(index_of(x.on_property));
    w.u32(index_of(x.some_values_from));
  }
  o.links();
  for (const auto* links : {&o.raw_subclass, &o.raw_subproperty, &o.raw_inverse, &o.raw_statements}) {
    w.u32(static_cast<std::uint32_t>(links->size()));
    for (const auto& l : *links) {
      w.u32(index_of(l.subject));
      w.u32(index_of(l.key));
      w.u32(index_of(l.target));
    }
  }
  // What build() derived, stored built (format 2): opening replays nothing.
  o.graph_parts();
  for (d3fend_node n : all_handles<d3fend_node>(o.count())) {
    const d3fend_entry& e = o.entry(n);
    w.u8(static_cast<std::uint8_t>(e.kind));
    w.u8(e.tactic ? static_cast<std::uint8_t>(*e.tactic) : 0xff);
    w.str(e.revoked_by);
    w.u32(index_of(o.extras()[n].enables));
    w.u32(index_of(o.inverse_of(n)));
    w.u32(o.rank_of(n));
  }
  for (d3fend_node t : o.tactic_nodes) w.u32(index_of(t));
  for (d3fend_node p : {o.enables_property, o.related_property, o.reference_property}) w.u32(index_of(p));
  for (const auto* h : {&o.classes, &o.properties}) {
    w.u32(static_cast<std::uint32_t>(boost::num_edges(*h)));
    for (auto [e, end] = boost::edges(*h); e != end; ++e) {
      w.u32(static_cast<std::uint32_t>(boost::source(*e, *h)));
      w.u32(static_cast<std::uint32_t>(boost::target(*e, *h)));
    }
  }
  auto rows = [&](const auto& c, auto&& item) {
    for (std::uint32_t v : c.offsets) w.u32(v);
    for (const auto& x : c.items) item(x);
  };
  rows(o.closure, [&](d3fend_node x) { w.u32(index_of(x)); });
  w.u32(static_cast<std::uint32_t>(o.statements.items.size()));
  rows(o.statements, [&](const d3fend_statement& x) {
    w.u32(index_of(x.relation));
    w.u32(index_of(x.target));
  });
  for (const auto* c : {&o.defensive_index, &o.uses_index})
    rows(*c, [&](const d3fend_detail::def_use& x) {
      w.u32(index_of(x.technique));
      w.u32(index_of(x.relation));
    });
  for (const auto* list : {&o.attack_techniques, &o.attack_mitigations, &o.defensive_techniques, &o.artifact_classes}) {
    w.u32(static_cast<std::uint32_t>(list->size()));
    for (d3fend_node v : *list) w.u32(index_of(v));
  }
  // Every mapping infer() gives (format 3). A mapping names its relations; the
  // property nodes they are the names of come from the statements and the
  // defensive index, which is where infer() took them (same name, same answer).
  text_view_map<d3fend_node> relation_nodes;
  for (const auto& x : o.statements.items) relation_nodes.try_emplace(o.relation_name(x.relation), x.relation);
  for (const auto& x : o.defensive_index.items) relation_nodes.try_emplace(o.relation_name(x.relation), x.relation);
  auto relation_node = [&](std::string_view name) {
    auto it = relation_nodes.find(name);
    if (it == relation_nodes.end()) throw std::logic_error("D3FEND mapping names an unknown relation");
    return index_of(it->second);
  };
  const auto& all = o.all_mappings();
  w.u32(static_cast<std::uint32_t>(all.size()));
  for (const d3fend_mapping& m : all) {
    w.u32(index_of(m.attack_technique));
    w.u32(index_of(m.countermeasure));
    w.u32(index_of(m.off_artifact));
    w.u32(relation_node(m.off_relation));
    w.u32(index_of(m.def_artifact));
    w.u32(relation_node(m.def_relation));
  }
  return w.finish();
}

void decode_d3fend_image(std::string_view image, std::string_view file, d3fend_impl& o, std::span<char> spare) {
  reader r(image, file, d3fend_magic);
  o.version = r.str();
  std::uint32_t n = r.u32();
  if (n > image.size()) r.fail("D3FEND image node count is impossible");
  const auto no_node = index_of(d3fend_detail::no_node);
  auto node_ref = [&](std::uint32_t v) {
    if (v != no_node && v >= n) r.fail("D3FEND image names a missing node");
    return d3fend_node{v};
  };
  const std::string_view records = r.rest();   // d3fend_node_record bytes a node
  for (std::uint32_t i = 0; i < n; ++i) {
    // Checked now; the entries (views into the image, which the ontology
    // owns) are filled a block at a time on first use (fill_d3fend_entries),
    // the extras likewise (read_d3fend_extras). Not indexed now: the first
    // lookups compare the stored keys, later ones index them (impl::find_key).
    const char* p = r.bytes(d3fend_node_record).data();
    for (int k = 0; k < 11; ++k) r.text_at(p + 8 * k);   // id, label, …, comment, title, url, organization, author
    // flags and offset (p + 89, p + 93) are any value
    node_ref(get32(p + 97));    // on_property
    node_ref(get32(p + 101));   // some_values_from
  }
  // The links as read: checked now, copied out only when a snapshot is
  // written from this ontology (impl::links(); nothing else reads them).
  std::array<std::string_view, 4> link_bytes;
  for (std::size_t k = 0; k < link_bytes.size(); ++k) {
    std::uint32_t count = r.u32();
    if (count > image.size() / 12) r.fail("D3FEND image link count is impossible");
    link_bytes[k] = r.bytes(std::size_t{count} * 12);   // subject, key, target as u32 each
    // Statements name their property; the other links never do (build() relies on both).
    const bool statements = k == 3;
    for (std::size_t i = 0; i < count; ++i) {
      const char* p = link_bytes[k].data() + i * 12;
      const std::uint32_t subject = get32(p), key = get32(p + 4), target = get32(p + 8);
      if (subject >= n || target >= n) r.fail("D3FEND image link names a missing node");
      if (statements ? key >= n : key != no_node) r.fail("D3FEND image link has a wrong property");
    }
  }
  o.fill_links = [link_bytes](const d3fend_impl& d) {
    static_assert(sizeof(d3fend_detail::raw_link) == 12 && std::is_trivially_copyable_v<d3fend_detail::raw_link>);
    const std::array lists{&d.raw_subclass, &d.raw_subproperty, &d.raw_inverse, &d.raw_statements};
    for (std::size_t k = 0; k < link_bytes.size(); ++k) {
      lists[k]->resize(link_bytes[k].size() / 12);
      if (!link_bytes[k].empty()) std::memcpy(lists[k]->data(), link_bytes[k].data(), link_bytes[k].size());
    }
  };
  std::string_view built_records;
  decode_d3fend_built(r, image.size(), o, n, records, spare, built_records);
  if (!r.done()) r.fail("D3FEND image has trailing bytes");
  o.fill_extra = [records, built_records, strings = r.strings()](const d3fend_impl& d) {
    read_d3fend_extras(records, built_records, strings, d);
  };
}

}  // namespace mitrekg::store
