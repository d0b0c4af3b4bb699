// Every example, run and exported: tcpdump reads our pcap back as exactly our text's packet
// lines, and tshark finds every packet well formed with valid checksums. Skipped (with a
// message) where tcpdump or tshark is not installed.
#include <unistd.h>

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "scenario/scenario.h"
#include "trace/pcap.h"
#include "trace/tcpdump_text.h"

using namespace tcpplay;
namespace fs = std::filesystem;

namespace {
std::string run_command(const std::string& cmd) {
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return out;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, f)) out += buf;
  pclose(f);
  return out;
}
std::vector<std::string> packet_lines(const std::string& text) {
  // From "IP " on, as the shared pcap-check tool compares them.
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto pos = line.find(" IP ");
    if (line.rfind("IP ", 0) == 0) out.push_back(line);
    else if (pos != std::string::npos) out.push_back(line.substr(pos + 1));
  }
  return out;
}
bool have(const char* tool) { return fs::exists(std::string("/usr/bin/") + tool); }
}  // namespace

TEST_CASE(
    "examples: pcap read back by tcpdump equals our text, and tshark finds no malformed packet") {
  if (!have("tcpdump") || !have("tshark")) {
    MESSAGE("tcpdump or tshark not installed: skipped");
    return;
  }
  const fs::path dir = fs::path(TCPPLAY_SOURCE_DIR) / "examples";
  // Per process: two checkouts running their suites at once must not share the files.
  const fs::path tmp =
      fs::temp_directory_path() / ("tcpplay-examples-capture-" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const fs::path p = entry.path();
    if (p.extension() != ".json") continue;
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    LoadResult r = Scenario::load(ss.str());
    REQUIRE_MESSAGE(r.ok(), p.filename().string() << ": " << r.error_text());
    ScenarioRunner runner(std::move(*r.scenario));
    runner.run();
    const std::vector<std::uint8_t> pcap = export_pcap(runner.sim().trace());
    const fs::path file = tmp / (p.stem().string() + ".pcap");
    std::ofstream(file, std::ios::binary)
        .write(reinterpret_cast<const char*>(pcap.data()),
               static_cast<std::streamsize>(pcap.size()));
    const auto ours = packet_lines(export_tcpdump_text(runner.sim().trace()));
    const auto theirs =
        packet_lines(run_command("tcpdump -n -r '" + file.string() + "' 2>/dev/null"));
    INFO(p.filename().string());
    CHECK(ours == theirs);
    const std::string bad = run_command(
        "tshark -r '" + file.string() +
        "' -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE"
        " -Y '_ws.malformed || _ws.expert.severity == error || ip.checksum.status==0 ||"
        " tcp.checksum.status==0 || udp.checksum.status==0 || icmp.checksum.status==0' "
        "2>/dev/null");
    CHECK(bad == "");
    ++checked;
  }
  CHECK(checked >= 9);
  fs::remove_all(tmp);
}
