// Field extraction per event source: Kubernetes audit (ka.*), CloudTrail (ct.*), json/jevt values, evt.*, and syscall JSON Lines decoding.
#include <charconv>
#include <cstring>
#include <ctime>
#include <limits>

#include <fnmatch.h>

#include "engine/engine_impl.hpp"

namespace mitrekg::engine {

source_kind kind_of(std::string_view source) noexcept {
  if (source == "syscall") return source_kind::syscall;
  if (source == "k8s_audit") return source_kind::k8s_audit;
  if (source == "aws_cloudtrail") return source_kind::aws_cloudtrail;
  if (source == "gcp_auditlog") return source_kind::gcp_auditlog;
  if (source == "okta") return source_kind::okta;
  if (source == "github") return source_kind::github;
  return source_kind::json;
}

// ---------------------------------------------------------------- event_ctx

void event_ctx::reset(const source_plan* p) {
  if (plan != p) memo_.clear();
  plan = p;
  std::size_t n = p->keys.keys.size();
  if (epoch_.size() != n) {
    epoch_.assign(n, 0);
    begin_.assign(n, 0);
    count_.assign(n, 0);
    present_.assign(n, 0);
    epoch_now_ = 0;
  }
  if (++epoch_now_ == 0) {   // wrapped: forget everything
    std::fill(epoch_.begin(), epoch_.end(), 0);
    epoch_now_ = 1;
  }
  vals_.clear();
  pool_used_ = 0;
  time_ns = 0;
}

void event_ctx::push_int(std::int64_t n) {
  auto& s = pool_string();
  s.resize(24);
  auto r = std::to_chars(s.data(), s.data() + s.size(), n);
  s.resize(static_cast<std::size_t>(r.ptr - s.data()));
  fvalue v;
  v.n = n;
  v.is_num = true;
  v.s = s;
  vals_.push_back(v);
}

std::string& event_ctx::pool_string() {
  if (pool_used_ == pool_.size()) pool_.emplace_back();
  auto& s = pool_[pool_used_++];
  s.clear();
  return s;
}

std::string_view event_ctx::dump(simdjson::dom::element e) {
  if (e.is_string()) return std::string_view(e.get_string().value_unsafe());
  if (e.is_bool()) return e.get_bool().value_unsafe() ? "true" : "false";
  auto& p = pool_string();
  // Numbers are written in place (the pooled string keeps its capacity): no allocation per event.
  if (e.is_int64() || e.is_uint64() || e.is_double()) {
    p.resize(32);
    std::to_chars_result r{};
    if (e.is_int64()) r = std::to_chars(p.data(), p.data() + p.size(), e.get_int64().value_unsafe());
    else if (e.is_uint64()) r = std::to_chars(p.data(), p.data() + p.size(), e.get_uint64().value_unsafe());
    else r = std::to_chars(p.data(), p.data() + p.size(), e.get_double().value_unsafe());
    p.resize(static_cast<std::size_t>(r.ptr - p.data()));
    return p;
  }
  p = simdjson::minify(e);
  return p;
}

void event_ctx::set_present(std::uint32_t k, std::size_t begin) {
  epoch_[k] = epoch_now_;
  begin_[k] = static_cast<std::uint32_t>(begin);
  count_[k] = static_cast<std::uint32_t>(vals_.size() - begin);
  present_[k] = count_[k] != 0;
}

bool event_ctx::get(std::uint32_t k, const fvalue*& first, std::size_t& count) {
  if (epoch_[k] != epoch_now_) {
    if (plan->kind == source_kind::syscall) {   // decoded eagerly: not in the event
      epoch_[k] = epoch_now_;
      present_[k] = 0;
      count_[k] = 0;
    } else {
      std::size_t b = vals_.size();
      bool ok = extract(*this, plan->keys.keys[k]);
      if (!ok) vals_.resize(b);
      set_present(k, b);
    }
  }
  count = count_[k];
  first = count ? vals_.data() + begin_[k] : nullptr;
  return present_[k] != 0;
}

// ---------------------------------------------------------------- keys

namespace {

enum getter : std::uint16_t {
  g_none,
  g_pointer,         // a JSON pointer: strings as is, others minified; arrays flattened when the field is a list
  g_pointer_list,    // elements of the array at param, each as text
  g_containers,      // param: "<kind>|<sub-pointer>|<mode>"
  g_first_container, // ka.req.container.image(.repository)
  g_any_privileged,  // ka.req.container.privileged
  g_volume_hostpaths,
  g_volume_hostpath_match,
  g_role_rules_flat, // param: verbs / resources / apiGroups / nonResourceURLs
  g_binding_subjects,
  g_subject_names,   // param: User / Group / ServiceAccount / ServiceAccount:ns
  g_subject_has_name,
  g_uri_param,
  g_configmap_name,
  g_configmap_obj,
  g_whole,           // jevt.obj
  g_rawtime,         // jevt.rawtime
  g_evt_num,
  g_evt_time,
  g_evt_rawtime,
  g_evt_source,
  g_ct_user,
  g_ct_shortsrc,
  g_s3_uri,
  g_plugin,          // gcp_auditlog, okta, github: plugins.cpp (key.sub)
};

struct simple_field {
  std::string_view name;
  getter g;
  std::string_view param;
};

constexpr simple_field k8s_fields[] = {
    {"ka.auditid", g_pointer, "/auditID"},
    {"ka.stage", g_pointer, "/stage"},
    {"ka.auth.decision", g_pointer, "/annotations/authorization.k8s.io~1decision"},
    {"ka.auth.reason", g_pointer, "/annotations/authorization.k8s.io~1reason"},
    {"ka.auth.openshift.decision", g_pointer, "/annotations/authorization.openshift.io~1decision"},
    {"ka.auth.openshift.username", g_pointer, "/annotations/authentication.openshift.io~1username"},
    {"ka.user.name", g_pointer, "/user/username"},
    {"ka.user.groups", g_pointer_list, "/user/groups"},
    {"ka.impuser.name", g_pointer, "/impersonatedUser/username"},
    {"ka.verb", g_pointer, "/verb"},
    {"ka.uri", g_pointer, "/requestURI"},
    {"ka.uri.param", g_uri_param, ""},
    {"ka.target.name", g_pointer, "/objectRef/name"},
    {"ka.target.namespace", g_pointer, "/objectRef/namespace"},
    {"ka.target.resource", g_pointer, "/objectRef/resource"},
    {"ka.target.subresource", g_pointer, "/objectRef/subresource"},
    {"ka.target.pod.name", g_pointer, "/objectRef/name"},
    {"ka.req.binding.subjects", g_binding_subjects, ""},
    {"ka.req.binding.subjects.user_names", g_subject_names, "User"},
    {"ka.req.binding.subjects.group_names", g_subject_names, "Group"},
    {"ka.req.binding.subjects.serviceaccount_names", g_subject_names, "ServiceAccount"},
    {"ka.req.binding.subjects.serviceaccount_ns_names", g_subject_names, "ServiceAccount:ns"},
    {"ka.req.binding.subject.has_name", g_subject_has_name, ""},
    {"ka.req.binding.role", g_pointer, "/requestObject/roleRef/name"},
    {"ka.req.configmap.name", g_configmap_name, ""},
    {"ka.req.configmap.obj", g_configmap_obj, ""},
    {"ka.req.container.image", g_first_container, "image"},
    {"ka.req.container.image.repository", g_first_container, "repository"},
    {"ka.req.container.privileged", g_any_privileged, ""},
    {"ka.req.container.host_network", g_pointer, "/requestObject/spec/hostNetwork"},
    {"ka.req.pod.host_ipc", g_pointer, "/requestObject/spec/hostIPC"},
    {"ka.req.pod.host_network", g_pointer, "/requestObject/spec/hostNetwork"},
    {"ka.req.pod.host_pid", g_pointer, "/requestObject/spec/hostPID"},
    {"ka.req.pod.fs_group", g_pointer, "/requestObject/spec/securityContext/fsGroup"},
    {"ka.req.pod.run_as_user", g_pointer, "/requestObject/spec/securityContext/runAsUser"},
    {"ka.req.pod.run_as_group", g_pointer, "/requestObject/spec/securityContext/runAsGroup"},
    {"ka.req.pod.supplemental_groups", g_pointer_list, "/requestObject/spec/securityContext/supplementalGroups"},
    {"ka.req.pod.volumes.hostpath", g_volume_hostpaths, ""},
    {"ka.req.volume.hostpath", g_volume_hostpath_match, ""},
    {"ka.req.role.rules", g_pointer_list, "/requestObject/rules"},
    {"ka.req.role.rules.verbs", g_role_rules_flat, "verbs"},
    {"ka.req.role.rules.resources", g_role_rules_flat, "resources"},
    {"ka.req.role.rules.apiGroups", g_role_rules_flat, "apiGroups"},
    {"ka.req.role.rules.nonResourceURLs", g_role_rules_flat, "nonResourceURLs"},
    {"ka.req.service.type", g_pointer, "/requestObject/spec/type"},
    {"ka.req.service.ports", g_pointer_list, "/requestObject/spec/ports"},
    {"ka.resp.name", g_pointer, "/responseObject/metadata/name"},
    {"ka.response.code", g_pointer, "/responseStatus/code"},
    {"ka.response.reason", g_pointer, "/responseStatus/reason"},
    {"ka.useragent", g_pointer, "/userAgent"},
    {"ka.sourceips", g_pointer_list, "/sourceIPs"},
};

// ka.req.pod.<kind>.<field>: the sub-pointer in each container, and how to read it.
struct container_field {
  std::string_view suffix;
  std::string_view pointer;
  char mode;   // 'v' value, 'r' image repository, 'f' flattened array, 'p' ports' hostPort, 'b' boolean default false, 'e' effective (pod fallback)
};
constexpr container_field container_fields[] = {
    {"add_capabilities", "/securityContext/capabilities/add", 'f'},
    {"allow_privilege_escalation", "/securityContext/allowPrivilegeEscalation", 'b'},
    {"args", "/args", 'f'},
    {"command", "/command", 'f'},
    {"eff_run_as_group", "/securityContext/runAsGroup", 'e'},
    {"eff_run_as_user", "/securityContext/runAsUser", 'e'},
    {"host_port", "/ports", 'p'},
    {"image", "/image", 'v'},
    {"image.repository", "/image", 'r'},
    {"name", "/name", 'v'},
    {"privileged", "/securityContext/privileged", 'b'},
    {"proc_mount", "/securityContext/procMount", 'v'},
    {"read_only_fs", "/securityContext/readOnlyRootFilesystem", 'b'},
    {"run_as_group", "/securityContext/runAsGroup", 'v'},
    {"run_as_user", "/securityContext/runAsUser", 'v'},
};

constexpr simple_field ct_fields[] = {
    {"ct.id", g_pointer, "/eventID"},
    {"ct.error", g_pointer, "/errorCode"},
    {"ct.errormessage", g_pointer, "/errorMessage"},
    {"ct.time", g_pointer, "/eventTime"},
    {"ct.src", g_pointer, "/eventSource"},
    {"ct.shortsrc", g_ct_shortsrc, ""},
    {"ct.name", g_pointer, "/eventName"},
    {"ct.user", g_ct_user, ""},
    {"ct.user.accountid", g_pointer, "/userIdentity/accountId"},
    {"ct.user.identitytype", g_pointer, "/userIdentity/type"},
    {"ct.user.principalid", g_pointer, "/userIdentity/principalId"},
    {"ct.user.arn", g_pointer, "/userIdentity/arn"},
    {"ct.region", g_pointer, "/awsRegion"},
    {"ct.response.subnetid", g_pointer, "/responseElements/subnetId"},
    {"ct.response.reservationid", g_pointer, "/responseElements/reservationId"},
    {"ct.response", g_pointer, "/responseElements"},
    {"ct.request.availabilityzone", g_pointer, "/requestParameters/availabilityZone"},
    {"ct.request.cluster", g_pointer, "/requestParameters/cluster"},
    {"ct.request.functionname", g_pointer, "/requestParameters/functionName"},
    {"ct.request.groupname", g_pointer, "/requestParameters/groupName"},
    {"ct.request.host", g_pointer, "/requestParameters/Host"},
    {"ct.request.name", g_pointer, "/requestParameters/name"},
    {"ct.request.policy", g_pointer, "/requestParameters/policy"},
    {"ct.request.reason", g_pointer, "/requestParameters/reason"},
    {"ct.request.target", g_pointer, "/requestParameters/target"},
    {"ct.request.documentname", g_pointer, "/requestParameters/documentName"},
    {"ct.request.serialnumber", g_pointer, "/requestParameters/serialNumber"},
    {"ct.request.servicename", g_pointer, "/requestParameters/serviceName"},
    {"ct.request.subnetid", g_pointer, "/requestParameters/subnetId"},
    {"ct.request.taskdefinition", g_pointer, "/requestParameters/taskDefinition"},
    {"ct.request.username", g_pointer, "/requestParameters/userName"},
    {"ct.request", g_pointer, "/requestParameters"},
    {"ct.srcip", g_pointer, "/sourceIPAddress"},
    {"ct.useragent", g_pointer, "/userAgent"},
    {"ct.managementevent", g_pointer, "/managementEvent"},
    {"ct.readonly", g_pointer, "/readOnly"},
    {"ct.requestid", g_pointer, "/requestID"},
    {"ct.eventtype", g_pointer, "/eventType"},
    {"ct.apiversion", g_pointer, "/apiVersion"},
    {"ct.resources", g_pointer, "/resources"},
    {"ct.recipientaccountid", g_pointer, "/recipientAccountId"},
    {"ct.serviceeventdetails", g_pointer, "/serviceEventDetails"},
    {"ct.sharedeventid", g_pointer, "/sharedEventID"},
    {"ct.vpcendpointid", g_pointer, "/vpcEndpointId"},
    {"ct.eventcategory", g_pointer, "/eventCategory"},
    {"ct.additionaleventdata", g_pointer, "/additionalEventData"},
    {"ct.tlsdetails.tlsversion", g_pointer, "/tlsDetails/tlsVersion"},
    {"ct.tlsdetails.ciphersuite", g_pointer, "/tlsDetails/cipherSuite"},
    {"ct.tlsdetails.clientprovidedhostheader", g_pointer, "/tlsDetails/clientProvidedHostHeader"},
    {"s3.bucket", g_pointer, "/requestParameters/bucketName"},
    {"s3.key", g_pointer, "/requestParameters/key"},
    {"s3.uri", g_s3_uri, ""},
    {"ec2.name", g_pointer, "/requestParameters/tagSpecificationSet/items/0/tags/0/value"},
    {"ec2.imageid", g_pointer, "/requestParameters/instancesSet/items/0/imageId"},
    {"iam.role", g_pointer, "/requestParameters/roleName"},
    {"iam.policy", g_pointer, "/requestParameters/policyName"},
    {"ecr.repository", g_pointer, "/requestParameters/repositoryName"},
    {"ecr.imagetag", g_pointer, "/requestParameters/imageTag"},
};

// Where each source keeps its event time.
std::string_view time_pointer(source_kind k) {
  switch (k) {
    case source_kind::k8s_audit: return "/stageTimestamp";
    case source_kind::aws_cloudtrail: return "/eventTime";
    case source_kind::gcp_auditlog: return "/timestamp";
    case source_kind::okta: return "/published";
    default: return "";
  }
}

}  // namespace

void plan_key(source_kind k, key_spec& key) {
  std::string_view n = key.info->name;
  key.getter = g_none;
  if (n == "jevt.value" || n == "json.value") {
    key.getter = g_pointer;
    key.param = key.arg;
    return;
  }
  if (n == "jevt.obj" || n == "json.obj") { key.getter = g_whole; return; }
  if (n == "jevt.rawtime" || n == "json.rawtime") { key.getter = g_rawtime; return; }
  if (n == "evt.num") { key.getter = g_evt_num; return; }
  if (n == "evt.time" || n == "evt.time.iso8601" || n == "evt.datetime") { key.getter = g_evt_time; return; }
  if (n == "evt.rawtime" || n == "evt.rawtime.ns") { key.getter = g_evt_rawtime; return; }
  if (n == "evt.source") { key.getter = g_evt_source; return; }
  if (k == source_kind::k8s_audit) {
    for (const auto& f : k8s_fields)
      if (f.name == n) {
        key.getter = f.g;
        key.param = f.param;
        if (f.g == g_subject_has_name || f.g == g_uri_param || f.g == g_volume_hostpath_match) key.param = key.arg;
        return;
      }
    for (std::string_view kind : {"containers", "initContainers", "ephemeralContainers"}) {
      std::string prefix = "ka.req.pod." + std::string(kind) + ".";
      if (!n.starts_with(prefix)) continue;
      std::string_view rest = n.substr(prefix.size());
      for (const auto& c : container_fields)
        if (c.suffix == rest) {
          key.getter = g_containers;
          key.param = std::string(kind) + "|" + std::string(c.pointer) + "|" + c.mode;
          return;
        }
    }
  }
  if (plan_plugin_key(k, key)) {
    key.getter = g_plugin;
    return;
  }
  if (k == source_kind::aws_cloudtrail) {
    for (const auto& f : ct_fields)
      if (f.name == n) {
        key.getter = f.g;
        key.param = f.param;
        return;
      }
  }
}

namespace {

using simdjson::dom::element;

}  // namespace

bool json_at(element root, std::string_view ptr, element& out) {
  if (ptr.empty()) {
    out = root;
    return true;
  }
  if (ptr.front() != '/') return false;
  auto r = root.at_pointer(ptr);
  if (r.error()) return false;
  out = r.value_unsafe();
  return !out.is_null();
}

void push_json(event_ctx& ctx, element e) {
  fvalue v;
  switch (e.type()) {
    case simdjson::dom::element_type::STRING: v.s = e.get_string().value_unsafe(); break;
    case simdjson::dom::element_type::INT64:
      v.n = e.get_int64().value_unsafe();
      v.is_num = true;
      v.s = ctx.dump(e);
      break;
    case simdjson::dom::element_type::UINT64:
      v.n = static_cast<std::int64_t>(e.get_uint64().value_unsafe());
      v.is_num = true;
      v.s = ctx.dump(e);
      break;
    case simdjson::dom::element_type::DOUBLE:
      v.d = e.get_double().value_unsafe();
      // Saturated: a double beyond int64's range (1e300) has no integer value (the cast would be UB; events_fuzz).
      v.n = v.d >= 9.2233720368547758e18 ? std::numeric_limits<std::int64_t>::max()
            : v.d <= -9.2233720368547758e18 ? std::numeric_limits<std::int64_t>::min()
                                            : static_cast<std::int64_t>(v.d);
      v.is_num = true;
      v.s = ctx.dump(e);
      break;
    case simdjson::dom::element_type::BOOL: v.s = e.get_bool().value_unsafe() ? "true" : "false"; break;
    default: v.s = ctx.dump(e); break;
  }
  ctx.push(v);
}

namespace {

bool at(element root, std::string_view ptr, element& out) { return json_at(root, ptr, out); }

std::string_view strip_tag(std::string_view image) {
  auto at_sign = image.find('@');
  if (at_sign != std::string_view::npos) image = image.substr(0, at_sign);
  auto slash = image.rfind('/');
  auto colon = image.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) image = image.substr(0, colon);
  return image;
}

bool push_array(event_ctx& ctx, element root, std::string_view ptr) {
  element e;
  if (!at(root, ptr, e)) return false;
  if (!e.is_array()) {
    push_json(ctx, e);
    return true;
  }
  std::size_t before = ctx.value_count();
  for (element x : array_of(e)) push_json(ctx, x);
  return ctx.value_count() > before;
}

bool containers(event_ctx& ctx, const key_spec& key) {
  std::string_view p = key.param;
  auto bar1 = p.find('|');
  auto bar2 = p.rfind('|');
  std::string_view kind = p.substr(0, bar1);
  std::string_view sub = p.substr(bar1 + 1, bar2 - bar1 - 1);
  char mode = p[bar2 + 1];
  element list;
  std::string base = "/requestObject/spec/" + std::string(kind);
  if (!at(ctx.root, base, list) || !list.is_array()) return false;
  std::size_t before = ctx.value_count();
  std::int64_t i = 0;
  for (element c : array_of(list)) {
    if (key.index >= 0 && i++ != key.index) continue;
    element v;
    bool has = at(c, sub, v);
    switch (mode) {
      case 'v':
        if (has) push_json(ctx, v);
        break;
      case 'r':
        if (has && v.is_string()) ctx.push_str(strip_tag(v.get_string().value_unsafe()));
        break;
      case 'b':
        if (has) push_json(ctx, v);
        else ctx.push_str("false");
        break;
      case 'e': {
        if (has) push_json(ctx, v);
        else {
          element pod;
          std::string pp = "/requestObject/spec/securityContext" + std::string(sub.substr(sub.rfind('/')));
          if (at(ctx.root, pp, pod)) push_json(ctx, pod);
          else ctx.push_str("0");
        }
        break;
      }
      case 'f':
        if (has && v.is_array())
          for (element x : array_of(v)) push_json(ctx, x);
        break;
      case 'p':
        if (has && v.is_array())
          for (element port : array_of(v)) {
            element hp;
            if (at(port, "/hostPort", hp)) push_json(ctx, hp);
          }
        break;
      default: break;
    }
  }
  return ctx.value_count() > before;
}

bool first_container(event_ctx& ctx, const key_spec& key) {
  std::int64_t idx = key.index >= 0 ? key.index : 0;
  std::string ptr = "/requestObject/spec/containers/" + std::to_string(idx) + "/image";
  element v;
  if (!at(ctx.root, ptr, v) || !v.is_string()) return false;
  std::string_view img = v.get_string().value_unsafe();
  ctx.push_str(key.param == "repository" ? strip_tag(img) : img);
  return true;
}

bool any_privileged(event_ctx& ctx) {
  element list;
  if (!at(ctx.root, "/requestObject/spec/containers", list) || !list.is_array()) return false;
  bool any = false;
  for (element c : array_of(list)) {
    element v;
    if (at(c, "/securityContext/privileged", v) && v.is_bool() && v.get_bool().value_unsafe()) any = true;
  }
  ctx.push_str(any ? "true" : "false");
  return true;
}

template <typename F>
void each_hostpath(event_ctx& ctx, F&& f) {
  element vols;
  if (!at(ctx.root, "/requestObject/spec/volumes", vols) || !vols.is_array()) return;
  for (element vol : array_of(vols)) {
    element p;
    if (at(vol, "/hostPath/path", p) && p.is_string()) f(std::string_view(p.get_string().value_unsafe()));
  }
}

bool subjects(event_ctx& ctx, const key_spec& key) {
  element list;
  if (!at(ctx.root, "/requestObject/subjects", list) || !list.is_array()) return false;
  auto g = static_cast<getter>(key.getter);
  bool found = false;
  std::size_t before = ctx.value_count();
  for (element s : array_of(list)) {
    element kind, name, ns;
    bool has_kind = at(s, "/kind", kind) && kind.is_string();
    bool has_name = at(s, "/name", name) && name.is_string();
    if (g == g_binding_subjects) {
      push_json(ctx, s);
      continue;
    }
    if (g == g_subject_has_name) {
      if (has_name && name.get_string().value_unsafe() == key.param) found = true;
      continue;
    }
    std::string_view want = key.param;
    bool with_ns = want.ends_with(":ns");
    if (with_ns) want = want.substr(0, want.size() - 3);
    if (!has_kind || !has_name || kind.get_string().value_unsafe() != want) continue;
    if (with_ns) {
      std::string& out = ctx.pool_string();
      if (at(s, "/namespace", ns) && ns.is_string()) out.append(ns.get_string().value_unsafe());
      out.push_back(':');
      out.append(name.get_string().value_unsafe());
      ctx.push_str(out);
    } else {
      ctx.push_str(name.get_string().value_unsafe());
    }
  }
  if (g == g_subject_has_name) ctx.push_str(found ? "true" : "false");
  return ctx.value_count() > before;
}

bool uri_param(event_ctx& ctx, const key_spec& key) {
  element u;
  if (!at(ctx.root, "/requestURI", u) || !u.is_string()) return false;
  std::string_view uri = u.get_string().value_unsafe();
  auto q = uri.find('?');
  if (q == std::string_view::npos) return false;
  std::string_view rest = uri.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view kv = rest.substr(0, amp);
    auto eq = kv.find('=');
    if (kv.substr(0, eq) == key.param) {
      ctx.push_str(eq == std::string_view::npos ? std::string_view() : kv.substr(eq + 1));
      return true;
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return false;
}

bool string_at(element root, std::string_view ptr, std::string_view& out) {
  element e;
  if (!at(root, ptr, e) || !e.is_string()) return false;
  out = e.get_string().value_unsafe();
  return true;
}

bool ct_user(event_ctx& ctx) {
  std::string_view s, type;
  string_at(ctx.root, "/userIdentity/type", type);
  if (string_at(ctx.root, "/userIdentity/userName", s) ||
      (type == "AssumedRole" && string_at(ctx.root, "/userIdentity/sessionContext/sessionIssuer/userName", s))) {
    ctx.push_str(s);
    return true;
  }
  if (type == "Root") {
    ctx.push_str("root");
    return true;
  }
  if (type == "AWSService" && string_at(ctx.root, "/userIdentity/invokedBy", s)) {
    ctx.push_str(s);
    return true;
  }
  if (string_at(ctx.root, "/userIdentity/principalId", s)) {
    ctx.push_str(s);
    return true;
  }
  return false;
}

}  // namespace

std::int64_t event_time(event_ctx& ctx) {
  if (ctx.plan->kind == source_kind::syscall) {
    if (ctx.plan->time_key == rules::no_index) return 0;
    const fvalue* v = nullptr;
    std::size_t n = 0;
    if (ctx.get(ctx.plan->time_key, v, n) && v->is_num) return v->n;
    return 0;
  }
  std::string_view ptr = time_pointer(ctx.plan->kind);
  std::string_view s;
  std::int64_t ns = 0;
  if (!ptr.empty() && string_at(ctx.root, ptr, s) && parse_iso_time(s, ns)) return ns;
  if (ctx.plan->kind == source_kind::k8s_audit && string_at(ctx.root, "/timestamp", s) && parse_iso_time(s, ns)) return ns;
  return 0;
}

bool extract(event_ctx& ctx, const key_spec& key) {
  switch (static_cast<getter>(key.getter)) {
    case g_none: return false;
    case g_pointer: {
      if (key.info->list) return push_array(ctx, ctx.root, key.param);
      element e;
      if (!at(ctx.root, key.param, e)) return false;
      push_json(ctx, e);
      return true;
    }
    case g_pointer_list: return push_array(ctx, ctx.root, key.param);
    case g_containers: return containers(ctx, key);
    case g_first_container: return first_container(ctx, key);
    case g_any_privileged: return any_privileged(ctx);
    case g_volume_hostpaths: {
      std::size_t before = ctx.value_count();
      each_hostpath(ctx, [&](std::string_view p) { ctx.push_str(p); });
      return ctx.value_count() > before;
    }
    case g_volume_hostpath_match: {
      bool any = false;
      each_hostpath(ctx, [&](std::string_view p) {
        ctx.scratch_c.assign(p);
        if (fnmatch(key.param.c_str(), ctx.scratch_c.c_str(), 0) == 0) any = true;
      });
      ctx.push_str(any ? "true" : "false");
      return true;
    }
    case g_role_rules_flat: {
      element rules;
      if (!at(ctx.root, "/requestObject/rules", rules) || !rules.is_array()) return false;
      std::size_t b = ctx.value_count();
      for (element r : array_of(rules)) {
        element v;
        if (!at(r, "/" + key.param, v)) continue;
        if (v.is_array())
          for (element x : array_of(v)) push_json(ctx, x);
        else
          push_json(ctx, v);
      }
      return ctx.value_count() > b;
    }
    case g_binding_subjects:
    case g_subject_names:
    case g_subject_has_name: return subjects(ctx, key);
    case g_uri_param: return uri_param(ctx, key);
    case g_configmap_name: {
      std::string_view res;
      if (!string_at(ctx.root, "/objectRef/resource", res) || res != "configmaps") return false;
      element e;
      if (!at(ctx.root, "/objectRef/name", e)) return false;
      push_json(ctx, e);
      return true;
    }
    case g_configmap_obj: {
      std::string_view res;
      if (!string_at(ctx.root, "/objectRef/resource", res) || res != "configmaps") return false;
      element e;
      if (!at(ctx.root, "/requestObject/data", e)) return false;
      ctx.push_str(ctx.dump(e));
      return true;
    }
    case g_whole: ctx.push_str(ctx.dump(ctx.root)); return true;
    case g_rawtime:
    case g_evt_rawtime: {
      std::int64_t ns = event_time(ctx);
      if (ns == 0) return false;
      ctx.push_int(ns);
      return true;
    }
    case g_evt_time: {
      std::int64_t ns = event_time(ctx);
      if (ns == 0) return false;
      auto& s = ctx.pool_string();
      s = format_time(ns);
      ctx.push_str(s);
      return true;
    }
    case g_evt_num: ctx.push_int(static_cast<std::int64_t>(ctx.number)); return true;
    case g_evt_source: ctx.push_str(ctx.plan->name); return true;
    case g_plugin: return extract_plugin(ctx, key);
    case g_ct_user: return ct_user(ctx);
    case g_ct_shortsrc: {
      std::string_view s;
      if (!string_at(ctx.root, "/eventSource", s)) return false;
      if (s.ends_with(".amazonaws.com")) s.remove_suffix(std::string_view(".amazonaws.com").size());
      ctx.push_str(s);
      return true;
    }
    case g_s3_uri: {
      std::string_view b, k;
      if (!string_at(ctx.root, "/requestParameters/bucketName", b)) return false;
      auto& s = ctx.pool_string();
      s = "s3://";
      s.append(b);
      if (string_at(ctx.root, "/requestParameters/key", k)) {
        s.push_back('/');
        s.append(k);
      }
      ctx.push_str(s);
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------- syscall events

namespace {

// One syscall value of `key` from `x` into ctx; the wanted type when `x` has the wrong one, else nullptr.
const char* decode_one(event_ctx& ctx, const key_spec& key, element x) {
  fvalue v;
  switch (key.info->type) {
    case rules::field_type::int64:
    case rules::field_type::uint64:
    case rules::field_type::port:
    case rules::field_type::reltime:
    case rules::field_type::abstime:
      if (x.is_int64()) v.n = x.get_int64().value_unsafe();
      else if (x.is_uint64()) v.n = static_cast<std::int64_t>(x.get_uint64().value_unsafe());
      else if (x.is_string()) {
        std::string_view s = x.get_string().value_unsafe();
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v.n);
        if (ec != std::errc() || p != s.data() + s.size()) return "a number";
      } else {
        return "a number";
      }
      v.is_num = true;
      v.s = ctx.dump(x);
      break;
    case rules::field_type::double_:
      if (!x.is_number()) return "a number";
      v.d = x.get_double().value_unsafe();
      v.is_num = true;
      v.s = ctx.dump(x);
      break;
    case rules::field_type::boolean:
      if (x.is_bool()) v.n = x.get_bool().value_unsafe();
      else if (x.is_string() && (x.get_string().value_unsafe() == "true" || x.get_string().value_unsafe() == "false"))
        v.n = x.get_string().value_unsafe() == "true";
      else
        return "a boolean";
      v.is_num = true;
      v.s = v.n ? "true" : "false";
      break;
    case rules::field_type::dynamic:
      if (x.is_int64() || x.is_uint64()) {
        v.n = x.is_int64() ? x.get_int64().value_unsafe() : static_cast<std::int64_t>(x.get_uint64().value_unsafe());
        v.is_num = true;
        v.s = ctx.dump(x);
      } else if (x.is_string()) {
        v.s = x.get_string().value_unsafe();
      } else {
        return "a number or a string";
      }
      break;
    default:   // string fields: numbers and booleans as their text (sysdig writes evt.time as a number)
      if (x.is_string()) v.s = x.get_string().value_unsafe();
      else if (x.is_number() || x.is_bool()) v.s = ctx.dump(x);
      else return "a string";
      break;
  }
  ctx.push(v);
  return nullptr;
}

}  // namespace

std::uint32_t event_ctx::key_at(std::size_t pos, std::string_view name) {
  // Events of one producer list their keys in the same order: the key at each
  // position is remembered and compared (a memcmp) before the hash lookup.
  if (pos < memo_.size() && memo_[pos].first == name) return memo_[pos].second;
  const auto& keys = plan->keys;
  auto it = keys.by_name.find(name);
  std::uint32_t k = it == keys.by_name.end() ? rules::no_index : it->second;
  if (pos < 64) {   // enough for any event's keys; more are looked up every time
    if (memo_.size() <= pos) memo_.resize(pos + 1);
    memo_[pos].first.assign(name);
    memo_[pos].second = k;
  }
  return k;
}

std::string decode_syscall(event_ctx& ctx, simdjson::dom::object obj) {
  const auto& keys = ctx.plan->keys;
  std::size_t pos = 0;
  for (auto field : obj) {
    std::uint32_t k = ctx.key_at(pos++, field.key);
    if (k == rules::no_index) continue;
    const key_spec& key = keys.keys[k];
    element e = field.value;
    if (e.is_null()) continue;
    std::size_t b = ctx.value_count();
    const char* want = nullptr;
    if (e.is_array()) {
      if (!key.info->list) want = "a single value";
      else
        for (element x : array_of(e))
          if ((want = decode_one(ctx, key, x)) != nullptr) break;
    } else {
      want = decode_one(ctx, key, e);
    }
    if (want != nullptr) return "field " + std::string(field.key) + " is not " + want;
    ctx.set_present(k, b);
  }
  return {};
}

// ---------------------------------------------------------------- time

bool parse_iso_time(std::string_view s, std::int64_t& ns) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
  auto num = [&](std::size_t pos, std::size_t len, int& out) {
    if (pos + len > s.size()) return false;
    auto [p, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, out);
    return ec == std::errc() && p == s.data() + pos + len;
  };
  int y, mo, d, h, mi, se;
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
    return false;
  if (!num(0, 4, y) || !num(5, 2, mo) || !num(8, 2, d) || !num(11, 2, h) || !num(14, 2, mi) || !num(17, 2, se))
    return false;
  std::size_t pos = 19;
  std::int64_t frac = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 9) {
        frac = frac * 10 + (s[pos] - '0');
        ++digits;
      }
      ++pos;
    }
    for (; digits < 9; ++digits) frac *= 10;
  }
  std::int64_t offset = 0;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh = 0, om = 0;
    if (!num(pos + 1, 2, oh)) return false;
    std::size_t mpos = pos + 3;
    if (mpos < s.size() && s[mpos] == ':') ++mpos;
    if (mpos < s.size() && !num(mpos, 2, om)) return false;
    offset = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = se;
  std::time_t t = timegm(&tm);
  ns = (static_cast<std::int64_t>(t) - offset) * 1000000000LL + frac;
  return true;
}

std::string format_time(std::int64_t ns) {
  std::time_t t = static_cast<std::time_t>(ns / 1000000000LL);
  std::int64_t frac = ns % 1000000000LL;
  if (frac < 0) {
    frac += 1000000000LL;
    --t;
  }
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(frac));
  return buf;
}

}  // namespace mitrekg::engine
