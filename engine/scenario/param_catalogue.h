// The parameter catalogue: one list of every TCP, link, application and middlebox parameter a
// scenario (or a live edit) can set, with its type, unit, allowed range or values, its default
// under each TCP profile, whether it can change while running, the timer whose length it is,
// and a one-line description (English; a Korean text to come).
//
// How it stays the single source:
//  - TCP: built from TcpConfig::params(), whose table also holds the bounds and choices that
//    TcpConfig::set() enforces (the loader, `set` actions and the API all go through set()).
//  - links: set_link_field() takes its integer bounds from here.
//  - apps and middleboxes: written here next to the loader's own checks, and held to them by
//    tests/engine/param_catalogue_test.cpp (every key the loader takes is here, every entry is
//    accepted with its default and refused out of its range).
// The API exports it as data (Playground::parameters(), `pg.parameters()` in JavaScript).
#pragma once
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace tcpplay {

/// The TCP profiles, in the order ParamDef::defaults lists them.
inline constexpr std::array<const char*, 3> kProfiles = {"rfc", "linux", "windows"};

struct ParamDef {
  /// "tcp" (a host's or a connection's TCP), "link", "app:TYPE" or "middlebox:TYPE".
  std::string scope;
  /// As written in a scenario: "time_wait", "queue.packets" (a link's "queue": {"packets"}),
  /// "pool.idle_timeout" (http_client's "pool": {"idle_timeout"}).
  std::string name;
  /// duration, integer, boolean, choice, probability, bandwidth, string, port, address,
  /// endpoint, endpoints, durations or object.
  std::string type;
  std::string unit;      ///< "bytes", "s" (a duration, written like "40ms"), "" for none
  std::string min, max;  ///< bounds as JSON text ("0s", 88); "" = none
  std::vector<std::string> choices;  ///< a choice's values
  /// The default under each profile (kProfiles order) as JSON text; "" = none (required, or
  /// absent means "not used").
  std::array<std::string, 3> defaults;
  std::string example;    ///< a valid value (JSON text), for entries without a default
  bool required = false;  ///< the scenario must give it
  bool live = false;      ///< a `set` action changes it while running
  std::string timer;      ///< the timer whose length it is ("" = none)
  std::string en, ko;     ///< one-line description; ko empty for now
};

/// Every parameter: TCP first (TcpConfig::params() order), then links, apps, middleboxes.
const std::vector<ParamDef>& param_catalogue();
/// The entry, or nullptr.
const ParamDef* find_param(std::string_view scope, std::string_view name);
/// The catalogue as a JSON array: [{scope, name, type, unit, min, max, choices, defaults
/// {rfc, linux, windows}, example, required, live, timer, description {en, ko}}]; min, max,
/// choices, defaults' values, example and timer are null when absent.
std::string param_catalogue_json();

}  // namespace tcpplay
