// The parameter catalogue is the one list of parameters: every entry is accepted by the loader
// (or TcpConfig::set) with its default and refused out of its range, and every parameter the
// loader takes is in it.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "api/playground.h"
#include "scenario/param_catalogue.h"
#include "scenario/scenario.h"

using namespace tcpplay;
using NJson = nlohmann::json;

namespace {

const char* const kBase = R"({"duration": "1s",
  "hosts": [{"name": "client", "addr": "10.0.0.1"}, {"name": "server", "addr": "10.0.0.2"}],
  "links": [{"name": "lan", "a": "client", "b": "server", "delay": "1ms"}]})";

/// The value to try: the default, else the example.
NJson sample(const ParamDef& d) {
  return NJson::parse(!d.defaults[0].empty() ? d.defaults[0] : d.example);
}

/// Values out of the entry's range (or of its type): each must be refused.
std::vector<NJson> out_of_range(const ParamDef& d) {
  std::vector<NJson> v;
  if (d.type == "integer" || d.type == "port") {
    const std::uint64_t min = std::stoull(d.min);
    if (min > 0) v.push_back(min - 1);
    if (!d.max.empty() && std::stoull(d.max) < UINT64_MAX) v.push_back(std::stoull(d.max) + 1);
    v.push_back(-1);
    v.push_back("ten");
  } else if (d.type == "duration") {
    if (NJson::parse(d.min) == "1ns") v.push_back("0s");
    v.push_back("-1s");
    v.push_back(10);  // a bare number is refused: seconds or milliseconds?
  } else if (d.type == "probability") {
    v.push_back(1.5);
    v.push_back(-0.1);
  } else if (d.type == "boolean") {
    v.push_back("maybe");
  } else if (d.type == "choice") {
    v.push_back("none of them");
  } else if (d.type == "bandwidth") {
    v.push_back("fast");
  } else if (d.type == "endpoint") {
    v.push_back("server");
  } else if (d.type == "endpoints" || d.type == "durations") {
    v.push_back("server:80");
  } else if (d.type == "address") {
    v.push_back("10.0.0");
  } else if (d.type == "string" && !d.max.empty()) {
    v.push_back(std::string(std::stoull(d.max) + 1, 'x'));
  }
  return v;
}

/// kBase with one component of `type` ("app:TYPE" or "middlebox:TYPE") whose key `name` is `v`
/// (a "pool.x" key inside "pool"), its required keys filled from the catalogue's examples.
NJson component_doc(const std::string& scope, const std::string& name, const NJson& v) {
  const bool middlebox = scope.rfind("middlebox:", 0) == 0;
  const std::string type = scope.substr(scope.find(':') + 1);
  NJson comp = {{"type", type}, {"name", "x"}, {"host", "server"}};
  for (const ParamDef& d : param_catalogue())
    if (d.scope == scope && d.required) comp[d.name] = NJson::parse(d.example);
  if (name.rfind("pool.", 0) == 0) {
    comp["pool"] = {{name.substr(5), v}};
    if (name.find("keepalive_") != std::string::npos)
      comp["pool"]["keepalive"] = true;  // they need it
  } else {
    comp[name] = v;
  }
  if (type == "http_client" && name == "at") comp.erase("count");
  NJson doc = NJson::parse(kBase);
  doc[middlebox ? "middleboxes" : "apps"] = NJson::array({comp});
  return doc;
}

NJson link_doc(const std::string& name, const NJson& v) {
  NJson doc = NJson::parse(kBase);
  NJson& link = doc["links"][0];
  if (name.rfind("queue.", 0) == 0) link["queue"][name.substr(6)] = v;
  else link[name] = v;
  return doc;
}

std::string pointer_of(const ParamDef& d) {
  if (d.scope == "link") {
    if (d.name.rfind("queue.", 0) == 0) return "/links/0/queue/" + d.name.substr(6);
    return "/links/0/" + d.name;
  }
  const std::string list = d.scope.rfind("middlebox:", 0) == 0 ? "/middleboxes/0/" : "/apps/0/";
  if (d.name.rfind("pool.", 0) == 0) return list + "pool/" + d.name.substr(5);
  return list + d.name;
}

}  // namespace

TEST_CASE("catalogue: TCP entries are TcpConfig's parameters, with each profile's defaults") {
  std::set<std::string> listed;
  for (const ParamDef& d : param_catalogue())
    if (d.scope == "tcp") listed.insert(d.name);
  std::set<std::string> known;
  for (const TcpConfig::ParamInfo& p : TcpConfig::params()) known.insert(p.name);
  CHECK(listed == known);
  for (const ParamDef& d : param_catalogue()) {
    if (d.scope != "tcp") continue;
    CAPTURE(d.name);
    CHECK(d.live);
    CHECK_FALSE(d.en.empty());
    for (std::size_t i = 0; i < kProfiles.size(); ++i) {
      const TcpConfig profile = *TcpConfig::profile_defaults(kProfiles[i]);
      const NJson def = NJson::parse(d.defaults[i]);
      CHECK(*profile.get(d.name) == (def.is_string() ? def.get<std::string>() : def.dump()));
    }
    // Through the loader: accepted with its default, refused out of range at its path.
    for (std::size_t i = 0; i < kProfiles.size(); ++i) {
      NJson doc = NJson::parse(kBase);
      doc["hosts"][0]["tcp"] = {{"profile", kProfiles[i]},
                                {"params", {{d.name, NJson::parse(d.defaults[i])}}}};
      CHECK(validate_scenario(doc.dump()).empty());
    }
    for (const NJson& bad : out_of_range(d)) {
      CAPTURE(bad.dump());
      NJson doc = NJson::parse(kBase);
      doc["hosts"][0]["tcp"] = {{"params", {{d.name, bad}}}};
      const auto errors = validate_scenario(doc.dump());
      REQUIRE(errors.size() == 1);
      CHECK(errors[0].path == "/hosts/0/tcp/params/" + d.name);
    }
  }
  // Ranges as enforced (mss and ack_every_segments in particular).
  TcpConfig c;
  CHECK(c.set("mss", "88"));
  CHECK(c.set("mss", "65495"));
  CHECK(c.set("mss", "87").error() == "mss must be between 88 and 65495");
  CHECK(c.set("ack_every_segments", "0").error() == "must be at least 1");
  CHECK(c.set("rto_min", "0s").error() == "must be greater than 0");
  CHECK(c.set("congestion_control", "bbr").error() == "expected newreno or cubic, got bbr");
}

TEST_CASE("catalogue: links, apps and middleboxes are what the loader takes, ranges and all") {
  std::map<std::string, std::set<std::string>> listed;
  for (const ParamDef& d : param_catalogue())
    if (d.scope != "tcp") listed[d.scope].insert(d.name);
  // Every key the loader takes for each component type (pool's inside "pool").
  for (const auto& [types, prefix] :
       {std::pair{app_types(), "app:"}, std::pair{middlebox_types(), "middlebox:"}}) {
    for (const std::string& type : types) {
      CAPTURE(type);
      std::set<std::string> keys;
      for (const std::string& k : component_keys(type)) keys.insert(k);
      if (type == "http_client")
        for (const std::string& k : component_keys("pool")) keys.insert("pool." + k);
      CHECK(listed[prefix + type] == keys);
    }
  }
  CHECK(listed.size() == 1 + app_types().size() + middlebox_types().size());
  // Link fields: the loader's error for an unknown one (in a live `set`) lists them all.
  NJson probe = NJson::parse(kBase);
  probe["timeline"] = NJson::array(
      {{{"at", "0s"}, {"do", "set"}, {"target", "link:lan"}, {"param", "colour"}, {"value", 1}}});
  const auto errors = validate_scenario(probe.dump());
  REQUIRE(errors.size() == 1);
  std::set<std::string> link_fields;
  std::string list = errors[0].message.substr(errors[0].message.find("(expected ") + 10);
  list = list.substr(0, list.size() - 1);
  for (std::size_t at = 0; at < list.size();) {
    std::size_t end = list.find_first_of(", ", at);
    if (end == std::string::npos) end = list.size();
    const std::string word = list.substr(at, end - at);
    if (!word.empty() && word != "or") link_fields.insert(word);
    at = end + 1;
  }
  CHECK(listed["link"] == link_fields);

  for (const ParamDef& d : param_catalogue()) {
    if (d.scope == "tcp" || d.type == "object") continue;
    CAPTURE(d.scope);
    CAPTURE(d.name);
    CHECK_FALSE(d.en.empty());
    const auto doc = [&](const NJson& v) {
      return d.scope == "link" ? link_doc(d.name, v) : component_doc(d.scope, d.name, v);
    };
    const auto ok = validate_scenario(doc(sample(d)).dump());
    CHECK(ok.empty());
    if (!ok.empty()) CAPTURE(ok[0].text());
    for (const NJson& bad : out_of_range(d)) {
      CAPTURE(bad.dump());
      const auto errors = validate_scenario(doc(bad).dump());
      REQUIRE(!errors.empty());
      CHECK(errors[0].path == pointer_of(d));
    }
    if (d.type == "choice")
      for (const std::string& c : d.choices) CHECK(validate_scenario(doc(c).dump()).empty());
  }
}

TEST_CASE("catalogue: as data through the API, and snapshot() shows the values now") {
  const NJson cat = NJson::parse(Playground::parameters());
  REQUIRE(cat.size() == param_catalogue().size());
  const NJson* tw = nullptr;
  for (const NJson& e : cat)
    if (e["scope"] == "tcp" && e["name"] == "time_wait") tw = &e;
  REQUIRE(tw);
  CHECK((*tw)["type"] == "duration");
  CHECK((*tw)["unit"] == "s");
  CHECK((*tw)["defaults"] == NJson{{"rfc", "4min"}, {"linux", "1min"}, {"windows", "4min"}});
  CHECK((*tw)["timer"] == "time_wait");
  CHECK((*tw)["live"] == true);
  CHECK((*tw)["description"]["ko"] == "");
  for (const NJson& e : cat) {
    CHECK(e["description"]["en"].get<std::string>().size() > 5);
    CHECK(e.contains("min"));
    CHECK(e["defaults"].size() == 3);
  }

  Playground p;
  NJson doc = NJson::parse(kBase);
  doc["hosts"][1]["tcp"] = {{"profile", "linux"}, {"params", {{"nagle", false}}}};
  doc["duration"] = "10s";
  doc["timeline"] = NJson::array(
      {{{"at", "0s"}, {"do", "listen"}, {"host", "server"}, {"port", 80}, {"name", "srv"}},
       {{"at", "0s"},
        {"do", "connect"},
        {"host", "client"},
        {"to", "server"},
        {"port", 80},
        {"name", "c1"},
        {"params", {{"mss", 1000}}}}});
  REQUIRE(p.load(doc.dump()) == "[]");
  p.run_until(kSecond);
  const NJson snap = NJson::parse(p.snapshot());
  const NJson& server = snap["hosts"][1]["tcp"];
  for (const ParamDef& d : param_catalogue())
    if (d.scope == "tcp") CHECK(server.contains(d.name));
  CHECK(server["time_wait"] == "1min");
  CHECK(server["nagle"] == false);
  CHECK(server["mss"] == 1460);
  for (const NJson& c : snap["connections"]) {
    if (c["name"] == "c1") CHECK(c["params"]["mss"] == 1000);
    if (c["name"] == "srv.1") CHECK(c["params"]["congestion_control"] == "cubic");
  }
}
