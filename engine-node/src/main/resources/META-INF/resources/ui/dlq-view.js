import {LitElement, html, nothing} from 'lit';
import {confirmAction} from './cluster-view.js';
import {API, number, problemText, time} from './format.js';

/** Browse dead letters by topic and reason, look at one, replay it to its topic, or purge. */
export class DlqView extends LitElement {
  static properties = {
    page: {state: true},
    selected: {state: true},
    message: {state: true},
    topic: {state: true},
    reason: {state: true},
  };

  constructor() {
    super();
    this.topic = '';
    this.reason = '';
  }

  createRenderRoot() {
    return this;
  }

  connectedCallback() {
    super.connectedCallback();
    this.load();
  }

  async load() {
    const q = new URLSearchParams({max: '200'});
    if (this.topic) q.set('topic', this.topic);
    if (this.reason) q.set('reason', this.reason);
    const r = await fetch(`${API}/dlq?${q}`);
    if (r.ok) {
      this.page = await r.json();
    } else {
      this.message = `Could not list dead letters: ${await problemText(r)}`;
    }
  }

  render() {
    const letters = this.page?.letters || [];
    return html`
      <form class="filters" @submit=${(e) => { e.preventDefault(); this.load(); }}>
        <label>Topic <input name="topic" .value=${this.topic}
          @input=${(e) => (this.topic = e.target.value)} placeholder="any"></label>
        <label>Reason contains <input name="reason" .value=${this.reason}
          @input=${(e) => (this.reason = e.target.value)} placeholder="any"></label>
        <button type="submit" id="dlq-search">Search</button>
        <button type="button" class="danger" id="dlq-purge" @click=${() => this.purge()}
          ?disabled=${letters.length === 0}>Purge all</button>
      </form>
      ${this.message ? html`<p class="message" id="dlq-message">${this.message}</p>` : nothing}
      <table class="letters">
        <thead><tr><th>Offset</th><th>Topic</th><th>Id</th><th>Reason</th><th>When</th><th></th></tr></thead>
        <tbody>${letters.length === 0
          ? html`<tr><td colspan="6">No dead letters${this.topic || this.reason ? ' match' : ''}.</td></tr>`
          : letters.map((l) => html`<tr data-offset=${l.offset}
              class=${this.selected?.offset === l.offset ? 'selected' : ''}>
              <td>${number(l.offset)}</td><td>${l.topic}</td><td>${l.event.id}</td><td>${l.reason}</td>
              <td>${time(l.deadLetteredAt)}</td>
              <td><button class="view" @click=${() => (this.selected = l)}>View</button>
                <button class="replay" @click=${() => this.replay(l)}>Replay</button></td>
            </tr>`)}</tbody>
      </table>
      ${this.selected ? this.details(this.selected) : nothing}`;
  }

  details(l) {
    const e = l.event;
    return html`<section class="card letter">
      <h3>Letter ${l.offset}: ${e.id} for ${l.topic}</h3>
      <p>${l.reason}</p>
      <dl>
        <dt>Priority</dt><dd>${e.priority}</dd>
        <dt>Produced</dt><dd>${e.timestamp ? new Date(e.timestamp).toISOString() : '—'}</dd>
        <dt>Headers</dt><dd>${Object.entries(e.headers || {}).map(([k, v]) => html`<code>${k}=${v}</code> `)}</dd>
      </dl>
      <pre class="payload">${e.payload ?? `(binary, base64) ${e.payloadBase64}`}</pre>
    </section>`;
  }

  async replay(l) {
    if (!(await confirmAction(`Replay letter ${l.offset} (${l.event.id}) to ${l.topic}?`))) return;
    const e = l.event;
    const body = {id: e.id, priority: e.priority, headers: e.headers, payloadBase64: e.payloadBase64};
    if (e.timestamp) body.timestamp = e.timestamp;
    const r = await fetch(`${API}/topics/${encodeURIComponent(l.topic)}/events`, {
      method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(body),
    });
    if (!r.ok) {
      this.message = `Letter ${l.offset} not replayed: ${await problemText(r)}`;
      return;
    }
    const result = (await r.json()).results[0];
    this.message = {
      OK: `Letter ${l.offset} replayed: ${e.id} is at offset ${result.offset} of ${l.topic}`,
      DUPLICATE: `Letter ${l.offset} was replayed before: ${e.id} is at offset ${result.offset} of ${l.topic}`,
      DEAD_LETTERED: `Letter ${l.offset} was dead-lettered again: the node still sheds ${e.priority}`,
    }[result.status] || `Letter ${l.offset}: ${result.status}`;
  }

  async purge() {
    const end = this.page?.endOffset;
    if (!(await confirmAction(`Purge every dead letter below offset ${end}? List and replay no longer show them.`))) {
      return;
    }
    const r = await fetch(`${API}/dashboard/dlq/purge?before=${end}`, {method: 'POST'});
    this.message = r.ok ? `Purged the letters below ${end}` : `Not purged: ${await problemText(r)}`;
    this.selected = null;
    await this.load();
  }
}
customElements.define('esc-dlq', DlqView);
