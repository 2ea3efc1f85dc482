import {LitElement, html, nothing} from 'lit';
import {API, bytes, duration, number, problemText, time} from './format.js';

/** Members, who leads and since when, and the leader changes seen. */
export class ClusterView extends LitElement {
  static properties = {cluster: {attribute: false}, message: {state: true}};

  createRenderRoot() {
    return this;
  }

  render() {
    const c = this.cluster;
    if (!c) return html`<p>Waiting for the first status…</p>`;
    const leaderStatus = c.nodes.find((n) => n.id === c.leader)?.status;
    const lags = new Map((leaderStatus?.members || []).map((m) => [m.id, m]));
    const since = c.nodes.map((n) => n.status).find((s) => s && s.leader === c.leader)?.leaderSince;
    return html`
      <p class="leader" data-leader=${c.leader}>
        ${c.leader
          ? html`Leader: <strong>${c.leader}</strong> since ${time(since)}
              (term ${leaderStatus?.term ?? '—'})`
          : html`<strong class="bad">No leader</strong>: writes wait until one is elected`}
      </p>
      <table class="members">
        <thead><tr>
          <th>Member</th><th>State</th><th>Ready</th><th>Term</th><th>Commit</th><th>Applied</th>
          <th>Match</th><th>Lag</th><th>Last contact</th><th>RSS</th><th>Heap</th>
          ${c.membershipActions ? html`<th>Actions</th>` : nothing}
        </tr></thead>
        <tbody>${c.nodes.map((n) => this.row(n, lags.get(n.id), c))}</tbody>
      </table>
      ${this.message ? html`<p class="message">${this.message}</p>` : nothing}
      <h3>Leader changes</h3>
      <table class="timeline">
        <thead><tr><th>When</th><th>Term</th><th>From</th><th>To</th><th>Writes waited</th></tr></thead>
        <tbody>${[...c.leaderChanges].reverse().map((e) => html`
          <tr data-term=${e.term}>
            <td>${time(e.at)}</td><td>${e.term}</td><td>${e.from || '—'}</td><td>${e.to}</td>
            <td>${e.writesWaitedMs === null ? 'idle or not yet known' : duration(e.writesWaitedMs)}</td>
          </tr>`)}</tbody>
      </table>`;
  }

  row(n, lag, c) {
    const s = n.status;
    if (!n.reachable) {
      return html`<tr data-node=${n.id} data-role="UNREACHABLE" class="down">
        <td>${n.id}</td><td colspan="10" class="bad">unreachable — ${n.error}${
          lag?.lastContactMs !== null && lag?.lastContactMs !== undefined
            ? `; the leader last heard from it ${duration(lag.lastContactMs)} ago` : ''}</td>
        ${c.membershipActions ? html`<td>${this.actions(n, c)}</td>` : nothing}
      </tr>`;
    }
    return html`<tr data-node=${n.id} data-role=${s.role}>
      <td>${n.id}${n.id === c.servedBy ? html` <small>(serving this page)</small>` : nothing}</td>
      <td><span class="role ${s.role.toLowerCase()}">${s.role}</span></td>
      <td class=${s.ready ? 'good' : 'bad'}>${s.ready ? 'ready' : 'not ready'}</td>
      <td>${s.term}</td><td>${number(s.commitIndex)}</td><td>${number(s.appliedIndex)}</td>
      <td>${number(lag?.matchIndex)}</td><td>${number(lag?.lag)}</td>
      <td>${lag?.lastContactMs === null || lag?.lastContactMs === undefined ? '—' : duration(lag.lastContactMs)}</td>
      <td>${bytes(s.memory.rssBytes)}</td>
      <td>${bytes(s.memory.heapUsedBytes)} / ${bytes(s.memory.heapMaxBytes)}</td>
      ${c.membershipActions ? html`<td>${this.actions(n, c)}</td>` : nothing}
    </tr>`;
  }

  actions(n, c) {
    return html`
      ${n.reachable && n.id !== c.leader
        ? html`<button @click=${() => this.transfer(n.id)}>Make leader</button>`
        : nothing}
      <button class="danger" @click=${() => this.removeMember(n.id)}>Remove</button>`;
  }

  async transfer(id) {
    if (!(await confirmAction(`Move leadership to ${id}? Writes pause while it moves.`))) return;
    const r = await fetch(`${API}/dashboard/leadership`, {
      method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({to: id}),
    });
    this.message = r.ok ? `${id} leads now` : `Not moved: ${await problemText(r)}`;
  }

  async removeMember(id) {
    if (!(await confirmAction(`Remove ${id} from the Raft group? It stops receiving the log.`))) {
      return;
    }
    const r = await fetch(`${API}/dashboard/members/${encodeURIComponent(id)}`, {method: 'DELETE'});
    this.message = r.ok ? `${id} removed` : `Not removed: ${await problemText(r)}`;
  }
}
customElements.define('esc-cluster', ClusterView);

/** A modal question with Confirm and Cancel; resolves true on Confirm. */
export function confirmAction(question) {
  const dialog = document.getElementById('confirm');
  dialog.querySelector('p').textContent = question;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), {once: true});
  });
}
