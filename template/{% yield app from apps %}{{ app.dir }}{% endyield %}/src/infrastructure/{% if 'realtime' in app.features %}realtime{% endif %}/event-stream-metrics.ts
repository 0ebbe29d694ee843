import { Counter, Gauge, type Registry } from 'prom-client';
import type { EventStreams } from './event-streams.js';

/** Open event streams and the slow clients dropped, read when Prometheus scrapes. */
export function registerEventStreamMetrics(registry: Registry, streams: EventStreams): void {
  new Gauge({
    name: 'sse_streams_open',
    help: 'Server-Sent Events streams open in this process',
    registers: [registry],
    collect() {
      this.set(streams.size);
    },
  });
  new Gauge({
    name: 'sse_streams_buffered_bytes',
    help: 'Bytes the open event streams hold in memory for clients that have not taken them yet',
    registers: [registry],
    collect() {
      this.set(streams.bufferedBytes);
    },
  });
  let reported = 0;
  new Counter({
    name: 'sse_streams_dropped_total',
    help: 'Event streams closed because their client left more than SSE_MAX_BUFFERED_BYTES unread',
    registers: [registry],
    collect() {
      this.inc(streams.dropped - reported);
      reported = streams.dropped;
    },
  });
}
