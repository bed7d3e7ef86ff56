// SQLite snapshot: writes the built graph (ATT&CK, D3FEND, mappings) to the documented schema and rebuilds it.
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <ctime>
#include <map>
#include <memory_resource>
#include <optional>
#include <random>
#include <thread>
#include <sys/mman.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <sqlite3.h>
#include <xxhash.h>

#include "d3fend/ontology_impl.hpp"
#include "graph/graph_impl.hpp"
#include "mitrekg/error.hpp"
#include "mitrekg/store.hpp"
#include "mitrekg/version.hpp"
#include "support/huge_pages.hpp"
#include "store/image.hpp"
#include "store/schema.hpp"
#include "store/sqlite.hpp"

namespace mitrekg {

namespace fs = std::filesystem;
using sql::database;
using sql::statement;

namespace {

std::int64_t i64(std::uint64_t v) { return static_cast<std::int64_t>(v); }

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string releases_text(const knowledge_graph& g) {
  std::string out;
  for (const auto& f : g.files()) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{} {}", f.domain.empty() ? "attack" : f.domain, f.release.empty() ? "?" : f.release);
  }
  return out;
}

// The D3FEND rows the reader consumes; a checksum over exactly these rows (every
// column, in order) is stored in metadata and recomputed while reading.
constexpr const char* d3fend_nodes_select =
    "SELECT node, id, label, definition, d3fend_id, attack_id, kb_article, deprecated, comment, "
    "ref_title, ref_url, ref_organization, ref_author, flags, file_offset, on_property, some_values_from, "
    "kind FROM d3fend_nodes ORDER BY node";
constexpr const char* d3fend_links_select = "SELECT kind, subject, property, target FROM d3fend_links ORDER BY seq";

// Folds every column of the current row into `h`: its type, then its value.
// One-shot XXH3 per value, chained through the seed (fast for short values).
void hash_row(const statement& q, std::uint64_t& h) {
  sqlite3_stmt* st = q.handle();
  int columns = sqlite3_column_count(st);
  for (int c = 0; c < columns; ++c) {
    int type = sqlite3_column_type(st, c);
    h = h * 31 + static_cast<std::uint64_t>(type);
    if (type == SQLITE_INTEGER) {
      h = h * 1099511628211ull ^ static_cast<std::uint64_t>(sqlite3_column_int64(st, c));
    } else if (type != SQLITE_NULL) {
      const void* p = sqlite3_column_blob(st, c);
      h = XXH3_64bits_withSeed(p, static_cast<std::size_t>(sqlite3_column_bytes(st, c)), h);
    }
  }
}

std::string hex64(std::uint64_t h) { return fmt::format("{:016x}", h); }

std::string d3fend_checksum(database& db) {
  std::uint64_t h = 0;
  for (const char* sql : {d3fend_nodes_select, d3fend_links_select}) {
    statement q(db, sql);
    while (q.step()) hash_row(q, h);
  }
  return hex64(h);
}

using metadata_map = std::map<std::string, std::string, std::less<>>;

metadata_map read_metadata(database& db) {
  metadata_map out;
  statement q(db, "SELECT key, value FROM metadata");
  while (q.step()) out.emplace(std::string(q.text(0)), std::string(q.text(1)));
  return out;
}

// A table's rows (every column, in `order`) folded with hash_row; counts them too.
std::uint64_t table_checksum(database& db, std::string_view table, std::string_view order, std::size_t& rows) {
  statement q(db, fmt::format("SELECT * FROM {} ORDER BY {}", table, order).c_str());
  std::uint64_t h = 0;
  rows = 0;
  while (q.step()) {
    hash_row(q, h);
    ++rows;
  }
  return h;
}

// Every metadata row but checksum.metadata itself, in key order.
std::string metadata_checksum(const metadata_map& meta) {
  XXH3_state_t* state = XXH3_createState();
  if (!state) throw std::bad_alloc();
  XXH3_64bits_reset(state);
  for (const auto& [k, v] : meta) {
    if (k == "checksum.metadata") continue;
    XXH3_64bits_update(state, k.data(), k.size() + 1);   // with the terminating NUL: a separator
    XXH3_64bits_update(state, v.data(), v.size() + 1);
  }
  std::uint64_t h = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return hex64(h);
}

// ---- writing --------------------------------------------------------------------

void write_attack(database& db, const graph_impl& g) {
  statement obj(db, "INSERT INTO objects VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)");
  statement plat(db, "INSERT INTO object_platforms VALUES (?1,?2,?3)");
  statement alias(db, "INSERT INTO object_aliases VALUES (?1,?2,?3)");
  statement phase(db, "INSERT INTO kill_chain_phases VALUES (?1,?2,?3,?4)");
  for (node n : all_handles<node>(g.objects.size())) {
    const attack_object& o = g.objects[n];
    obj.bind(1, std::int64_t{index_of(n)}).bind(2, to_string(o.type)).bind(3, o.stix_type).bind(4, o.stix_id)
        .bind(5, o.id).bind(6, o.name).bind(7, o.description).bind(8, o.url).bind(9, o.shortname)
        .bind(10, o.modified).bind(11, o.version).bind(12, std::int64_t{o.domains})
        .bind(13, std::int64_t{o.revoked}).bind(14, std::int64_t{o.deprecated})
        .bind(15, std::int64_t{o.is_subtechnique});
    obj.run();
    for (std::size_t i = 0; i < o.platforms.size(); ++i)
      plat.bind(1, std::int64_t{index_of(n)}).bind(2, i64(i)).bind(3, o.platforms[i]).run();
    for (std::size_t i = 0; i < o.aliases.size(); ++i)
      alias.bind(1, std::int64_t{index_of(n)}).bind(2, i64(i)).bind(3, o.aliases[i]).run();
    for (std::size_t i = 0; i < o.kill_chain_phases.size(); ++i)
      phase.bind(1, std::int64_t{index_of(n)}).bind(2, i64(i)).bind(3, o.kill_chain_phases[i].kill_chain_name)
          .bind(4, o.kill_chain_phases[i].phase_name).run();
  }
  // Edges in insertion order, so every vertex's in- and out-lists come back alike.
  std::vector<boost_graph::edge_descriptor> edges;
  for (auto [e, end] = boost::edges(g.graph); e != end; ++e) edges.push_back(*e);
  std::sort(edges.begin(), edges.end(), [&](const auto& a, const auto& b) { return g.graph[a].seq < g.graph[b].seq; });
  statement rel(db, "INSERT INTO relationships VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)");
  std::int64_t seq = 0;
  for (const auto& e : edges) {
    const edge_data& d = g.graph[e];
    rel.bind(1, seq++).bind(2, i64(boost::source(e, g.graph))).bind(3, i64(boost::target(e, g.graph)))
        .bind(4, to_string(d.type)).bind(5, d.stix_id).bind(6, d.description).bind(7, d.log_source)
        .bind(8, std::int64_t{d.revoked}).bind(9, std::int64_t{d.deprecated});
    rel.run();
  }
  statement file(db, "INSERT INTO attack_files VALUES (?1,?2,?3,?4,?5,?6,?7)");
  for (std::size_t i = 0; i < g.sources.size(); ++i) {
    const source_file& f = g.sources[i];
    file.bind(1, i64(i)).bind(2, f.path).bind(3, f.domain).bind(4, f.spec_version).bind(5, f.release)
        .bind(6, i64(f.objects)).bind(7, i64(f.bytes)).run();
  }
}

void write_d3fend(database& db, const d3fend_ontology& ontology) {
  const auto& o = d3fend_access::internals(ontology);
  statement node_row(db, "INSERT INTO d3fend_nodes VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20)");
  for (d3fend_node n : all_handles<d3fend_node>(o.count())) {
    const d3fend_entry& e = o.entry(n);
    const auto& x = o.extras()[n];
    node_row.bind(1, std::int64_t{index_of(n)}).bind(2, e.id).bind(3, to_string(e.kind)).bind(4, e.label)
        .bind(5, e.definition).bind(6, e.d3fend_id).bind(7, e.attack_id).bind(8, e.kb_article)
        .bind(9, std::int64_t{e.deprecated});
    if (e.tactic) node_row.bind(10, to_string(*e.tactic)); else node_row.bind_null(10);
    node_row.bind(11, x.comment).bind(12, x.title).bind(13, x.url).bind(14, x.organization)
        .bind(15, x.author).bind(16, std::int64_t{x.flags}).bind(17, std::int64_t{x.offset});
    if (x.on_property != d3fend_detail::no_node) node_row.bind(18, std::int64_t{index_of(x.on_property)}); else node_row.bind_null(18);
    if (x.some_values_from != d3fend_detail::no_node) node_row.bind(19, std::int64_t{index_of(x.some_values_from)}); else node_row.bind_null(19);
    node_row.bind(20, e.name);
    node_row.run();
  }
  statement link(db, "INSERT INTO d3fend_links VALUES (?1,?2,?3,?4,?5)");
  std::int64_t seq = 0;
  auto links = [&](const char* kind, const std::vector<d3fend_detail::raw_link>& v) {
    for (const auto& l : v) {
      link.bind(1, seq++).bind(2, kind).bind(3, std::int64_t{index_of(l.subject)});
      if (l.key != d3fend_detail::no_node) link.bind(4, std::int64_t{index_of(l.key)}); else link.bind_null(4);
      link.bind(5, std::int64_t{index_of(l.target)}).run();
    }
  };
  o.links();
  links("subclass", o.raw_subclass);
  links("subproperty", o.raw_subproperty);
  links("inverse", o.raw_inverse);
  links("statement", o.raw_statements);
  // The inference's answers, for SQL users; the reader recomputes them.
  statement map(db, "INSERT INTO d3fend_mappings VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)");
  for (const d3fend_mapping& m : ontology.all_mappings()) {
    const auto& c = o.entry(m.countermeasure);
    map.bind(1, m.attack_id).bind(2, c.d3fend_id).bind(3, c.name).bind(4, c.label)
        .bind(5, m.tactic ? to_string(*m.tactic) : std::string_view{}).bind(6, o.entry(m.off_artifact).name)
        .bind(7, m.off_relation).bind(8, o.entry(m.def_artifact).name).bind(9, m.def_relation).run();
  }
}

void write_metadata(database& db, const knowledge_graph& g, const graph_impl& impl,
                    const std::vector<snapshot_source>& sources) {
  statement meta(db, "INSERT INTO metadata VALUES (?1, ?2)");
  auto put = [&](std::string_view k, std::string_view v) { meta.bind(1, k).bind(2, v).run(); };
  put("schema_version", std::to_string(snapshot_schema_version));
  put("mitrekg_version", mitrekg::version());
  put("built_at", utc_now());
  put("attack_releases", releases_text(g));
  put("d3fend_version", g.d3fend() ? g.d3fend()->version() : std::string_view{});
  put("d3fend_file", g.d3fend() ? std::string_view(g.d3fend()->file()) : std::string_view{});
  put("objects", std::to_string(impl.objects.size()));
  put("edges", std::to_string(boost::num_edges(impl.graph)));
  put("relationship_objects", std::to_string(impl.relationships));
  put("d3fend_nodes", std::to_string(g.d3fend() ? g.d3fend()->size() : 0));
  if (g.d3fend()) put("d3fend_checksum", d3fend_checksum(db));
  const load_report& r = impl.report;
  put("warnings.unknown_types", std::to_string(r.unknown_types));
  put("warnings.unknown_properties", std::to_string(r.unknown_properties));
  put("warnings.dangling_references", std::to_string(r.dangling_references));
  put("warnings.merged_objects", std::to_string(r.merged_objects));
  put("warnings.subtechnique_cycles", std::to_string(r.subtechnique_cycles));
  put("warnings.malformed_objects", std::to_string(r.malformed_objects));
  put("warnings.duplicate_ids", std::to_string(r.duplicate_ids));
  put("warnings.extra_parents", std::to_string(r.extra_parents));
  put("warnings.deep_subtechniques", std::to_string(r.deep_subtechniques));
  put("warnings.orphan_subtechniques", std::to_string(r.orphan_subtechniques));
  statement sample(db, "INSERT INTO load_warnings VALUES (?1, ?2, ?3)");
  for (std::size_t i = 0; i < r.samples.size(); ++i) sample.bind(1, i64(i)).bind(2, "attack").bind(3, r.samples[i]).run();
  if (const d3fend_ontology* d = g.d3fend()) {
    const d3fend_report& dr = d->report();
    put("d3fend.nodes", std::to_string(dr.nodes));
    put("d3fend.malformed_nodes", std::to_string(dr.malformed_nodes));
    put("d3fend.wrong_types", std::to_string(dr.wrong_types));
    put("d3fend.dangling_references", std::to_string(dr.dangling_references));
    put("d3fend.unsupported_restrictions", std::to_string(dr.unsupported_restrictions));
    put("d3fend.subclass_cycles", std::to_string(dr.subclass_cycles));
    for (std::size_t i = 0; i < dr.samples.size(); ++i)
      sample.bind(1, i64(r.samples.size() + i)).bind(2, "d3fend").bind(3, dr.samples[i]).run();
  }
  statement src(db, "INSERT INTO source_files VALUES (?1,?2,?3,?4,?5,?6)");
  for (std::size_t i = 0; i < sources.size(); ++i)
    src.bind(1, i64(i)).bind(2, sources[i].kind).bind(3, sources[i].path).bind(4, sources[i].sha256)
        .bind(5, i64(sources[i].bytes)).bind(6, sources[i].mtime_ns).run();
}

// Row count and content checksum of every table, then the checksum of the
// metadata itself (what check-db verifies; docs/sqlite-schema.md).
void write_checksums(database& db) {
  statement meta(db, "INSERT INTO metadata VALUES (?1, ?2)");
  for (const auto& t : store::checked_tables) {
    std::size_t rows = 0;
    std::uint64_t h = table_checksum(db, t.table, t.order, rows);
    meta.bind(1, fmt::format("rows.{}", t.table)).bind(2, std::to_string(rows)).run();
    meta.bind(1, fmt::format("checksum.{}", t.table)).bind(2, hex64(h)).run();
  }
  std::string sum = metadata_checksum(read_metadata(db));
  meta.bind(1, "checksum.metadata").bind(2, sum).run();
}

// ---- reading --------------------------------------------------------------------

// An uninitialized buffer for the graph image. Large ones are mapped with
// transparent huge pages where the kernel offers them: thousands of 4 KiB page
// faults were the largest cost of a warm-cache call (docs/benchmarks.md).
std::shared_ptr<char[]> big_buffer(std::size_t size) {
  if (size >= huge_page / 2) {   // from 1 MiB: one huge page is cheaper than 256 faults
    const std::size_t length = huge_page_ceil(size);
    void* p = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) {
      ::madvise(p, length, MADV_HUGEPAGE);
      return std::shared_ptr<char[]>(static_cast<char*>(p), [length](char* q) { ::munmap(q, length); });
    }
  }
  return std::shared_ptr<char[]>(new char[size ? size : 1]);
}

// Owns the text of a snapshot-loaded graph: one monotonic buffer, no per-string allocation.
struct text_arena {
  std::pmr::monotonic_buffer_resource resource{std::size_t{1} << 20};
  std::string_view keep(std::string_view s) {
    if (s.empty()) return {};
    char* p = static_cast<char*>(resource.allocate(s.size(), 1));
    std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }
};

std::size_t count_of(const std::map<std::string, std::string, std::less<>>& meta, std::string_view key) {
  auto it = meta.find(key);
  return it == meta.end() ? 0 : static_cast<std::size_t>(std::stoull(it->second));
}

void check_schema(database& db, const std::map<std::string, std::string, std::less<>>& meta) {
  auto it = meta.find("schema_version");
  if (it == meta.end()) throw error(errc::bad_snapshot, db.file(), "", "not a mitrekg snapshot (no schema_version)");
  if (it->second != std::to_string(snapshot_schema_version))
    throw error(errc::bad_snapshot, db.file(), "",
                fmt::format("snapshot schema version {} is not this version's {}; rebuild it with 'mitre-query build-db'",
                            it->second, snapshot_schema_version));
}

[[noreturn]] void corrupt(std::string_view file, std::string_view what) {
  throw error(errc::bad_snapshot, std::string(file), "", fmt::format("snapshot is corrupted or truncated: {}", what));
}
[[noreturn]] void corrupt(const database& db, std::string_view what) { corrupt(db.file(), what); }

// The metadata matches the checksum recorded in it (written last at build time).
void check_metadata(const database& db, const metadata_map& meta) {
  auto it = meta.find("checksum.metadata");
  if (it == meta.end()) corrupt(db, "metadata has no checksum");
  if (it->second != metadata_checksum(meta)) corrupt(db, "metadata does not match its checksum");
}

// One table's row count and content checksum equal what was recorded at build time.
void check_table(database& db, const metadata_map& meta, std::string_view table, std::string_view order) {
  auto rows_it = meta.find(fmt::format("rows.{}", table));
  auto sum_it = meta.find(fmt::format("checksum.{}", table));
  if (rows_it == meta.end() || sum_it == meta.end()) corrupt(db, fmt::format("metadata records no checksum of table {}", table));
  std::size_t rows = 0;
  std::uint64_t h = table_checksum(db, table, order, rows);
  if (std::to_string(rows) != rows_it->second)
    corrupt(db, fmt::format("table {} has {} rows, {} when built", table, rows, rows_it->second));
  if (hex64(h) != sum_it->second) corrupt(db, fmt::format("table {} does not match its checksum", table));
}

// The small tables every open reads (besides the checksummed images).
void check_tables_read_on_open(database& db, const metadata_map& meta) {
  check_metadata(db, meta);
  for (const char* table : store::tables_read_on_open)
    for (const auto& t : store::checked_tables)
      if (std::string_view(t.table) == table) check_table(db, meta, t.table, t.order);
}

// Every table, index and view of schema_sql exists with the same definition.
void check_schema_objects(database& db) {
  auto objects = [](database& d) {
    std::map<std::string, std::string, std::less<>> out;
    statement q(d, "SELECT type, name, ifnull(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%'");
    while (q.step()) out.emplace(std::string(q.text(1)), fmt::format("{} {}", q.text(0), q.text(2)));
    return out;
  };
  database expected(":memory:", database::mode::create);
  expected.exec(store::schema_sql);
  auto want = objects(expected);
  auto have = objects(db);
  for (const auto& [name, definition] : want) {
    auto it = have.find(name);
    std::string_view type = std::string_view(definition).substr(0, definition.find(' '));
    if (it == have.end()) corrupt(db, fmt::format("{} {} is missing", type, name));
    if (it->second != definition) corrupt(db, fmt::format("{} {} is not defined as built", type, name));
  }
}

// What an open reads besides the images: the metadata and the small tables
// (tables_read_on_open). From SQLite, or from a cache's image file, which
// carries a copy so that a warm call never opens SQLite.
struct open_tables {
  metadata_map meta;
  std::vector<source_file> files;                              // attack_files, by seq
  std::vector<std::pair<std::string, std::string>> warnings;   // load_warnings (origin, message), by seq
  std::vector<snapshot_source> sources;                        // source_files, by seq
};

std::vector<snapshot_source> read_sources(database& db);   // below

open_tables read_open_tables(database& db, metadata_map meta) {
  open_tables t;
  t.meta = std::move(meta);
  statement files(db, "SELECT path, domain, spec_version, release, objects, bytes FROM attack_files ORDER BY seq");
  while (files.step())
    t.files.push_back({std::string(files.text(0)), std::string(files.text(1)), std::string(files.text(2)),
                       std::string(files.text(3)), static_cast<std::size_t>(files.integer(4)),
                       static_cast<std::uintmax_t>(files.integer(5))});
  statement samples(db, "SELECT origin, message FROM load_warnings ORDER BY seq");
  while (samples.step()) t.warnings.emplace_back(std::string(samples.text(0)), std::string(samples.text(1)));
  t.sources = read_sources(db);
  return t;
}

// Files, report and indexes: what both ATT&CK readers finish with.
void read_attack_rest(const open_tables& t, graph_impl& g);

// The graph images of a cache sidecar file (see write_image_sidecar). The
// ATT&CK image is used in place: its blocks are read (pread, into private
// memory) and checked when a question first needs them, so a file truncated or
// rewritten in place while the graph is in use can neither raise SIGBUS nor
// change an answer (a read finds the damage: error(bad_snapshot)). The D3FEND
// image is read whole now and checked when decoded.
struct descriptor {
  int fd;
  explicit descriptor(int f) : fd(f) {}
  descriptor(const descriptor&) = delete;
  descriptor& operator=(const descriptor&) = delete;
  ~descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

// A snapshot file as stat(2) saw it when its image file was written: an image
// file answers alone only beside that very file (same device, inode and size).
struct file_identity {
  std::uint64_t device = 0, inode = 0, bytes = 0;
  bool operator==(const file_identity&) const = default;
};

file_identity identity_of(const struct stat& st) {
  return {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
          static_cast<std::uint64_t>(st.st_size)};
}

struct sidecar_images {
  fs::path path;
  std::shared_ptr<descriptor> file;
  std::uint64_t attack_offset = 0, attack_size = 0;
  // The D3FEND image: where it lies in the file (size 0: not there, or not
  // asked for); read by read_d3fend_image when it decodes it.
  std::uint64_t d3fend_offset = 0, d3fend_size = 0;
  std::optional<open_tables> tables;   // the copy of the small tables, when asked for and sound
  file_identity snapshot;              // what the tables block records of its snapshot
};

// Format 3: magic, u64 build id, u64 sizes of the tables block, the ATT&CK
// image and the D3FEND image; then the three in that order.
constexpr char sidecar_magic[8] = {'M', 'K', 'G', 'S', 'I', 'D', 'E', '3'};
constexpr std::size_t sidecar_header = 8 + 4 * 8;

// The tables block: u64 XXH3 of the header after its magic and of the rest of
// the block; the snapshot's identity (3 u64); then the metadata rows, attack_files,
// load_warnings and source_files (each a u64 count, then its fields: texts as
// u64 length and bytes, numbers as u64).
void put_u64(std::string& out, std::uint64_t v) { out.append(reinterpret_cast<const char*>(&v), 8); }
void put_text(std::string& out, std::string_view s) {
  put_u64(out, s.size());
  out += s;
}

std::string encode_tables(const open_tables& t, const file_identity& snapshot) {
  std::string out(8, '\0');   // the checksum, set by seal_tables
  for (std::uint64_t v : {snapshot.device, snapshot.inode, snapshot.bytes}) put_u64(out, v);
  put_u64(out, t.meta.size());
  for (const auto& [k, v] : t.meta) {
    put_text(out, k);
    put_text(out, v);
  }
  put_u64(out, t.files.size());
  for (const auto& f : t.files) {
    for (std::string_view x : {std::string_view(f.path), std::string_view(f.domain), std::string_view(f.spec_version),
                               std::string_view(f.release)})
      put_text(out, x);
    put_u64(out, f.objects);
    put_u64(out, f.bytes);
  }
  put_u64(out, t.warnings.size());
  for (const auto& [origin, message] : t.warnings) {
    put_text(out, origin);
    put_text(out, message);
  }
  put_u64(out, t.sources.size());
  for (const auto& src : t.sources) {
    for (std::string_view x : {std::string_view(src.kind), std::string_view(src.path), std::string_view(src.sha256)})
      put_text(out, x);
    put_u64(out, src.bytes);
    put_u64(out, static_cast<std::uint64_t>(src.mtime_ns));
  }
  return out;
}

// The checksum binding the tables block to the header (build id and sizes).
std::uint64_t tables_checksum(const char* header, std::string_view block) {
  XXH3_state_t* state = XXH3_createState();
  if (!state) throw std::bad_alloc();
  XXH3_64bits_reset(state);
  XXH3_64bits_update(state, header + 8, sidecar_header - 8);
  XXH3_64bits_update(state, block.data() + 8, block.size() - 8);
  std::uint64_t h = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return h;
}

// Reads encode_tables' block back; nullopt when it is cut short or malformed
// (its checksum was checked before: only a writer's bug gets here).
std::optional<open_tables> decode_tables(std::string_view block, file_identity& snapshot) {
  std::size_t at = 8;
  bool ok = true;
  auto u64 = [&]() -> std::uint64_t {
    if (!ok || block.size() - at < 8) {
      ok = false;
      return 0;
    }
    std::uint64_t v;
    std::memcpy(&v, block.data() + at, 8);
    at += 8;
    return v;
  };
  auto text = [&]() -> std::string {
    const std::uint64_t n = u64();
    if (!ok || block.size() - at < n) {
      ok = false;
      return {};
    }
    std::string v(block.substr(at, n));
    at += n;
    return v;
  };
  // A count no larger than the bytes left (every item takes at least 8).
  auto count = [&]() -> std::uint64_t {
    const std::uint64_t n = u64();
    if (n > (block.size() - at) / 8) ok = false;
    return ok ? n : 0;
  };
  snapshot.device = u64();
  snapshot.inode = u64();
  snapshot.bytes = u64();
  open_tables t;
  for (std::uint64_t i = 0, n = count(); ok && i < n; ++i) {
    std::string k = text();
    t.meta.emplace(std::move(k), text());
  }
  for (std::uint64_t i = 0, n = count(); ok && i < n; ++i) {
    source_file f;
    f.path = text();
    f.domain = text();
    f.spec_version = text();
    f.release = text();
    f.objects = static_cast<std::size_t>(u64());
    f.bytes = u64();
    t.files.push_back(std::move(f));
  }
  for (std::uint64_t i = 0, n = count(); ok && i < n; ++i) {
    std::string origin = text();
    t.warnings.emplace_back(std::move(origin), text());
  }
  for (std::uint64_t i = 0, n = count(); ok && i < n; ++i) {
    snapshot_source src;
    src.kind = text();
    src.path = text();
    src.sha256 = text();
    src.bytes = u64();
    src.mtime_ns = static_cast<std::int64_t>(u64());
    t.sources.push_back(std::move(src));
  }
  if (!ok || at != block.size()) return std::nullopt;
  return t;
}

// Reads exactly `n` bytes at `offset`; false on a short read (the file shrank) or an error.
bool pread_all(int fd, char* target, std::size_t n, off_t offset) {
  while (n > 0) {
    ssize_t got = ::pread(fd, target, n, offset);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    target += got;
    n -= static_cast<std::size_t>(got);
    offset += got;
  }
  return true;
}

// The sidecar, opened; nullopt when it is missing, not a regular file, of
// another build (`build_id`, when given) or format, malformed or shrinking
// while read (the caller then reads the images from SQLite). With
// `want_tables`, also its copy of the small tables, checked by its checksum
// (nullopt when that fails: the caller falls back to SQLite). The D3FEND
// image is only located here (read_d3fend_image reads it; a file cut short by
// then is a bad_snapshot error, and the cache rebuilds the entry); without
// `with_d3fend`, not even that (size 0).
std::optional<sidecar_images> read_image_sidecar(const fs::path& path, std::string_view build_id, bool with_d3fend,
                                                 bool want_tables = false) {
  // O_NONBLOCK: a FIFO planted in the cache must not block the open.
  auto file = std::make_shared<descriptor>(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  const int fd = file->fd;
  if (fd < 0) return std::nullopt;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < static_cast<off_t>(sidecar_header))
    return std::nullopt;
  const std::size_t size = static_cast<std::size_t>(st.st_size);
  char header[sidecar_header];
  if (!pread_all(fd, header, sidecar_header, 0)) return std::nullopt;
  std::uint64_t id = 0, tables = 0, attack = 0, d3fend = 0;
  std::memcpy(&id, header + 8, 8);
  std::memcpy(&tables, header + 16, 8);
  std::memcpy(&attack, header + 24, 8);
  std::memcpy(&d3fend, header + 32, 8);
  const std::size_t rest = size - sidecar_header;
  if (std::memcmp(header, sidecar_magic, 8) != 0 || (!build_id.empty() && fmt::format("{:016x}", id) != build_id) ||
      tables < 8 || tables > rest || attack > rest - tables || d3fend != rest - tables - attack)
    return std::nullopt;
  sidecar_images images{path, file, sidecar_header + tables, attack, 0, 0, {}, {}};
  if (want_tables) {
    std::string block(tables, '\0');
    if (!pread_all(fd, block.data(), tables, static_cast<off_t>(sidecar_header))) return std::nullopt;
    std::uint64_t sum = 0;
    std::memcpy(&sum, block.data(), 8);
    if (sum != tables_checksum(header, block)) return std::nullopt;
    images.tables = decode_tables(block, images.snapshot);
    if (!images.tables) return std::nullopt;
  }
  if (with_d3fend && d3fend > 0) {
    images.d3fend_offset = sidecar_header + tables + attack;
    images.d3fend_size = d3fend;
  }
  return images;
}

// Reads bytes [from, from + n) of one graph_image blob into `target`.
void read_blob_range(database& db, std::int64_t rowid, char* target, int from, int n) {
  sqlite3_blob* blob = nullptr;
  if (sqlite3_blob_open(db.handle(), "main", "graph_image", "bytes", rowid, 0, &blob) != SQLITE_OK)
    db.fail("cannot open the graph image");
  int rc = sqlite3_blob_read(blob, target, n, from);
  sqlite3_blob_close(blob);
  if (rc != SQLITE_OK) db.fail("cannot read the graph image");
}

// One part of graph_image, read straight into memory from `allocate` with the
// incremental blob API (one copy, not two). A large part is read in two halves
// on two threads: first-touching fresh memory is most of the cost.
template <class Allocate>
void read_blob(database& db, const char* part, std::size_t& size, Allocate allocate) {
  statement q(db, "SELECT rowid, length(bytes) FROM graph_image WHERE part = ?1");
  q.bind(1, std::string_view(part));
  if (!q.step()) corrupt(db, fmt::format("no {} graph image", part));
  const std::int64_t rowid = q.integer(0);
  const std::int64_t length = q.integer(1);
  if (length < 0 || length > std::int64_t{1} << 31) corrupt(db, "graph image size is impossible");
  size = static_cast<std::size_t>(length);
  char* target = allocate(size);
  const int n = static_cast<int>(length);
  if (n < (4 << 20)) {
    read_blob_range(db, rowid, target, 0, n);
    return;
  }
  const int half = n / 2;
  std::exception_ptr failed;
  std::thread second([&] {
    try {
      database db2(db.file(), db.open_mode());
      read_blob_range(db2, rowid, target + half, half, n - half);
    } catch (...) {
      failed = std::current_exception();
    }
  });
  try {
    read_blob_range(db, rowid, target, 0, half);
  } catch (...) {
    second.join();
    throw;
  }
  second.join();
  if (failed) std::rethrow_exception(failed);
}

// ATT&CK from the compiled image, used in place: from the sidecar file, read
// block by block as questions need them; else the blob read from SQLite (`db`)
// whole and every block checked now. `file` names the snapshot in errors.
std::unique_ptr<graph_impl> read_attack_image(database* db, const std::string& file, const open_tables& t,
                                              const sidecar_images* mapped, std::shared_ptr<store::image_arena> arena) {
  auto g = std::make_unique<graph_impl>();
  store::image_source source;
  source.file = file;
  if (mapped) {
    source.fd = ::fcntl(mapped->file->fd, F_DUPFD_CLOEXEC, 0);
    if (source.fd < 0) throw error(errc::io_error, file, "", "cannot read the graph image file");
    source.file = mapped->path.string();
    source.remove_when_damaged = mapped->path.string();
    source.offset = mapped->attack_offset;
    source.size = mapped->attack_size;
    source.arena = std::move(arena);
  } else {
    std::shared_ptr<char[]> image;
    std::size_t image_size = 0;
    read_blob(*db, "attack", image_size, [&](std::size_t n) {
      image = big_buffer(n);
      return image.get();
    });
    source.owner = std::shared_ptr<const void>(image, image.get());
    source.bytes = image.get();
    source.size = image_size;
    g->storage.push_back(source.owner);
  }
  g->stored = store::open_image(std::move(source), !mapped);
  if (g->stored->size() != count_of(t.meta, "objects") || g->stored->edge_count() != count_of(t.meta, "edges"))
    corrupt(file, "graph image and metadata disagree");
  read_attack_rest(t, *g);
  return g;
}

// ATT&CK from the relational tables alone (what SQL users see); tests check it
// gives the same graph as the image.
std::unique_ptr<graph_impl> read_attack(database& db, const open_tables& t) {
  const metadata_map& meta = t.meta;
  auto g = std::make_unique<graph_impl>();
  auto arena = std::make_shared<text_arena>();
  g->storage.push_back(arena);
  const std::size_t n_objects = count_of(meta, "objects");
  g->objects.reserve(n_objects);
  statement q(db, "SELECT node, type, stix_type, stix_id, attack_id, name, description, url, shortname, "
                  "modified, version, domains, revoked, deprecated, is_subtechnique FROM objects ORDER BY node");
  while (q.step()) {
    if (static_cast<std::size_t>(q.integer(0)) != g->objects.size()) corrupt(db, "object numbers have gaps");
    attack_object o;
    auto type = parse_object_type(q.text(1));
    if (!type) corrupt(db, "unknown object type");
    o.type = *type;
    o.stix_type = arena->keep(q.text(2));
    o.stix_id = arena->keep(q.text(3));
    o.id = arena->keep(q.text(4));
    o.name = arena->keep(q.text(5));
    o.description = arena->keep(q.text(6));
    o.url = arena->keep(q.text(7));
    o.shortname = arena->keep(q.text(8));
    o.modified = arena->keep(q.text(9));
    o.version = arena->keep(q.text(10));
    o.domains = static_cast<domain_set>(q.integer(11));
    o.revoked = q.integer(12) != 0;
    o.deprecated = q.integer(13) != 0;
    o.is_subtechnique = q.integer(14) != 0;
    g->objects.push_back(o);
  }
  if (g->objects.size() != n_objects) corrupt(db, "objects table is short");
  auto node_of = [&](std::int64_t v) {
    if (v < 0 || static_cast<std::size_t>(v) >= g->objects.size()) corrupt(db, "a row names a missing object");
    return static_cast<node>(v);
  };
  statement plat(db, "SELECT node, platform FROM object_platforms ORDER BY node, seq");
  while (plat.step()) g->objects[node_of(plat.integer(0))].platforms.push_back(arena->keep(plat.text(1)));
  statement alias(db, "SELECT node, alias FROM object_aliases ORDER BY node, seq");
  while (alias.step()) g->objects[node_of(alias.integer(0))].aliases.push_back(arena->keep(alias.text(1)));
  statement phase(db, "SELECT node, kill_chain_name, phase_name FROM kill_chain_phases ORDER BY node, seq");
  while (phase.step())
    g->objects[node_of(phase.integer(0))].kill_chain_phases.push_back(
        {arena->keep(phase.text(1)), arena->keep(phase.text(2))});

  built_edges edges;
  statement rel(db, "SELECT seq, source, target, relation, stix_id, description, log_source, revoked, deprecated "
                    "FROM relationships ORDER BY seq");
  std::uint32_t seq = 0;
  while (rel.step()) {
    edge_data d;
    d.type = relation_from_stix(rel.text(3));
    d.stix_id = arena->keep(rel.text(4));
    d.description = arena->keep(rel.text(5));
    d.log_source = arena->keep(rel.text(6));
    d.revoked = rel.integer(7) != 0;
    d.deprecated = rel.integer(8) != 0;
    d.seq = seq++;
    edges.push_back(index_of(node_of(rel.integer(1))), index_of(node_of(rel.integer(2))), d);
  }
  if (edges.size() != count_of(meta, "edges")) corrupt(db, "relationships table is short");
  set_edges(*g, std::move(edges));
  read_attack_rest(t, *g);
  build_indexes(*g);
  return g;
}

void read_attack_rest(const open_tables& t, graph_impl& g) {
  const metadata_map& meta = t.meta;
  g.relationships = count_of(meta, "relationship_objects");
  g.sources = t.files;
  load_report& r = g.report;
  r.unknown_types = count_of(meta, "warnings.unknown_types");
  r.unknown_properties = count_of(meta, "warnings.unknown_properties");
  r.dangling_references = count_of(meta, "warnings.dangling_references");
  r.merged_objects = count_of(meta, "warnings.merged_objects");
  r.subtechnique_cycles = count_of(meta, "warnings.subtechnique_cycles");
  r.malformed_objects = count_of(meta, "warnings.malformed_objects");
  r.duplicate_ids = count_of(meta, "warnings.duplicate_ids");
  r.extra_parents = count_of(meta, "warnings.extra_parents");
  r.deep_subtechniques = count_of(meta, "warnings.deep_subtechniques");
  r.orphan_subtechniques = count_of(meta, "warnings.orphan_subtechniques");
  for (const auto& [origin, message] : t.warnings)
    if (origin == "attack") r.samples.push_back(message);
  for (const auto& s : t.sources) g.stamps.push_back({s.kind, s.path, s.bytes, s.mtime_ns});
}

d3fend_report saved_d3fend_report(const open_tables& t) {
  const metadata_map& meta = t.meta;
  d3fend_report r;
  r.nodes = count_of(meta, "d3fend.nodes");
  r.malformed_nodes = count_of(meta, "d3fend.malformed_nodes");
  r.wrong_types = count_of(meta, "d3fend.wrong_types");
  r.dangling_references = count_of(meta, "d3fend.dangling_references");
  r.unsupported_restrictions = count_of(meta, "d3fend.unsupported_restrictions");
  r.subclass_cycles = count_of(meta, "d3fend.subclass_cycles");
  for (const auto& [origin, message] : t.warnings)
    if (origin == "d3fend") r.samples.push_back(message);
  return r;
}

std::unique_ptr<d3fend_ontology> read_d3fend(database& db, const open_tables& t) {
  const metadata_map& meta = t.meta;
  const std::size_t n_nodes = count_of(meta, "d3fend_nodes");
  if (n_nodes == 0) return nullptr;
  auto o = std::make_unique<d3fend_impl>();
  o->file = meta.at("d3fend_file");
  o->entries.reserve(n_nodes);
  o->extra.reserve(n_nodes);
  o->by_id.reserve(n_nodes);
  auto keep = [&](std::string_view s) -> std::string_view { return s.empty() ? std::string_view{} : o->arena.emplace_back(s); };
  // Same nodes in the same order, then the same raw links: build() then makes the same ontology.
  std::uint64_t sum = 0;
  statement q(db, d3fend_nodes_select);
  std::vector<std::pair<std::int64_t, std::int64_t>> restrictions;
  while (q.step()) {
    hash_row(q, sum);
    d3fend_node n = o->intern(q.text(1));
    if (n != static_cast<d3fend_node>(q.integer(0))) corrupt(db, "D3FEND node numbers differ");
    d3fend_entry& e = o->entries[n];
    e.label = keep(q.text(2));
    e.definition = keep(q.text(3));
    e.d3fend_id = keep(q.text(4));
    // build() gives mitigations their M-id from the name; the file states none.
    if (q.text(17) != "attack-mitigation") e.attack_id = keep(q.text(5));
    e.kb_article = keep(q.text(6));
    e.deprecated = q.integer(7) != 0;
    auto& x = o->extra[n];
    x.comment = keep(q.text(8));
    x.title = keep(q.text(9));
    x.url = keep(q.text(10));
    x.organization = keep(q.text(11));
    x.author = keep(q.text(12));
    x.flags = static_cast<std::uint16_t>(q.integer(13));
    x.offset = static_cast<std::uint32_t>(q.integer(14));
    restrictions.emplace_back(q.is_null(15) ? -1 : q.integer(15), q.is_null(16) ? -1 : q.integer(16));
  }
  if (o->entries.size() != n_nodes) corrupt(db, "d3fend_nodes table is short");
  auto valid = [&](std::int64_t v) {
    if (v < 0 || static_cast<std::size_t>(v) >= n_nodes) corrupt(db, "a D3FEND row names a missing node");
    return static_cast<d3fend_node>(v);
  };
  for (d3fend_node n : all_handles<d3fend_node>(n_nodes)) {
    if (restrictions[index_of(n)].first >= 0) o->extra[n].on_property = valid(restrictions[index_of(n)].first);
    if (restrictions[index_of(n)].second >= 0) o->extra[n].some_values_from = valid(restrictions[index_of(n)].second);
  }
  statement links(db, d3fend_links_select);
  while (links.step()) {
    hash_row(links, sum);
    d3fend_detail::raw_link l{valid(links.integer(1)),
                              links.is_null(2) ? d3fend_detail::no_node : valid(links.integer(2)),
                              valid(links.integer(3))};
    std::string_view kind = links.text(0);
    if ((kind == "statement") == (l.key == d3fend_detail::no_node)) corrupt(db, "a D3FEND link has a wrong property");
    if (kind == "subclass") o->raw_subclass.push_back(l);
    else if (kind == "subproperty") o->raw_subproperty.push_back(l);
    else if (kind == "inverse") o->raw_inverse.push_back(l);
    else if (kind == "statement") o->raw_statements.push_back(l);
    else corrupt(db, "unknown D3FEND link kind");
  }
  auto expected = meta.find("d3fend_checksum");
  if (expected == meta.end() || expected->second != hex64(sum)) corrupt(db, "D3FEND rows do not match their checksum");
  auto v = meta.find("d3fend_version");
  o->version = keep(v == meta.end() ? std::string_view{} : std::string_view(v->second));
  d3fend_detail::build(*o);
  // The report as it was when the sources were read (build() above may have recounted part of it).
  o->report = saved_d3fend_report(t);
  return std::make_unique<d3fend_ontology>(d3fend_access::adopt(std::move(o)));
}

// Bytes of zeroed memory the entries of a D3FEND image of `size` bytes fit
// in (with alignment); a node count the image cannot hold (its records take
// over 100 bytes a node) is refused by the decoder, not allocated for here.
std::size_t d3fend_entry_room(const open_tables& t, std::size_t size) {
  return std::min(count_of(t.meta, "d3fend_nodes"), size / 100) * sizeof(d3fend_entry) + alignof(d3fend_entry);
}

// D3FEND from its image: the nodes and links as read and what build() made of
// them, stored built. From the sidecar when it holds it (read into `arena`),
// else from SQLite (a connection of its own to `file`, opened here).
std::unique_ptr<d3fend_ontology> read_d3fend_image(const std::string& file, database::mode mode, const open_tables& t,
                                                   const sidecar_images* mapped, const std::shared_ptr<store::image_arena>& arena) {
  if (count_of(t.meta, "d3fend_nodes") == 0) return nullptr;
  auto o = std::make_unique<d3fend_impl>();
  o->file = t.meta.at("d3fend_file");
  std::string_view bytes;
  std::span<char> spare;
  const bool sidecar = mapped && mapped->d3fend_size > 0;
  if (sidecar) {
    // The image and room for its entries (zeroed: decode_d3fend_image's
    // `spare`), from the arena the ATT&CK blocks are read into.
    const std::size_t size = mapped->d3fend_size;
    const std::size_t room = d3fend_entry_room(t, size);
    char* buffer = arena->take((size + room + 4095) / 4096 * 4096);   // whole pages: what follows starts on one
    if (!pread_all(mapped->file->fd, buffer, size, static_cast<off_t>(mapped->d3fend_offset)))
      corrupt(mapped->path.string(), "image file is cut short (D3FEND image)");
    bytes = std::string_view(buffer, size);
    spare = std::span<char>(buffer + size, room);
    o->mapped = arena;
  } else {
    database db(file, mode);
    std::size_t size = 0;
    read_blob(db, "d3fend", size, [&](std::size_t n) {
      o->buffer.reset(new char[n ? n : 1]);
      return o->buffer.get();
    });
    bytes = std::string_view(o->buffer.get(), size);
  }
  store::decode_d3fend_image(bytes, sidecar ? mapped->path.string() : file, *o, spare);
  if (o->count() != count_of(t.meta, "d3fend_nodes")) corrupt(file, "D3FEND image and metadata disagree");
  o->report = saved_d3fend_report(t);
  return std::make_unique<d3fend_ontology>(d3fend_access::adopt(std::move(o)));
}

std::vector<snapshot_source> read_sources(database& db) {
  std::vector<snapshot_source> out;
  statement q(db, "SELECT kind, path, sha256, bytes, mtime_ns FROM source_files ORDER BY seq");
  while (q.step())
    out.push_back({std::string(q.text(0)), std::string(q.text(1)), std::string(q.text(2)),
                   static_cast<std::uintmax_t>(q.integer(3)), q.integer(4)});
  return out;
}

const char* file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISLNK(mode)) return "a symbolic link";
  return "not a regular file";
}

// Stat first: opening a FIFO without a writer would block, a device would be
// read forever; only a regular file is opened.
void require_file(const fs::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) throw error(errc::not_found, file.string(), "", "no such snapshot file");
    throw error(errc::io_error, file.string(), "", fmt::format("cannot read: {}", std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode))
    throw error(errc::io_error, file.string(), "", fmt::format("is {}, expected a snapshot file", file_kind(st.st_mode)));
  // SQLite's header states the page size and count (always valid for the
  // SQLite versions that write snapshots): a file of another size was cut or
  // extended, even where SQLite itself would not notice (its last pages).
  unsigned char header[100];
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  bool read_ok = fd >= 0 && ::pread(fd, header, sizeof header, 0) == static_cast<ssize_t>(sizeof header);
  if (fd >= 0) ::close(fd);
  if (!read_ok || std::memcmp(header, "SQLite format 3", 16) != 0)
    throw error(errc::bad_snapshot, file.string(), "", "not a mitrekg snapshot (not a SQLite database)");
  std::uint64_t page_size = (std::uint64_t{header[16]} << 8) | header[17];
  if (page_size == 1) page_size = 65536;
  const std::uint64_t pages = (std::uint64_t{header[28]} << 24) | (std::uint64_t{header[29]} << 16) |
                              (std::uint64_t{header[30]} << 8) | header[31];
  if (page_size * pages != static_cast<std::uint64_t>(st.st_size))
    throw error(errc::bad_snapshot, file.string(), "",
                fmt::format("snapshot is truncated or extended: {} bytes, its header says {}", st.st_size,
                            page_size * pages));
}

}  // namespace

namespace store {

void write_file_atomically(const fs::path& path, std::initializer_list<std::string_view> parts) {
  std::random_device rd;
  fs::path tmp = path;
  tmp += fmt::format(".tmp-{}-{:08x}", ::getpid(), rd());
  {
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) throw error(errc::write_error, path.string(), "", fmt::format("cannot create: {}", std::strerror(errno)));
    bool ok = true;
    for (auto part : parts) ok = ok && std::fwrite(part.data(), 1, part.size(), f) == part.size();
    ok = std::fclose(f) == 0 && ok;
    if (!ok) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw error(errc::write_error, path.string(), "", "cannot write (disk full?)");
    }
  }
  std::error_code ec;
  try {
    check_snapshot_target(path, {}, true);
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw error(errc::write_error, path.string(), "", "cannot rename into place");
  }
}

}  // namespace store

namespace {
// The images again, as one file the cache maps instead of copying them out of
// SQLite (fresh memory is the largest cost of a warm call). Written beside and
// after its snapshot, temporary file then rename; tied to it by the build id.
void write_image_sidecar(const fs::path& path, std::uint64_t build_id, std::string tables, std::string_view attack,
                         std::string_view d3fend) {
  const std::uint64_t header[4] = {build_id, tables.size(), attack.size(), d3fend.size()};
  char bytes[sidecar_header];
  std::memcpy(bytes, sidecar_magic, 8);
  std::memcpy(bytes + 8, header, sizeof header);
  const std::uint64_t sum = tables_checksum(bytes, tables);
  std::memcpy(tables.data(), &sum, 8);
  store::write_file_atomically(path, {std::string_view(bytes, sidecar_header), tables, attack, d3fend});
}
}  // namespace

// Declared in store/schema.hpp: used by the cache to hash sources once.
std::vector<snapshot_source> snapshot_sources(const knowledge_graph& g) {
  std::vector<snapshot_source> out;
  for (const auto& s : graph_access::internals(g).stamps)
    out.push_back({s.kind, s.path, sha256_file(s.path), s.bytes, s.mtime_ns});
  return out;
}

namespace {

// A SQLite file with a metadata table that names a schema version (any).
bool is_snapshot(const fs::path& file) {
  try {
    database db(file.string(), database::mode::read_only);
    return read_metadata(db).count("schema_version") == 1;
  } catch (const error&) {
    return false;
  }
}

// The files `g` was read from: a snapshot must not replace them unforced.
std::vector<fs::path> inputs_of(const knowledge_graph& g) {
  std::vector<fs::path> out;
  for (const auto& s : graph_access::internals(g).stamps) out.emplace_back(s.path);
  return out;
}

// True when `pid` names no process of this machine (kill(pid, 0): ESRCH).
bool process_gone(long pid) {
  if (pid <= 0 || pid == ::getpid()) return false;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

// Whether `file` starts as the image files this library writes do ("MKGSIDE"
// and a format digit): the one kind of file save_options::image replaces unforced.
bool is_image_file(const fs::path& file) {
  char head[7] = {};
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (!f) return false;
  const bool ok = std::fread(head, 1, sizeof head, f) == sizeof head && std::memcmp(head, sidecar_magic, 7) == 0;
  std::fclose(f);
  return ok;
}

// The rule check_snapshot_target states, for a file the tool writes (`what`:
// "a snapshot", "an image file") whose own kind `is_own` recognises (`own`:
// "a mitrekg snapshot", ...): a missing file is fine; a non-regular one never
// replaced; unless `force`, neither an input nor another kind of file.
void check_target(const fs::path& file, const std::vector<fs::path>& inputs, bool force, std::string_view what,
                  std::string_view own, bool (*is_own)(const fs::path&)) {
  struct stat st {};
  if (::lstat(file.c_str(), &st) != 0) {
    if (errno == ENOENT) return;
    throw error(errc::write_error, file.string(), "", fmt::format("cannot inspect: {}", std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode))
    throw error(errc::write_error, file.string(), "",
                fmt::format("is {}; {} only ever replaces a regular file", file_kind(st.st_mode), what));
  if (force) return;
  for (const auto& input : inputs) {
    std::error_code ec;
    if (fs::equivalent(file, input, ec))
      throw error(errc::write_error, file.string(), "", "is an input of this run; refusing to replace it without --force");
  }
  if (!is_own(file))
    throw error(errc::write_error, file.string(), "", fmt::format("is not {}; refusing to replace it without --force", own));
}

// save_options::image: as the snapshot itself, and never the snapshot.
void check_image_target(const fs::path& image, const fs::path& file, const std::vector<fs::path>& inputs, bool force) {
  std::error_code ec;
  if (image.lexically_normal() == file.lexically_normal() || fs::equivalent(image, file, ec))
    throw error(errc::write_error, image.string(), "", "is the snapshot itself; the image file needs a path of its own");
  check_target(image, inputs, force, "an image file", "a mitrekg image file", is_image_file);
}

}  // namespace

void check_snapshot_target(const fs::path& file, const std::vector<fs::path>& inputs, bool force) {
  check_target(file, inputs, force, "a snapshot", "a mitrekg snapshot", is_snapshot);
}

namespace store {

void remove_stale_temporaries(const fs::path& dir, std::string_view name, bool (*owns)(const fs::path& name)) {
  std::error_code ec;
  const std::time_t minute_ago = std::time(nullptr) - 60;
  for (fs::directory_iterator it(dir.empty() ? fs::path(".") : dir, ec), end; !ec && it != end; it.increment(ec)) {
    // NAME.tmp-PID-XXXXXXXX, as save_snapshot and write_image_sidecar name them.
    const std::string file = it->path().filename().string();
    const auto at = file.rfind(".tmp-");
    if (at == std::string::npos || (!name.empty() && std::string_view(file).substr(0, at) != name)) continue;
    if (owns && !owns(fs::path(file.substr(0, at)))) continue;
    std::string_view rest = std::string_view(file).substr(at + 5);
    const auto dash = rest.find('-');
    if (dash == 0 || dash == std::string_view::npos || rest.size() - dash - 1 != 8) continue;
    std::string_view pid_text = rest.substr(0, dash), random = rest.substr(dash + 1);
    if (pid_text.size() > 9 || pid_text.find_first_not_of("0123456789") != std::string_view::npos ||
        random.find_first_not_of("0123456789abcdef") != std::string_view::npos)
      continue;
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_mtime > minute_ago) continue;
    if (!process_gone(std::stol(std::string(pid_text)))) continue;
    std::error_code ignored;
    fs::remove(it->path(), ignored);
  }
}

}  // namespace store

void save_snapshot(const knowledge_graph& g, const fs::path& file, const save_options& options) {
  if (!options.image.empty()) check_image_target(options.image, file, inputs_of(g), options.force);
  save_snapshot_with_sidecar(g, file, options.image, options.force);
}

void save_snapshot_with_sidecar(const knowledge_graph& g, const fs::path& file, const fs::path& sidecar, bool force) {
  const std::vector<fs::path> inputs = inputs_of(g);
  check_snapshot_target(file, inputs, force);
  if (!sidecar.empty()) check_snapshot_target(sidecar, {}, true);
  store::remove_stale_temporaries(file.parent_path(), file.filename().string());
  if (!sidecar.empty()) store::remove_stale_temporaries(sidecar.parent_path(), sidecar.filename().string());
  std::vector<snapshot_source> sources = snapshot_sources(g);
  std::random_device rd;
  const std::uint64_t build_id = (std::uint64_t{rd()} << 32) | rd();
  // A graph opened from a snapshot writes from its objects decoded (materialize).
  std::unique_ptr<graph_impl> decoded;
  if (graph_access::internals(g).stored) decoded = store::materialize(graph_access::internals(g));
  const graph_impl& parts = decoded ? *decoded : graph_access::internals(g);
  std::string attack_image = store::encode_image(parts);
  std::string d3fend_image = g.d3fend() ? store::encode_d3fend_image(d3fend_access::internals(*g.d3fend())) : std::string();
  // Build beside the target, then rename: readers see the old file or the whole new one.
  fs::path tmp = file;
  tmp += fmt::format(".tmp-{}-{:08x}", ::getpid(), rd());
  open_tables tables;   // what the image file carries of the snapshot's tables
  try {
    {
      database db(tmp.string(), database::mode::create);
      db.exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA page_size=8192;");
      db.exec("BEGIN");
      db.exec(store::schema_sql);
      write_attack(db, parts);
      {
        statement blob(db, "INSERT INTO graph_image VALUES ('attack', ?1)");
        if (sqlite3_bind_blob64(blob.handle(), 1, attack_image.data(), attack_image.size(), SQLITE_STATIC) != SQLITE_OK)
          db.fail("cannot store the graph image");
        blob.run();
      }
      if (g.d3fend()) {
        write_d3fend(db, *g.d3fend());
        statement blob(db, "INSERT INTO graph_image VALUES ('d3fend', ?1)");
        if (sqlite3_bind_blob64(blob.handle(), 1, d3fend_image.data(), d3fend_image.size(), SQLITE_STATIC) != SQLITE_OK)
          db.fail("cannot store the graph image");
        blob.run();
      }
      write_metadata(db, g, parts, sources);
      statement id(db, "INSERT INTO metadata VALUES ('build_id', ?1)");
      id.bind(1, fmt::format("{:016x}", build_id)).run();
      write_checksums(db);
      db.exec("COMMIT");
      db.exec("ANALYZE");
      if (!sidecar.empty()) tables = read_open_tables(db, read_metadata(db));
    }
    // Again: the target may have changed while the snapshot was built.
    check_snapshot_target(file, inputs, force);
    std::error_code ec;
    fs::rename(tmp, file, ec);
    if (ec) throw error(errc::write_error, file.string(), "", fmt::format("cannot rename the snapshot into place: {}", ec.message()));
    if (!sidecar.empty()) {
      // The snapshot as renamed into place: the image file answers alone only beside it.
      struct stat st {};
      if (::stat(file.c_str(), &st) != 0)
        throw error(errc::write_error, file.string(), "", fmt::format("cannot inspect: {}", std::strerror(errno)));
      write_image_sidecar(sidecar, build_id, encode_tables(tables, identity_of(st)), attack_image, d3fend_image);
    }
  } catch (const error& e) {
    std::error_code ec;
    fs::remove(tmp, ec);
    // Name the file the user asked for, not the temporary one (disk full, ...).
    if (e.file() == tmp.string()) throw error(e.code(), file.string(), e.position(), e.message());
    throw;
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
}

knowledge_graph open_snapshot(const fs::path& file) { return open_snapshot_with_sidecar(file, {}); }

namespace {

// The graph from its images and tables, ATT&CK then D3FEND, on this thread.
// A second thread decoding D3FEND while ATT&CK opens was measured slower on
// the 2-core VMs here (docs/benchmarks.md, session 11): the ATT&CK open takes
// 0.3 ms, less than a new thread takes to start running (0.35–0.4 ms), and two
// threads faulting in fresh pages at once slow each other down. `db` is null
// when the image file answers alone.
knowledge_graph open_images(database* db, const std::string& file, database::mode mode, const open_tables& tables,
                            const sidecar_images* images, bool with_d3fend) {
  // From the image file, one arena for both images: its first block holds
  // the D3FEND image, its entries and the ATT&CK blocks a question reads.
  std::shared_ptr<store::image_arena> arena;
  if (images) {
    const std::size_t d3fend = with_d3fend ? images->d3fend_size + d3fend_entry_room(tables, images->d3fend_size) : 0;
    arena = std::make_shared<store::image_arena>(huge_page_ceil(d3fend + huge_page));
  }
  std::unique_ptr<graph_impl> g = read_attack_image(db, file, tables, images, arena);
  std::unique_ptr<d3fend_ontology> d3fend;
  if (with_d3fend) d3fend = read_d3fend_image(file, mode, tables, images, arena);
  g->d3fend = std::move(d3fend);
  return graph_access::adopt(std::move(g));
}

}  // namespace

knowledge_graph open_snapshot_with_sidecar(const fs::path& file, const fs::path& sidecar, bool with_d3fend) {
  require_file(file);
  // The cache (with a sidecar) reads without a mapping: its files may be
  // changed by others while read. `--db` keeps SQLite's mapping, which reads
  // the images measurably faster (docs/sqlite-schema.md, "Safety").
  const auto read_mode = sidecar.empty() ? database::mode::read_only : database::mode::read_only_unmapped;
  database db(file.string(), read_mode);
  auto meta = read_metadata(db);
  check_schema(db, meta);
  check_tables_read_on_open(db, meta);
  std::optional<sidecar_images> mapped;
  if (!sidecar.empty())
    if (auto id = meta.find("build_id"); id != meta.end() && !id->second.empty())
      mapped = read_image_sidecar(sidecar, id->second, with_d3fend);
  const open_tables tables = read_open_tables(db, std::move(meta));
  return open_images(&db, file.string(), read_mode, tables, mapped ? &*mapped : nullptr, with_d3fend);
}

std::optional<knowledge_graph> open_cache_image(const fs::path& file, const fs::path& sidecar, bool with_d3fend) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  std::optional<sidecar_images> images = read_image_sidecar(sidecar, {}, with_d3fend, true);
  // Only beside the snapshot it was written with, and of this schema.
  if (!images || images->snapshot != identity_of(st)) return std::nullopt;
  auto version = images->tables->meta.find("schema_version");
  if (version == images->tables->meta.end() || version->second != std::to_string(snapshot_schema_version))
    return std::nullopt;
  return open_images(nullptr, file.string(), database::mode::read_only_unmapped, *images->tables, &*images, with_d3fend);
}

void verify_snapshot(const fs::path& file) {
  require_file(file);
  {
    database db(file.string(), database::mode::read_only);
    {
      statement q(db, "PRAGMA integrity_check");
      while (q.step())
        if (q.text(0) != "ok") corrupt(db, q.text(0));
    }
    auto meta = read_metadata(db);
    check_schema(db, meta);
    check_metadata(db, meta);
    check_schema_objects(db);
    for (const auto& t : store::checked_tables) check_table(db, meta, t.table, t.order);
  }
  open_snapshot(file);
}

knowledge_graph open_snapshot_tables(const fs::path& file) {
  require_file(file);
  database db(file.string(), database::mode::read_only);
  auto meta = read_metadata(db);
  check_schema(db, meta);
  check_tables_read_on_open(db, meta);
  const open_tables tables = read_open_tables(db, std::move(meta));
  auto g = read_attack(db, tables);
  g->d3fend = read_d3fend(db, tables);
  return graph_access::adopt(std::move(g));
}

snapshot_info read_snapshot_info(const fs::path& file) {
  require_file(file);
  database db(file.string(), database::mode::read_only);
  auto meta = read_metadata(db);
  check_schema(db, meta);
  check_tables_read_on_open(db, meta);
  snapshot_info info;
  info.schema_version = snapshot_schema_version;
  info.built_at = meta["built_at"];
  info.mitrekg_version = meta["mitrekg_version"];
  info.attack_releases = meta["attack_releases"];
  info.d3fend_version = meta["d3fend_version"];
  info.sources = read_sources(db);
  return info;
}

}  // namespace mitrekg
