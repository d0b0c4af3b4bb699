// Playground::packet_bytes() and packet_fields(): one packet of the trace, by id, as bytes and
// as a dissection (engine/wire/dissect.h) for a packet inspector.
#include <exception>

#include "api/packet_json.h"
#include "api/playground.h"
#include "scenario/scenario.h"
#include "wire/dissect.h"

namespace tcpplay {

namespace {

/// The packet with `id`, or PlaygroundError saying whether it never existed or was dropped.
Packet stored_packet(const Trace& trace, std::uint64_t id) {
  const std::uint64_t first = trace.first_packet_id(), end = trace.end_packet_id();
  if (id >= 1 && id < first)
    throw PlaygroundError("packet " + std::to_string(id) +
                          " is no longer retained (the trace keeps packets from id " +
                          std::to_string(first) + " on)");
  if (id < 1 || id >= end)
    throw PlaygroundError(
        "no packet " + std::to_string(id) +
        (end > 1 ? ": ids run from 1 to " + std::to_string(end - 1) : ": none was sent yet"));
  std::optional<Packet> p = trace.packet(id);
  if (!p)
    throw PlaygroundError("internal error: packet " + std::to_string(id) +
                          " is missing from the trace");
  return std::move(*p);
}

/// The bytes pcap() writes for a packet (trace/pcap.cpp: lengths and checksums computed).
std::vector<std::uint8_t> wire_bytes(const Packet& p) {
  return serialize(p, SerializeMode::compute);
}

}  // namespace

std::vector<std::uint8_t> Playground::packet_bytes(std::uint64_t id) const {
  return wire_bytes(stored_packet(runner().sim().trace(), id));
}

std::string Playground::packet_fields(std::uint64_t id) const {
  const std::vector<std::uint8_t> bytes = packet_bytes(id);
  try {
    return dissection_json(dissect(bytes), id);
  } catch (const std::exception& e) {  // only allocation can fail here
    throw PlaygroundError(std::string("internal error: ") + e.what());
  }
}

}  // namespace tcpplay
