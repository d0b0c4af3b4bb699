// Checks a `set` action on an application ("app:NAME") or a middlebox ("middlebox:NAME"): the
// component is in the section the target names, the parameter is one its type can change while
// running (the catalogue's `live` entries), and the value is valid for it. The value is tried
// on a scratch copy of the type's default parameters with the same function the running
// component uses (set_param), so what loads is what runs.
#include <string>

#include "app/http_client.h"
#include "app/http_server.h"
#include "middlebox/alb.h"
#include "middlebox/nlb.h"
#include "scenario/param_catalogue.h"
#include "scenario/scenario_parse.h"

namespace tcpplay::scenario_detail {
namespace {

Status try_value(const std::string& type, const std::string& param, const std::string& value) {
  if (type == "alb") {
    AlbParams p;
    return AlbProxy::set_param(p, param, value);
  }
  if (type == "nlb") {
    NlbParams p;
    return NlbBalancer::set_param(p, param, value);
  }
  if (type == "http_server") {
    HttpServerParams p;
    return HttpServer::set_param(p, param, value);
  }
  if (type == "http_client") {
    HttpClientParams p;
    p.pool = HttpPoolParams{};  // whether this client has a pool is checked when it runs
    return HttpClient::set_param(p, param, value);
  }
  return make_error("a " + type + " has no live parameters");
}

std::string live_list(const std::string& scope) {
  std::string out;
  for (const ParamDef& d : param_catalogue()) {
    if (d.scope != scope || !d.live) continue;
    if (!out.empty()) out += ", ";
    out += d.name;
  }
  return out;
}

}  // namespace

void check_component_set(Checker& c, const Scenario& scenario, const Action& a) {
  if (a.kind != ActionKind::set || a.component.empty()) return;
  const bool middlebox = a.target.rfind("middlebox:", 0) == 0;
  const char* section = middlebox ? "middleboxes" : "apps";
  const ComponentSpec* comp = scenario.find_component(a.component);
  if (!comp || comp->middlebox != middlebox) {
    c.error(a.path + "/target", "no " + std::string(middlebox ? "middlebox" : "app") + " named \"" +
                                    a.component + "\" in \"" + section + "\"");
    return;
  }
  const std::string scope = std::string(middlebox ? "middlebox:" : "app:") + comp->type;
  const ParamDef* def = find_param(scope, a.param);
  if (!def || !def->live) {
    const std::string live = live_list(scope);
    c.error(a.path + "/param",
            (def ? "\"" + a.param + "\" of a " + comp->type + " cannot change while running"
                 : "a " + comp->type + " has no parameter \"" + a.param + "\"") +
                (live.empty() ? " (it has no live parameters)" : " (live: " + live + ")"));
    return;
  }
  if (Status st = try_value(comp->type, a.param, a.value); !st)
    c.error(a.path + "/value", st.error());
}

}  // namespace tcpplay::scenario_detail
