// The tcpplay command as a newcomer meets it: help, version, the lesson list, the lesson header
// of `run`, `validate --seed`, why a file cannot be read, the summary's counts, and payloads in
// the JSON Lines. Runs the built binary (TCPPLAY_CLI).
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

const fs::path kSource = TCPPLAY_SOURCE_DIR;

struct Cli {
  int exit_code = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Runs tcpplay with `args` (shell words), stdout and stderr apart.
Cli cli(const std::string& args) {
  static int counter = 0;
  const std::string base =
      "tcpplay_cli2_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  const fs::path out = fs::temp_directory_path() / (base + ".out");
  const fs::path err = fs::temp_directory_path() / (base + ".err");
  const std::string cmd = std::string("\"") + TCPPLAY_CLI + "\" " + args + " > \"" + out.string() +
                          "\" 2> \"" + err.string() + "\"";
  const int status = std::system(cmd.c_str());
  Cli r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  fs::remove(out);
  fs::remove(err);
  return r;
}

std::string example(const std::string& name) {
  return "\"" + (kSource / "examples" / name).string() + "\"";
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("cli: --help, COMMAND --help and --version") {
  Cli r = cli("--help");
  CHECK(r.exit_code == 0);
  CHECK(has(r.out, "tcpplay lessons"));
  CHECK(has(r.out, "tcpplay validate SCENARIO.json"));
  CHECK(has(r.out, "--version"));

  r = cli("run --help");
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("usage: tcpplay run", 0) == 0);
  CHECK(has(r.out, "--jsonl-payload"));
  CHECK(cli("help run").out == r.out);

  r = cli("validate --help");
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("usage: tcpplay validate", 0) == 0);
  CHECK(has(r.out, "--seed N"));

  r = cli("lessons --help");
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("usage: tcpplay lessons", 0) == 0);

  r = cli("--version");
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("tcpplay ", 0) == 0);
  CHECK(r.out.size() > 9);
  CHECK(std::isdigit(static_cast<unsigned char>(r.out[8])));

  r = cli("help frobnicate");
  CHECK(r.exit_code == 2);
  CHECK(has(r.err, "no command \"frobnicate\""));
}

TEST_CASE("cli: lessons lists every example with its id and title") {
  const Cli r = cli("lessons");
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  int files = 0;
  for (const auto& e : fs::directory_iterator(kSource / "examples"))
    if (e.path().extension() == ".json") ++files;
  // Columns: file, id, title.
  const std::size_t at = r.out.find("\n01-handshake.json ");
  REQUIRE(at != std::string::npos);
  const std::string line = r.out.substr(at + 1, r.out.find('\n', at + 1) - at - 1);
  CHECK(has(line, " handshake "));
  CHECK(has(line, "  The 3-way handshake and the 4-way teardown"));
  CHECK(has(r.out, "06-connect-timeout.json"));
  CHECK(has(r.out, std::to_string(files) + " lessons in "));
  // One header, one line per lesson and one closing line.
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == files + 2);

  CHECK(cli("lessons /nonexistent-dir-tcpplay").exit_code == 2);
  CHECK(has(cli("lessons /nonexistent-dir-tcpplay").err, "no such directory"));
}

TEST_CASE("cli: run prints the lesson's title, explanation and watch items as # lines first") {
  const Cli r = cli("run " + example("01-handshake.json") + " --until 2s");
  REQUIRE(r.exit_code == 0);
  std::istringstream lines(r.out);
  std::string line;
  REQUIRE(std::getline(lines, line));
  CHECK(line.rfind("# ", 0) == 0);
  CHECK(line.size() > 4);  // the title
  CHECK(has(r.out, "\n# Watch for:\n#   1. "));
  // Every header line starts with '#' and fits in 100 columns; the first packet line follows.
  std::istringstream again(r.out);
  int header = 0;
  while (std::getline(again, line) && !line.empty() && line[0] == '#') {
    CHECK(line.size() <= 100);
    ++header;
  }
  CHECK(header > 5);
  CHECK(line.rfind("00:00:00", 0) == 0);

  // --format summary and json print no header.
  CHECK(cli("run " + example("01-handshake.json") + " --format summary").out.rfind("==", 0) == 0);
}

TEST_CASE("cli: the summary says what its two event counts are") {
  const Cli r = cli("run " + example("01-handshake.json") + " --format summary");
  REQUIRE(r.exit_code == 0);
  CHECK(has(r.out, " run by the scheduler (timers, packet arrivals, scenario actions), "));
  CHECK(has(r.out, " in the trace (packets sent, received and dropped"));
}

TEST_CASE("cli: validate takes --seed as run does") {
  Cli r = cli("validate " + example("01-handshake.json") + " --seed 7");
  CHECK(r.exit_code == 0);
  CHECK(r.out == "ok\n");
  r = cli("validate " + example("01-handshake.json") + " --seed=x");
  CHECK(r.exit_code == 2);
  CHECK(has(r.err, "--seed: expected a non-negative integer, got \"x\""));
  r = cli("validate " + example("01-handshake.json") + " --until 5s");
  CHECK(r.exit_code == 2);
  CHECK(has(r.err, "validate takes only --seed and --set, not \"--until\""));
}

TEST_CASE("cli: cannot read a scenario says why") {
  Cli r = cli("run /nonexistent/tcpplay-scenario.json");
  CHECK(r.exit_code == 2);
  CHECK(has(r.err, "cannot read /nonexistent/tcpplay-scenario.json: no such file"));

  r = cli("validate \"" + (kSource / "examples").string() + "\"");
  CHECK(r.exit_code == 2);
  CHECK(has(r.err, ": is a directory"));

  if (::geteuid() != 0) {  // root reads any file
    const fs::path p =
        fs::temp_directory_path() / ("tcpplay_cli2_noperm_" + std::to_string(::getpid()) + ".json");
    std::ofstream(p) << "{}";
    ::chmod(p.c_str(), 0);
    r = cli("validate \"" + p.string() + "\"");
    CHECK(r.exit_code == 2);
    CHECK(has(r.err, ": permission denied"));
    fs::remove(p);
  }
}

TEST_CASE("cli: --jsonl-payload puts each packet's payload in the JSON Lines") {
  // Lesson 10's ALB answers 504: the status line is in the trace alone.
  Cli r = cli("run " + example("10-alb-idle-504.json") + " --format json --jsonl-payload text");
  REQUIRE(r.exit_code == 0);
  CHECK(has(r.out, "\"payload\":\"HTTP/1.1 504 Gateway Time"));
  CHECK(has(r.out, "\\r\\n"));
  CHECK(has(r.out, "\"payload\":\"\"}"));  // a segment without data

  r = cli("run " + example("10-alb-idle-504.json") + " --format json --jsonl-payload hex");
  REQUIRE(r.exit_code == 0);
  CHECK(has(r.out, "\"payload\":\"485454502f312e3120353034"));  // "HTTP/1.1 504"

  // Without the option there is no payload (the default JSON Lines stay as they were).
  r = cli("run " + example("10-alb-idle-504.json") + " --format json");
  CHECK_FALSE(has(r.out, "\"payload\""));

  const fs::path f =
      fs::temp_directory_path() / ("tcpplay_cli2_" + std::to_string(::getpid()) + ".jsonl");
  r = cli("run " + example("10-alb-idle-504.json") + " --format summary --jsonl \"" + f.string() +
          "\" --jsonl-payload=text");
  CHECK(r.exit_code == 0);
  CHECK(has(slurp(f), "HTTP/1.1 504"));
  fs::remove(f);

  r = cli("run " + example("10-alb-idle-504.json") + " --jsonl-payload base64");
  CHECK(r.exit_code == 2);
  CHECK(has(r.err, "--jsonl-payload: expected text, hex or none, got \"base64\""));
}
