// The scenario language of issue 23, part A: fixed ISNs, sequence numbers relative to the ISNs in
// crafted segments, reactions ("when": actions that run when something happens) and the format's
// `version`. Each with its errors.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "core/duration.h"
#include "json/json.h"
#include "scenario/scenario.h"
#include "tcp/tcp_connection.h"
#include "tcp/tcp_stack.h"
#include "trace/tcpdump_text.h"
#include "wire/tcp_header.h"

using namespace tcpplay;

namespace {

/// Two hosts on one 10 ms link, timestamps off (their values come from the seed too);
/// `hosts_extra` goes into the client's and server's objects, `timeline` is spliced in.
std::string scenario(const std::string& timeline, std::uint64_t seed = 1,
                     const std::string& client_extra = "", const std::string& server_extra = "",
                     const std::string& top_extra = "") {
  return R"({"duration": "5s", "seed": )" + std::to_string(seed) + ", " + top_extra +
         R"("tcp": {"params": {"timestamps": false}},
    "hosts": [{"name": "client", "addr": "10.0.0.1")" +
         client_extra + R"(}, {"name": "server", "addr": "10.0.0.2")" + server_extra + R"(}],
    "links": [{"name": "lan", "a": "client", "b": "server", "delay": "10ms"}],
    "timeline": )" +
         timeline + "}";
}

LoadResult load(const std::string& text) { return Scenario::load(text); }

std::unique_ptr<ScenarioRunner> run(const std::string& text, bool to_end = true) {
  LoadResult r = Scenario::load(text);
  INFO(r.error_text());
  REQUIRE(r.ok());
  auto runner = std::make_unique<ScenarioRunner>(std::move(*r.scenario));
  if (to_end) runner->run();
  return runner;
}

bool has_error(const LoadResult& r, const std::string& text) {
  return std::any_of(r.errors.begin(), r.errors.end(),
                     [&](const ScenarioError& e) { return e.text() == text; });
}

struct Seg {
  SimTime t;
  std::string host;
  std::uint16_t flags;
  std::uint32_t seq, ack, len;
  Packet p;
};

std::vector<Seg> segments(ScenarioRunner& r) {
  std::vector<Seg> out;
  const Trace& t = r.sim().trace();
  for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i) {
    const TraceEvent e = t.at(i);
    if (e.kind != TraceKind::packet_sent) continue;
    const std::optional<Packet> p = t.packet(e.packet_id);
    if (!p || !p->is_tcp()) continue;
    out.push_back({e.time, t.host_names[static_cast<std::size_t>(e.host)], p->tcp.flags, p->tcp.seq,
                   p->tcp.ack, p->payload.size(), *p});
  }
  return out;
}

/// The trace's segments with seq and ack relative to each direction's ISN (from the SYNs), as
/// tcpdump prints them: what a test written with relative numbers means, whatever the seed.
std::vector<std::string> relative_trace(ScenarioRunner& r) {
  std::map<std::string, std::uint32_t> isn;  // sending host -> its ISN
  for (const Seg& s : segments(r))
    if ((s.flags & tcp_flag::syn) && !isn.count(s.host)) isn[s.host] = s.seq;
  std::vector<std::string> out;
  for (const Seg& s : segments(r)) {
    const std::string other = s.host == "client" ? "server" : "client";
    const auto rel = [&](std::uint32_t v, const std::string& h) {
      return isn.count(h) ? std::to_string(static_cast<std::int32_t>(v - isn[h]))
                          : "abs" + std::to_string(v);
    };
    out.push_back(format_duration(s.t) + " " + s.host + " [" + tcp_flags_string(s.flags) +
                  "] seq " + rel(s.seq, s.host) + " ack " +
                  ((s.flags & tcp_flag::ack) ? rel(s.ack, other) : "-") + " len " +
                  std::to_string(s.len));
  }
  return out;
}

std::vector<std::string> notes_and_apps(ScenarioRunner& r) {
  std::vector<std::string> out;
  const Trace& t = r.sim().trace();
  for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i) {
    const TraceEvent e = t.at(i);
    if (e.kind == TraceKind::note || e.kind == TraceKind::app)
      out.push_back(format_duration(e.time) + " " + e.name + ": " + e.detail);
  }
  return out;
}

bool any_contains(const std::vector<std::string>& v, const std::string& needle) {
  return std::any_of(v.begin(), v.end(),
                     [&](const std::string& s) { return s.find(needle) != std::string::npos; });
}

/// "FROM->TO@time" of the connection named `socket`.
std::vector<std::string> states(ScenarioRunner& r, const std::string& socket) {
  std::vector<std::string> out;
  const Trace& t = r.sim().trace();
  for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i) {
    const TraceEvent e = t.at(i);
    if (e.kind == TraceKind::state_change && e.conn >= 0 && r.socket_name(e.conn) == socket)
      out.push_back(std::string(e.from) + "->" + e.to + "@" + format_duration(e.time));
  }
  return out;
}

const char* const kHandshake = R"(
    {"at": "0s", "do": "listen", "host": "server", "port": 80, "name": "srv"},
    {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 80, "src_port": 40000, "name": "c1"})";

}  // namespace

// --- version ----------------------------------------------------------------------------------

TEST_CASE("scenario language: version 1 or none loads; a newer one is an error naming /version") {
  CHECK(load(scenario("[]")).ok());
  CHECK(load(scenario("[]", 1, "", "", R"("version": 1, )")).ok());
  const LoadResult newer = load(scenario("[]", 1, "", "", R"("version": 2, )"));
  CHECK_FALSE(newer.ok());
  CHECK(has_error(newer,
                  "/version: this scenario is written for version 2 of the scenario format, and "
                  "this engine reads versions up to 1 (a newer tcpplay is needed)"));
  const LoadResult text = load(scenario("[]", 1, "", "", R"("version": "1", )"));
  CHECK(has_error(text, "/version: expected the format version 1, got \"1\""));
  CHECK(has_error(load(scenario("[]", 1, "", "", R"("version": 0, )")),
                  "/version: expected the format version 1, got 0"));
}

// --- fixed ISNs -------------------------------------------------------------------------------

TEST_CASE("scenario language: a fixed ISN on the host, the scenario, connect or listen") {
  SUBCASE("per host: every connection of the host starts there, whatever the seed") {
    for (std::uint64_t seed : {1, 2}) {
      auto r = run(scenario("[" + std::string(kHandshake) + "]", seed, R"(, "tcp": {"isn": 1000})",
                            R"(, "tcp": {"isn": 4294967295})"));
      const auto segs = segments(*r);
      REQUIRE(segs.size() >= 3);
      CHECK(segs[0].seq == 1000u);        // the client's SYN
      CHECK(segs[1].seq == 4294967295u);  // the server's SYN-ACK
      CHECK(segs[1].ack == 1001u);
      CHECK(segs[2].ack == 0u);  // the ACK of ISS 2^32-1: its SYN wraps to 0
      CHECK(states(*r, "c1").back() == "SYN_SENT->ESTABLISHED@1020ms");
    }
  }
  SUBCASE("scenario-wide: every host's connections") {
    std::string text = scenario("[" + std::string(kHandshake) + "]");
    text.replace(text.find(R"("tcp": {)"), 8, R"("tcp": {"isn": 123, )");
    const auto segs = segments(*run(text));
    REQUIRE(segs.size() >= 2);
    CHECK(segs[0].seq == 123u);
    CHECK(segs[1].seq == 123u);
  }
  SUBCASE("connect's and listen's own win over the host's") {
    auto r = run(scenario(R"([
      {"at": "0s", "do": "listen", "host": "server", "port": 80, "name": "srv", "isn": 7},
      {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 80, "name": "c1", "isn": 0},
      {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 80, "name": "c2"}])",
                          1, R"(, "tcp": {"isn": 123})", R"(, "tcp": {"isn": 99})"));
    std::vector<std::uint32_t> syn, synack;
    for (const Seg& s : segments(*r)) {
      if (s.flags == tcp_flag::syn) syn.push_back(s.seq);
      if (s.flags == (tcp_flag::syn | tcp_flag::ack)) synack.push_back(s.seq);
    }
    CHECK(syn == std::vector<std::uint32_t>{0, 123});
    CHECK(synack == std::vector<std::uint32_t>{7, 7});  // the listener's, not the host's 99
  }
  SUBCASE("fixing one connection's ISN leaves the others' seeded numbers as they were") {
    const std::string two = R"([
      {"at": "0s", "do": "listen", "host": "server", "port": 80, "name": "srv"},
      {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 80, "name": "c1"ISN},
      {"at": "2s", "do": "connect", "host": "client", "to": "server", "port": 80, "name": "c2"}])";
    std::string fixed = two;
    fixed.replace(fixed.find("ISN"), 3, R"(, "isn": 5)");
    std::string seeded = two;
    seeded.replace(seeded.find("ISN"), 3, "");
    const auto syns = [](const std::vector<Seg>& segs) {
      std::vector<std::uint32_t> out;  // c1's SYN, srv.1's SYN-ACK, c2's SYN, srv.2's SYN-ACK
      for (const Seg& s : segs)
        if (s.flags & tcp_flag::syn) out.push_back(s.seq);
      return out;
    };
    const auto a = syns(segments(*run(scenario(seeded))));
    const auto b = syns(segments(*run(scenario(fixed))));
    REQUIRE(a.size() == 4);
    REQUIRE(b.size() == 4);
    CHECK(a[0] != 5u);
    CHECK(b[0] == 5u);
    CHECK(a[1] == b[1]);
    CHECK(a[2] == b[2]);
    CHECK(a[3] == b[3]);
  }
}

TEST_CASE("scenario language: ISN errors name their field") {
  const LoadResult r = load(scenario(R"([
      {"at": "0s", "do": "listen", "host": "server", "port": 80, "isn": -1},
      {"at": "1s", "do": "connect", "host": "client", "to": "server", "port": 80, "name": "c1", "isn": 4294967296}])",
                                     1, R"(, "tcp": {"isn": "random"})"));
  CHECK(has_error(
      r, "/hosts/0/tcp/isn: expected an integer between 0 and 4294967295, got \"random\""));
  CHECK(has_error(r, "/timeline/0/isn: expected an integer between 0 and 4294967295, got -1"));
  CHECK(has_error(r,
                  "/timeline/1/isn: expected an integer between 0 and 4294967295, got 4294967296"));
}

// --- relative sequence numbers in inject --------------------------------------------------------

TEST_CASE("scenario language: inject with relative seq and ack means the same under every seed") {
  // After the handshake the client's side injects a RST at the server's RCV.NXT ("+1": ISN + 1,
  // no data sent), then a data segment and an ACK with a SACK block, all relative.
  const std::string timeline = "[" + std::string(kHandshake) + R"(,
    {"at": "2s", "do": "send", "socket": "srv.1", "text": "0123456789"},
    {"at": "3s", "do": "inject", "host": "client", "to": "server", "src_port": 40000, "dst_port": 80,
     "flags": "A", "seq": "+1", "ack": "+1",
     "options": [{"kind": "nop"}, {"kind": "nop"}, {"kind": "sack", "blocks": [["+3", "+5"]]}]},
    {"at": "4s", "do": "inject", "host": "client", "to": "server", "src_port": 40000, "dst_port": 80,
     "flags": "R", "seq": "+1"}])";
  std::vector<std::string> traces[2];
  std::uint32_t client_isn[2] = {0, 0};
  for (int k = 0; k < 2; ++k) {
    auto r = run(scenario(timeline, k == 0 ? 1 : 77));
    traces[k] = relative_trace(*r);
    client_isn[k] = segments(*r)[0].seq;
    // The crafted ACK's SACK block, relative to the server's ISN (the data's sender).
    const auto segs = segments(*r);
    const auto crafted = std::find_if(segs.begin(), segs.end(), [](const Seg& s) {
      return s.t == 3 * kSecond && s.host == "client";
    });
    REQUIRE(crafted != segs.end());
    const auto opts = decode_tcp_options(crafted->p.tcp.options);
    REQUIRE(opts);
    REQUIRE(opts->sack_count == 1);
    const std::uint32_t server_isn = segs[1].seq;
    CHECK(opts->sack[0].left - server_isn == 3u);
    CHECK(opts->sack[0].right - server_isn == 5u);
    CHECK(states(*r, "srv.1").back() == "ESTABLISHED->CLOSED@4010ms");
    CHECK(any_contains(notes_and_apps(*r), "(relative: seq +1, ack +1)"));
  }
  CHECK(client_isn[0] != client_isn[1]);  // the seeds do differ...
  CHECK(traces[0] == traces[1]);          // ...and the relative traces do not
  CHECK(any_contains(traces[0], "4s client [R] seq 1 ack - len 0"));
}

TEST_CASE("scenario language: relative numbers from a manual host, as packetdrill writes them") {
  // The client is a script: its TCP is silent, it sends a SYN with ISN 0 and answers the
  // server's SYN-ACK with "ack +1" (the server's ISN, learned from the receiver's connection).
  for (std::uint64_t seed : {3, 4}) {
    auto r = run(scenario(R"([
      {"at": "0s", "do": "listen", "host": "server", "port": 80, "name": "srv"},
      {"at": "1s", "do": "inject", "host": "client", "to": "server", "src_port": 40000, "dst_port": 80,
       "flags": "S", "seq": 0},
      {"at": "2s", "do": "inject", "host": "client", "to": "server", "src_port": 40000, "dst_port": 80,
       "flags": ".", "seq": "+1", "ack": "+1"},
      {"at": "3s", "do": "inject", "host": "client", "to": "server", "src_port": 40000, "dst_port": 80,
       "flags": "P.", "seq": "+1", "ack": "+1", "payload": "hi"}])",
                          seed, R"(, "manual": true)"));
    CHECK(states(*r, "srv.1").back() == "SYN_RECEIVED->ESTABLISHED@2010ms");
    CHECK(any_contains(notes_and_apps(*r), "srv.1: received 2 bytes \"hi\""));
  }
}

TEST_CASE("scenario language: relative number errors name the field") {
  SUBCASE("at load time: the form") {
    const LoadResult r = load(scenario(R"([
      {"at": "1s", "do": "inject", "host": "client", "to": "server", "src_port": 1, "dst_port": 2,
       "flags": "S", "seq": "1", "ack": "+x",
       "options": [{"kind": "sack", "blocks": [["+1", "2147483648+"]]}]},
      {"at": "1s", "do": "inject", "host": "client", "to": "server", "src_port": 1, "dst_port": 2,
       "flags": "S", "seq": "+2147483648"}])"));
    const std::string form =
        ": expected a sequence number (0 to 4294967295) or one relative to the ISN with its sign, "
        "like \"+1\" (at most \"+2147483647\" either way), got ";
    CHECK(has_error(r, "/timeline/0/seq" + form + "\"1\""));
    CHECK(has_error(r, "/timeline/0/ack" + form + "\"+x\""));
    CHECK(has_error(r, "/timeline/0/options/0/blocks/0/1" + form + "\"2147483648+\""));
    CHECK(has_error(r, "/timeline/1/seq" + form + "\"+2147483648\""));
  }
  SUBCASE("at run time: no connection to be relative to (a note, and an error for a live action)") {
    const std::string inject = R"({"at": "1s", "do": "inject", "host": "client", "to": "server",
       "src_port": 40000, "dst_port": 80, "flags": "R", "seq": "+1"})";
    auto r = run(scenario("[" + inject + "]"));
    CHECK(any_contains(notes_and_apps(*r),
                       "inject: \"seq\" is relative to the sender's ISN, but no connection on "
                       "10.0.0.1:40000 > 10.0.0.2:80 knows it"));
    CHECK(segments(*r).empty());
    // In SYN_SENT the client's connection knows its own ISN but not the server's: "ack" fails.
    auto live = run(scenario(R"([{"at": "0s", "do": "connect", "host": "client", "to": "10.9.9.9",
                                  "port": 80, "src_port": 40000, "name": "c1"}])"),
                    false);
    live->run_until(kSecond);
    std::vector<ScenarioError> errors;
    const Status st = live->apply_action_text(
        R"({"do": "inject", "host": "client", "to": "10.9.9.9", "src_port": 40000, "dst_port": 80,
            "flags": "A", "seq": "+1", "ack": "+1"})",
        &errors);
    CHECK_FALSE(st);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].path == "/timeline/1");
    CHECK(errors[0].message.find("inject: \"ack\" is relative to the receiver's ISN") == 0);
    CHECK(live->live_action_count() == 0);  // nothing recorded
  }
}

// --- reactions ----------------------------------------------------------------------------------

TEST_CASE("scenario language: a reaction answers the SYN-ACK with an RST") {
  // packetdrill's way: the client is the script (manual), sends a SYN, and when the server's
  // SYN-ACK comes in, answers it with RST at seq "+1". No time in the file but the SYN's.
  for (std::uint64_t seed : {1, 9}) {
    auto r = run(scenario(R"([
      {"at": "0s", "do": "listen", "host": "server", "port": 80, "name": "srv"},
      {"at": "1s", "do": "inject", "host": "client", "to": "server", "src_port": 40000, "dst_port": 80,
       "flags": "S", "seq": 100},
      {"when": {"event": "drop", "host": "client", "reason": "manual_mode", "flags": "S."},
       "do": "inject", "host": "client", "to": "server", "src_port": 40000, "dst_port": 80,
       "flags": "R", "seq": "+1"}])",
                          seed, R"(, "manual": true)"));
    const auto segs = segments(*r);
    REQUIRE(segs.size() == 3);
    CHECK(segs[1].flags == (tcp_flag::syn | tcp_flag::ack));
    CHECK(segs[2].flags == tcp_flag::rst);
    CHECK(segs[2].seq == 101u);
    CHECK(segs[2].t == segs[1].t + 10 * kMillisecond);  // when the SYN-ACK arrived
    const auto lines = notes_and_apps(*r);
    CHECK(any_contains(lines, "1020ms reaction: /timeline/2 fired: inject"));
    // The server's half-open connection went back to LISTEN (RFC 9293 §3.10.7.4, passive open).
    bool back_to_listen = false;
    const Trace& t = r->sim().trace();
    for (std::uint64_t i = t.first_index(); i < t.end_index(); ++i) {
      const TraceEvent e = t.at(i);
      if (e.kind == TraceKind::state_change && std::string(e.to) == "LISTEN" &&
          e.detail == "rcv RST")
        back_to_listen = e.time == 1030 * kMillisecond;
    }
    CHECK(back_to_listen);
  }
}

TEST_CASE("scenario language: a reaction replies once the request is in") {
  // The request comes in two pieces; the reply goes when all 18 bytes have reached the server's
  // application, not at the first piece.
  auto r = run(scenario("[" + std::string(kHandshake) + R"(,
    {"at": "2s", "do": "send", "socket": "c1", "text": "GET / HTTP/1.0\r\n"},
    {"at": "3s", "do": "send", "socket": "c1", "text": "\r\n"},
    {"when": {"event": "received", "socket": "srv.1", "bytes": 18},
     "do": "send", "socket": "srv.1", "text": "HTTP/1.0 200 OK\r\n\r\n"}])"));
  const auto lines = notes_and_apps(*r);
  CHECK(any_contains(lines, "3010ms reaction: /timeline/4 fired: send"));
  CHECK(any_contains(lines, "3010ms srv.1: send 19 bytes \"HTTP/1.0 200 OK\\r\\n\\r\\n\""));
  CHECK(any_contains(lines, "3020ms c1: received 19 bytes"));
  CHECK_FALSE(any_contains(lines, "2010ms reaction"));
}

TEST_CASE("scenario language: a reaction reads until end of stream and then closes") {
  auto r = run(scenario("[" + std::string(kHandshake) + R"(,
    {"at": "2s", "do": "send", "socket": "c1", "bytes": 3000},
    {"at": "2s", "do": "shutdown", "socket": "c1"},
    {"when": {"event": "peer_closed", "socket": "srv"}, "do": "close", "socket": "srv.1"}])"));
  const auto srv = states(*r, "srv.1");
  REQUIRE(srv.size() >= 3);
  // CLOSE_WAIT when the FIN arrives, LAST_ACK at that same instant (the reaction), then CLOSED.
  const std::string fin_time = srv[srv.size() - 3].substr(srv[srv.size() - 3].find('@'));
  CHECK(srv[srv.size() - 3].rfind("ESTABLISHED->CLOSE_WAIT@", 0) == 0);
  CHECK(srv[srv.size() - 2] == "CLOSE_WAIT->LAST_ACK" + fin_time);
  CHECK(srv.back().rfind("LAST_ACK->CLOSED@", 0) == 0);
  CHECK(states(*r, "c1").back().rfind("FIN_WAIT_2->TIME_WAIT@", 0) == 0);
}

TEST_CASE("scenario language: reactions run once by default, every time with repeat") {
  const std::string timeline = "[" + std::string(kHandshake) + R"(,
    {"at": "2s", "do": "send", "socket": "c1", "bytes": 4000},
    {"when": {"event": "packet", "from": "client", "len": 1460}, "do": "note", "text": "once"},
    {"when": {"event": "packet", "socket": "c1", "len": 1460}, "repeat": true, "do": "note", "text": "every"},
    {"when": {"event": "packet", "from": "client", "seq": "+1461"}, "do": "note", "text": "second segment"},
    {"when": {"event": "packet", "from": "client", "len": 1460, "nth": 2}, "do": "note", "text": "nth 2"},
    {"when": {"event": "state", "socket": "c1", "to": "ESTABLISHED"}, "do": "note", "text": "c1 up"},
    {"when": {"event": "received", "socket": "srv.1", "bytes": 1000}, "repeat": true, "do": "note", "text": "kB"},
    {"at": "3s", "when": {"event": "packet", "from": "client"}, "do": "note", "text": "armed late"}])";
  auto r = run(scenario(timeline));
  const auto lines = notes_and_apps(*r);
  const auto count = [&](const std::string& text) {
    return std::count_if(lines.begin(), lines.end(), [&](const std::string& l) {
      return l.size() >= text.size() && l.compare(l.size() - text.size(), text.size(), text) == 0 &&
             l.find(": " + text) != std::string::npos;
    });
  };
  CHECK(count("once") == 1);
  CHECK(count("every") == 2);  // 4000 bytes: 1460, 1460, 1080
  CHECK(count("second segment") == 1);
  CHECK(count("nth 2") == 1);
  CHECK(count("c1 up") == 1);
  CHECK(count("kB") == 4);          // 4000 bytes passes 1000, 2000, 3000 and 4000
  CHECK(count("armed late") == 0);  // nothing from the client after 3 s
  CHECK(any_contains(lines, "1020ms : c1 up"));
  // The note runs right after the event that fired it, at its time.
  CHECK(any_contains(lines, "2s : once"));
}

TEST_CASE("scenario language: reaction errors name their path") {
  const LoadResult r = load(scenario("[" + std::string(kHandshake) + R"(,
    {"when": {"event": "bogus"}, "do": "note", "text": "x"},
    {"when": {"event": "received", "socket": "nope", "bytes": 0}, "do": "note", "text": "x"},
    {"when": {"event": "state", "len": 5}, "do": "note", "text": "x"},
    {"at": "1s", "repeat": true, "do": "note", "text": "x"},
    {"when": {"event": "peer_closed", "socket": "c1"}, "repeat": true, "do": "connect",
     "host": "client", "to": "server", "port": 80, "name": "c9"},
    {"when": {"event": "packet", "seq": "5"}, "do": "note", "text": "x"},
    {"when": "soon", "do": "note", "text": "x"},
    {"do": "note", "text": "x"}])"));
  CHECK(has_error(r,
                  "/timeline/2/when/event: expected state, packet, drop, app, timer, note, "
                  "received or peer_closed, got \"bogus\""));
  CHECK(has_error(r, "/timeline/3/when/socket: unknown socket \"nope\""));
  CHECK(has_error(
      r, "/timeline/3/when/bytes: expected an integer between 1 and 1125899906842624, got 0"));
  CHECK(has_error(r, "/timeline/4/when/len: unknown key"));
  CHECK(has_error(r, "/timeline/5/repeat: \"repeat\" is for a reaction (with \"when\")"));
  CHECK(has_error(r,
                  "/timeline/6/repeat: a connect defines a socket name, which it can do once: "
                  "it cannot repeat"));
  CHECK(has_error(r,
                  "/timeline/7/when/seq: expected a sequence number (0 to 4294967295) or one "
                  "relative to the sender's ISN with its sign, like \"+1\", got \"5\""));
  CHECK(has_error(r, "/timeline/8/when: expected an object, got \"soon\""));
  CHECK(has_error(r, "/timeline/9: missing required key \"at\""));
}

TEST_CASE("scenario language: a live reaction is recorded and replays to the same trace") {
  const std::string text = scenario("[" + std::string(kHandshake) + R"(,
    {"at": "2s", "do": "send", "socket": "c1", "text": "bye"}])");
  auto live = run(text, false);
  live->run_until(1500 * kMillisecond);
  REQUIRE(live->apply_action_text(
      R"({"when": {"event": "received", "socket": "srv.1", "bytes": 3}, "do": "abort", "socket": "srv.1"})"));
  live->run();
  const auto srv = states(*live, "srv.1");
  CHECK(srv.back() == "ESTABLISHED->CLOSED@2010ms");
  auto replay = run(live->scenario_json());
  CHECK(relative_trace(*replay) == relative_trace(*live));
  CHECK(notes_and_apps(*replay) == notes_and_apps(*live));
}
