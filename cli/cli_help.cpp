#include "cli_help.h"

#ifndef TCPPLAY_VERSION
#define TCPPLAY_VERSION "unknown"
#endif

namespace tcpplay::cli {

const char* version() { return TCPPLAY_VERSION; }

const char* general_help() {
  return R"(tcpplay: a deterministic TCP/UDP simulator; scenarios are JSON files (examples/).

usage:
  tcpplay run SCENARIO.json [options]       run a scenario: its packets as tcpdump prints them,
                                            what TCP did (# lines) and a summary
  tcpplay validate SCENARIO.json [options]  check a scenario: "ok" or every problem as
                                            "path: message"
  tcpplay lessons [DIR]                     list the lessons (examples/) with their ids and titles
  tcpplay --help | COMMAND --help           this text, or one command's options
  tcpplay --version                         the version

For example:
  tcpplay lessons
  tcpplay run examples/01-handshake.json
  tcpplay run examples/06-connect-timeout.json --seed 7 --jsonl out.jsonl --pcap out.pcap

Exit codes: 0 ok, 2 bad input (arguments, an unreadable file, an invalid scenario, a run
stopped by a limit of the scenario's "limits"), 1 internal error.
)";
}

namespace {

const char* const kRunHelp = R"(usage: tcpplay run SCENARIO.json [options]

Runs the scenario and prints, for a lesson, its title, explanation and what to watch as
"#" lines; then every packet as `tcpdump -n -r` prints it, with "#" lines for state changes,
timers, drops and application events; then a summary. SCENARIO may be "-" (standard input).

options:
  --until DURATION        stop at this virtual time instead of the scenario's duration ("30s")
  --seed N                use this random seed (same as --set seed=N)
  --set PATH=VALUE        change the scenario before it is checked; PATH is a JSON pointer
                          (/links/0/loss) or dotted (links.0.loss); VALUE is JSON or a string
  --pcap FILE             also write the packets as a pcap capture (open it in Wireshark)
  --jsonl FILE            also write every trace event as JSON Lines
  --jsonl-payload MODE    put each packet's payload in the JSON Lines: "text" (printable
                          ASCII, other bytes as \u escapes) or "hex"; default: none
  --format FORMAT         what to print: tcpdump (default: lesson, packets, annotations,
                          summary), json (JSON Lines only) or summary
  --help                  this text
)";

const char* const kValidateHelp = R"(usage: tcpplay validate SCENARIO.json [options]

Loads and checks the scenario without running it: prints "ok", or every problem as
"/json/path: message" and exits 2. SCENARIO may be "-" (standard input).

options:
  --seed N                check with this seed (same as --set seed=N), as run does
  --set PATH=VALUE        change the scenario before it is checked (see tcpplay run --help)
  --help                  this text
)";

const char* const kLessonsHelp = R"(usage: tcpplay lessons [DIR]

Lists the lessons in DIR (default: the examples/ folder of the source tree this tcpplay was
built from): one line each with its file, its id (the file name without its number: the
page's #lesson=ID) and its title.
)";

}  // namespace

const char* command_help(const std::string& command) {
  if (command == "run") return kRunHelp;
  if (command == "validate") return kValidateHelp;
  if (command == "lessons") return kLessonsHelp;
  return nullptr;
}

}  // namespace tcpplay::cli
