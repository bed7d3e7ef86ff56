// Field extraction for the gcp_auditlog, okta and github sources: one table mapping each plugin field to the event JSON, as the falcosecurity plugins read it.
#include <algorithm>
#include <charconv>

#include "engine/engine_impl.hpp"

namespace mitrekg::engine {

namespace {

using simdjson::dom::element;

// How a plugin field is read. The plugins differ on a missing member: the
// gcpaudit plugin sets most fields only when the member exists (p_opt), the
// okta plugin decodes into a Go struct and the github plugin reads with
// fastjson's GetStringBytes, so their fields are present as "" (or 0) when
// the member is missing (p_str, p_num).
enum pgetter : std::uint16_t {
  p_opt,                  // the value at param when it exists: strings as is, numbers, objects/arrays as JSON text
  p_str,                  // the string at param, "" when missing or not a string
  p_num,                  // the number at param as its decimal text (0 when missing); uint64 fields get the number
  p_gcp_policy_delta,     // bindingDeltas: serviceData.policyDelta for gcs_bucket, metadata.datasetChange otherwise
  p_gcp_location,         // resource.labels location, else region, else zone without its "-a" suffix
  p_gcp_logging_sink,     // resource.labels.name when resource.type is logging_sink
  p_okta_app,             // the second segment of debugContext.debugData.requestUri when it starts with /app/
  p_okta_target,          // param "TYPE|/member": that member of the last target of that type
  p_okta_targets,         // displayName of every target (an index selects one)
  p_okta_mfa,             // param "failure" / "deny": count of such events by the actor in the last [N] seconds
  p_gh_repo_name,         // repository.html_url without https://github.com/
  p_gh_public,            // "false" when repository.private is true, "true" otherwise
  p_gh_commit_files,      // param added / modified / removed: the files of every commit, comma-separated
  p_gh_has_secrets,       // "true" when a file of the scanned diff has matches ("" without a scan)
  p_gh_secrets,           // param desc / files / lines / links: one per match, comma-separated (links "" without a scan)
  p_gh_has_miners,        // "true" when the workflow scan found miners (absent without a scan)
  p_gh_miner_types,       // the distinct miner types found, comma-separated
};

struct plugin_field {
  source_kind source;
  std::string_view name;
  pgetter g;
  std::string_view param;
};

constexpr source_kind gcp = source_kind::gcp_auditlog;
constexpr source_kind okta = source_kind::okta;
constexpr source_kind gh = source_kind::github;

// The mapping (docs/detect.md lists it): field → where the plugin reads it.
// GCP: a Cloud Audit Log LogEntry (as Cloud Logging exports it to Pub/Sub);
// okta: an Okta System Log event (GET /api/v1/logs); github: the webhook
// payload with the plugin's additions (webhook_type from the X-GitHub-Event
// header, files[] from its diff scan, workflow_miner_detections from its
// workflow scan).
constexpr plugin_field plugin_fields[] = {
    {gcp, "gcp.user", p_str, "/protoPayload/authenticationInfo/principalEmail"},
    {gcp, "gcp.callerIP", p_str, "/protoPayload/requestMetadata/callerIp"},
    {gcp, "gcp.userAgent", p_opt, "/protoPayload/requestMetadata/callerSuppliedUserAgent"},
    {gcp, "gcp.authorizationInfo", p_opt, "/protoPayload/authorizationInfo"},
    {gcp, "gcp.serviceName", p_opt, "/protoPayload/serviceName"},
    {gcp, "gcp.policyDelta", p_gcp_policy_delta, ""},
    {gcp, "gcp.request", p_opt, "/protoPayload/request"},
    {gcp, "gcp.methodName", p_str, "/protoPayload/methodName"},
    {gcp, "gcp.cloudfunctions.function", p_opt, "/resource/labels/function_name"},
    {gcp, "gcp.cloudsql.databaseId", p_opt, "/resource/labels/database_id"},
    {gcp, "gcp.compute.instanceId", p_opt, "/resource/labels/instance_id"},
    {gcp, "gcp.compute.networkId", p_opt, "/resource/labels/network_id"},
    {gcp, "gcp.compute.subnetwork", p_opt, "/resource/labels/subnetwork_name"},
    {gcp, "gcp.compute.subnetworkId", p_opt, "/resource/labels/subnetwork_id"},
    {gcp, "gcp.dns.zone", p_opt, "/resource/labels/zone_name"},
    {gcp, "gcp.iam.serviceAccount", p_opt, "/resource/labels/email_id"},
    {gcp, "gcp.iam.serviceAccountId", p_opt, "/resource/labels/unique_id"},
    {gcp, "gcp.location", p_gcp_location, ""},
    {gcp, "gcp.logging.sink", p_gcp_logging_sink, ""},
    {gcp, "gcp.projectId", p_opt, "/resource/labels/project_id"},
    {gcp, "gcp.resourceName", p_opt, "/protoPayload/resourceName"},
    {gcp, "gcp.resourceType", p_opt, "/resource/type"},
    {gcp, "gcp.resourceLabels", p_opt, "/resource/labels"},
    {gcp, "gcp.storage.bucket", p_opt, "/resource/labels/bucket_name"},
    {gcp, "gcp.time", p_opt, "/timestamp"},

    {okta, "okta.app", p_okta_app, ""},
    {okta, "okta.evt.type", p_str, "/eventType"},
    {okta, "okta.evt.legacytype", p_str, "/legacyEventType"},
    {okta, "okta.severity", p_str, "/severity"},
    {okta, "okta.message", p_str, "/displayMessage"},
    {okta, "okta.published", p_str, "/published"},
    {okta, "okta.actor.id", p_str, "/actor/id"},
    {okta, "okta.actor.Type", p_str, "/actor/type"},
    {okta, "okta.actor.alternateid", p_str, "/actor/alternateId"},
    {okta, "okta.actor.name", p_str, "/actor/displayName"},
    {okta, "okta.client.zone", p_str, "/client/zone"},
    {okta, "okta.client.ip", p_str, "/client/ipAddress"},
    {okta, "okta.client.device", p_str, "/client/device"},
    {okta, "okta.client.id", p_str, "/client/id"},
    {okta, "okta.client.geo.city", p_str, "/client/geographicalContext/city"},
    {okta, "okta.client.geo.state", p_str, "/client/geographicalContext/state"},
    {okta, "okta.client.geo.country", p_str, "/client/geographicalContext/country"},
    {okta, "okta.client.geo.postalcode", p_str, "/client/geographicalContext/postalCode"},
    {okta, "okta.client.geo.lat", p_num, "/client/geographicalContext/geolocation/lat"},
    {okta, "okta.client.geo.lon", p_num, "/client/geographicalContext/geolocation/lon"},
    {okta, "okta.useragent.os", p_str, "/client/userAgent/os"},
    {okta, "okta.useragent.browser", p_str, "/client/userAgent/browser"},
    {okta, "okta.useragent.raw", p_str, "/client/userAgent/rawUserAgent"},
    {okta, "okta.result", p_str, "/outcome/result"},
    {okta, "okta.reason", p_str, "/outcome/reason"},
    {okta, "okta.transaction.id", p_str, "/transaction/id"},
    {okta, "okta.transaction.type", p_str, "/transaction/type"},
    {okta, "okta.requesturi", p_str, "/debugContext/debugData/requestUri"},
    {okta, "okta.principal.id", p_str, "/debugContext/debugData/originalPrincipal/id"},
    {okta, "okta.principal.alternateid", p_str, "/debugContext/debugData/originalPrincipal/alternateId"},
    {okta, "okta.principal.type", p_str, "/debugContext/debugData/originalPrincipal/type"},
    {okta, "okta.principal.name", p_str, "/debugContext/debugData/originalPrincipal/displayName"},
    {okta, "okta.authentication.step", p_num, "/authenticationContext/authenticationStep"},
    {okta, "okta.authentication.sessionid", p_str, "/authenticationContext/externalSessionId"},
    {okta, "okta.authentication.provider", p_str, "/authenticationContext/authenticationProvider"},
    {okta, "okta.authentication.credentialprovider", p_str, "/authenticationContext/credentialProvider"},
    {okta, "okta.security.asnumber", p_num, "/securityContext/asNumber"},
    {okta, "okta.security.asorg", p_str, "/securityContext/asOrg"},
    {okta, "okta.security.isp", p_str, "/securityContext/isp"},
    {okta, "okta.security.domain", p_str, "/securityContext/domain"},
    {okta, "okta.security.isproxy", p_opt, "/securityContext/isProxy"},
    {okta, "okta.target.user.id", p_okta_target, "User|/id"},
    {okta, "okta.target.user.alternateid", p_okta_target, "User|/alternateId"},
    {okta, "okta.target.user.name", p_okta_target, "User|/displayName"},
    {okta, "okta.target.group.id", p_okta_target, "UserGroup|/id"},
    {okta, "okta.target.group.alternateid", p_okta_target, "UserGroup|/alternateId"},
    {okta, "okta.target.group.name", p_okta_target, "UserGroup|/displayName"},
    {okta, "okta.target.app.alternateid", p_okta_target, "AppInstance|/alternateId"},
    {okta, "okta.targets.displayName", p_okta_targets, ""},
    {okta, "okta.mfa.failure.countlast", p_okta_mfa, "failure"},
    {okta, "okta.mfa.deny.countlast", p_okta_mfa, "deny"},

    {gh, "github.type", p_str, "/webhook_type"},
    {gh, "github.action", p_str, "/action"},
    {gh, "github.user", p_str, "/sender/login"},
    {gh, "github.repo", p_str, "/repository/html_url"},
    {gh, "github.repo.url", p_str, "/repository/html_url"},
    {gh, "github.repo.name", p_gh_repo_name, ""},
    {gh, "github.repo.description", p_str, "/repository/description"},
    {gh, "github.org", p_str, "/organization/login"},
    {gh, "github.owner", p_str, "/repository/owner/login"},
    {gh, "github.repo.public", p_gh_public, ""},
    {gh, "github.collaborator.name", p_str, "/member/login"},
    {gh, "github.collaborator.role", p_str, "/changes/permission/to"},
    {gh, "github.webhook.id", p_num, "/hook/id"},
    {gh, "github.webhook.type", p_str, "/hook/type"},
    {gh, "github.commit.added", p_gh_commit_files, "added"},
    {gh, "github.commit.modified", p_gh_commit_files, "modified"},
    {gh, "github.commit.removed", p_gh_commit_files, "removed"},
    {gh, "github.diff.has_secrets", p_gh_has_secrets, ""},
    {gh, "github.diff.committed_secrets.desc", p_gh_secrets, "desc"},
    {gh, "github.diff.committed_secrets.files", p_gh_secrets, "files"},
    {gh, "github.diff.committed_secrets.lines", p_gh_secrets, "lines"},
    {gh, "github.diff.committed_secrets.links", p_gh_secrets, "links"},
    {gh, "github.workflow.has_miners", p_gh_has_miners, ""},
    {gh, "github.workflow.miners.type", p_gh_miner_types, ""},
    {gh, "github.workflow.filename", p_str, "/workflow/path"},
};

bool string_at(element root, std::string_view ptr, std::string_view& out) {
  element e;
  if (!json_at(root, ptr, e) || !e.is_string()) return false;
  out = e.get_string().value_unsafe();
  return true;
}

// A number as a field value: its decimal text (0 when missing: a Go zero value); for
// numeric fields (uint64) the number too, for string fields only the text.
void push_number(event_ctx& ctx, const key_spec& key, element e, bool has) {
  bool numeric = key.info->type != rules::field_type::string;
  if (has && e.is_number()) {
    if (numeric) {
      push_json(ctx, e);
    } else {
      fvalue v;
      v.s = ctx.dump(e);
      ctx.push(v);
    }
    return;
  }
  fvalue v;
  v.s = "0";
  v.is_num = numeric;
  ctx.push(v);
}

// Appends `piece` to the pooled list `out`, comma-separated.
void add_item(std::string& out, std::string_view piece) {
  if (!out.empty()) out.push_back(',');
  out.append(piece);
}

void append_number(std::string& out, element e) {
  char buf[32];
  std::uint64_t n = 0;
  if (e.is_uint64()) n = e.get_uint64().value_unsafe();
  else if (e.is_int64()) n = static_cast<std::uint64_t>(e.get_int64().value_unsafe());
  else if (e.is_double()) n = static_cast<std::uint64_t>(std::max(0.0, std::min(e.get_double().value_unsafe(), 1.8e19)));
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, r.ptr);
}

// okta: which MFA history an event adds to ("" none): a denied push, or a failed MFA authentication.
std::string_view mfa_kind(element root) {
  std::string_view type, result;
  string_at(root, "/eventType", type);
  if (type == "user.mfa.okta_verify.deny_push") return "deny";
  string_at(root, "/outcome/result", result);
  if (type == "user.authentication.auth_via_mfa" && result == "FAILURE") return "failure";
  return {};
}

bool gh_secrets(event_ctx& ctx, std::string_view what) {
  element files;
  if (!json_at(ctx.root, "/files", files) || !files.is_array()) {
    if (what != "links") return false;
    ctx.push_str("");   // the plugin sets links (only) to "" without a scan
    return true;
  }
  std::string& out = ctx.pool_string();
  std::string_view repo, head;
  string_at(ctx.root, "/repository/html_url", repo);
  string_at(ctx.root, "/head_commit/id", head);
  for (element f : array_of(files)) {
    element matches;
    if (!json_at(f, "/matches", matches) || !matches.is_array()) continue;
    std::string_view name;
    string_at(f, "/name", name);
    for (element m : array_of(matches)) {
      element line;
      bool has_line = json_at(m, "/line", line);
      if (what == "desc") {
        std::string_view d;
        string_at(m, "/desc", d);
        add_item(out, d);
      } else if (what == "files") {
        add_item(out, name);
      } else if (what == "lines") {
        if (!out.empty()) out.push_back(',');
        if (has_line) append_number(out, line);
        else out.push_back('0');
      } else {   // links: REPO/blob/HEAD/FILE/#LLINE, as the plugin writes them
        if (!out.empty()) out.push_back(',');
        out.append(repo).append("/blob/").append(head).append("/").append(name).append("/#L");
        if (has_line) append_number(out, line);
        else out.push_back('0');
      }
    }
  }
  ctx.push_str(out);
  return true;
}

}  // namespace

bool plan_plugin_key(source_kind k, key_spec& key) {
  std::string_view n = key.info->name;
  for (const auto& f : plugin_fields)
    if (f.source == k && f.name == n) {
      key.sub = f.g;
      key.param = f.param;
      return true;
    }
  return false;
}

bool needs_observe(const key_spec& key) {
  return key.sub == p_okta_mfa && key.info->name.starts_with("okta.mfa.");
}

void observe_event(event_ctx& ctx) {
  std::string_view kind = mfa_kind(ctx.root);
  if (kind.empty()) return;
  std::int64_t ns = event_time(ctx);
  std::string_view actor;
  string_at(ctx.root, "/actor/id", actor);
  std::string& key = ctx.pool_string();
  key.assign(kind).append(":").append(actor);
  // Bounded as the plugin's cache: 10000 actors, 200 times each.
  if (ctx.mfa_history.size() >= 10000 && !ctx.mfa_history.contains(key)) ctx.mfa_history.clear();
  auto& times = ctx.mfa_history[key];
  if (std::find(times.begin(), times.end(), ns) == times.end()) times.push_back(ns);   // distinct times, as the plugin
  if (times.size() > 200) times.pop_front();
}

bool extract_plugin(event_ctx& ctx, const key_spec& key) {
  element e;
  switch (static_cast<pgetter>(key.sub)) {
    case p_opt:
      if (!json_at(ctx.root, key.param, e)) return false;
      push_json(ctx, e);
      return true;
    case p_str: {
      std::string_view s;
      string_at(ctx.root, key.param, s);
      ctx.push_str(s);
      return true;
    }
    case p_num: {
      bool has = json_at(ctx.root, key.param, e);
      push_number(ctx, key, e, has);
      return true;
    }
    case p_gcp_policy_delta: {
      std::string_view type;
      string_at(ctx.root, "/resource/type", type);
      std::string_view ptr = type == "gcs_bucket" ? "/protoPayload/serviceData/policyDelta/bindingDeltas"
                                                  : "/protoPayload/metadata/datasetChange/bindingDeltas";
      if (!json_at(ctx.root, ptr, e)) return false;
      push_json(ctx, e);
      return true;
    }
    case p_gcp_location: {
      if (json_at(ctx.root, "/resource/labels/location", e) || json_at(ctx.root, "/resource/labels/region", e)) {
        push_json(ctx, e);
        return true;
      }
      std::string_view zone;
      if (!string_at(ctx.root, "/resource/labels/zone", zone) || zone.empty()) return false;
      ctx.push_str(zone.size() > 2 ? zone.substr(0, zone.size() - 2) : zone);   // us-central1-a → us-central1
      return true;
    }
    case p_gcp_logging_sink: {
      std::string_view type;
      if (!string_at(ctx.root, "/resource/type", type) || type != "logging_sink") return false;
      if (!json_at(ctx.root, "/resource/labels/name", e)) return false;
      push_json(ctx, e);
      return true;
    }
    case p_okta_app: {
      std::string_view uri;
      if (!string_at(ctx.root, "/debugContext/debugData/requestUri", uri) || !uri.starts_with("/app/")) return false;
      uri.remove_prefix(5);
      ctx.push_str(uri.substr(0, uri.find('/')));
      return true;
    }
    case p_okta_target: {
      std::string_view p = key.param;
      std::string_view type = p.substr(0, p.find('|'));
      std::string_view member = p.substr(p.find('|') + 1);
      element targets;
      if (!json_at(ctx.root, "/target", targets) || !targets.is_array()) return false;
      std::string_view found;
      bool any = false;
      for (element t : array_of(targets)) {   // the last target of the type wins, as in the plugin
        std::string_view tt;
        if (!string_at(t, "/type", tt) || tt != type) continue;
        found = {};
        string_at(t, member, found);
        any = true;
      }
      if (any) ctx.push_str(found);
      return any;
    }
    case p_okta_targets: {
      element targets;
      if (!json_at(ctx.root, "/target", targets) || !targets.is_array()) return false;
      std::int64_t i = 0;
      std::size_t before = ctx.value_count();
      for (element t : array_of(targets)) {
        if (key.index >= 0 && i++ != key.index) continue;
        std::string_view name;
        string_at(t, "/displayName", name);
        ctx.push_str(name);
      }
      return ctx.value_count() > before;
    }
    case p_okta_mfa: {
      if (mfa_kind(ctx.root) != key.param) return false;
      std::string_view actor;
      string_at(ctx.root, "/actor/id", actor);
      std::string& k = ctx.pool_string();
      k.assign(key.param).append(":").append(actor);
      auto it = ctx.mfa_history.find(k);
      if (it == ctx.mfa_history.end()) return false;
      std::int64_t now = event_time(ctx);
      std::int64_t window = key.index >= 0 ? key.index : 0;
      std::int64_t oldest = now - window * 1000000000LL;
      std::int64_t count = 0;
      for (std::int64_t t : it->second)
        if (t > oldest) ++count;
      ctx.push_int(count);
      return true;
    }
    case p_gh_repo_name: {
      std::string_view url;
      string_at(ctx.root, "/repository/html_url", url);
      if (url.starts_with("https://github.com/")) url.remove_prefix(19);
      ctx.push_str(url);
      return true;
    }
    case p_gh_public: {
      bool priv = json_at(ctx.root, "/repository/private", e) && e.is_bool() && e.get_bool().value_unsafe();
      ctx.push_str(priv ? "false" : "true");
      return true;
    }
    case p_gh_commit_files: {
      std::string& out = ctx.pool_string();
      element commits;
      if (json_at(ctx.root, "/commits", commits) && commits.is_array())
        for (element c : array_of(commits)) {
          element list;
          if (!json_at(c, "/" + key.param, list) || !list.is_array()) continue;
          for (element f : array_of(list))
            if (f.is_string()) add_item(out, f.get_string().value_unsafe());
        }
      ctx.push_str(out);
      return true;
    }
    case p_gh_has_secrets: {
      element files;
      if (!json_at(ctx.root, "/files", files) || !files.is_array()) {
        ctx.push_str("");   // as the plugin: present, empty, without a scan
        return true;
      }
      bool any = false;
      for (element f : array_of(files)) {
        element m;
        if (json_at(f, "/matches", m) && m.is_array() && array_of(m).size() > 0) any = true;
      }
      ctx.push_str(any ? "true" : "false");
      return true;
    }
    case p_gh_secrets: return gh_secrets(ctx, key.param);
    case p_gh_has_miners:
    case p_gh_miner_types: {
      element matches;
      if (!json_at(ctx.root, "/workflow_miner_detections/matches", matches) || !matches.is_array()) return false;
      if (key.sub == p_gh_has_miners) {
        ctx.push_str(array_of(matches).size() > 0 ? "true" : "false");
        return true;
      }
      std::string& out = ctx.pool_string();
      for (element m : array_of(matches)) {
        std::string_view t;
        string_at(m, "/type", t);
        // Distinct, first seen first (the plugin's order is a Go map's).
        bool seen = false;
        std::string_view rest = out;
        while (!rest.empty() && !seen) {
          auto comma = rest.find(',');
          seen = rest.substr(0, comma) == t;
          rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        }
        if (!seen) add_item(out, t);
      }
      ctx.push_str(out);
      return true;
    }
  }
  return false;
}

}  // namespace mitrekg::engine
