// Benchmark 3 as a scenario, for benchmark 4 (the same run natively and through the module):
// N TCP connections client -> NLB (lb:80) -> server:80, one opened per millisecond, each with
// keepalive (60 s idle, 10 s interval, like bench/keepalive_bench.cpp), idle for `duration`.
// The NLB's 350 s idle timeout never fires: every 60 s probe and its answer cross the flow.
export function keepaliveScenario(connections = 10000, duration = '3600s') {
  const timeline = [{ at: '0s', do: 'listen', host: 'server', port: 80, name: 'srv', backlog: connections }];
  for (let i = 0; i < connections; ++i) {
    timeline.push({
      at: `${i}ms`, do: 'connect', host: 'client', to: 'lb', port: 80, name: `c${i}`,
      params: { keepalive: true, keepalive_idle: '60s', keepalive_interval: '10s' },
    });
  }
  return {
    title: `benchmark 3: ${connections} idle keepalive connections through the NLB for ${duration}`,
    seed: 1,
    duration,
    hosts: [
      { name: 'client', addr: '10.0.0.1' },
      { name: 'lb', addr: '10.0.0.2' },
      { name: 'server', addr: '10.0.1.1' },
    ],
    links: [
      { name: 'front', a: 'client', b: 'lb', delay: '1ms' },
      { name: 'back', a: 'lb', b: 'server', delay: '1ms' },
    ],
    routes: [{ host: 'server', dst: 'default', link: 'back' }],
    middleboxes: [{ type: 'nlb', name: 'nlb', host: 'lb', port: 80, targets: ['server:80'], tcp_idle_timeout: '350s' }],
    timeline,
  };
}
