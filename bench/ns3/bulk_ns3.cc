// The ns-3 3.37 side of benchmarks 1 and 2: the same topology and TCP settings as
// bench/bulk_bench.cpp, written by this project for the paired comparison.
//
//   bulk_ns3 [--rate-mbps 100] [--seconds 60] [--flows 1] [--loss 0] [--seed 1]
//
// Prints one JSON line with the same keys as bulk_bench. Built by scripts/bench.sh with g++
// and pkg-config against Debian's libns3-dev.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/traffic-control-module.h"

using namespace ns3;

namespace {

double flag(int argc, char** argv, const char* name, double fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return std::strtod(argv[i + 1], nullptr);
  return fallback;
}

std::uint64_t g_packets = 0;  // packets put on the wire, both directions (PhyTxBegin)
void count_tx(Ptr<const Packet>) { ++g_packets; }

/// The TCP settings of the comparison (bench/README.md lists our TcpConfig field for each).
void configure_tcp() {
  Config::SetDefault("ns3::TcpL4Protocol::SocketType", TypeIdValue(TcpNewReno::GetTypeId()));
  Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
  Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(4u << 20));
  Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(4u << 20));
  Config::SetDefault("ns3::TcpSocket::InitialCwnd", UintegerValue(10));
  Config::SetDefault("ns3::TcpSocket::DelAckCount", UintegerValue(2));
  Config::SetDefault("ns3::TcpSocket::DelAckTimeout", TimeValue(MilliSeconds(200)));
  Config::SetDefault("ns3::TcpSocketBase::MinRto", TimeValue(Seconds(1)));
  // The SYN's timeout: 3 s by default in ns-3, 1 s in ours (TcpConfig::rto_initial, RFC 6298).
  Config::SetDefault("ns3::TcpSocket::ConnTimeout", TimeValue(Seconds(1)));
  Config::SetDefault("ns3::TcpSocketBase::Sack", BooleanValue(true));
  Config::SetDefault("ns3::TcpSocketBase::Timestamp", BooleanValue(true));
  Config::SetDefault("ns3::TcpSocketBase::WindowScaling", BooleanValue(true));
  // Defaults kept on purpose: RecoveryType TcpPrrRecovery (RFC 6937), no pacing, TcpNoDelay
  // (Nagle off; bulk_bench turns ours off too), LimitedTransmit on.
}

long peak_rss_kib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  const double rate_mbps = flag(argc, argv, "--rate-mbps", 100);
  const double seconds = flag(argc, argv, "--seconds", 60);
  const int flows = static_cast<int>(flag(argc, argv, "--flows", 1));
  const double loss = flag(argc, argv, "--loss", 0);
  const auto seed = static_cast<std::uint64_t>(flag(argc, argv, "--seed", 1));
  const auto start = std::chrono::steady_clock::now();

  RngSeedManager::SetSeed(1);
  RngSeedManager::SetRun(seed);
  configure_tcp();

  NodeContainer nodes;
  nodes.Create(2);  // 0 = A (sender), 1 = B (receiver)
  PointToPointHelper p2p;
  p2p.SetDeviceAttribute("DataRate",
                         DataRateValue(DataRate(static_cast<std::uint64_t>(rate_mbps * 1e6))));
  p2p.SetDeviceAttribute("Mtu", UintegerValue(1500));
  p2p.SetChannelAttribute("Delay", TimeValue(MilliSeconds(10)));
  p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", QueueSizeValue(QueueSize("100p")));
  NetDeviceContainer devices = p2p.Install(nodes);

  InternetStackHelper internet;
  internet.Install(nodes);
  Ipv4AddressHelper addresses;
  addresses.SetBase("10.0.0.0", "255.255.255.0");
  Ipv4InterfaceContainer ifaces = addresses.Assign(devices);
  // Assign() installs the default FqCoDel queue disc on every device without one, so it is
  // removed afterwards: the bottleneck is then only the device's drop-tail queue of 100 packets.
  TrafficControlHelper().Uninstall(devices);
  for (std::uint32_t i = 0; i < devices.GetN(); ++i) {
    Ptr<TrafficControlLayer> tc = devices.Get(i)->GetNode()->GetObject<TrafficControlLayer>();
    if (tc->GetRootQueueDiscOnDevice(devices.Get(i))) {
      std::fprintf(stderr, "a queue disc is still installed on device %u\n", i);
      return 1;
    }
  }

  if (loss > 0) {
    // Loss on what B receives only: A's data (and its few handshake packets), never B's ACKs.
    Ptr<RateErrorModel> em = CreateObject<RateErrorModel>();
    em->SetUnit(RateErrorModel::ERROR_UNIT_PACKET);
    em->SetRate(loss);
    devices.Get(1)->SetAttribute("ReceiveErrorModel", PointerValue(em));
  }

  std::vector<Ptr<PacketSink>> sinks;
  for (int i = 0; i < flows; ++i) {
    const auto port = static_cast<std::uint16_t>(5000 + i);
    PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), port));
    ApplicationContainer sink_app = sink.Install(nodes.Get(1));
    sink_app.Start(Seconds(0));
    sinks.push_back(DynamicCast<PacketSink>(sink_app.Get(0)));

    BulkSendHelper bulk("ns3::TcpSocketFactory", InetSocketAddress(ifaces.GetAddress(1), port));
    bulk.SetAttribute("MaxBytes", UintegerValue(0));      // unlimited
    bulk.SetAttribute("SendSize", UintegerValue(65536));  // 64 KiB writes, as bulk_bench does
    ApplicationContainer bulk_app = bulk.Install(nodes.Get(0));
    bulk_app.Start(Seconds(0));
  }

  for (std::uint32_t i = 0; i < devices.GetN(); ++i)
    devices.Get(i)->TraceConnectWithoutContext("PhyTxBegin", MakeCallback(&count_tx));

  Simulator::Stop(Seconds(seconds));
  Simulator::Run();
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto events = static_cast<double>(Simulator::GetEventCount());

  std::vector<double> goodputs;
  double total = 0, sum = 0, sq = 0;
  for (const auto& s : sinks) {
    goodputs.push_back(static_cast<double>(s->GetTotalRx()) * 8 / seconds);
    total += goodputs.back();
  }
  for (double g : goodputs) {
    sum += g;
    sq += g * g;
  }
  const double jain = sq > 0 ? sum * sum / (static_cast<double>(goodputs.size()) * sq) : 0;
  std::string flow_list;
  for (std::size_t i = 0; i < goodputs.size(); ++i)
    flow_list += (i ? ", " : "") + std::to_string(goodputs[i]);
  std::printf(
      "{\"engine\": \"ns-3.37\", \"wall_s\": %.9g, \"events\": %.9g, \"events_per_s\": %.9g, "
      "\"packets\": %.9g, \"packets_per_s\": %.9g, \"peak_rss_kib\": %ld, \"goodput_bps\": %.9g, "
      "\"flow_goodput_bps\": [%s], \"jain\": %.9g}\n",
      wall, events, events / wall, static_cast<double>(g_packets),
      static_cast<double>(g_packets) / wall, peak_rss_kib(), total, flow_list.c_str(), jain);
  Simulator::Destroy();
  return 0;
}
