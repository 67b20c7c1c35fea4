// The installer's LAN page. It talks only to the API (/api/*), like the CLI.
const $ = (id) => document.getElementById(id);

async function api(path, init = {}) {
  const res = await fetch(path, { credentials: 'same-origin', ...init });
  const body = await res.json().catch(() => ({}));
  return { status: res.status, body };
}

async function showHealth() {
  const { body } = await api('/api/health');
  $('health').textContent = `${body.status} · v${body.version} · up ${body.uptime_s} s`;
}

async function showApp(me) {
  $('login').hidden = true;
  $('app').hidden = false;
  $('who').textContent = `${me.name} (${me.extension}, ${me.role})`;
  if (me.role === 'admin') {
    const { body: c } = await api('/api/config');
    $('summary').textContent = `${c.site.name}: ${c.employees.length} employees, ${c.departments.length} departments, ${c.lines.length} lines, ${c.numbers.length} numbers`;
  }
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/events`);
  ws.onmessage = (m) => {
    const e = JSON.parse(m.data);
    const li = document.createElement('li');
    li.textContent = `${new Date(e.at).toLocaleTimeString()} ${e.type} ${JSON.stringify(e.data)}`;
    $('events').prepend(li);
  };
  // 4401: the session ended (signed out elsewhere, password or role changed, employee removed).
  ws.onclose = (e) => {
    if (e.code !== 4401) return;
    $('app').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = e.reason;
  };
}

$('login').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = new FormData(ev.target);
  const r = await api('/api/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ extension: f.get('extension'), password: f.get('password') }),
  });
  if (r.status === 200) showApp(r.body);
  else $('login-error').textContent = r.body.error ?? `error ${r.status}`;
});

$('logout').addEventListener('click', async () => {
  await api('/api/logout', { method: 'POST' });
  location.reload();
});

showHealth();
setInterval(showHealth, 10_000);
const me = await api('/api/me');
if (me.status === 200) showApp(me.body);
else $('login').hidden = false;
