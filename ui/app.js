// The Control Plane web UI: a small single-page app over the /v1 API (hash routes, no build step).
// Errors are shown as the API words them; nothing is loaded from outside the server.

const view = document.getElementById('view');
let stopPage = () => {};

// ---------------------------------------------------------------- API and helpers

async function api(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  let r;
  try {
    r = await fetch(path, init);
  } catch (e) {
    return { ok: false, status: 0, body: { name: 'unreachable', message: `the server did not answer: ${e.message}` } };
  }
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = { name: 'bad_response', message: text }; }
  return { ok: r.ok, status: r.status, body: json };
}

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.substring(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return el;
}

const stateSpan = (s, id) => h('span', { class: `state state-${s || 'unknown'}`, id }, s || 'unknown');
const enc = encodeURIComponent;

/** An API error as the API words it: its name, then its message (one line per problem). */
function errorBox(body, status) {
  const b = body || {};
  return h('div', { class: 'error', role: 'alert' },
    h('span', { class: 'name' }, `${b.name || 'error'}${status ? ` (HTTP ${status})` : ''}: `), b.message || '');
}

function setContent(el, ...children) {
  el.replaceChildren(...children.flat().filter(c => c !== null && c !== undefined && c !== false));
}

function taskLink(t) {
  const href = t.scope === 'host' ? `#/hosts/${enc(t.entity_id)}/tasks/${t.task_id}`
                                  : `#/databases/${enc(t.entity_id)}/tasks/${t.task_id}`;
  return h('a', { href, class: 'mono' }, t.task_id);
}

function tasksTable(tasks, withEntity) {
  if (!tasks.length) return h('p', { class: 'muted' }, 'no tasks yet');
  return h('table', { class: 'tasks' },
    h('thead', {}, h('tr', {}, ['created', 'type', withEntity ? 'entity' : null, 'node', 'status', 'task']
      .filter(Boolean).map(c => h('th', {}, c)))),
    h('tbody', {}, tasks.map(t => h('tr', {},
      h('td', {}, t.created_at), h('td', {}, t.type),
      withEntity ? h('td', {}, `${t.scope} ${t.entity_id}`) : null,
      h('td', {}, t.node_name || ''), h('td', {}, stateSpan(t.status)), h('td', {}, taskLink(t))))));
}

/** Repeats fn every ms until the page changes; fn returning false stops it. */
function every(ms, fn) {
  let stopped = false;
  let timer = null;
  const loop = async () => {
    if (stopped) return;
    let again = true;
    try { again = (await fn()) !== false; } catch (e) { console.error(e); }
    if (!stopped && again) timer = setTimeout(loop, ms);
  };
  loop();
  const stop = () => { stopped = true; clearTimeout(timer); };
  const previous = stopPage;
  stopPage = () => { previous(); stop(); };
  return stop;
}

// ---------------------------------------------------------------- cluster and hosts

async function clusterPage() {
  const content = h('div');
  setContent(view, h('h1', {}, 'Cluster'), content);
  every(5000, async () => {
    const [cluster, tasks] = await Promise.all([api('GET', '/v1/cluster'), api('GET', '/v1/tasks?limit=10')]);
    if (!cluster.ok) { setContent(content, errorBox(cluster.body, cluster.status)); return; }
    const c = cluster.body;
    setContent(content,
      h('dl', { class: 'facts' }, h('dt', {}, 'cluster'), h('dd', { class: 'mono' }, c.id),
        h('dt', {}, 'state'), h('dd', {}, stateSpan(c.status && c.status.state, 'cluster-state'))),
      h('h2', {}, 'Hosts'),
      h('table', { id: 'hosts' },
        h('thead', {}, h('tr', {}, ['host', 'state', 'components', 'CPUs', 'memory', 'etcd', 'Postgres',
          'addresses', 'status at'].map(x => h('th', {}, x)))),
        h('tbody', {}, (c.hosts || []).map(host => {
          const comps = Object.entries((host.status && host.status.components) || {});
          return h('tr', {},
            h('td', { class: 'mono' }, host.id),
            h('td', {}, stateSpan(host.status && host.status.state)),
            h('td', {}, comps.length ? comps.map(([name, comp]) => h('div', {},
              h('span', { class: `state state-${comp.healthy ? 'healthy' : 'failed'}` }, comp.healthy ? '✓ ' : '✗ '),
              name, comp.error ? h('span', { class: 'error' }, `: ${comp.error}`) : null)) : h('span', { class: 'muted' }, '—')),
            h('td', {}, host.cpus ?? ''), h('td', {}, host.memory || ''), h('td', {}, host.etcd_mode || ''),
            h('td', {}, host.default_pgedge_version ? host.default_pgedge_version.postgres_version : ''),
            h('td', { class: 'mono' }, (host.client_addresses || host.peer_addresses || []).join(', ')),
            h('td', {}, (host.status && host.status.updated_at) || ''));
        }))),
      h('h2', {}, 'Recent tasks'),
      tasks.ok ? tasksTable(tasks.body.tasks, true) : errorBox(tasks.body, tasks.status));
  });
}

async function tasksPage() {
  const content = h('div');
  setContent(view, h('h1', {}, 'Tasks'), content);
  every(5000, async () => {
    const r = await api('GET', '/v1/tasks?limit=50');
    setContent(content, r.ok ? tasksTable(r.body.tasks, true) : errorBox(r.body, r.status));
  });
}

// ---------------------------------------------------------------- databases

async function databasesPage() {
  const content = h('div');
  setContent(view, h('h1', {}, 'Databases'),
    h('div', { class: 'actions' }, h('button', { class: 'primary', id: 'new-database',
      onclick: () => { location.hash = '#/databases/new'; } }, 'Create database')), content);
  every(4000, async () => {
    const r = await api('GET', '/v1/databases');
    if (!r.ok) { setContent(content, errorBox(r.body, r.status)); return; }
    const dbs = r.body.databases || [];
    setContent(content, dbs.length ? h('table', { id: 'databases' },
      h('thead', {}, h('tr', {}, ['database', 'state', 'nodes', 'instances', 'created', 'updated']
        .map(x => h('th', {}, x)))),
      h('tbody', {}, dbs.map(d => {
        const inst = d.instances || [];
        const nodes = [...new Set(inst.map(i => i.node_name))];
        const up = inst.filter(i => i.state === 'available').length;
        return h('tr', {},
          h('td', {}, h('a', { href: `#/databases/${enc(d.id)}` }, d.id)),
          h('td', {}, stateSpan(d.state)), h('td', {}, nodes.join(', ')),
          h('td', {}, `${up} of ${inst.length} available`), h('td', {}, d.created_at || ''),
          h('td', {}, d.updated_at || ''));
      }))) : h('p', { class: 'muted' }, 'no databases yet'));
  });
}

// The create form: the fields most databases need; the JSON editor takes every field of the spec.
// Each input names the path the API's validation messages use (spec.nodes[0].name, id, ...).
function createPage() {
  const nodes = [];
  const general = h('div', { id: 'form-errors' });
  const result = h('div', { id: 'result' });
  const field = (label, path, attrs = {}) => {
    const input = h('input', { name: path, 'data-path': path, ...attrs });
    return { input, el: h('div', {}, h('label', { for: path }, label), input,
      h('div', { class: 'field-error', 'data-error-for': path })) };
  };
  const id = field('Database ID', 'id', { id: 'id', placeholder: 'app1', required: true });
  const dbName = field('Database name', 'spec.database_name', { id: 'spec.database_name', value: 'app' });
  const user = field('Owner user', 'spec.database_users[0].username', { id: 'spec.database_users[0].username',
    value: 'admin' });
  const password = field('Owner password', 'spec.database_users[0].password', { id: 'spec.database_users[0].password',
    type: 'password' });
  const port = field('Postgres port (empty: a free one of the host)', 'spec.port', { id: 'spec.port',
    inputmode: 'numeric' });
  const nodeBox = h('div', { id: 'nodes' });
  const addNode = (name, hosts) => {
    const i = nodes.length;
    const n = field(`Node ${i + 1} name`, `spec.nodes[${i}].name`, { id: `spec.nodes[${i}].name`, value: name });
    const hs = field(`Node ${i + 1} host IDs (comma separated; the first holds the primary)`,
      `spec.nodes[${i}].host_ids`, { id: `spec.nodes[${i}].host_ids`, value: hosts });
    const np = field(`Node ${i + 1} port (optional)`, `spec.nodes[${i}].port`, { id: `spec.nodes[${i}].port`,
      inputmode: 'numeric' });
    nodes.push({ name: n.input, hosts: hs.input, port: np.input });
    nodeBox.appendChild(h('fieldset', {}, h('legend', {}, `node ${i + 1}`), n.el, hs.el, np.el));
  };
  const int = s => (s.trim() === '' ? undefined : (/^\d+$/.test(s.trim()) ? Number(s.trim()) : s.trim()));
  const formBody = () => {
    const spec = { database_name: dbName.input.value.trim() };
    if (int(port.input.value) !== undefined) spec.port = int(port.input.value);
    spec.database_users = [{ username: user.input.value.trim(), password: password.input.value, db_owner: true,
      attributes: ['LOGIN', 'SUPERUSER'] }];
    spec.nodes = nodes.map(n => {
      const node = { name: n.name.value.trim(), host_ids: n.hosts.value.split(',').map(s => s.trim()).filter(Boolean) };
      if (int(n.port.value) !== undefined) node.port = int(n.port.value);
      return node;
    });
    const body = { spec };
    if (id.input.value.trim()) body.id = id.input.value.trim();
    return body;
  };
  const editor = h('textarea', { class: 'json', id: 'json-editor', spellcheck: 'false' });
  const editorErrors = h('div', { id: 'json-errors' });
  const form = h('form', { class: 'spec', id: 'create-form', onsubmit: e => e.preventDefault() },
    id.el, dbName.el, user.el, password.el, port.el, nodeBox,
    h('button', { type: 'button', onclick: () => addNode(`n${nodes.length + 1}`, nodes.length ? nodes[0].hosts.value : '') },
      'Add node'));
  const jsonPane = h('div', { hidden: true }, editor, editorErrors);
  let mode = 'form';
  const tabs = h('div', { class: 'tabs' },
    h('button', { id: 'tab-form', class: 'active', onclick: () => show('form') }, 'Form'),
    h('button', { id: 'tab-json', onclick: () => show('json') }, 'JSON'));
  function show(m) {
    if (m === 'json' && mode === 'form') editor.value = JSON.stringify(formBody(), null, 2);
    mode = m;
    form.hidden = m !== 'form';
    jsonPane.hidden = m !== 'json';
    tabs.querySelectorAll('button').forEach(b => b.classList.toggle('active', b.id === `tab-${m}`));
  }
  const bodyToSend = () => {
    if (mode === 'form') return formBody();
    try { return JSON.parse(editor.value); } catch (e) {
      setContent(editorErrors, h('div', { class: 'error' }, `the JSON does not parse: ${e.message}`));
      return null;
    }
  };
  async function submit(dryRun) {
    document.querySelectorAll('[data-error-for]').forEach(e => { e.textContent = ''; });
    setContent(general); setContent(editorErrors); setContent(result);
    const body = bodyToSend();
    if (!body) return;
    const r = await api('POST', `/v1/databases${dryRun ? '?dry_run=true' : ''}`, body);
    if (!r.ok) { showErrors(r, mode === 'form' ? general : editorErrors); return; }
    if (dryRun) {
      setContent(result, h('h2', {}, 'Dry run: what the create would do'),
        h('pre', { class: 'mono', id: 'dry-run-plan' }, JSON.stringify(r.body.plan, null, 2)));
      return;
    }
    const t = r.body.task;
    location.hash = `#/databases/${enc(t.entity_id)}/tasks/${t.task_id}`;
  }
  // Each line of a 400 is "path: reason"; a line whose path names a form field is shown at that field.
  function showErrors(r, box) {
    const rest = [];
    const lines = ((r.body && r.body.message) || '').split('\n');
    for (const line of lines) {
      const m = /^([A-Za-z0-9_.[\]]+): (.*)$/.exec(line);
      const target = m && mode === 'form' ? fieldFor(m[1]) : null;
      if (target) target.textContent = (target.textContent ? `${target.textContent}\n` : '') + line;
      else rest.push(line);
    }
    if (rest.length || mode !== 'form') {
      box.appendChild(errorBox({ name: r.body && r.body.name, message: rest.join('\n') }, r.status));
    } else {
      box.appendChild(errorBox({ name: r.body.name, message: 'see the fields marked above' }, r.status));
    }
  }
  function fieldFor(path) {
    const candidates = [path, path.startsWith('spec.') ? path : `spec.${path}`];
    for (let p of candidates) {
      while (p) {
        const el = document.querySelector(`[data-error-for="${CSS.escape(p)}"]`);
        if (el) return el;
        const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
        if (cut <= 0) break;
        p = p.substring(0, cut);
        if (p === 'spec') break;
      }
    }
    return null;
  }
  setContent(view, h('h1', {}, 'Create a database'), tabs, form, jsonPane, general,
    h('div', { class: 'actions' },
      h('button', { id: 'dry-run', onclick: () => submit(true) }, 'Dry run'),
      h('button', { id: 'create-submit', class: 'primary', onclick: () => submit(false) }, 'Create')),
    result);
  addNode('n1', '');
  api('GET', '/v1/hosts').then(r => {
    if (r.ok && r.body.hosts && r.body.hosts.length && !nodes[0].hosts.value) {
      nodes[0].hosts.value = r.body.hosts[0].id;
    }
  });
}

// ---------------------------------------------------------------- one database

function databasePage(dbId) {
  const info = h('div', { id: 'database-info' });
  const actionResult = h('div', { id: 'action-result' });
  const editorBox = h('div', { id: 'editor-box' });
  const tasksBox = h('div', { id: 'database-tasks' });
  let current = null;

  async function run(label, method, path, body, confirmText) {
    if (confirmText && !window.confirm(confirmText)) return;
    setContent(actionResult, h('p', { class: 'muted' }, `${label}…`));
    const r = await api(method, path, body);
    if (!r.ok) { setContent(actionResult, h('div', {}, h('strong', {}, `${label}: `), errorBox(r.body, r.status))); return; }
    const t = r.body && (r.body.task || (r.body.task_id ? r.body : null));
    setContent(actionResult, h('p', { class: 'notice' }, `${label}: started task `, t ? taskLink(t) : '',
      t ? ` (${t.type}, ${t.status})` : ''));
    refresh();
  }

  function jsonEditor(title, initial, buttons) {
    const area = h('textarea', { class: 'json', id: 'json-editor', spellcheck: 'false' },
      JSON.stringify(initial, null, 2));
    const errors = h('div', { id: 'json-errors' });
    const parse = () => {
      try { return JSON.parse(area.value); } catch (e) {
        setContent(errors, h('div', { class: 'error' }, `the JSON does not parse: ${e.message}`));
        return null;
      }
    };
    setContent(editorBox, h('h2', {}, title), area, errors, h('div', { class: 'actions' },
      buttons.map(([label, id, fn, cls]) => h('button', { id, class: cls, onclick: async () => {
        setContent(errors);
        const body = parse();
        if (body) await fn(body, errors);
      } }, label)),
      h('button', { onclick: () => setContent(editorBox) }, 'Close')));
  }

  function openUpdate() {
    if (!current) return;
    const body = { spec: current.spec };
    if (current.tenant_id) body.tenant_id = current.tenant_id;
    jsonEditor('Update the spec (passwords are not shown: leave them out to keep them)', body, [
      ['Dry run', 'update-dry-run', async (b, errors) => {
        const r = await api('POST', `/v1/databases/${enc(dbId)}?dry_run=true`, b);
        setContent(errors, r.ok ? h('pre', { class: 'mono', id: 'dry-run-plan' }, JSON.stringify(r.body.plan, null, 2))
          : errorBox(r.body, r.status));
      }],
      ['Update', 'update-submit', async (b, errors) => {
        const r = await api('POST', `/v1/databases/${enc(dbId)}`, b);
        if (!r.ok) { setContent(errors, errorBox(r.body, r.status)); return; }
        location.hash = `#/databases/${enc(dbId)}/tasks/${r.body.task.task_id}`;
      }, 'primary']]);
  }

  function openRestore() {
    const node = current && current.instances && current.instances[0] ? current.instances[0].node_name : 'n1';
    jsonEditor('Restore (the node(s) are rebuilt from a backup)', {
      restore_config: { source_database_id: dbId, source_node_name: node, source_database_name:
        (current && current.spec && current.spec.database_name) || '', repository: { type: 'posix', base_path: '' } },
      target_nodes: [node],
    }, [['Restore', 'restore-submit', async (b, errors) => {
      const r = await api('POST', `/v1/databases/${enc(dbId)}/restore`, b);
      if (!r.ok) { setContent(errors, errorBox(r.body, r.status)); return; }
      location.hash = `#/databases/${enc(dbId)}/tasks/${r.body.task.task_id}`;
    }, 'primary']]);
  }

  function formatBytes(n) {
    if (n < 1024) return `${n} B`;
    const units = ['KiB', 'MiB', 'GiB', 'TiB'];
    let v = n / 1024, u = 0;
    while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
    return `${v.toFixed(1)} ${units[u]}`;
  }

  function nodeSection(nodeName, instances) {
    const base = `/v1/databases/${enc(dbId)}/nodes/${enc(nodeName)}`;
    return h('div', { class: 'node', 'data-node': nodeName },
      h('h2', {}, `Node ${nodeName}`),
      h('div', { class: 'actions' },
        h('button', { onclick: () => run(`backup of ${nodeName}`, 'POST', `${base}/backups`, { type: 'full' }) }, 'Backup (full)'),
        h('button', { onclick: () => run(`switchover of ${nodeName}`, 'POST', `${base}/switchover`, {}) }, 'Switchover'),
        h('button', { class: 'danger', onclick: () => run(`failover of ${nodeName}`, 'POST', `${base}/failover`, {},
          `Fail over node ${nodeName}? A replica is promoted without waiting for the primary.`) }, 'Failover')),
      h('table', { class: 'instances' },
        h('thead', {}, h('tr', {}, ['instance', 'host', 'role', 'state', 'Patroni', 'connection', 'replication',
          'status at', ''].map(x => h('th', {}, x)))),
        h('tbody', {}, instances.map(i => {
          const ibase = `/v1/databases/${enc(dbId)}/instances/${enc(i.id)}`;
          const pg = i.postgres || {};
          const ci = i.connection_info;
          const subs = (i.spock && i.spock.subscriptions) || [];
          return h('tr', { 'data-instance': i.id },
            h('td', { class: 'mono' }, i.id), h('td', {}, i.host_id),
            h('td', {}, pg.role || ''), h('td', {}, stateSpan(i.state)),
            h('td', {}, [pg.patroni_state || '', pg.pending_restart ? ' (restart pending)' : '',
              pg.patroni_paused ? ' (paused)' : ''].join('')),
            h('td', { class: 'mono' }, ci ? `${(ci.addresses || []).join(', ')}:${ci.port}` : ''),
            h('td', {}, subs.length ? subs.map(s => h('div', { class: 'subscription' }, `${s.provider_node} → ${nodeName}: `,
                stateSpan(s.status), s.lag_bytes == null ? '' : ` · lag ${formatBytes(s.lag_bytes)}`))
              : pg.replication_lag_bytes != null
                ? h('div', { class: 'streaming' }, `streaming from primary · lag ${formatBytes(pg.replication_lag_bytes)}`)
                : (i.spock ? 'no subscriptions' : '')),
            h('td', {}, i.status_updated_at || ''),
            h('td', {},
              h('button', { class: 'restart', onclick: () => run(`restart of ${i.id}`, 'POST', `${ibase}/restart`, {}) },
                'Restart'),
              h('button', { class: 'stop', onclick: () => run(`stop of ${i.id}`, 'POST', `${ibase}/stop-instance`,
                undefined, `Stop instance ${i.id}?`) }, 'Stop'),
              h('button', { class: 'start', onclick: () => run(`start of ${i.id}`, 'POST', `${ibase}/start-instance`,
                undefined) }, 'Start'),
              i.error ? h('div', { class: 'error' }, i.error) : null));
        }))));
  }

  async function refresh() {
    const [db, tasks] = await Promise.all([api('GET', `/v1/databases/${enc(dbId)}`),
      api('GET', `/v1/databases/${enc(dbId)}/tasks?limit=20`)]);
    if (!db.ok) { setContent(info, errorBox(db.body, db.status)); return; }
    current = db.body;
    const byNode = new Map();
    for (const i of current.instances || []) {
      if (!byNode.has(i.node_name)) byNode.set(i.node_name, []);
      byNode.get(i.node_name).push(i);
    }
    setContent(info,
      h('dl', { class: 'facts' },
        h('dt', {}, 'state'), h('dd', {}, stateSpan(current.state, 'database-state')),
        h('dt', {}, 'database name'), h('dd', {}, (current.spec && current.spec.database_name) || ''),
        h('dt', {}, 'Postgres'), h('dd', {}, (current.spec && current.spec.postgres_version) || ''),
        h('dt', {}, 'created'), h('dd', {}, current.created_at || ''),
        h('dt', {}, 'updated'), h('dd', {}, current.updated_at || '')),
      [...byNode.entries()].map(([n, inst]) => nodeSection(n, inst)));
    setContent(tasksBox, tasks.ok ? tasksTable(tasks.body.tasks, false) : errorBox(tasks.body, tasks.status));
  }

  setContent(view, h('h1', {}, 'Database ', h('span', { class: 'mono' }, dbId)),
    h('div', { class: 'actions' },
      h('button', { id: 'update', onclick: openUpdate }, 'Update…'),
      h('button', { id: 'restore', onclick: openRestore }, 'Restore…'),
      h('button', { id: 'delete', class: 'danger', onclick: () => run('delete', 'DELETE', `/v1/databases/${enc(dbId)}`,
        undefined, `Delete database ${dbId} with all its instances and data?`) }, 'Delete')),
    actionResult, editorBox, info, h('h2', {}, 'Tasks'), tasksBox);
  every(3000, refresh);
}

// ---------------------------------------------------------------- one task: diagram and log

const STEP_STATES = ['completed', 'running', 'failed', 'canceled', 'skipped'];

function taskPage(scope, entityId, taskId) {
  const base = scope === 'host' ? `/v1/hosts/${enc(entityId)}/tasks/${taskId}`
                                : `/v1/databases/${enc(entityId)}/tasks/${taskId}`;
  const logPath = scope === 'host' ? `${base}/logs` : `${base}/log`;
  const facts = h('div', { id: 'task-facts' });
  const actionResult = h('div', { id: 'action-result' });
  const diagramState = h('p', { id: 'process-state', class: 'muted' }, 'loading the diagram…');
  const incidents = h('div', { class: 'incidents', id: 'incidents' });
  const diagramEl = h('div', { id: 'diagram' });
  const logEl = h('div', { id: 'log' });
  const cockpit = h('a', { id: 'cockpit-link', target: '_blank', hidden: true }, 'Open in Cockpit');
  let viewer = null;
  let shownDefinition = null;
  let marked = [];
  let cursor = null;
  let task = null;

  async function act(label, method, path) {
    setContent(actionResult, h('p', { class: 'muted' }, `${label}…`));
    const r = await api(method, path);
    setContent(actionResult, r.ok ? h('p', { class: 'notice' }, `${label}: the task is ${r.body.status}`)
      : h('div', {}, h('strong', {}, `${label}: `), errorBox(r.body, r.status)));
    poll();
  }

  const retryButton = h('button', { id: 'retry', class: 'primary', onclick: () => act('retry', 'POST', `${base}/retry`) },
    'Retry failed step');
  const cancelButton = h('button', { id: 'cancel', class: 'danger', onclick: () => {
    if (window.confirm('Cancel this task?')) act('cancel', 'GET', `${base}/cancel`);
  } }, 'Cancel task');

  async function drawDiagram(p) {
    if (typeof window.BpmnJS !== 'function') {
      setContent(diagramState, h('span', { class: 'error' }, 'the BPMN viewer (bpmn-js) did not load'));
      return;
    }
    if (!viewer) viewer = new window.BpmnJS({ container: diagramEl });
    if (shownDefinition !== p.process_definition_id) {
      await viewer.importXML(p.bpmn_xml);
      viewer.get('canvas').zoom('fit-viewport');
      shownDefinition = p.process_definition_id;
      marked = [];
    }
    const canvas = viewer.get('canvas');
    const registry = viewer.get('elementRegistry');
    for (const [id, cls] of marked) canvas.removeMarker(id, cls);
    marked = [];
    for (const a of p.activities) {
      if (!STEP_STATES.includes(a.state) || !registry.get(a.activity_id)) continue;
      canvas.addMarker(a.activity_id, `cp-${a.state}`);
      marked.push([a.activity_id, `cp-${a.state}`]);
    }
  }

  async function pollProgress() {
    const r = await api('GET', `${base}/progress`);
    if (!r.ok) { setContent(diagramState, errorBox(r.body, r.status)); return true; }
    const p = r.body;
    cockpit.href = p.cockpit_url;
    cockpit.hidden = false;
    const count = s => p.activities.filter(a => a.state === s).length;
    diagramState.className = `state state-${p.process_state === 'ended' ? 'canceled' : p.process_state}`;
    diagramState.dataset.processState = p.process_state;
    diagramState.textContent = `${p.process_definition_key}: process ${p.process_state} — ${count('completed')} done, `
      + `${count('running')} running, ${count('failed')} failed, ${count('skipped')} skipped`;
    const failed = p.activities.filter(a => a.state === 'failed');
    setContent(incidents, failed.map(a => h('div', { class: 'incident' },
      h('strong', {}, `${a.name || a.activity_id} failed: `), a.incident_message || '')));
    await drawDiagram(p);
    return p.process_state === 'running';
  }

  async function pollLog() {
    for (;;) {
      const r = await api('GET', `${logPath}${cursor ? `?after_entry_id=${cursor}` : ''}`);
      if (!r.ok) { logEl.appendChild(errorBox(r.body, r.status)); return; }
      const atBottom = logEl.scrollTop + logEl.clientHeight >= logEl.scrollHeight - 20;
      for (const e of r.body.entries) {
        logEl.appendChild(h('div', {}, h('span', { class: 'ts' }, e.timestamp.substring(11, 19)), e.message));
      }
      if (atBottom) logEl.scrollTop = logEl.scrollHeight;
      if (!r.body.last_entry_id || r.body.last_entry_id === cursor || r.body.entries.length === 0) return;
      cursor = r.body.last_entry_id;
    }
  }

  async function pollTask() {
    const r = await api('GET', base);
    if (!r.ok) { setContent(facts, errorBox(r.body, r.status)); return false; }
    task = r.body;
    const entityHref = scope === 'host' ? '#/' : `#/databases/${enc(entityId)}`;
    setContent(facts, h('dl', { class: 'facts' },
      h('dt', {}, 'status'), h('dd', {}, stateSpan(task.status, 'task-status')),
      h('dt', {}, scope), h('dd', {}, h('a', { href: entityHref }, entityId)),
      task.node_name ? [h('dt', {}, 'node'), h('dd', {}, task.node_name)] : null,
      task.instance_id ? [h('dt', {}, 'instance'), h('dd', { class: 'mono' }, task.instance_id)] : null,
      h('dt', {}, 'created'), h('dd', {}, task.created_at),
      task.completed_at ? [h('dt', {}, 'ended'), h('dd', {}, task.completed_at)] : null,
      task.error ? [h('dt', {}, 'error'), h('dd', { class: 'error', id: 'task-error' }, task.error)] : null));
    const active = ['pending', 'running', 'canceling', 'failed'].includes(task.status);
    retryButton.disabled = task.status !== 'failed';
    cancelButton.disabled = !active;
    return true;
  }

  let finalRounds = 0;
  async function poll() {
    const ok = await pollTask();
    const running = await pollProgress();
    await pollLog();
    if (!ok) return false;
    // after the process ended, one more round picks up the task's last log entries
    if (!running && ['completed', 'canceled', 'failed'].includes(task.status)) finalRounds++;
    else finalRounds = 0;
    return finalRounds < 3;
  }

  setContent(view,
    h('h1', {}, 'Task ', h('span', { class: 'mono' }, taskId)),
    facts,
    h('div', { class: 'actions' }, retryButton, cancelButton, cockpit),
    actionResult,
    h('div', { class: 'task-layout' },
      h('div', {}, diagramState, incidents, diagramEl,
        h('div', { class: 'legend' }, STEP_STATES.map(s => h('span', { class: `legend-${s}` },
          h('i', { style: `border-color: var(--${{ completed: 'ok', running: 'run', failed: 'bad', canceled: 'warn', skipped: 'muted' }[s]})` }), s)))),
      h('div', {}, h('p', { class: 'muted' }, 'Task log (follows the task as it runs)'), logEl)));
  every(1500, poll);
}

// ---------------------------------------------------------------- routes

const routes = [
  [/^#?\/?$/, clusterPage],
  [/^#\/tasks$/, tasksPage],
  [/^#\/databases$/, databasesPage],
  [/^#\/databases\/new$/, createPage],
  [/^#\/databases\/([^/]+)$/, m => databasePage(decodeURIComponent(m[1]))],
  [/^#\/databases\/([^/]+)\/tasks\/([^/]+)$/, m => taskPage('database', decodeURIComponent(m[1]), m[2])],
  [/^#\/hosts\/([^/]+)\/tasks\/([^/]+)$/, m => taskPage('host', decodeURIComponent(m[1]), m[2])],
];

function route() {
  stopPage();
  stopPage = () => {};
  const hash = location.hash || '#/';
  for (const [pattern, page] of routes) {
    const m = pattern.exec(hash);
    if (m) { page(m); return; }
  }
  setContent(view, h('p', { class: 'error' }, `no page at ${hash}`));
}

window.addEventListener('hashchange', route);
api('GET', '/v1/version').then(r => {
  if (r.ok) document.getElementById('version').textContent = `version ${r.body.version} (${(r.body.revision || '').substring(0, 12)})`;
});
route();
