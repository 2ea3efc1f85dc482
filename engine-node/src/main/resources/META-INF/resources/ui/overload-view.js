import {LitElement, html} from 'lit';
import {duration, number} from './format.js';

const STATES = ['ELEVATED', 'DEGRADED', 'CRITICAL', 'EMERGENCY'];
const CLASSES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'BATCH'];

/** Each node's pipeline state, the signals that drive it with their thresholds, and what it sheds. */
export class OverloadView extends LitElement {
  static properties = {cluster: {attribute: false}};

  createRenderRoot() {
    return this;
  }

  render() {
    return html`${(this.cluster?.nodes || []).map((n) => this.node(n))}`;
  }

  node(n) {
    if (!n.status) return html`<section class="card"><h3>${n.id}</h3><p class="bad">unreachable</p></section>`;
    const p = n.status.pipeline;
    return html`<section class="card" data-node=${n.id}>
      <h3>${n.id} <span class="state ${p.state.toLowerCase()}" data-state=${p.state}>${p.state}</span></h3>
      <p>Refused producers are told to retry after ${duration(p.retryAfterMs)}.
        A state is entered when a signal reaches its <em>up</em> threshold and left only below
        its <em>down</em> threshold.</p>
      <table>
        <thead><tr><th>Signal</th><th>Now</th>
          ${STATES.map((s) => html`<th>${s} up / down</th>`)}</tr></thead>
        <tbody>${p.signals.map((s) => html`<tr>
          <td>${s.name}</td><td>${number(s.value, 2)}</td>
          ${s.up.map((u, i) => html`<td>${number(u, 2)} / ${number(s.down[i], 2)}</td>`)}
        </tr>`)}</tbody>
      </table>
      <table>
        <thead><tr><th>Class</th><th>Queued (of ${number(p.queueCapacity)})</th><th>Stored</th>
          <th>Refused</th><th>Dead-lettered</th></tr></thead>
        <tbody>${CLASSES.map((c) => html`<tr>
          <td>${c}</td><td>${number(p.queueDepths[c])}</td>
          <td>${number(p.classCounts[c]?.admitted)}</td><td>${number(p.classCounts[c]?.refused)}</td>
          <td>${number(p.classCounts[c]?.deadLettered)}</td>
        </tr>`)}</tbody>
      </table>
    </section>`;
  }
}
customElements.define('esc-overload', OverloadView);
