import {LitElement, html, nothing} from 'lit';
import {bytes, duration, number, time} from './format.js';

/** In-engine processors on the leader: their lag, windowed aggregates and the alerts that fired. */
export class ProcessorsView extends LitElement {
  static properties = {cluster: {attribute: false}};

  createRenderRoot() {
    return this;
  }

  render() {
    const leader = this.cluster?.nodes.find((n) => n.id === this.cluster.leader)?.status;
    if (!leader) return html`<p>No leader answers: processors run there.</p>`;
    const alerts = leader.recentAlerts.map((a) => JSON.parse(a));
    return html`
      <table>
        <thead><tr><th>Processor (on ${leader.id})</th><th>Active</th><th>Events behind</th></tr></thead>
        <tbody>${leader.processors.length === 0
          ? html`<tr><td colspan="3">No processors are configured (esc.processors.*).</td></tr>`
          : leader.processors.map((p) => html`<tr>
              <td>${p.name}</td><td>${p.active ? 'yes' : 'resuming'}</td><td>${number(p.lag)}</td>
            </tr>`)}</tbody>
      </table>
      ${leader.aggregates ? this.aggregates(leader.aggregates) : nothing}
      <h3>Alerts fired (newest first)</h3>
      ${alerts.length === 0 ? html`<p>None.</p>` : html`<table>
        <thead><tr><th>Window</th><th>Rule</th><th>Kind</th><th>Topic</th><th>Value</th>
          <th>Threshold</th></tr></thead>
        <tbody>${alerts.map((a) => html`<tr>
          <td>${time(a.windowStart)}–${time(a.windowEnd)}</td><td>${a.rule}</td><td>${a.kind}</td>
          <td>${a.topic}</td><td>${number(a.value, 2)}</td><td>${number(a.threshold, 2)}</td>
        </tr>`)}</tbody></table>`}`;
  }

  aggregates(topics) {
    return html`<h3>Windowed aggregates</h3>
      <table>
        <thead><tr><th>Topic</th><th>Events</th><th>Payload</th><th>Last windows (events/s)</th></tr></thead>
        <tbody>${Object.entries(topics).map(([t, a]) => html`<tr>
          <td>${t}</td><td>${number(a.events)}</td><td>${bytes(a.bytes)}</td>
          <td>${a.windows.map((w) => `${time(w.start)} ${number(w.eventsPerSecond, 1)}`).join(' · ')}</td>
        </tr>`)}</tbody>
      </table>`;
  }
}
customElements.define('esc-processors', ProcessorsView);

/** The dedup table on each member: size, the window it holds, and how often it answers DUPLICATE. */
export class DedupView extends LitElement {
  static properties = {cluster: {attribute: false}};

  createRenderRoot() {
    return this;
  }

  render() {
    return html`<table>
      <thead><tr><th>Member</th><th>Window</th><th>Ids held</th><th>Heap</th>
        <th>Dropped before their window ended</th><th>Duplicates now</th><th>Hit rate since start</th></tr></thead>
      <tbody>${(this.cluster?.nodes || []).map((n) => {
        const d = n.status?.dedup;
        if (!d) return html`<tr><td>${n.id}</td><td colspan="6" class="bad">unreachable</td></tr>`;
        if (!d.enabled) return html`<tr><td>${n.id}</td><td colspan="6">dedup is off</td></tr>`;
        const seen = d.hits + d.misses;
        return html`<tr>
          <td>${n.id}</td>
          <td class=${d.effectiveWindowMs < d.windowMs ? 'bad' : ''}>${d.effectiveWindowMs < d.windowMs
            ? `narrowed to ${duration(d.effectiveWindowMs)} of ${duration(d.windowMs)}`
            : duration(d.windowMs)}</td>
          <td>${number(d.entries)}</td>
          <td>${bytes(d.bytes)}</td>
          <td class=${d.evictedBeforeWindowEnd > 0 ? 'bad' : ''}>${number(d.evictedBeforeWindowEnd)}</td>
          <td>${number(n.status.traffic?.dedupHits, 1)} /s</td>
          <td>${seen === 0 ? '—' : `${number((100 * d.hits) / seen, 2)} %`}</td>
        </tr>`;
      })}</tbody>
    </table>
    <p>Ids held and heap count the table's parts this member owns; the leader answers duplicates.</p>`;
  }
}
customElements.define('esc-dedup', DedupView);
