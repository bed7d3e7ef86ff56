// mitre-query: parsing the command line and batch input over the tables in main.cpp.
#include "args.hpp"

#include <algorithm>
#include <cstring>
#include <optional>

#include <sys/ioctl.h>
#include <unistd.h>

namespace mq {

namespace {

const command* find_command(std::string_view name) {
  for (const auto& c : commands)
    if (c.name == name || std::find(c.aliases.begin(), c.aliases.end(), name) != c.aliases.end()) return &c;
  return nullptr;
}

// The command words[at] names, or words[at] and words[at + 1] together for a
// two-word command ("cache clean"); `used` says how many words it took.
const command* find_command_at(const std::vector<std::string>& words, std::size_t at, std::size_t& used) {
  used = 1;
  if (at + 1 < words.size())
    if (const command* c = find_command(words[at] + " " + words[at + 1])) {
      used = 2;
      return c;
    }
  const command* c = find_command(words[at]);
  // "cache frobnicate": an unknown second word of a command that has two-word forms.
  if (c && at + 1 < words.size() &&
      std::any_of(commands.begin(), commands.end(), [&](const command& x) {
        return x.name.size() > c->name.size() && x.name.starts_with(c->name) && x.name[c->name.size()] == ' ';
      }))
    throw usage_error(fmt::format("unknown command {}; try 'mitre-query help {}'",
                                  json_quote(words[at] + " " + words[at + 1]), c->name));
  return c;
}

const flag* find_flag(std::string_view name) {
  for (const auto& f : flags)
    if (f.name == name) return &f;
  return nullptr;
}

const flag* find_short(char c) {
  for (const auto& f : flags)
    if (f.short_name && f.short_name == c) return &f;
  return nullptr;
}

std::optional<std::size_t> terminal_width() {
  if (!::isatty(STDOUT_FILENO)) return std::nullopt;
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

bool given_flag(const invocation& inv, std::string_view name) {
  return std::any_of(inv.given.begin(), inv.given.end(), [&](const auto& g) { return g.first->name == name; });
}

}  // namespace

invocation parse_command_line(const std::vector<std::string>& words) {
  invocation inv;
  std::vector<std::string> positional;
  std::size_t command_words = 1;   // "cache clean": 2
  bool only_positional = false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& a = words[i];
    if (only_positional || a.size() < 2 || a[0] != '-') {
      // Counted here, before anything is stored: a huge argv fails at once.
      if (positional.size() > max_arguments)
        throw usage_error(fmt::format("more than {} arguments", max_arguments));
      positional.push_back(a);
      continue;
    }
    if (a == "--") {
      only_positional = true;
      continue;
    }
    const flag* f = nullptr;
    std::optional<std::string> inline_value;
    if (a[1] == '-') {
      std::string name = a.substr(2);
      if (auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name.resize(eq);
      }
      f = find_flag(name);
      if (!f) throw usage_error(fmt::format("unknown option --{}; try 'mitre-query --help'", name));
    } else {
      f = a.size() == 2 ? find_short(a[1]) : nullptr;
      if (!f) throw usage_error(fmt::format("unknown option {}; try 'mitre-query --help'", a));
    }
    std::string v;
    if (!f->metavar.empty()) {
      if (inline_value) v = *inline_value;
      else if (i + 1 < words.size()) v = words[++i];
      else throw usage_error(fmt::format("--{} needs a value ({})", f->name, f->metavar));
      // An empty value never means anything: --data "" must not fall back to the default.
      if (v.empty()) throw usage_error(fmt::format("--{} needs a value ({}), not an empty string", f->name, f->metavar));
    } else if (inline_value) {
      throw usage_error(fmt::format("--{} takes no value", f->name));
    }
    inv.given.emplace_back(f, std::move(v));
  }

  if (!positional.empty()) {
    if (positional.front() == "help") {
      inv.what = invocation::action::help;
      if (positional.size() > 1) {
        std::size_t used = 1;
        inv.cmd = find_command_at(positional, 1, used);
        if (!inv.cmd)
          throw usage_error(fmt::format("unknown command {}; try 'mitre-query --help'", json_quote(positional[1])));
      }
      return inv;
    }
    inv.cmd = find_command_at(positional, 0, command_words);
    if (!inv.cmd)
      throw usage_error(fmt::format("unknown command {}; try 'mitre-query --help'", json_quote(positional.front())));
  }
  for (const auto& [f, v] : inv.given)
    if (f->name == "help-format") {
      inv.what = invocation::action::help_format;
      inv.help_format = v;
      return inv;
    }
  if (given_flag(inv, "help")) {
    inv.what = invocation::action::help;
    return inv;
  }
  if (given_flag(inv, "version")) {
    inv.what = invocation::action::version;
    return inv;
  }
  if (!inv.cmd) throw usage_error("no command given; try 'mitre-query --help'");
  inv.args.assign(positional.begin() + static_cast<std::ptrdiff_t>(command_words), positional.end());
  return inv;
}

void configure(context& ctx, const invocation& inv) {
  const command* cmd = inv.cmd;
  for (const auto& [f, v] : inv.given) {
    if (f->global) {
      if (f->apply) f->apply(ctx, v);
    } else if (std::find(cmd->flags.begin(), cmd->flags.end(), f->name) == cmd->flags.end()) {
      throw usage_error(fmt::format("--{} does not apply to {}", f->name, cmd->name));
    } else {
      ctx.flags[std::string(f->name)].push_back(v);
    }
  }
  if (ctx.shared_graph && (!ctx.attack_files.empty() || !ctx.d3fend_file.empty() || !ctx.data_dir.empty() ||
                           !ctx.db_file.empty() || ctx.no_cache || cmd->name == "batch" || cmd->name == "build-db"))
    throw usage_error("a batch line cannot load data or start a batch: give --attack, --data or --db to batch itself");
  if (ctx.shared_graph && cmd->name.starts_with("cache"))
    throw usage_error(fmt::format("{} manages the cache: run it on its own, not in a batch", cmd->name));
  if (ctx.d3fend_domain && cmd->name != "matrix")
    throw usage_error(fmt::format("--domain d3fend applies to matrix only, not {}", cmd->name));
  if (ctx.domains) ctx.lookup.domains = ctx.domains;
  // A batch line has the batch's width: the terminal is asked once, not per line.
  if (!ctx.width && !ctx.shared_graph) ctx.width = terminal_width();
  // Table output shows control characters as visible escapes (docs/cli.md, "Table").
  ctx.out.escape_controls(ctx.fmt == format::table);

  ctx.args = inv.args;
  if (ctx.args.size() < cmd->min_args)
    throw usage_error(fmt::format("{} needs {}; try 'mitre-query {} --help'", cmd->name, cmd->synopsis, cmd->name));
  if (ctx.args.size() > cmd->max_args)
    throw usage_error(cmd->max_args == 0
                          ? fmt::format("{} takes no arguments (got {})", cmd->name, json_quote(ctx.args.front()))
                          : fmt::format("{} takes one {} (got {})", cmd->name, cmd->synopsis, ctx.args.size()));
  // `show ""` would match an object with an empty label; no command means anything by "".
  for (std::size_t i = 0; i < ctx.args.size(); ++i)
    if (ctx.args[i].empty())
      throw usage_error(fmt::format("{}: argument {} is empty (expected {})", cmd->name, i + 1, cmd->synopsis));
}

std::vector<std::string> split_words(std::string_view line) {
  std::vector<std::string> words;
  std::string cur;
  bool quoted = false, any = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
      any = true;
      continue;
    }
    if (!quoted && (c == ' ' || c == '\t' || c == '\r')) {
      if (any) words.push_back(std::move(cur));
      cur.clear();
      any = false;
      continue;
    }
    cur += c;
    any = true;
  }
  if (quoted) throw usage_error("unclosed quote");
  if (any) words.push_back(std::move(cur));
  return words;
}

// ---------------------------------------------------------------- line_reader

bool line_reader::fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  constexpr std::size_t chunk = 1 << 16;
  std::size_t old = buf_.size();
  buf_.resize(old + chunk);
  std::size_t n = 0;
  try {
    n = read_(buf_.data() + old, chunk);
  } catch (...) {
    buf_.resize(old);
    throw;
  }
  buf_.resize(old + std::min(n, chunk));
  if (n == 0) eof_ = true;
  return n > 0;
}

bool line_reader::next(line& out) {
  out.text.clear();
  out.issue = problem::none;
  bool any = false;
  while (true) {
    std::string_view rest(buf_.data() + pos_, buf_.size() - pos_);
    std::size_t nl = rest.find('\n');
    std::string_view piece = rest.substr(0, nl);
    if (!piece.empty() || nl != std::string_view::npos) any = true;
    // Keep at most the limit; the rest of an overlong line is read and dropped.
    std::size_t room = max_batch_line_bytes - std::min(out.text.size(), max_batch_line_bytes);
    if (piece.size() > room) out.issue = problem::too_long;
    std::string_view kept = piece.substr(0, room);
    if (out.issue == problem::none && std::memchr(kept.data(), '\0', kept.size())) out.issue = problem::nul;
    out.text.append(kept);
    if (nl != std::string_view::npos) {
      pos_ += nl + 1;
      break;
    }
    pos_ = buf_.size();
    if (!fill()) break;
  }
  if (!any) return false;
  out.number = ++number_;
  return true;
}

}  // namespace mq
