#include <doctest/doctest.h>

#include "tcp/tcp_config.h"

using namespace tcpplay;

TEST_CASE("tcp config: profiles, setting by name, and rejected values leave the config unchanged") {
  auto linux_cfg = TcpConfig::profile_defaults("linux");
  REQUIRE(linux_cfg);
  CHECK(linux_cfg->rto_min == 200 * kMillisecond);
  CHECK(linux_cfg->time_wait == 60 * kSecond);
  CHECK(linux_cfg->congestion_control == "cubic");
  CHECK_FALSE(TcpConfig::profile_defaults("bsd"));
  TcpConfig c;
  CHECK(c.set("time_wait", "30s"));
  CHECK(c.time_wait == 30 * kSecond);
  CHECK(*c.get("time_wait") == "30s");
  CHECK(c.set("nagle", "false"));
  CHECK(*c.get("nagle") == "false");
  auto bad = c.set("mss", "20");
  CHECK_FALSE(bad);
  CHECK(bad.error() == "mss must be between 88 and 65495");
  CHECK(c.mss == 1460);
  CHECK(c.set("rto_min", "-5s").error() == "expected a duration like \"10ms\", got -5s");
  CHECK(c.set("colour", "blue").error() == "unknown TCP parameter \"colour\"");
  CHECK(c.set("congestion_control", "bbr").error() == "expected newreno or cubic, got bbr");
  for (const auto& p : TcpConfig::params()) CHECK(c.get(p.name));
}
