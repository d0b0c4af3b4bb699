// What every component shares: endpoints, snapshot times, one-shot timers and lazy idle timers.
#include <doctest/doctest.h>

#include "app/app_base.h"
#include "app_fixture.h"
#include "component_snapshot.h"

using namespace tcpplay;
using namespace tcpplay::test;

namespace {
/// A component that exposes the protected timer helpers to the test.
struct Probe : AppBase {
  Probe(Simulation& sim, Host& host) : AppBase(sim, host, "probe") {}
  const char* kind() const override { return "probe"; }
  void snapshot(JsonWriter& w) const override { snapshot_header(w); }
  using AppBase::cancel_timer;
  using AppBase::idle_start;
  using AppBase::idle_stop;
  using AppBase::idle_touch;
  using AppBase::narrate;
  using AppBase::set_timer;
  using AppBase::timer_deadline;
};
}  // namespace

TEST_CASE("app base: endpoints by address or host name") {
  TwoHosts w;
  auto a = parse_endpoint("10.0.0.2:8080");
  REQUIRE(a.ok());
  CHECK(format_endpoint(*a) == "10.0.0.2:8080");
  auto b = parse_endpoint("server:80", &w.sim.net());
  REQUIRE(b.ok());
  CHECK(b->addr == w.server.addr());
  CHECK(contains(parse_endpoint("server:80").error(), "unknown host"));
  CHECK(contains(parse_endpoint("10.0.0.2").error(), "not host:port"));
  CHECK(contains(parse_endpoint("10.0.0.2:0").error(), "between 1 and 65535"));
  CHECK(contains(parse_endpoint("10.0.0.2:70000").error(), "between 1 and 65535"));
  CHECK(contains(parse_endpoint("10.0.0.2:8o").error(), "not a number"));
  std::string times;
  JsonWriter tw(times);
  tw.begin_object();
  time_field(tw, "never", kNever);
  time_field(tw, "t", 5);
  tw.end_object();
  CHECK(times == R"({"never":null,"t":5})");
  CHECK(say_duration(60 * kSecond) == "60 s");
  CHECK(say_duration(250 * kMillisecond) == "250 ms");
  CHECK(say_duration(60002 * kMillisecond) == "60.002 s");
}

TEST_CASE("app base: timers run once, cancelled ones never; idle timers follow the last touch") {
  TwoHosts w;
  Probe& p = w.sim.add_component<Probe>(w.sim, w.client);
  std::vector<SimTime> fired;
  auto once = p.set_timer(1 * kSecond, [&] { fired.push_back(w.sim.now()); });
  auto never = p.set_timer(2 * kSecond, [&] { fired.push_back(-1); });
  CHECK(p.timer_deadline(once) == 1 * kSecond);
  p.cancel_timer(never);
  CHECK(never == 0);

  IdleTimer idle;
  std::vector<SimTime> expired;
  p.idle_start(idle, 10 * kSecond, [&] { expired.push_back(w.sim.now()); });
  CHECK(idle.deadline() == 10 * kSecond);
  w.sim.run_until(4 * kSecond);
  p.idle_touch(idle);  // activity at 4 s: the deadline moves to 14 s
  CHECK(idle.deadline() == 14 * kSecond);
  w.sim.run_until(12 * kSecond);
  CHECK(expired.empty());  // the event at 10 s re-armed itself
  w.sim.run_until(20 * kSecond);
  CHECK(expired == std::vector<SimTime>{14 * kSecond});
  CHECK(idle.deadline() == kNever);
  CHECK(fired == std::vector<SimTime>{1 * kSecond});

  p.idle_start(idle, 5 * kSecond, [&] { expired.push_back(w.sim.now()); });
  p.idle_stop(idle);
  w.sim.run_until(40 * kSecond);
  CHECK(expired.size() == 1);

  p.narrate("hello");
  auto ev = app_events(w.sim, "probe", "hello");
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].host == w.client.index());
  nlohmann::json snap = component_snapshot(p);
  CHECK(snap == nlohmann::json{{"name", "probe"}, {"kind", "probe"}, {"host", "client"}});
}
