// udp_send with "hex" (issue 20's socket panel sends a datagram as text or hex): the bytes go
// out as given, the action replays, and a bad hex string is an error at "/.../hex".
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "api/playground.h"
#include "api_fixture.h"

using namespace tcpplay;
using NJson = nlohmann::json;

namespace {

using test::error_of;

constexpr const char* kTwoHosts = R"({
  "duration": "5s",
  "hosts": [{"name": "client", "addr": "10.0.0.1"}, {"name": "server", "addr": "10.0.0.2"}],
  "links": [{"name": "lan", "a": "client", "b": "server", "delay": "5ms"}],
  "timeline": [
    {"at": "0s", "do": "udp_bind", "host": "server", "port": 53, "name": "dns"},
    {"at": "0s", "do": "udp_bind", "host": "client", "port": 5000, "name": "u1"}
  ]
})";

}  // namespace

TEST_CASE("udp_send hex: the datagram carries exactly those bytes, and replays") {
  Playground p;
  REQUIRE(p.load(kTwoHosts) == "[]");
  p.run_until(kSecond);
  p.apply(R"({"do":"udp_send","socket":"u1","to":"server","port":53,"hex":"de ad BE ef 00"})");
  p.run_until(2 * kSecond);
  const NJson snap = NJson::parse(p.snapshot());
  for (const NJson& h : snap["hosts"])
    if (h["name"] == "server") CHECK(h["udp"][0]["bytes_received"] == 5);
  // The packet's last five bytes are the payload (packet ids start at 1).
  const std::vector<std::uint8_t> bytes = p.packet_bytes(1);
  REQUIRE(bytes.size() == 20 + 8 + 5);
  CHECK(std::vector<std::uint8_t>(bytes.end() - 5, bytes.end()) ==
        std::vector<std::uint8_t>{0xde, 0xad, 0xbe, 0xef, 0x00});
  Playground q;
  REQUIRE(q.load(p.scenario_json()) == "[]");
  q.run_until(2 * kSecond);
  CHECK(q.jsonl() == p.jsonl());
}

TEST_CASE(
    "udp_send hex: odd digits, a non-hex letter, or hex with text are errors naming the key") {
  Playground p;
  REQUIRE(p.load(kTwoHosts) == "[]");
  p.run_until(kSecond);
  const std::string odd = error_of(
      [&] { p.apply(R"({"do":"udp_send","socket":"u1","to":"server","port":53,"hex":"abc"})"); });
  CHECK(odd.find("/hex: expected hex digits") != std::string::npos);
  const std::string letter = error_of(
      [&] { p.apply(R"({"do":"udp_send","socket":"u1","to":"server","port":53,"hex":"zz"})"); });
  CHECK(letter.find("/hex: expected hex digits") != std::string::npos);
  const std::string both = error_of([&] {
    p.apply(R"({"do":"udp_send","socket":"u1","to":"server","port":53,"hex":"00","text":"a"})");
  });
  CHECK(both.find("give one of \"text\", \"hex\" or \"bytes\"") != std::string::npos);
  // An empty hex string is no datagram to send.
  CHECK_FALSE(error_of([&] {
                p.apply(R"({"do":"udp_send","socket":"u1","to":"server","port":53,"hex":""})");
              }).empty());
}
