// The cluster's traffic over time, put together from every node's per-second samples.

const KEEP_MS = 5 * 60 * 1000;

export class Traffic {
  constructor() {
    this.seconds = new Map(); // second -> {at, in, out, shed, deadLettered, p50, p99, p999, byTopic}
    this.lastSampleAt = new Map(); // node -> the newest sample's time already added
  }

  /** Adds a node's sample once, however often it is sent again. */
  add(node, sample) {
    if (!sample || (this.lastSampleAt.get(node) ?? 0) >= sample.at) return;
    this.lastSampleAt.set(node, sample.at);
    const second = Math.round(sample.at / 1000);
    const s = this.seconds.get(second) || {
      at: second * 1000, in: 0, out: 0, shed: 0, deadLettered: 0,
      p50: null, p99: null, p999: null, byTopic: {},
    };
    s.in += sample.in;
    s.out += sample.out;
    s.shed += sample.shed;
    s.deadLettered += sample.deadLettered;
    // Percentiles of different nodes do not add up; the worst node's is an upper bound.
    s.p50 = worst(s.p50, sample.ackP50Ms);
    s.p99 = worst(s.p99, sample.ackP99Ms);
    s.p999 = worst(s.p999, sample.ackP999Ms);
    for (const [topic, rate] of Object.entries(sample.inByTopic || {})) {
      s.byTopic[topic] = (s.byTopic[topic] || 0) + rate;
    }
    this.seconds.set(second, s);
    const oldest = Math.round((Date.now() - KEEP_MS) / 1000);
    for (const key of this.seconds.keys()) {
      if (key < oldest) this.seconds.delete(key);
    }
  }

  /** Seconds in time order. */
  points() {
    return [...this.seconds.values()].sort((a, b) => a.at - b.at);
  }

  series(fields) {
    const points = this.points();
    return fields.map(([name, field]) => ({name, data: points.map((p) => [p.at, p[field]])}));
  }

  /** The busiest topics' rates, one series each. */
  topicSeries(count) {
    const points = this.points();
    const totals = {};
    for (const p of points) {
      for (const [t, r] of Object.entries(p.byTopic)) totals[t] = (totals[t] || 0) + r;
    }
    const top = Object.keys(totals).sort((a, b) => totals[b] - totals[a]).slice(0, count);
    return top.map((t) => ({name: t, data: points.map((p) => [p.at, p.byTopic[t] ?? 0])}));
  }
}

function worst(a, b) {
  if (b === null || b === undefined) return a;
  return a === null ? b : Math.max(a, b);
}
