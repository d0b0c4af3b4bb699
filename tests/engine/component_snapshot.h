// A component's snapshot as a parsed document, read back with nlohmann_json: an independent
// parser, so these tests also check that the engine's writer produces valid JSON.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "json/json_writer.h"
#include "sim/simulation.h"

inline nlohmann::json component_snapshot(const tcpplay::Component& c) {
  std::string text;
  tcpplay::JsonWriter w(text);
  w.begin_object();
  c.snapshot(w);
  w.end_object();
  return nlohmann::json::parse(text);
}
