import {LitElement, html} from 'lit';
import './chart.js';
import {bytes, number} from './format.js';

/** Events per second in and out, ack latency, and per topic: rates, offsets, bytes on disk. */
export class TrafficView extends LitElement {
  static properties = {cluster: {attribute: false}, traffic: {attribute: false}, tick: {}};

  createRenderRoot() {
    return this;
  }

  render() {
    const t = this.traffic;
    const last = t.points().at(-1);
    return html`
      <p class="now">Now: <strong data-rate-in=${Math.round(last?.in ?? 0)}>${number(last?.in)}</strong>
        events/s in, <strong>${number(last?.out)}</strong> out to consumers,
        ${number(last?.shed)} refused and ${number(last?.deadLettered)} dead-lettered for load.</p>
      <div class="charts">
        <esc-chart id="throughput" heading="Events per second (cluster)" unit="events/s"
          .series=${t.series([['in', 'in'], ['out', 'out'], ['refused', 'shed'],
            ['dead-lettered', 'deadLettered']])}></esc-chart>
        <esc-chart id="latency" heading="Produce to ack (worst node)" unit="ms"
          .series=${t.series([['p50', 'p50'], ['p99', 'p99'], ['p99.9', 'p999']])}></esc-chart>
        <esc-chart id="topics" heading="Events in per topic (busiest five)" unit="events/s"
          .series=${t.topicSeries(5)}></esc-chart>
      </div>
      ${this.topics(last)}`;
  }

  topics(last) {
    const source = this.cluster?.nodes.find((n) => n.id === this.cluster.leader)?.status
      || this.cluster?.nodes.find((n) => n.status)?.status;
    const out = {};
    for (const n of this.cluster?.nodes || []) {
      for (const [topic, r] of Object.entries(n.status?.traffic?.outByTopic || {})) {
        out[topic] = (out[topic] || 0) + r;
      }
    }
    const byPriority = {};
    for (const n of this.cluster?.nodes || []) {
      for (const [p, r] of Object.entries(n.status?.traffic?.inByPriority || {})) {
        byPriority[p] = (byPriority[p] || 0) + r;
      }
    }
    return html`
      <h3>Topics <small>(as stored on ${source?.id ?? '—'})</small></h3>
      <table class="topics">
        <thead><tr><th>Topic</th><th>In /s</th><th>Out /s</th><th>First offset</th>
          <th>End offset</th><th>On disk</th></tr></thead>
        <tbody>${(source?.topics || []).map((t) => html`<tr data-topic=${t.topic}>
          <td>${t.topic}</td><td>${number(last?.byTopic[t.topic])}</td><td>${number(out[t.topic])}</td>
          <td>${number(t.startOffset)}</td><td>${number(t.endOffset)}</td><td>${bytes(t.bytes)}</td>
        </tr>`)}</tbody>
      </table>
      <h3>Subscriptions</h3>
      ${this.subscriptions()}
      <h3>In per priority class</h3>
      <table class="classes"><tbody>
        ${['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'BATCH'].map((p) =>
          html`<tr><td>${p}</td><td>${number(byPriority[p] ?? 0)} events/s</td></tr>`)}
      </tbody></table>`;
  }

  /** Every consumer subscribed on any reachable node, and how many events it is behind. */
  subscriptions() {
    const rows = (this.cluster?.nodes || []).flatMap((n) =>
      (n.status?.subscriptions || []).map((s) => ({node: n.id, ...s})));
    if (rows.length === 0) return html`<p>No consumer is subscribed on a reachable node.</p>`;
    return html`<table class="subscriptions">
      <thead><tr><th>Node</th><th>Client</th><th>Follows</th><th>Events behind</th></tr></thead>
      <tbody>${rows.map((s) => html`<tr>
        <td>${s.node}</td><td>${s.client}</td><td>${s.topic}${s.prefix ? '*' : ''}</td>
        <td>${number(s.behind)}</td>
      </tr>`)}</tbody>
    </table>`;
  }
}
customElements.define('esc-traffic', TrafficView);
