// Playground::packet_bytes() and packet_fields(): a packet of the trace by id, as the pcap's
// bytes and as JSON fields; errors that say whether an id never existed or was dropped.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "api/playground.h"
#include "wire/packet.h"

using namespace tcpplay;
using NJson = nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string handshake() {
  std::ifstream in(fs::path(TCPPLAY_SOURCE_DIR) / "examples" / "01-handshake.json",
                   std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const PlaygroundError& e) {
    return e.what();
  }
  return "";
}

const NJson* find_field(const NJson& fields, const std::string& name) {
  for (const NJson& f : fields) {
    if (f["name"] == name) return &f;
    if (f.contains("fields"))
      if (const NJson* c = find_field(f["fields"], name)) return c;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("api: packet_bytes and packet_fields of the handshake's SYN") {
  Playground p;
  CHECK(error_of([&] { p.packet_bytes(1); }) == "no scenario loaded (call load() first)");
  REQUIRE(p.load(handshake()) == "[]");
  CHECK(error_of([&] { p.packet_bytes(1); }) == "no packet 1: none was sent yet");
  p.run_until(p.duration());
  const std::vector<std::uint8_t> bytes = p.packet_bytes(1);
  Result<Packet> parsed = parse(bytes);
  REQUIRE(parsed);
  CHECK(parsed->tcp.flags == tcp_flag::syn);
  // The pcap's first record is the same bytes (24-byte file header, 16-byte record header).
  const std::vector<std::uint8_t> pcap = p.pcap();
  CHECK(std::vector<std::uint8_t>(pcap.begin() + 40,
                                  pcap.begin() + 40 + static_cast<std::ptrdiff_t>(bytes.size())) ==
        bytes);

  const NJson j = NJson::parse(p.packet_fields(1));
  CHECK(j["id"] == 1);
  CHECK(j["length"] == bytes.size());
  CHECK_FALSE(j.contains("error"));
  REQUIRE(j["layers"].size() == 2);
  const NJson& tcp = j["layers"][1];
  CHECK(tcp["name"] == "tcp");
  CHECK(tcp["offset"] == 20);
  const NJson* syn = find_field(tcp["fields"], "tcp.flags.syn");
  REQUIRE(syn);
  CHECK((*syn)["number"] == 1);
  CHECK((*syn)["mask"] == 2);
  CHECK((*syn)["offset"] == 33);
  const NJson* checksum = find_field(tcp["fields"], "tcp.checksum");
  CHECK((*checksum)["valid"] == true);
  CHECK((*checksum)["computed"] == (*checksum)["number"]);
  const NJson& mss = tcp["options"][0];
  CHECK(mss["name"] == "mss");
  CHECK(mss["kind"] == 2);
  CHECK(mss["offset"] == 40);
  CHECK(mss["length"] == 4);
  CHECK(mss["mss"] == 1460);
  const NJson* mss_val = find_field(tcp["fields"], "tcp.options.mss_val");
  CHECK((*mss_val)["offset"] == 42);
  CHECK((bytes[42] << 8 | bytes[43]) == 1460);
}

TEST_CASE("api: packet ids never assigned, and ids that retention dropped") {
  Playground p;
  REQUIRE(p.load(handshake()) == "[]");
  p.run_until(p.duration());
  const std::string last = error_of([&] { p.packet_bytes(99999); });
  CHECK(last.rfind("no packet 99999: ids run from 1 to ", 0) == 0);
  CHECK(error_of([&] { p.packet_fields(0); }).rfind("no packet 0: ids run from 1 to ", 0) == 0);

  NJson doc = NJson::parse(handshake());
  doc["trace"] = {{"max_events", 4}};
  doc.erase("watch");  // its lesson points come after the last packet and would fill the four
  REQUIRE(p.load(doc.dump()) == "[]");
  p.run_until(p.duration());
  const std::string dropped = error_of([&] { p.packet_fields(1); });
  CHECK(dropped.rfind("packet 1 is no longer retained (the trace keeps packets from id ", 0) == 0);
  const std::string n = last.substr(last.rfind(' ') + 1);
  CHECK_NOTHROW(p.packet_fields(std::stoull(n)));  // the newest is kept
}
