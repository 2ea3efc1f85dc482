import {LitElement, html} from 'lit';
import './cluster-view.js';
import './traffic-view.js';
import './overload-view.js';
import './dlq-view.js';
import './processors-view.js';
import {API, time} from './format.js';
import {Traffic} from './traffic.js';

const TABS = [
  ['cluster', 'Cluster'],
  ['traffic', 'Traffic'],
  ['overload', 'Overload'],
  ['dlq', 'Dead letters'],
  ['processors', 'Processors'],
  ['dedup', 'Dedup'],
];

/**
 * The page: one server-sent event stream from the node serving it, a cluster status a second,
 * drawn by the view of the chosen tab. The tab is kept in the address (#traffic) for reloads.
 */
class EscDashboard extends LitElement {
  static properties = {cluster: {state: true}, live: {state: true}, tab: {state: true}};

  constructor() {
    super();
    this.traffic = new Traffic();
    this.live = false;
    this.tab = TABS.some(([id]) => `#${id}` === location.hash) ? location.hash.slice(1) : 'cluster';
  }

  createRenderRoot() {
    return this;
  }

  async connectedCallback() {
    super.connectedCallback();
    // The last minutes first, so the charts are not empty; then the stream keeps them current.
    try {
      const r = await fetch(`${API}/dashboard/cluster?history=true`);
      if (r.ok) this.take(await r.json(), true);
    } catch (e) {
      this.live = false;
    }
    this.stream = new EventSource(`${API}/dashboard/stream`);
    this.stream.onopen = () => (this.live = true);
    this.stream.onerror = () => (this.live = false);
    this.stream.onmessage = (m) => this.take(JSON.parse(m.data), false);
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.stream?.close();
  }

  take(cluster, withHistory) {
    for (const n of cluster.nodes) {
      if (!n.status) continue;
      for (const s of withHistory ? n.status.history || [] : []) this.traffic.add(n.id, s);
      this.traffic.add(n.id, n.status.traffic);
    }
    this.live = true;
    this.cluster = cluster;
  }

  show(tab) {
    this.tab = tab;
    history.replaceState(null, '', `#${tab}`);
  }

  render() {
    const c = this.cluster;
    const down = c ? c.nodes.filter((n) => !n.reachable).length : 0;
    return html`
      <header>
        <h1>EventStreamCore</h1>
        <span class="status ${this.live ? 'good' : 'bad'}" id="live">
          ${this.live ? `live · served by ${c?.servedBy ?? '…'} · ${time(c?.at)}`
            : 'not connected to the node serving this page; retrying'}</span>
        <span>${c ? `${c.nodes.length} members, ${down} unreachable, leader ${c.leader || 'none'}` : ''}</span>
      </header>
      <nav>${TABS.map(([id, label]) => html`<button id="tab-${id}"
        class=${this.tab === id ? 'active' : ''} @click=${() => this.show(id)}>${label}</button>`)}</nav>
      <main>${this.view()}</main>`;
  }

  view() {
    switch (this.tab) {
      case 'traffic':
        return html`<esc-traffic .cluster=${this.cluster} .traffic=${this.traffic}
          .tick=${this.cluster?.at}></esc-traffic>`;
      case 'overload':
        return html`<esc-overload .cluster=${this.cluster}></esc-overload>`;
      case 'dlq':
        return html`<esc-dlq></esc-dlq>`;
      case 'processors':
        return html`<esc-processors .cluster=${this.cluster}></esc-processors>`;
      case 'dedup':
        return html`<esc-dedup .cluster=${this.cluster}></esc-dedup>`;
      default:
        return html`<esc-cluster .cluster=${this.cluster}></esc-cluster>`;
    }
  }
}
customElements.define('esc-dashboard', EscDashboard);
