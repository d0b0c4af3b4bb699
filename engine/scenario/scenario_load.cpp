// Loading a scenario document: JSON syntax, `--set` overrides, then every section checked in
// turn (settings, hosts, links, routes, timeline, middleboxes and apps), collecting all errors
// with their JSON pointer. Timeline actions themselves are parsed in scenario_actions.cpp, apps
// and middleboxes in scenario_components.cpp.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <exception>

#include "core/duration.h"

#include "scenario/param_catalogue.h"
#include "scenario/scenario_parse.h"

namespace tcpplay {

using scenario_detail::Checker;
using scenario_detail::child_path;
using scenario_detail::Fields;
using scenario_detail::Json;
using scenario_detail::parse_document;

// --- value checks ---------------------------------------------------------------------------

namespace scenario_detail {

std::string child_path(const std::string& path, std::string_view key) {
  std::string out = path + "/";
  for (char ch : key) {
    if (ch == '~') out += "~0";
    else if (ch == '/') out += "~1";
    else out += ch;
  }
  return out;
}

std::string child_path(const std::string& path, std::size_t index) {
  return path + "/" + std::to_string(index);
}

std::string show(const Json& v) {
  std::string text = v.dump();
  constexpr std::size_t kMax = 60;
  if (text.size() > kMax) text = text.substr(0, kMax - 3) + "...";
  return text;
}

std::optional<std::string> param_text(const Json& v) {
  if (v.is_string() || v.is_number()) return v.text();
  if (v.is_boolean()) return std::string(v.as_bool() ? "true" : "false");
  return std::nullopt;
}

void Checker::error(std::string path, std::string message) {
  errors_.push_back(ScenarioError{std::move(path), std::move(message)});
}

bool Checker::object(const Json& v, const std::string& path) {
  if (v.is_object()) return true;
  error(path, "expected an object, got " + show(v));
  return false;
}

bool Checker::array(const Json& v, const std::string& path) {
  if (v.is_array()) return true;
  error(path, "expected an array, got " + show(v));
  return false;
}

std::optional<std::string> Checker::string(const Json& v, const std::string& path, bool non_empty) {
  if (!v.is_string()) {
    error(path, "expected a string, got " + show(v));
    return std::nullopt;
  }
  std::string s = v.text();
  if (non_empty && s.empty()) {
    error(path, "must not be empty");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> Checker::name(const Json& v, const std::string& path) {
  std::optional<std::string> s = string(v, path, true);
  if (!s) return s;
  for (std::size_t i = 0; i < s->size(); ++i) {
    const auto c = static_cast<unsigned char>((*s)[i]);
    // C0 controls and DEL; C1 controls (U+0080..U+009F: 0xC2 0x80..0x9F); U+2028/U+2029 (line
    // and paragraph separators: 0xE2 0x80 0xA8/0xA9), which some viewers break lines at.
    const bool c1 =
        c == 0xC2 && i + 1 < s->size() && static_cast<unsigned char>((*s)[i + 1]) <= 0x9F;
    const bool sep = c == 0xE2 && i + 2 < s->size() &&
                     static_cast<unsigned char>((*s)[i + 1]) == 0x80 &&
                     (static_cast<unsigned char>((*s)[i + 2]) == 0xA8 ||
                      static_cast<unsigned char>((*s)[i + 2]) == 0xA9);
    if (c < 0x20 || c == 0x7F || c1 || sep) {
      char code[16];
      std::snprintf(code, sizeof code, "U+%04X",
                    c1    ? static_cast<unsigned>(static_cast<unsigned char>((*s)[i + 1]))
                    : sep ? 0x2000u + static_cast<unsigned char>((*s)[i + 2]) - 0x80u
                          : static_cast<unsigned>(c));
      error(path, std::string("a name must not contain control characters (") + code + " at byte " +
                      std::to_string(i) + ")");
      return std::nullopt;
    }
  }
  return s;
}

std::optional<SimTime> Checker::duration(const Json& v, const std::string& path) {
  // A bare number is refused on purpose: "10" could mean seconds or milliseconds.
  std::optional<SimTime> d;
  if (v.is_string()) d = parse_duration(v.text());
  if (!d) error(path, "expected a duration like \"10ms\", got " + show(v));
  return d;
}

std::optional<std::uint64_t> Checker::integer(const Json& v, const std::string& path,
                                              std::uint64_t min, std::uint64_t max) {
  std::optional<std::uint64_t> n = v.unsigned_value();
  if (!n && v.is_float()) {
    // 1e3 is an integer written as a float; 1.5 is not.
    const double d = v.as_double();
    if (d >= 0 && d <= 9007199254740992.0 && std::floor(d) == d) n = static_cast<std::uint64_t>(d);
  }
  if (n && *n >= min && *n <= max) return n;
  if (min == 0 && max == UINT64_MAX) error(path, "expected a non-negative integer, got " + show(v));
  else
    error(path, "expected an integer between " + std::to_string(min) + " and " +
                    std::to_string(max) + ", got " + show(v));
  return std::nullopt;
}

std::optional<double> Checker::probability(const Json& v, const std::string& path) {
  if (v.is_number()) {
    const double p = v.as_double();
    if (p >= 0 && p <= 1) return p;
  }
  error(path, "expected a probability between 0 and 1, got " + show(v));
  return std::nullopt;
}

std::optional<bool> Checker::boolean(const Json& v, const std::string& path) {
  if (v.is_boolean()) return v.as_bool();
  error(path, "expected true or false, got " + show(v));
  return std::nullopt;
}

std::optional<Ipv4Addr> Checker::ipv4(const Json& v, const std::string& path) {
  std::optional<Ipv4Addr> a;
  if (v.is_string()) a = parse_ipv4(v.text());
  if (!a) error(path, "expected an IPv4 address like \"10.0.0.1\", got " + show(v));
  return a;
}

namespace {

/// "100Mbit", "1.5Gbit", "56kbit", "2Mbps" -> bits per second.
std::optional<std::uint64_t> parse_bandwidth(std::string_view text) {
  std::size_t i = 0;
  std::uint64_t whole = 0, frac = 0, frac_div = 1;
  bool digits = false;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, digits = true) {
    if (whole > UINT64_MAX / 100) return std::nullopt;
    whole = whole * 10 + static_cast<std::uint64_t>(text[i] - '0');
  }
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, digits = true) {
      if (frac_div < 1000000000ULL) {
        frac = frac * 10 + static_cast<std::uint64_t>(text[i] - '0');
        frac_div *= 10;
      }
    }
  }
  if (!digits) return std::nullopt;
  const std::string_view unit = text.substr(i);
  std::uint64_t scale = 0;
  if (unit == "bit" || unit == "bps") scale = 1;
  else if (unit == "kbit" || unit == "kbps") scale = 1000;
  else if (unit == "Mbit" || unit == "Mbps") scale = 1000000;
  else if (unit == "Gbit" || unit == "Gbps") scale = 1000000000;
  else return std::nullopt;
  if (whole > UINT64_MAX / scale / 2) return std::nullopt;
  return whole * scale + frac * scale / frac_div;
}

}  // namespace

std::optional<std::uint64_t> Checker::bandwidth(const Json& v, const std::string& path) {
  std::optional<std::uint64_t> bps;
  if (v.is_string()) bps = parse_bandwidth(v.text());
  if (v.is_unsigned()) bps = v.unsigned_value();
  if (!bps)
    error(path,
          "expected a bandwidth like \"100Mbit\" or a number of bits per second, got " + show(v));
  return bps;
}

// --- objects --------------------------------------------------------------------------------

Fields::Fields(Checker& c, const Json& v, std::string path,
               const std::vector<std::string_view>& allowed)
    : c_(c), path_(std::move(path)) {
  if (!c_.object(v, path_)) return;
  obj_ = &v;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (std::find(allowed.begin(), allowed.end(), v.key(i)) == allowed.end())
      c_.error(child_path(path_, v.key(i)), "unknown key");
  }
}

const Json* Fields::get(std::string_view key) const { return obj_ ? obj_->find(key) : nullptr; }

const Json* Fields::require(std::string_view key) {
  const Json* v = get(key);
  if (!v && obj_) c_.error(path_, "missing required key \"" + std::string(key) + "\"");
  return v;
}

std::optional<std::string> Fields::string(std::string_view key, bool required) {
  const Json* v = required ? require(key) : get(key);
  return v ? c_.string(*v, path(key)) : std::nullopt;
}

std::optional<std::string> Fields::name(std::string_view key, bool required) {
  const Json* v = required ? require(key) : get(key);
  return v ? c_.name(*v, path(key)) : std::nullopt;
}

std::optional<SimTime> Fields::duration(std::string_view key, bool required) {
  const Json* v = required ? require(key) : get(key);
  return v ? c_.duration(*v, path(key)) : std::nullopt;
}

std::optional<std::uint64_t> Fields::integer(std::string_view key, std::uint64_t min,
                                             std::uint64_t max, bool required) {
  const Json* v = required ? require(key) : get(key);
  return v ? c_.integer(*v, path(key), min, max) : std::nullopt;
}

std::optional<std::uint16_t> Fields::port(std::string_view key, bool required) {
  auto n = integer(key, 1, 65535, required);
  if (!n) return std::nullopt;
  return static_cast<std::uint16_t>(*n);
}

std::optional<double> Fields::probability(std::string_view key) {
  const Json* v = get(key);
  return v ? c_.probability(*v, path(key)) : std::nullopt;
}

std::optional<bool> Fields::boolean(std::string_view key, bool required) {
  const Json* v = required ? require(key) : get(key);
  return v ? c_.boolean(*v, path(key)) : std::nullopt;
}

// --- shared parameter parsing ----------------------------------------------------------------

std::vector<std::pair<std::string, std::string>> parse_tcp_params(Checker& c, const Json& params,
                                                                  const std::string& path,
                                                                  TcpConfig& config) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!c.object(params, path)) return out;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const std::string& name = params.key(i);
    const Json& value = params[i];
    const std::string p = child_path(path, name);
    const auto text = param_text(value);
    if (!text) {
      c.error(p, "expected a string, number or boolean, got " + show(value));
      continue;
    }
    const Status st = config.set(name, *text);
    if (!st) {
      c.error(p, st.error());
      continue;
    }
    out.emplace_back(name, *text);
  }
  return out;
}

namespace {

const char* const kLinkFields =
    "delay, jitter, bandwidth, queue.packets, queue.bytes, loss, duplicate, reorder, "
    "reorder_delay, mtu or up";

}  // namespace

bool set_link_field(Checker& c, std::string_view field, const Json& v, const std::string& path,
                    LinkParams& p) {
  auto set = [](auto& slot, auto value) {
    if (!value) return false;
    slot = *value;
    return true;
  };
  if (field == "delay") return set(p.delay, c.duration(v, path));
  if (field == "jitter") return set(p.jitter, c.duration(v, path));
  if (field == "reorder_delay") return set(p.reorder_delay, c.duration(v, path));
  if (field == "bandwidth") return set(p.bandwidth_bps, c.bandwidth(v, path));
  if (field == "loss") return set(p.loss, c.probability(v, path));
  if (field == "duplicate") return set(p.duplicate, c.probability(v, path));
  if (field == "reorder") return set(p.reorder, c.probability(v, path));
  if (field == "up") return set(p.up, c.boolean(v, path));
  // Integer bounds from the parameter catalogue (one list for the loader and the API).
  const auto bounded = [&](std::string_view name) {
    const ParamDef* d = find_param("link", name);
    const auto bound = [](const std::string& b, std::uint64_t none) {
      return b.empty() ? none : std::stoull(b);
    };
    return c.integer(v, path, bound(d->min, 0), bound(d->max, UINT64_MAX));
  };
  if (field == "queue.bytes") return set(p.queue_bytes, bounded(field));
  if (field == "mtu") {
    auto n = bounded(field);
    if (n) p.mtu = static_cast<std::uint32_t>(*n);
    return n.has_value();
  }
  if (field == "queue.packets") {
    auto n = bounded(field);
    if (n) p.queue_packets = static_cast<std::uint32_t>(*n);
    return n.has_value();
  }
  c.error(path,
          "unknown link parameter \"" + std::string(field) + "\" (expected " + kLinkFields + ")");
  return false;
}

void copy_link_field(std::string_view field, const LinkParams& from, LinkParams& to) {
  if (field == "delay") to.delay = from.delay;
  else if (field == "jitter") to.jitter = from.jitter;
  else if (field == "reorder_delay") to.reorder_delay = from.reorder_delay;
  else if (field == "bandwidth") to.bandwidth_bps = from.bandwidth_bps;
  else if (field == "loss") to.loss = from.loss;
  else if (field == "duplicate") to.duplicate = from.duplicate;
  else if (field == "reorder") to.reorder = from.reorder;
  else if (field == "up") to.up = from.up;
  else if (field == "queue.bytes") to.queue_bytes = from.queue_bytes;
  else if (field == "queue.packets") to.queue_packets = from.queue_packets;
  else if (field == "mtu") to.mtu = from.mtu;
}

/// Parses the text; a syntax error becomes ": invalid JSON at line L, column C: ...".
bool parse_document(std::string_view text, Json& doc, std::vector<ScenarioError>& errors) {
  Json::ParseError e;
  std::optional<Json> parsed = Json::parse(text, &e);
  if (!parsed) {
    errors.push_back({"", "invalid JSON at line " + std::to_string(e.line) + ", column " +
                              std::to_string(e.column) + ": " + e.message});
    return false;
  }
  doc = std::move(*parsed);
  return true;
}

}  // namespace scenario_detail

// --- overrides ------------------------------------------------------------------------------

namespace {

/// "links.0.loss" -> ["links", "0", "loss"]; "/links/0/loss" -> the same (JSON pointer rules).
std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> tokens;
  if (path.empty()) return tokens;
  const bool pointer = path.front() == '/';
  const char sep = pointer ? '/' : '.';
  std::string cur;
  for (std::size_t i = pointer ? 1 : 0; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == sep) {
      tokens.push_back(cur);
      cur.clear();
    } else if (pointer && path[i] == '~' && i + 1 < path.size() &&
               (path[i + 1] == '0' || path[i + 1] == '1')) {
      cur += path[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      cur += path[i];
    }
  }
  return tokens;
}

std::string join_pointer(const std::vector<std::string>& tokens, std::size_t n) {
  std::string p;
  for (std::size_t i = 0; i < n; ++i) p = child_path(p, tokens[i]);
  return p;
}

std::optional<std::size_t> array_index(const std::string& token) {
  std::size_t n = 0;
  auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), n);
  if (ec != std::errc() || ptr != token.data() + token.size()) return std::nullopt;
  if (token.size() > 1 && token[0] == '0') return std::nullopt;
  return n;
}

Json override_value(const std::string& text) {
  std::optional<Json> v = Json::parse(text);
  return v ? std::move(*v) : Json(text);
}

/// Sets `value` at `tokens` in `doc`: every container on the way must exist; the last member
/// of an object is created if absent, an array grows only by "-" or its size as index.
std::optional<ScenarioError> set_at(Json& doc, const std::vector<std::string>& tokens, Json value) {
  Json* cur = &doc;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const bool last = i + 1 == tokens.size();
    const std::string& t = tokens[i];
    const std::string here = join_pointer(tokens, i + 1);
    if (cur->is_object()) {
      if (last) {
        cur->set(t, std::move(value));
        return std::nullopt;
      }
      Json* next = cur->find(t);
      if (!next) return ScenarioError{here, "cannot set: no such key"};
      cur = next;
    } else if (cur->is_array()) {
      auto idx = t == "-" ? std::optional<std::size_t>(cur->size()) : array_index(t);
      if (!idx || *idx > cur->size() || (*idx == cur->size() && !last))
        return ScenarioError{here, "cannot set: no such element (the array has " +
                                       std::to_string(cur->size()) + ")"};
      if (last) {
        if (*idx == cur->size()) cur->push_back(std::move(value));
        else (*cur)[*idx] = std::move(value);
        return std::nullopt;
      }
      cur = &(*cur)[*idx];
    } else {
      return ScenarioError{join_pointer(tokens, i), "cannot set: not an object or array"};
    }
  }
  return ScenarioError{"", "cannot set: the path is empty"};
}

std::optional<ScenarioError> apply_override(Json& doc, const Override& o) {
  const auto tokens = split_path(o.path);
  if (tokens.empty()) return ScenarioError{"", "cannot set: the path is empty"};
  return set_at(doc, tokens, override_value(o.value));
}

}  // namespace

Result<Override> parse_override(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0)
    return make_error("expected path=value, got \"" + std::string(text) + "\"");
  return Override{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

Result<std::string> apply_overrides(std::string_view json_text,
                                    const std::vector<Override>& overrides) {
  try {
    std::vector<ScenarioError> errors;
    Json doc;
    if (!parse_document(json_text, doc, errors)) return make_error(errors.front().text());
    for (const Override& o : overrides)
      if (auto e = apply_override(doc, o)) return make_error(e->text());
    return doc.dump();
  } catch (const std::exception& e) {
    return make_error(std::string("internal error: ") + e.what());
  }
}

// --- the document ---------------------------------------------------------------------------

namespace {

class Loader {
 public:
  explicit Loader(const Json& doc) : doc_(doc) {}
  std::vector<ScenarioError> load(Scenario& out);

 private:
  void version(Fields& f);
  void lesson(Fields& f);
  void settings(Fields& f);
  void tcp_defaults(const Json& v, const std::string& path);
  void trace(const Json& v, const std::string& path);
  void limits(const Json& v, const std::string& path);
  void hosts(const Json& v, const std::string& path);
  void host(const Json& v, const std::string& path);
  TcpConfig host_tcp(const Json* v, const std::string& path, std::optional<std::uint32_t>& isn);
  void links(const Json& v, const std::string& path);
  void link(const Json& v, const std::string& path);
  std::string link_end(Fields& f, std::string_view key);
  void routes(const Json& v, const std::string& path);
  void route(const Json& v, const std::string& path);
  void timeline(const Json& v, const std::string& path);
  void reactions(const Json& v, const std::string& path);
  void check_filter_actions();

  const Json& doc_;
  Checker c_;
  Scenario s_;
  std::string profile_ = "rfc";
  std::vector<std::pair<std::string, std::string>> tcp_params_;
  std::optional<std::uint32_t> isn_;            // the scenario's `tcp.isn`
  std::vector<std::size_t> timeline_order_;     // run position -> index in the file's timeline
  std::map<Ipv4Addr, std::string> addr_owner_;  // each host address's first host
};

std::vector<ScenarioError> Loader::load(Scenario& out) {
  Fields f(c_, doc_, "",
           {"$schema", "version", "title", "description", "watch", "seed", "duration", "tcp",
            "trace", "limits", "hosts", "links", "routes", "apps", "middleboxes", "timeline"});
  if (f.ok()) {
    version(f);
    lesson(f);
    settings(f);
    if (const Json* v = f.require("hosts")) hosts(*v, f.path("hosts"));
    if (const Json* v = f.get("links")) links(*v, f.path("links"));
    if (const Json* v = f.get("routes")) routes(*v, f.path("routes"));
    if (const Json* v = f.get("timeline")) timeline(*v, f.path("timeline"));
    scenario_detail::parse_components(c_, f.get("apps"), f.get("middleboxes"), s_);
    if (const Json* v = f.get("timeline")) reactions(*v, f.path("timeline"));
    check_filter_actions();
    for (const Action& a : s_.timeline) scenario_detail::check_component_set(c_, s_, a);
    scenario_detail::parse_watch(c_, f.get("watch"), f.path("watch"), s_);
  }
  out = std::move(s_);
  return std::move(c_.errors());
}

void Loader::version(Fields& f) {
  // The format's version: 1 when missing, so files written before the field existed load as
  // they did. A newer one may mean things this engine would read differently: refused.
  const Json* v = f.get("version");
  if (!v) return;
  const std::optional<std::uint64_t> n = v->unsigned_value();
  if (n && *n == Scenario::kFormatVersion) return;
  if (n && *n > Scenario::kFormatVersion)
    c_.error(f.path("version"),
             "this scenario is written for version " + std::to_string(*n) +
                 " of the scenario format, and this engine reads versions up to " +
                 std::to_string(Scenario::kFormatVersion) + " (a newer tcpplay is needed)");
  else
    c_.error(f.path("version"), "expected the format version " +
                                    std::to_string(Scenario::kFormatVersion) + ", got " +
                                    scenario_detail::show(*v));
}

/// A "filter" action names a filter middlebox and one of its rules (known only once the
/// middleboxes, parsed after the timeline, are).
void Loader::check_filter_actions() {
  for (const Action& a : s_.timeline) {
    if (a.kind != ActionKind::filter || a.target.empty()) continue;
    const ComponentSpec* comp = s_.find_component(a.target);
    if (!comp || comp->type != "filter")
      c_.error(a.path + "/filter", "no filter named \"" + a.target + "\" in \"middleboxes\"");
    else if (!comp->filter_rules.count(a.param))
      c_.error(a.path + "/rule", "filter \"" + a.target + "\" has no rule \"" + a.param + "\"");
  }
}

void Loader::lesson(Fields& f) {
  if (auto t = f.get("title")) s_.title = c_.string(*t, f.path("title"), false).value_or("");
  if (auto d = f.get("description"))
    s_.description = c_.string(*d, f.path("description"), false).value_or("");
}

void Loader::settings(Fields& f) {
  if (auto seed = f.integer("seed")) s_.seed = *seed;
  if (auto d = f.duration("duration")) {
    if (*d > 0) s_.duration = *d;
    else c_.error(f.path("duration"), "must be greater than 0s");
  }
  if (const Json* v = f.get("tcp")) tcp_defaults(*v, f.path("tcp"));
  if (const Json* v = f.get("trace")) trace(*v, f.path("trace"));
  if (const Json* v = f.get("limits")) limits(*v, f.path("limits"));
}

void Loader::tcp_defaults(const Json& v, const std::string& path) {
  Fields f(c_, v, path, {"profile", "params", "isn"});
  if (!f.ok()) return;
  if (auto n = f.integer("isn", 0, UINT32_MAX)) isn_ = static_cast<std::uint32_t>(*n);
  TcpConfig base;
  if (auto p = f.string("profile")) {
    auto cfg = TcpConfig::profile_defaults(*p);
    if (cfg) {
      profile_ = *p;
      base = *cfg;
    } else {
      c_.error(f.path("profile"), cfg.error());
    }
  }
  if (const Json* params = f.get("params"))
    tcp_params_ = scenario_detail::parse_tcp_params(c_, *params, f.path("params"), base);
}

void Loader::trace(const Json& v, const std::string& path) {
  Fields f(c_, v, path, {"max_events", "max_bytes"});
  if (auto n = f.integer("max_events", 0, SIZE_MAX)) s_.retention.max_events = *n;
  if (auto n = f.integer("max_bytes", 0, SIZE_MAX)) s_.retention.max_bytes = *n;
}

void Loader::limits(const Json& v, const std::string& path) {
  Fields f(c_, v, path, {"max_packets"});
  if (auto n = f.integer("max_packets", 1, UINT32_MAX)) s_.max_packets = *n;
}

void Loader::hosts(const Json& v, const std::string& path) {
  if (!c_.array(v, path)) return;
  for (std::size_t i = 0; i < v.size(); ++i) host(v[i], child_path(path, i));
}

void Loader::host(const Json& v, const std::string& path) {
  Fields f(c_, v, path, {"name", "addr", "tcp", "forwarding", "manual"});
  if (!f.ok()) return;
  HostSpec h;
  auto name = f.name("name", true);
  if (auto a = f.require("addr")) h.addr = c_.ipv4(*a, f.path("addr")).value_or(0);
  h.tcp = host_tcp(f.get("tcp"), f.path("tcp"), h.isn);
  h.forwarding = f.boolean("forwarding").value_or(false);
  h.manual = f.boolean("manual").value_or(false);
  if (!name) return;
  if (s_.find_host(*name)) {
    c_.error(f.path("name"), "duplicate host name \"" + *name + "\"");
    return;
  }
  if (h.addr != 0) {
    // A map, not a scan of the hosts so far: a scan made loading quadratic in the host count.
    const auto [it, fresh] = addr_owner_.emplace(h.addr, *name);
    if (!fresh)
      c_.error(f.path("addr"), "address " + format_ipv4(h.addr) + " is already used by host \"" +
                                   it->second + "\"");
  }
  h.name = *name;
  s_.hosts.push_back(std::move(h));
}

/// Profile defaults (the host's profile, else the scenario's), then the scenario-wide params,
/// then the host's own params.
TcpConfig Loader::host_tcp(const Json* v, const std::string& path,
                           std::optional<std::uint32_t>& isn) {
  std::string profile = profile_;
  const Json* params = nullptr;
  isn = isn_;
  if (v) {
    Fields f(c_, *v, path, {"profile", "params", "isn"});
    if (auto n = f.integer("isn", 0, UINT32_MAX)) isn = static_cast<std::uint32_t>(*n);
    if (auto p = f.string("profile")) {
      if (TcpConfig::profile_defaults(*p)) profile = *p;
      else c_.error(f.path("profile"), TcpConfig::profile_defaults(*p).error());
    }
    params = f.get("params");
  }
  TcpConfig cfg = *TcpConfig::profile_defaults(profile);
  for (const auto& [name, value] : tcp_params_) (void)cfg.set(name, value);
  if (params) scenario_detail::parse_tcp_params(c_, *params, child_path(path, "params"), cfg);
  return cfg;
}

void Loader::links(const Json& v, const std::string& path) {
  if (!c_.array(v, path)) return;
  for (std::size_t i = 0; i < v.size(); ++i) link(v[i], child_path(path, i));
}

std::string Loader::link_end(Fields& f, std::string_view key) {
  auto name = f.string(key, true);
  if (!name) return "";
  if (!s_.find_host(*name)) {
    c_.error(f.path(key), "unknown host \"" + *name + "\"");
    return "";
  }
  return *name;
}

void Loader::link(const Json& v, const std::string& path) {
  Fields f(c_, v, path,
           {"name", "a", "b", "delay", "jitter", "bandwidth", "queue", "loss", "duplicate",
            "reorder", "reorder_delay", "mtu", "up"});
  if (!f.ok()) return;
  LinkSpec l;
  auto name = f.name("name", true);
  l.a = link_end(f, "a");
  l.b = link_end(f, "b");
  if (!l.a.empty() && l.a == l.b)
    c_.error(f.path("b"), "a link needs two different hosts, got \"" + l.b + "\" twice");
  f.require("delay");
  for (const char* key : {"delay", "jitter", "bandwidth", "loss", "duplicate", "reorder",
                          "reorder_delay", "mtu", "up"}) {
    if (const Json* value = f.get(key))
      scenario_detail::set_link_field(c_, key, *value, f.path(key), l.params);
  }
  if (const Json* q = f.get("queue")) {
    Fields qf(c_, *q, f.path("queue"), {"packets", "bytes"});
    if (const Json* n = qf.get("packets"))
      scenario_detail::set_link_field(c_, "queue.packets", *n, qf.path("packets"), l.params);
    if (const Json* n = qf.get("bytes"))
      scenario_detail::set_link_field(c_, "queue.bytes", *n, qf.path("bytes"), l.params);
  }
  if (!name) return;
  if (s_.find_link(*name)) {
    c_.error(f.path("name"), "duplicate link name \"" + *name + "\"");
    return;
  }
  l.name = *name;
  s_.links.push_back(std::move(l));
}

void Loader::routes(const Json& v, const std::string& path) {
  if (!c_.array(v, path)) return;
  for (std::size_t i = 0; i < v.size(); ++i) route(v[i], child_path(path, i));
}

namespace {

/// "default", "10.0.1.0/24" or a single address (a /32).
std::optional<std::pair<Ipv4Addr, int>> parse_prefix(std::string_view text) {
  if (text == "default") return std::pair<Ipv4Addr, int>{0, 0};
  const auto slash = text.find('/');
  auto addr = parse_ipv4(text.substr(0, slash));
  if (!addr) return std::nullopt;
  if (slash == std::string_view::npos) return std::pair<Ipv4Addr, int>{*addr, 32};
  const std::string_view len_text = text.substr(slash + 1);
  int len = -1;
  auto [ptr, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), len);
  if (ec != std::errc() || ptr != len_text.data() + len_text.size() || len < 0 || len > 32)
    return std::nullopt;
  return std::pair<Ipv4Addr, int>{*addr, len};
}

}  // namespace

void Loader::route(const Json& v, const std::string& path) {
  Fields f(c_, v, path, {"host", "dst", "link"});
  if (!f.ok()) return;
  RouteSpec r;
  auto host = f.string("host", true);
  if (host && !s_.find_host(*host)) c_.error(f.path("host"), "unknown host \"" + *host + "\"");
  if (auto dst = f.string("dst", true)) {
    auto prefix = parse_prefix(*dst);
    const std::uint32_t mask = prefix && prefix->second ? ~0u << (32 - prefix->second) : 0;
    if (!prefix) {
      c_.error(f.path("dst"),
               "expected a network like \"10.0.1.0/24\" or \"default\", got \"" + *dst + "\"");
    } else if ((prefix->first & ~mask) != 0) {
      c_.error(f.path("dst"), "address has bits set outside the /" +
                                  std::to_string(prefix->second) + " prefix (did you mean " +
                                  format_ipv4(prefix->first & mask) + "/" +
                                  std::to_string(prefix->second) + "?)");
    } else {
      r.prefix = prefix->first;
      r.prefix_len = prefix->second;
    }
  }
  auto link = f.string("link", true);
  const LinkSpec* l = link ? s_.find_link(*link) : nullptr;
  if (link && !l) c_.error(f.path("link"), "unknown link \"" + *link + "\"");
  if (l && host && s_.find_host(*host) && l->a != *host && l->b != *host)
    c_.error(f.path("link"), "link \"" + *link + "\" does not connect host \"" + *host + "\"");
  if (host) r.host = *host;
  if (link) r.link = *link;
  s_.routes.push_back(std::move(r));
}

void Loader::timeline(const Json& v, const std::string& path) {
  if (!c_.array(v, path)) return;
  // Times first, so actions can be checked in the order they will run.
  std::vector<SimTime> at(v.size(), 0);
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string p = child_path(path, i);
    if (!v[i].is_object()) continue;  // parse_action reports it
    auto it = v[i].find("at");
    // A reaction ("when") without "at" is armed from the start.
    if (!it && !v[i].find("when")) c_.error(p, "missing required key \"at\"");
    else if (it) at[i] = c_.duration(*it, child_path(p, "at")).value_or(0);
  }
  std::vector<std::size_t> order(v.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t x, std::size_t y) { return at[x] < at[y]; });
  std::vector<bool> parsed(v.size(), false);
  s_.timeline.resize(v.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::size_t i = order[k];
    const std::size_t before = c_.count();
    scenario_detail::parse_action(c_, v[i], child_path(path, i), at[i], k, s_, s_.timeline[k]);
    parsed[k] = c_.count() == before;
  }
  for (std::size_t k = 0; k < order.size(); ++k)
    if (parsed[k]) scenario_detail::check_socket_refs(c_, s_, s_.timeline[k], k);
  timeline_order_ = std::move(order);
}

void Loader::reactions(const Json& v, const std::string& path) {
  // After the apps: a reaction's trigger may name them.
  if (!v.is_array() || timeline_order_.size() != v.size()) return;
  for (std::size_t k = 0; k < timeline_order_.size(); ++k) {
    const std::size_t i = timeline_order_[k];
    scenario_detail::parse_reaction(c_, v[i], child_path(path, i), s_, s_.timeline[k]);
  }
}

}  // namespace

/// Finds `name` in `list` through `index`, indexing the entries appended since the last call
/// (hosts and links are only ever appended, by the loader). The first of equal names wins, as a
/// linear search would have it.
template <typename Spec>
const Spec* find_by_name(const std::vector<Spec>& list, std::string_view name,
                         std::map<std::string, std::size_t, std::less<>>& index,
                         std::size_t& indexed) {
  if (indexed > list.size()) {  // the list shrank: index it again
    index.clear();
    indexed = 0;
  }
  for (; indexed < list.size(); ++indexed) index.emplace(list[indexed].name, indexed);
  const auto it = index.find(name);
  if (it == index.end()) return nullptr;  // names are set once, by the loader
  return &list[it->second];
}

const HostSpec* Scenario::find_host(std::string_view name) const {
  return find_by_name(hosts, name, host_index_.at, host_index_.indexed);
}

const LinkSpec* Scenario::find_link(std::string_view name) const {
  return find_by_name(links, name, link_index_.at, link_index_.indexed);
}

LoadResult Scenario::load(std::string_view json_text, const std::vector<Override>& overrides) {
  LoadResult r;
  try {
    Json doc;
    if (!parse_document(json_text, doc, r.errors)) return r;
    for (const Override& o : overrides)
      if (auto e = apply_override(doc, o)) r.errors.push_back(*e);
    if (!r.errors.empty()) return r;
    Scenario s;
    r.errors = Loader(doc).load(s);
    if (!r.errors.empty()) return r;
    s.document = doc.dump();
    r.scenario = std::move(s);
  } catch (const std::exception& e) {
    // Nothing above should throw; if something does, report it instead of escaping.
    r.errors.push_back({"", std::string("internal error while loading: ") + e.what()});
    r.scenario.reset();
  }
  return r;
}

std::string LoadResult::error_text() const {
  std::string out;
  for (const ScenarioError& e : errors) out += e.text() + "\n";
  return out;
}

std::vector<ScenarioError> validate_scenario(std::string_view json_text) {
  return Scenario::load(json_text).errors;
}

}  // namespace tcpplay
