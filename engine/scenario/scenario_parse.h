// Internal to the scenario loader: checked reading of JSON values that records every problem
// as a ScenarioError instead of throwing. Included only by the scenario_*.cpp files.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json/json.h"
#include "scenario/scenario.h"

namespace tcpplay {
struct FilterParams;
}

namespace tcpplay::scenario_detail {

using Json = tcpplay::Json;

/// JSON pointer of a member or element of `path` (escapes '~' and '/', RFC 6901).
std::string child_path(const std::string& path, std::string_view key);
std::string child_path(const std::string& path, std::size_t index);
/// A value as it appears in messages ("-5", "\"10.0.0\""), shortened when long.
std::string show(const Json& v);
/// Text form of a parameter value: a string as is, numbers and booleans as JSON prints them.
std::optional<std::string> param_text(const Json& v);

/// Parses JSON text; a syntax error becomes ": invalid JSON at line L, column C: ..." in `errors`.
bool parse_document(std::string_view text, Json& doc, std::vector<ScenarioError>& errors);

/// Collects errors; each check returns nullopt (and records why) when the value is wrong.
class Checker {
 public:
  void error(std::string path, std::string message);
  std::vector<ScenarioError>& errors() { return errors_; }
  std::size_t count() const { return errors_.size(); }

  bool object(const Json& v, const std::string& path);
  bool array(const Json& v, const std::string& path);
  std::optional<std::string> string(const Json& v, const std::string& path, bool non_empty = true);
  /// A name (host, link, socket, component): a non-empty string without control characters
  /// (they would cut a trace line or fake one).
  std::optional<std::string> name(const Json& v, const std::string& path);
  std::optional<SimTime> duration(const Json& v, const std::string& path);
  std::optional<std::uint64_t> integer(const Json& v, const std::string& path,
                                       std::uint64_t min = 0, std::uint64_t max = UINT64_MAX);
  std::optional<double> probability(const Json& v, const std::string& path);
  std::optional<bool> boolean(const Json& v, const std::string& path);
  std::optional<Ipv4Addr> ipv4(const Json& v, const std::string& path);
  std::optional<std::uint64_t> bandwidth(const Json& v, const std::string& path);

 private:
  std::vector<ScenarioError> errors_;
};

/// The members of one JSON object: unknown keys are reported when it is opened, missing
/// required ones when they are asked for.
class Fields {
 public:
  Fields(Checker& c, const Json& v, std::string path, const std::vector<std::string_view>& allowed);
  bool ok() const { return obj_ != nullptr; }
  const std::string& path() const { return path_; }
  std::string path(std::string_view key) const { return child_path(path_, key); }
  Checker& check() { return c_; }
  bool has(std::string_view key) const { return get(key) != nullptr; }
  const Json* get(std::string_view key) const;
  /// Like get(), and records `missing required key "k"` when absent.
  const Json* require(std::string_view key);

  std::optional<std::string> string(std::string_view key, bool required = false);
  std::optional<std::string> name(std::string_view key, bool required = false);
  std::optional<SimTime> duration(std::string_view key, bool required = false);
  std::optional<std::uint64_t> integer(std::string_view key, std::uint64_t min = 0,
                                       std::uint64_t max = UINT64_MAX, bool required = false);
  std::optional<std::uint16_t> port(std::string_view key, bool required);  ///< 1..65535
  std::optional<double> probability(std::string_view key);
  std::optional<bool> boolean(std::string_view key, bool required = false);

 private:
  Checker& c_;
  const Json* obj_ = nullptr;
  std::string path_;
};

/// TCP params {name: value}: each checked by TcpConfig::set on `config` (which it changes).
/// Returns the valid ones as text pairs, in document order.
std::vector<std::pair<std::string, std::string>> parse_tcp_params(Checker& c, const Json& params,
                                                                  const std::string& path,
                                                                  TcpConfig& config);

/// Link parameter `field` ("delay", "loss", "queue.packets", ...) set from a JSON value.
/// Returns false (with an error, or `unknown link parameter` for a bad field) when it fails.
bool set_link_field(Checker& c, std::string_view field, const Json& v, const std::string& path,
                    LinkParams& p);
/// Copies one field (as named for set_link_field) from `from` to `to`.
void copy_link_field(std::string_view field, const LinkParams& from, LinkParams& to);

/// Parses "middleboxes" then "apps" (either may be null) into `scenario`: types, names (unique
/// across both, and not a socket name of the timeline, which is parsed first), hosts, every
/// parameter, and ports two components would both listen on.
void parse_components(Checker& c, const Json* apps, const Json* middleboxes, Scenario& scenario);

/// The "rules" of a "filter" middlebox (scenario_filter.cpp); `rules` null is an error.
FilterParams parse_filter_rules(Checker& c, const Json* rules, const std::string& path,
                                const Scenario& scenario);

/// Parses "watch" (may be null): strings, or {"text", "when"} items whose triggers are checked
/// against the rest of the scenario (watch.h); call it last.
void parse_watch(Checker& c, const Json* watch, const std::string& path, Scenario& scenario);

/// A trigger object (watch.h) at `path`, checked against `scenario`; `extra` are keys the
/// caller reads itself (a reaction's "socket", "len", "seq"), allowed besides the event's own.
std::optional<WatchTrigger> parse_trigger(Checker& c, const Json& v, const std::string& path,
                                          const Scenario& scenario,
                                          const std::vector<std::string_view>& extra = {});

/// A reaction's "when" and "repeat" of the timeline action `v` (parsed as `out` by parse_action):
/// the trigger is checked against the whole scenario, so the loader calls it after the apps
/// (reactions_parse.cpp). Does nothing for an action without "when".
void parse_reaction(Checker& c, const Json& v, const std::string& path, const Scenario& scenario,
                    Action& out);

/// Parses one timeline action whose time is `at`. Checks fields, hosts, links and TCP params,
/// and registers the socket it defines in `scenario.sockets` (duplicates are errors); socket
/// references are checked later by check_socket_refs, once every definition is known.
void parse_action(Checker& c, const Json& v, const std::string& path, SimTime at, std::size_t order,
                  Scenario& scenario, Action& out);
/// Checks that the sockets `a` uses exist before it runs (earlier, or same time earlier in
/// the timeline: `order` is its position in run order).
void check_socket_refs(Checker& c, const Scenario& scenario, const Action& a, std::size_t order);
/// A `set` on "app:NAME" or "middlebox:NAME" (scenario_live_set.cpp): the component exists in
/// that section and the parameter is one of its type's live ones with a valid value. Needs the
/// components, so the loader calls it after parsing them. Does nothing for other actions.
void check_component_set(Checker& c, const Scenario& scenario, const Action& a);

}  // namespace tcpplay::scenario_detail
