// The `tcpplay` command: run a scenario and print what happened on the wire, or validate one.
// Exit codes: 0 success, 2 bad input (arguments, unreadable file, invalid scenario), 1 internal
// error. Wall-clock time is read here only, for the progress line; the engine never reads it.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/duration.h"
#include "scenario/scenario.h"
#include "scenario/summary.h"
#include "trace/jsonl.h"
#include "trace/pcap.h"
#include "trace/tcpdump_text.h"

namespace tcpplay {
namespace {

constexpr int kOk = 0;
constexpr int kInternal = 1;
constexpr int kBadInput = 2;

const char* const kUsage = R"(usage:
  tcpplay run SCENARIO.json [options]    run a scenario and print its packets and a summary
  tcpplay validate SCENARIO.json [--set path=value ...]
                                         print "ok" or every problem as "path: message"
  tcpplay --help

options for run:
  --until DURATION        stop at this virtual time instead of the scenario's duration ("30s")
  --seed N                use this random seed (same as --set seed=N)
  --set PATH=VALUE        change the scenario before it is checked; PATH is a JSON pointer
                          (/links/0/loss) or dotted (links.0.loss); VALUE is JSON or a string
  --pcap FILE             also write the packets as a pcap capture
  --jsonl FILE            also write every trace event as JSON Lines
  --format FORMAT         what to print: tcpdump (default: packets, annotations, summary),
                          json (JSON Lines only) or summary

SCENARIO may be "-" for standard input. Exit codes: 0 ok, 2 bad input (including a run
stopped by a limit of the scenario's "limits"), 1 internal error.
)";

struct Options {
  std::string command;
  std::string file;
  std::optional<SimTime> until;
  std::vector<Override> overrides;
  std::string pcap, jsonl;
  std::string format = "tcpdump";
};

/// Bad command-line input: reported with a hint, exit code 2.
struct UsageError {
  std::string message;
};

/// Takes the value of `--name value` or `--name=value`.
std::string option_value(const std::vector<std::string>& args, std::size_t& i,
                         const std::string& name) {
  const std::string& a = args[i];
  if (a.size() > name.size() && a[name.size()] == '=') return a.substr(name.size() + 1);
  if (i + 1 >= args.size()) throw UsageError{name + " needs a value"};
  return args[++i];
}

bool is_option(const std::string& arg, const std::string& name) {
  return arg == name || arg.rfind(name + "=", 0) == 0;
}

void parse_option(const std::vector<std::string>& args, std::size_t& i, Options& o) {
  const std::string& a = args[i];
  if (is_option(a, "--until")) {
    const std::string v = option_value(args, i, "--until");
    o.until = parse_duration(v);
    if (!o.until) throw UsageError{"--until: expected a duration like \"30s\", got \"" + v + "\""};
  } else if (is_option(a, "--seed")) {
    const std::string v = option_value(args, i, "--seed");
    if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos)
      throw UsageError{"--seed: expected a non-negative integer, got \"" + v + "\""};
    o.overrides.push_back({"/seed", v});
  } else if (is_option(a, "--set")) {
    auto ov = parse_override(option_value(args, i, "--set"));
    if (!ov) throw UsageError{"--set: " + ov.error()};
    o.overrides.push_back(*ov);
  } else if (is_option(a, "--pcap")) {
    o.pcap = option_value(args, i, "--pcap");
  } else if (is_option(a, "--jsonl")) {
    o.jsonl = option_value(args, i, "--jsonl");
  } else if (is_option(a, "--format")) {
    o.format = option_value(args, i, "--format");
    if (o.format != "tcpdump" && o.format != "json" && o.format != "summary")
      throw UsageError{"--format: expected tcpdump, json or summary, got \"" + o.format + "\""};
  } else {
    throw UsageError{"unknown option \"" + a + "\""};
  }
}

Options parse_args(const std::vector<std::string>& args) {
  Options o;
  if (args.empty()) throw UsageError{"missing command"};
  o.command = args[0];
  if (o.command != "run" && o.command != "validate")
    throw UsageError{"unknown command \"" + o.command + "\""};
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() > 2 && a.rfind("--", 0) == 0) {
      parse_option(args, i, o);
      if (o.command == "validate" && !is_option(a, "--set"))
        throw UsageError{"validate takes only --set"};
    } else if (o.file.empty()) {
      o.file = a;
    } else {
      throw UsageError{"unexpected argument \"" + a + "\""};
    }
  }
  if (o.file.empty()) throw UsageError{o.command + ": missing SCENARIO.json"};
  return o;
}

std::optional<std::string> read_file(const std::string& path) {
  if (path == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return ss.str();
}

bool write_file(const std::string& path, const char* data, std::size_t size) {
  std::ofstream out(path, std::ios::binary);
  out.write(data, static_cast<std::streamsize>(size));
  return static_cast<bool>(out);
}

/// Loads with overrides; prints the errors and returns nullopt when the scenario is invalid.
std::optional<Scenario> load(const Options& o, int& exit_code) {
  const auto text = read_file(o.file);
  if (!text) {
    std::cerr << "tcpplay: cannot read " << o.file << "\n";
    exit_code = kBadInput;
    return std::nullopt;
  }
  LoadResult r = Scenario::load(*text, o.overrides);
  if (!r.ok()) {
    std::cerr << r.error_text();
    exit_code = kBadInput;
    return std::nullopt;
  }
  return std::move(*r.scenario);
}

std::string seconds_text(SimTime t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", static_cast<double>(t) / kSecond);
  return buf;
}

/// Runs to `end` in slices of virtual time, redrawing "  12.5s / 60s" at most every ~100 ms.
void run_with_progress(ScenarioRunner& runner, SimTime end) {
  if (!isatty(STDERR_FILENO)) {
    runner.run_until(end);
    return;
  }
  using Clock = std::chrono::steady_clock;
  const SimTime slice = std::max<SimTime>(end / 1000, kMillisecond);
  auto last = Clock::now();
  bool shown = false;
  do {
    runner.run_until(std::min(end, runner.now() + slice));
    const auto t = Clock::now();
    if (t - last >= std::chrono::milliseconds(100)) {
      std::fprintf(stderr, "\r  %s / %s", seconds_text(runner.now()).c_str(),
                   seconds_text(end).c_str());
      std::fflush(stderr);
      last = t;
      shown = true;
    }
  } while (runner.now() < end);
  if (shown) std::fprintf(stderr, "\r%40s\r", "");
}

int write_outputs(const Options& o, const Trace& trace) {
  if (!o.pcap.empty()) {
    const auto bytes = export_pcap(trace);
    if (!write_file(o.pcap, reinterpret_cast<const char*>(bytes.data()), bytes.size())) {
      std::cerr << "tcpplay: cannot write " << o.pcap << "\n";
      return kBadInput;
    }
  }
  if (!o.jsonl.empty()) {
    const std::string text = export_jsonl(trace);
    if (!write_file(o.jsonl, text.data(), text.size())) {
      std::cerr << "tcpplay: cannot write " << o.jsonl << "\n";
      return kBadInput;
    }
  }
  return kOk;
}

int cmd_validate(const Options& o) {
  int code = kOk;
  if (!load(o, code)) return code;
  std::cout << "ok\n";
  return kOk;
}

int cmd_run(const Options& o) {
  int code = kOk;
  auto scenario = load(o, code);
  if (!scenario) return code;
  ScenarioRunner runner(std::move(*scenario));
  try {
    run_with_progress(runner, o.until.value_or(runner.duration()));
  } catch (const RunLimitExceeded& e) {
    // The scenario asked for more than its limits allow: bad input, said as such.
    std::cerr << "tcpplay: " << e.what() << "\n";
    return kBadInput;
  }
  const Trace& trace = runner.sim().trace();
  if (int rc = write_outputs(o, trace); rc != kOk) return rc;
  if (o.format == "json") {
    std::cout << export_jsonl(trace);
  } else {
    if (o.format == "tcpdump") {
      TextExportOptions text_options;
      text_options.annotations = true;
      std::cout << export_tcpdump_text(trace, text_options) << "\n";
    }
    std::cout << format_summary(summarize(runner));
  }
  std::cout.flush();
  return std::cout ? kOk : kInternal;
}

int run_cli(const std::vector<std::string>& args) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) {
    std::cout << kUsage;
    return kOk;
  }
  Options o;
  try {
    o = parse_args(args);
  } catch (const UsageError& e) {
    std::cerr << "tcpplay: " << e.message << "\n(see tcpplay --help)\n";
    return kBadInput;
  }
  return o.command == "run" ? cmd_run(o) : cmd_validate(o);
}

}  // namespace
}  // namespace tcpplay

int main(int argc, char** argv) {
  try {
    return tcpplay::run_cli(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    std::cerr << "tcpplay: internal error: " << e.what() << "\n";
    return tcpplay::kInternal;
  } catch (...) {
    std::cerr << "tcpplay: internal error\n";
    return tcpplay::kInternal;
  }
}
