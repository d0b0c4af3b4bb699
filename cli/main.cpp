// The `tcpplay` command: run a scenario and print what happened on the wire, validate one, or
// list the lessons. Exit codes: 0 success, 2 bad input (arguments, unreadable file, invalid
// scenario), 1 internal error. Wall-clock time is read here only, for the progress line; the
// engine never reads it.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli_files.h"
#include "cli_help.h"
#include "cli_lessons.h"
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

struct Options {
  std::string command;
  std::string file;
  std::optional<SimTime> until;
  std::vector<Override> overrides;
  std::string pcap, jsonl;
  JsonlOptions jsonl_options;
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

/// The options validate takes; run takes them all.
bool validate_takes(const std::string& arg) {
  return is_option(arg, "--set") || is_option(arg, "--seed");
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
  } else if (is_option(a, "--jsonl-payload")) {
    const std::string v = option_value(args, i, "--jsonl-payload");
    const auto mode = parse_jsonl_payload(v);
    if (!mode) throw UsageError{"--jsonl-payload: expected text, hex or none, got \"" + v + "\""};
    o.jsonl_options.payload = *mode;
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
  o.command = args[0];
  if (o.command != "run" && o.command != "validate")
    throw UsageError{"unknown command \"" + o.command + "\""};
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() > 2 && a.rfind("--", 0) == 0) {
      if (o.command == "validate" && !validate_takes(a))
        throw UsageError{"validate takes only --seed and --set, not \"" + a + "\""};
      parse_option(args, i, o);
    } else if (o.file.empty()) {
      o.file = a;
    } else {
      throw UsageError{"unexpected argument \"" + a + "\""};
    }
  }
  if (o.file.empty()) throw UsageError{o.command + ": missing SCENARIO.json"};
  return o;
}

/// Loads with overrides; prints the errors and returns nullopt when the scenario is invalid.
std::optional<Scenario> load(const Options& o, int& exit_code) {
  const cli::ReadResult text = cli::read_input(o.file);
  if (!text.ok) {
    std::cerr << "tcpplay: " << text.error << "\n";
    exit_code = kBadInput;
    return std::nullopt;
  }
  LoadResult r = Scenario::load(text.data, o.overrides);
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
    const std::string err =
        cli::write_output(o.pcap, reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (!err.empty()) {
      std::cerr << "tcpplay: " << err << "\n";
      return kBadInput;
    }
  }
  if (!o.jsonl.empty()) {
    const std::string text = export_jsonl(trace, o.jsonl_options);
    const std::string err = cli::write_output(o.jsonl, text.data(), text.size());
    if (!err.empty()) {
      std::cerr << "tcpplay: " << err << "\n";
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
  const std::string header = cli::lesson_header(*scenario);
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
    std::cout << export_jsonl(trace, o.jsonl_options);
  } else {
    if (o.format == "tcpdump") {
      TextExportOptions text_options;
      text_options.annotations = true;
      std::cout << header << export_tcpdump_text(trace, text_options) << "\n";
    }
    std::cout << format_summary(summarize(runner));
  }
  std::cout.flush();
  return std::cout ? kOk : kInternal;
}

bool is_help(const std::string& a) { return a == "--help" || a == "-h" || a == "help"; }

int usage_error(const std::string& message, const std::string& command) {
  std::cerr << "tcpplay: " << message << "\n(see tcpplay " << (command.empty() ? "" : command + " ")
            << "--help)\n";
  return kBadInput;
}

int cmd_lessons(const std::vector<std::string>& args) {
  if (args.size() > 2) return usage_error("lessons takes at most one folder", "lessons");
  const std::string dir = args.size() == 2 ? args[1] : cli::default_lessons_dir();
  return cli::list_lessons(dir, std::cout, std::cerr);
}

int run_cli(const std::vector<std::string>& args) {
  if (args.empty()) return usage_error("missing command", "");
  if (args[0] == "--version" || args[0] == "-V" || args[0] == "version") {
    std::cout << "tcpplay " << cli::version() << "\n";
    return kOk;
  }
  if (is_help(args[0])) {
    // "tcpplay help run" as well as "tcpplay run --help".
    const char* text = args.size() > 1 ? cli::command_help(args[1]) : cli::general_help();
    if (!text) return usage_error("no command \"" + args[1] + "\"", "");
    std::cout << text;
    return kOk;
  }
  if (const char* text = cli::command_help(args[0])) {
    for (std::size_t i = 1; i < args.size(); ++i)
      if (args[i] == "--help" || args[i] == "-h") {
        std::cout << text;
        return kOk;
      }
  }
  if (args[0] == "lessons") return cmd_lessons(args);
  Options o;
  try {
    o = parse_args(args);
  } catch (const UsageError& e) {
    return usage_error(e.message, cli::command_help(args[0]) ? args[0] : "");
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
