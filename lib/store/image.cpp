// The compiled graph image: the ATT&CK part of a snapshot as one binary blob that loads without per-row SQL.
#include "store/image.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>
#include <xxhash.h>

#include "mitrekg/error.hpp"

namespace mitrekg::store {

namespace {

constexpr char attack_magic[8] = {'M', 'K', 'G', 'I', 'M', 'G', '1', '\0'};
constexpr char d3fend_magic[8] = {'M', 'K', 'G', 'D', '3', 'F', '1', '\0'};
constexpr std::size_t magic_size = 8;
// Layout: magic, u64 XXH3 of everything after it, u32 string-area size, strings, records.
constexpr std::size_t header_size = magic_size + 8 + 4;

// Appends little-endian integers and string references (offset, length into `strings`).
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
      fail("graph image has no valid header");
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
  bool done() const { return rest_.empty(); }
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

std::string encode_image(const graph_impl& g) {
  writer w(attack_magic);
  w.u32(static_cast<std::uint32_t>(g.objects.size()));
  for (const attack_object& o : g.objects) {
    w.u8(static_cast<std::uint8_t>(o.type));
    w.u8(o.domains);
    w.u8(static_cast<std::uint8_t>(o.revoked | (o.deprecated << 1) | (o.is_subtechnique << 2)));
    for (std::string_view s : {o.stix_type, o.stix_id, o.id, o.name, o.description, o.url, o.shortname, o.modified,
                               o.version})
      w.str(s);
    w.u32(static_cast<std::uint32_t>(o.platforms.size()));
    for (auto p : o.platforms) w.str(p);
    w.u32(static_cast<std::uint32_t>(o.aliases.size()));
    for (auto a : o.aliases) w.str(a);
    w.u32(static_cast<std::uint32_t>(o.kill_chain_phases.size()));
    for (const auto& k : o.kill_chain_phases) {
      w.str(k.kill_chain_name);
      w.str(k.phase_name);
    }
  }
  std::vector<boost_graph::edge_descriptor> edges;
  for (auto [e, end] = boost::edges(g.graph); e != end; ++e) edges.push_back(*e);
  std::sort(edges.begin(), edges.end(), [&](const auto& a, const auto& b) { return g.graph[a].seq < g.graph[b].seq; });
  w.u32(static_cast<std::uint32_t>(edges.size()));
  for (const auto& e : edges) {
    const edge_data& d = g.graph[e];
    w.u32(static_cast<std::uint32_t>(boost::source(e, g.graph)));
    w.u32(static_cast<std::uint32_t>(boost::target(e, g.graph)));
    w.u8(static_cast<std::uint8_t>(d.type));
    w.u8(static_cast<std::uint8_t>(d.revoked | (d.deprecated << 1)));
    w.str(d.stix_id);
    w.str(d.description);
    w.str(d.log_source);
  }
  return w.finish();
}

void decode_image(std::string_view image, std::string_view file, graph_impl& g,
                  const std::function<void()>& objects_done) {
  reader r(image, file, attack_magic);
  std::uint32_t n_objects = r.u32();
  if (n_objects > image.size()) r.fail("graph image object count is impossible");
  g.objects.clear();
  g.objects.reserve(n_objects);
  for (std::uint32_t i = 0; i < n_objects; ++i) {
    attack_object o;
    std::uint8_t type = r.u8();
    if (type > static_cast<std::uint8_t>(object_type::unknown)) r.fail("graph image has an unknown object type");
    o.type = static_cast<object_type>(type);
    o.domains = r.u8();
    std::uint8_t flags = r.u8();
    o.revoked = flags & 1;
    o.deprecated = flags & 2;
    o.is_subtechnique = flags & 4;
    for (std::string_view* s : {&o.stix_type, &o.stix_id, &o.id, &o.name, &o.description, &o.url, &o.shortname,
                                &o.modified, &o.version})
      *s = r.str();
    std::uint32_t n = r.u32();
    if (n > image.size()) r.fail("graph image list length is impossible");
    o.platforms.reserve(n);
    for (std::uint32_t k = 0; k < n; ++k) o.platforms.push_back(r.str());
    n = r.u32();
    if (n > image.size()) r.fail("graph image list length is impossible");
    o.aliases.reserve(n);
    for (std::uint32_t k = 0; k < n; ++k) o.aliases.push_back(r.str());
    n = r.u32();
    if (n > image.size()) r.fail("graph image list length is impossible");
    o.kill_chain_phases.reserve(n);
    for (std::uint32_t k = 0; k < n; ++k) {
      std::string_view chain = r.str();
      o.kill_chain_phases.push_back({chain, r.str()});
    }
    g.objects.push_back(std::move(o));
  }
  if (objects_done) objects_done();
  std::uint32_t n_edges = r.u32();
  if (n_edges > image.size()) r.fail("graph image edge count is impossible");
  g.graph = boost_graph(n_objects);
  {
    // A first pass over the fixed-size edge records sizes every edge list once.
    reader scan = r;
    std::vector<std::uint32_t> out_degree(n_objects), in_degree(n_objects);
    for (std::uint32_t i = 0; i < n_edges; ++i) {
      std::uint32_t s = scan.u32(), t = scan.u32();
      if (s >= n_objects || t >= n_objects) scan.fail("graph image edge names a missing object");
      ++out_degree[s];
      ++in_degree[t];
      scan.u8();
      scan.u8();
      scan.str();
      scan.str();
      scan.str();
    }
    g.graph.m_edges.reserve(n_edges);
    for (std::uint32_t v = 0; v < n_objects; ++v) {
      g.graph.out_edge_list(v).reserve(out_degree[v]);
      in_edge_list(g.graph, v).reserve(in_degree[v]);
    }
  }
  for (std::uint32_t i = 0; i < n_edges; ++i) {
    std::uint32_t s = r.u32(), t = r.u32();
    if (s >= n_objects || t >= n_objects) r.fail("graph image edge names a missing object");
    edge_data d;
    std::uint8_t type = r.u8();
    if (type > static_cast<std::uint8_t>(relation::other)) r.fail("graph image has an unknown relation");
    d.type = static_cast<relation>(type);
    std::uint8_t flags = r.u8();
    d.revoked = flags & 1;
    d.deprecated = flags & 2;
    d.stix_id = r.str();
    d.description = r.str();
    d.log_source = r.str();
    d.seq = i;
    boost::add_edge(s, t, d, g.graph);
  }
  if (!r.done()) r.fail("graph image has trailing bytes");
}

std::string encode_d3fend_image(const d3fend_impl& o) {
  writer w(d3fend_magic);
  w.str(o.version);
  w.u32(static_cast<std::uint32_t>(o.entries.size()));
  for (std::size_t n = 0; n < o.entries.size(); ++n) {
    const d3fend_entry& e = o.entries[n];
    const auto& x = o.extra[n];
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
  for (const auto* links : {&o.raw_subclass, &o.raw_subproperty, &o.raw_inverse, &o.raw_statements}) {
    w.u32(static_cast<std::uint32_t>(links->size()));
    for (const auto& l : *links) {
      w.u32(index_of(l.subject));
      w.u32(index_of(l.key));
      w.u32(index_of(l.target));
    }
  }
  return w.finish();
}

void decode_d3fend_image(std::string_view image, std::string_view file, d3fend_impl& o) {
  reader r(image, file, d3fend_magic);
  o.version = r.str();
  std::uint32_t n = r.u32();
  if (n > image.size()) r.fail("D3FEND image node count is impossible");
  o.entries.reserve(n);
  o.extra.reserve(n);
  o.by_id.reserve(n);
  const auto no_node = index_of(d3fend_detail::no_node);
  auto node_ref = [&](std::uint32_t v) {
    if (v != no_node && v >= n) r.fail("D3FEND image names a missing node");
    return d3fend_node{v};
  };
  for (std::uint32_t i = 0; i < n; ++i) {
    std::string_view id = r.str();
    // Views into the image, which the ontology owns: persistent.
    if (index_of(o.intern(id, true)) != i) r.fail("D3FEND image repeats a node");
    d3fend_entry& e = o.entries[i];
    auto& x = o.extra[i];
    for (std::string_view* s : {&e.label, &e.definition, &e.d3fend_id, &e.attack_id, &e.kb_article, &x.comment,
                                &x.title, &x.url, &x.organization, &x.author})
      *s = r.str();
    e.deprecated = r.u8() != 0;
    x.flags = static_cast<std::uint16_t>(r.u32());
    x.offset = r.u32();
    x.on_property = node_ref(r.u32());
    x.some_values_from = node_ref(r.u32());
  }
  for (auto* links : {&o.raw_subclass, &o.raw_subproperty, &o.raw_inverse, &o.raw_statements}) {
    std::uint32_t count = r.u32();
    if (count > image.size()) r.fail("D3FEND image link count is impossible");
    links->reserve(count);
    // Statements name their property; the other links never do (build() relies on both).
    const bool statements = links == &o.raw_statements;
    for (std::uint32_t k = 0; k < count; ++k) {
      std::uint32_t subject = r.u32(), key = r.u32(), target = r.u32();
      if (subject >= n || target >= n) r.fail("D3FEND image link names a missing node");
      if (statements ? key >= n : key != no_node) r.fail("D3FEND image link has a wrong property");
      links->push_back({d3fend_node{subject}, d3fend_node{key}, d3fend_node{target}});
    }
  }
  if (!r.done()) r.fail("D3FEND image has trailing bytes");
}

}  // namespace mitrekg::store
