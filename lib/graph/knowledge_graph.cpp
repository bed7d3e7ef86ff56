// knowledge_graph: loading entry point, lookups and neighbour access over the Boost.Graph.
#include <algorithm>
#include <chrono>
#include <exception>
#include <future>
#include <stdexcept>
#include <system_error>
#include <thread>

#include <fmt/format.h>

#include "d3fend/d3fend_access.hpp"
#include "d3fend/ontology_impl.hpp"
#include "graph/graph_impl.hpp"
#include "mitrekg/error.hpp"
#include "support/helper_thread.hpp"
#include "support/text.hpp"

namespace mitrekg {

knowledge_graph::knowledge_graph(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
knowledge_graph::knowledge_graph(knowledge_graph&&) noexcept = default;
knowledge_graph& knowledge_graph::operator=(knowledge_graph&&) noexcept = default;
knowledge_graph::~knowledge_graph() = default;

graph_impl::source_stamp stamp_file(const char* kind, const std::filesystem::path& path) {
  graph_impl::source_stamp s{kind, path.string(), 0, 0};
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (!ec) s.bytes = size;
  auto t = std::filesystem::last_write_time(path, ec);
  if (!ec) s.mtime_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  return s;
}

// Reads the bundles and the D3FEND file. With two cores or more, the largest
// bundle is read on this thread while a second one reads D3FEND, then the
// other bundles. D3FEND first: its parser is freed when its read ends (the
// bundles' parsers live on, lending their index to their strings), so the
// next bundle's parser gets pages the process has just freed instead of fresh
// ones, which on a virtual machine cost most of a cold load's system time.
// The first bundle, when it is the largest (read on this thread, and first),
// is read straight into the graph (graph_build::read_first):
// no records of it are held while its objects and edges are made. Another
// order would number the graph's objects differently, so a first bundle read
// on the second thread, or after another, goes through records as the rest.
// Errors are reported as a one-thread load reports them: the first bundle in
// order that fails, else a failure of the build, else D3FEND's.
knowledge_graph knowledge_graph::load(const load_options& options) {
  if (options.attack_files.empty())
    throw error(errc::no_data, "", "", "no ATT&CK bundle given: pass --attack FILE or --data DIR, or set MITREKG_DATA");
  const std::size_t count = options.attack_files.size();
  const bool with_d3fend = !options.d3fend_file.empty();
  std::vector<impl::source_stamp> stamps;
  for (const auto& path : options.attack_files) stamps.push_back(stamp_file("attack", path));
  if (with_d3fend) stamps.push_back(stamp_file("d3fend", options.d3fend_file));

  std::vector<stix::bundle> bundles(count);
  std::vector<std::exception_ptr> failed(count);
  std::unique_ptr<d3fend_ontology> d3fend;
  std::exception_ptr d3fend_failed;
  std::uintmax_t attack_bytes = 0;
  for (std::size_t i = 0; i < count; ++i) attack_bytes += stamps[i].bytes;
  graph_build build(attack_bytes);
  std::size_t largest = 0;
  for (std::size_t i = 1; i < count; ++i)
    if (stamps[i].bytes > stamps[largest].bytes) largest = i;
  // This thread reads the largest first (or, without a second thread, every one in order).
  const bool stream_first = largest == 0;
  auto read = [&](std::size_t i) {
    try {
      bundles[i] = i == 0 && stream_first ? build.read_first(options.attack_files[i])
                                          : stix::read_bundle(options.attack_files[i]);
    } catch (...) {
      failed[i] = std::current_exception();
    }
  };
  // On the second thread, D3FEND is read on that thread alone (both cores are busy already).
  auto read_d3fend = [&](d3fend_detail::load_threads threads) {
    try {
      d3fend = std::make_unique<d3fend_ontology>(d3fend_access::adopt(d3fend_detail::load_file(options.d3fend_file, threads)));
    } catch (...) {
      d3fend_failed = std::current_exception();
    }
  };

  std::jthread helper;   // joined on every way out
  std::promise<void> others_read;
  if ((count > 1 || with_d3fend) && available_cores() > 1) {
    try {
      helper = std::jthread([&] {
        if (with_d3fend) read_d3fend(d3fend_detail::load_threads::one);
        for (std::size_t i = 0; i < count; ++i)
          if (i != largest) read(i);
        others_read.set_value();
      });
    } catch (const std::system_error&) {
      // No thread to be had: everything is read here below.
    }
  }
  if (helper.joinable()) {
    read(largest);
    others_read.get_future().wait();
  } else {
    for (std::size_t i = 0; i < count; ++i) read(i);
  }
  for (const auto& e : failed)
    if (e) std::rethrow_exception(e);
  auto g = build.finish(std::move(bundles));
  if (helper.joinable()) helper.join();
  else if (with_d3fend) read_d3fend(d3fend_detail::load_threads::by_size);
  if (d3fend_failed) std::rethrow_exception(d3fend_failed);
  g->d3fend = std::move(d3fend);
  g->stamps = std::move(stamps);
  return knowledge_graph(std::move(g));
}

std::size_t knowledge_graph::size() const noexcept {
  return impl_->stored ? impl_->stored->size() : impl_->objects.size();
}

const attack_object& knowledge_graph::operator[](node n) const& {
  if (const stored_graph* s = impl_->stored.get()) {
    if (index_of(n) >= s->size()) throw std::out_of_range("knowledge_graph: node out of range");
    return s->object(n);
  }
  return impl_->objects.at(index_of(n));
}

namespace {

object_head head_of(const graph_impl& g, node n) noexcept {
  if (g.stored) return g.stored->head(n);
  const attack_object& o = g.objects[n];
  return {o.type, o.domains, o.revoked, o.deprecated, o.is_subtechnique};
}

bool head_visible(const object_head& h, const lookup_options& o) noexcept {
  if (h.revoked && !o.include_revoked) return false;
  if (h.deprecated && !o.include_deprecated) return false;
  return (h.domains & o.domains) != 0 || h.domains == 0;
}

bool edge_visible(bool revoked, bool deprecated, const lookup_options& o) {
  return (!revoked || o.include_revoked) && (!deprecated || o.include_deprecated);
}

// Objects under one key of an index (ids and names lower-cased by the caller).
std::vector<node> lookup(const graph_impl& g, stored_graph::index which, std::string_view key) {
  std::vector<node> out;
  if (g.stored) {
    g.stored->lookup(which, key, out);
    return out;
  }
  const string_index& map = which == stored_graph::index::id ? g.by_id : g.by_name;
  const auto found = map.find(key);
  out.assign(found.begin(), found.end());
  return out;
}

// The edges of one vertex (out or in) as edge_refs, for either representation.
std::vector<edge_ref> adjacent(const graph_impl& g, node n, bool out) {
  std::vector<edge_ref> refs;
  if (g.stored) {
    g.stored->adjacent(n, out, refs);
    return refs;
  }
  auto add = [&](const boost_graph::edge_descriptor& e) {
    const edge_data& d = g.graph[e];
    const auto other = out ? boost::target(e, g.graph) : boost::source(e, g.graph);
    refs.push_back({d.seq, handle_at<node>(other), d.type, d.revoked, d.deprecated, !d.stix_id.empty()});
  };
  if (out)
    for (auto [e, end] = boost::out_edges(index_of(n), g.graph); e != end; ++e) add(*e);
  else
    for (std::uint32_t i = g.in_start[index_of(n)]; i != g.in_start[index_of(n) + 1]; ++i) add(g.in_edges[i]);
  return refs;
}

}  // namespace

bool knowledge_graph::visible(node n, const lookup_options& o) const noexcept {
  return head_visible(head_of(*impl_, n), o);
}

object_type knowledge_graph::type_of(node n) const noexcept { return head_of(*impl_, n).type; }
bool knowledge_graph::is_subtechnique(node n) const noexcept { return head_of(*impl_, n).subtechnique; }

std::optional<node> knowledge_graph::find(object_type type, std::string_view id, const lookup_options& o) const {
  for (node n : lookup(*impl_, stored_graph::index::id, to_lower(id)))
    if (head_of(*impl_, n).type == type && visible(n, o)) return n;
  return std::nullopt;
}

std::vector<node> knowledge_graph::find_id(std::string_view id, const lookup_options& o) const {
  std::vector<node> out;
  for (node n : lookup(*impl_, stored_graph::index::id, to_lower(id)))
    if (visible(n, o)) out.push_back(n);
  return out;
}

std::optional<node> knowledge_graph::find_stix(std::string_view stix_id) const {
  if (impl_->stored) {
    std::vector<node> out;
    impl_->stored->lookup(stored_graph::index::stix, stix_id, out);
    if (out.empty()) return std::nullopt;
    return out.front();
  }
  auto it = impl_->by_stix.find(stix_id);
  if (it == impl_->by_stix.end()) return std::nullopt;
  return it->second;
}

std::vector<node> knowledge_graph::find_name(std::string_view name, const lookup_options& o) const {
  std::vector<node> out;
  for (node n : lookup(*impl_, stored_graph::index::name, to_lower(name)))
    if (visible(n, o)) out.push_back(n);
  return out;
}

std::vector<edge> knowledge_graph::out_edges(node n, relation r) const& {
  std::vector<edge> out;
  if (const stored_graph* s = impl_->stored.get()) {
    for (const edge_ref& e : adjacent(*impl_, n, true))
      if (e.type == r) out.push_back(s->edge_at(e.edge));
    return out;
  }
  for (auto [e, end] = boost::out_edges(index_of(n), impl_->graph); e != end; ++e)
    if (impl_->graph[*e].type == r) out.push_back(impl_->to_edge(*e));
  return out;
}

std::vector<edge> knowledge_graph::in_edges(node n, relation r) const& {
  std::vector<edge> out;
  if (const stored_graph* s = impl_->stored.get()) {
    for (const edge_ref& e : adjacent(*impl_, n, false))
      if (e.type == r) out.push_back(s->edge_at(e.edge));
    return out;
  }
  for (std::uint32_t i = impl_->in_start[index_of(n)]; i != impl_->in_start[index_of(n) + 1]; ++i)
    if (impl_->graph[impl_->in_edges[i]].type == r) out.push_back(impl_->to_edge(impl_->in_edges[i]));
  return out;
}

std::vector<node> knowledge_graph::targets(node n, relation r, const lookup_options& o) const {
  std::vector<node> out;
  for (const edge_ref& e : adjacent(*impl_, n, true))
    if (e.type == r && edge_visible(e.revoked, e.deprecated, o) && visible(e.other, o)) out.push_back(e.other);
  return out;
}

std::vector<node> knowledge_graph::sources(node n, relation r, const lookup_options& o) const {
  std::vector<node> out;
  for (const edge_ref& e : adjacent(*impl_, n, false))
    if (e.type == r && edge_visible(e.revoked, e.deprecated, o) && visible(e.other, o)) out.push_back(e.other);
  return out;
}

std::size_t knowledge_graph::out_degree(node n, relation r) const {
  std::size_t count = 0;
  for (const edge_ref& e : adjacent(*impl_, n, true)) count += e.type == r;
  return count;
}

std::vector<node> knowledge_graph::all(object_type type, const lookup_options& o) const {
  std::vector<node> out;
  for (node n : all_handles<node>(size()))
    if (head_of(*impl_, n).type == type && visible(n, o)) out.push_back(n);
  return out;
}

std::size_t knowledge_graph::relationship_count(const lookup_options& o) const {
  std::size_t count = 0;
  // As visible(): no domain is any domain.
  auto in_domains = [&](node s) {
    const object_head h = head_of(*impl_, s);
    return (h.domains & o.domains) != 0 || h.domains == 0;
  };
  if (impl_->stored) {
    for (node s : all_handles<node>(size())) {
      if (!in_domains(s)) continue;
      for (const edge_ref& e : adjacent(*impl_, s, true))
        if (e.relationship && edge_visible(e.revoked, e.deprecated, o)) ++count;
    }
    return count;
  }
  for (auto [e, end] = boost::edges(impl_->graph); e != end; ++e) {
    const edge_data& d = impl_->graph[*e];
    if (d.stix_id.empty() || !edge_visible(d.revoked, d.deprecated, o)) continue;
    if (in_domains(handle_at<node>(boost::source(*e, impl_->graph)))) ++count;
  }
  return count;
}

const std::vector<source_file>& knowledge_graph::files() const& noexcept { return impl_->sources; }
const load_report& knowledge_graph::report() const& noexcept { return impl_->report; }
const d3fend_ontology* knowledge_graph::d3fend() const& noexcept { return impl_->d3fend.get(); }

}  // namespace mitrekg
