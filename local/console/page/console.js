// The local stack's console: polls the state every second and draws it. Every string from the
// server (names, messages) goes in through textContent, never as HTML: a secret's name is data.
const BASE = '/_local/console';
const POLL_MS = 1000;
const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];
const TOKEN = document.querySelector('meta[name="console-token"]')?.getAttribute('content') ?? '';

/** What each secret's card was drawn from, so a card is only redrawn when it changed (a redraw under the pointer would eat a click). */
const drawn = new Map();
/** The outcome of the last action on a secret, shown in its card until the next one. */
const notes = new Map();
/** Secrets with an action in flight: their buttons wait. */
const busy = new Set();
let lastState;

/** An element with a class, attributes and children (strings become text nodes). */
function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('data-')) node.setAttribute(key, String(value));
    else if (key === 'onclick') node.addEventListener('click', value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

const time = (iso) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : '–');
const clock = (iso) => (iso ? iso.slice(11, 19) : '–');
const shortId = (id) => (id ? `${id.slice(0, 8)}…` : '–');
const functionName = (arn) => (arn ? arn.split(':').at(-1) : '–');
const anchor = (secret) => `secret-${encodeURIComponent(`${secret.region}/${secret.name}`)}`;

function pendingVersion(secret) {
  const current = secret.versions.find((v) => v.stages.includes('AWSCURRENT'));
  const pending = secret.versions.find((v) => v.stages.includes('AWSPENDING'));
  return pending !== undefined && pending.versionId !== current?.versionId ? pending : undefined;
}

function healthBadge(health) {
  return el('span', { class: `health health-${health}`, 'data-health': health }, health.toUpperCase());
}

async function act(secret, action, body) {
  busy.add(secret.arn);
  redraw();
  try {
    const response = await fetch(`${BASE}/api/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-console-token': TOKEN },
      body: JSON.stringify({ secretArn: secret.arn, ...body }),
    });
    const answer = await response.json();
    notes.set(
      secret.arn,
      answer.ok
        ? { ok: true, text: answer.message }
        : { ok: false, text: `${answer.error.type}: ${answer.error.message}` },
    );
  } catch (error) {
    notes.set(secret.arn, { ok: false, text: `The console did not answer: ${error.message}` });
  } finally {
    busy.delete(secret.arn);
    await refresh();
  }
}

function actions(secret) {
  const pending = pendingVersion(secret);
  const waiting = busy.has(secret.arn);
  const rotateBlocked =
    secret.rotation.functionArn === null
      ? 'no rotation function configured'
      : secret.health === 'rotating' || secret.health === 'stuck'
        ? 'a rotation is unfinished: let it finish, or cancel it if it is stuck'
        : undefined;
  return el(
    'div',
    { class: 'actions' },
    el(
      'button',
      {
        class: 'rotate',
        type: 'button',
        disabled: waiting || rotateBlocked !== undefined,
        title: rotateBlocked ?? 'RotateSecret with the configured function and schedule',
        onclick: () => act(secret, 'rotate', {}),
      },
      'Rotate now',
    ),
    secret.health === 'stuck' && pending !== undefined
      ? el(
          'button',
          {
            class: 'cancel',
            type: 'button',
            disabled: waiting,
            title: 'secrets-rotation cancel: checks the credentials, then clears AWSPENDING',
            onclick: () => {
              const question =
                `Cancel the stuck rotation of ${secret.name}? AWSPENDING is removed from version ` +
                `${pending.versionId}, unless the target already uses that credential.`;
              if (window.confirm(question)) act(secret, 'cancel', { versionId: pending.versionId });
            },
          },
          'Cancel stuck rotation',
        )
      : null,
  );
}

function configuration(secret) {
  const r = secret.rotation;
  const row = (label, value, title) => [el('dt', {}, label), el('dd', { title }, value)];
  return el(
    'div',
    { class: 'configuration' },
    el('h3', {}, 'Rotation'),
    el(
      'dl',
      {},
      row('enabled', r.enabled ? 'yes' : 'no'),
      row('function', functionName(r.functionArn), r.functionArn ?? undefined),
      row('schedule', r.schedule ?? '–'),
      row('last rotated', time(r.lastRotatedAt)),
      row('next rotation', time(r.nextRotationAt)),
    ),
  );
}

function versions(secret) {
  return el(
    'div',
    { class: 'versions' },
    el('h3', {}, 'Versions'),
    el(
      'table',
      {},
      el('thead', {}, el('tr', {}, el('th', {}, 'version'), el('th', {}, 'labels'), el('th', {}, 'created'))),
      el(
        'tbody',
        {},
        secret.versions.map((v) =>
          el(
            'tr',
            { class: 'version', 'data-version-id': v.versionId },
            el('td', { title: v.versionId }, el('code', {}, shortId(v.versionId))),
            el(
              'td',
              {},
              v.stages.length === 0
                ? el('span', { class: 'muted' }, '(deprecated)')
                : v.stages.map((stage) => el('span', { class: `label label-${stage}` }, stage)),
            ),
            el('td', {}, time(v.createdAt)),
          ),
        ),
      ),
    ),
  );
}

/** One attempt's four steps: done, failed (with its named error), running, waiting, or never run. */
function attemptRow(rotation, attempt) {
  const steps = rotation.kind === 'configuration-test' ? ['testSecret'] : STEPS;
  const ran = rotation.steps.filter((s) => s.attempt === attempt);
  const live = rotation.outcome === 'running' && attempt === rotation.attempts;
  let reached = false;
  return el(
    'tr',
    { class: 'attempt', 'data-attempt': attempt },
    el('th', {}, `attempt ${attempt}`),
    steps.map((name) => {
      const step = ran.find((s) => s.step === name);
      let outcome = step?.outcome;
      if (outcome === undefined) {
        outcome = live && !reached ? 'running' : live ? 'waiting' : 'not-run';
        if (live) reached = true;
      }
      return el(
        'td',
        { class: `step step-${outcome}`, 'data-step': name, 'data-outcome': outcome },
        el('span', { class: 'step-name' }, name),
        el(
          'span',
          { class: 'step-detail' },
          step === undefined ? outcome.replace('-', ' ') : `${step.outcome} · ${step.durationMs} ms`,
        ),
        step?.error ? el('span', { class: 'step-error error-type' }, step.error.type) : null,
      );
    }),
  );
}

function rotationItem(rotation) {
  const attempts = Math.max(rotation.attempts, 1);
  const failedSteps = rotation.steps.filter((s) => s.error !== null);
  const lastFailure = failedSteps.at(-1);
  return el(
    'li',
    {
      class: `rotation outcome-${rotation.outcome}`,
      'data-version-id': rotation.versionId,
      'data-outcome': rotation.outcome,
      'data-kind': rotation.kind,
    },
    el(
      'div',
      { class: 'rotation-head' },
      el('span', { class: `outcome outcome-${rotation.outcome}` }, rotation.outcome),
      el('span', {}, rotation.kind === 'rotation' ? 'rotation' : 'configuration test'),
      el('code', { title: rotation.versionId }, shortId(rotation.versionId)),
      el(
        'span',
        { class: 'muted' },
        `${rotation.trigger} · ${time(rotation.startedAt)} → ${clock(rotation.endedAt)}`,
      ),
      el('span', { class: 'muted' }, `${rotation.attempts} attempt${rotation.attempts === 1 ? '' : 's'}`),
    ),
    el(
      'table',
      { class: 'attempts' },
      el(
        'tbody',
        {},
        Array.from({ length: attempts }, (_, i) => attemptRow(rotation, i + 1)),
      ),
    ),
    rotation.error !== null || lastFailure !== undefined
      ? el(
          'p',
          { class: 'error' },
          el('strong', { class: 'error-type' }, (rotation.error ?? lastFailure.error).type),
          lastFailure === undefined ? '' : ` in ${lastFailure.step}: `,
          (rotation.error ?? lastFailure.error).message,
        )
      : null,
  );
}

function events(secret) {
  if (secret.events.length === 0) return null;
  return el(
    'div',
    { class: 'events' },
    el('h3', {}, 'Events'),
    el(
      'ol',
      {},
      [...secret.events]
        .reverse()
        .map((event) =>
          el(
            'li',
            { class: 'event', 'data-event': event.eventName },
            el('span', { class: 'muted' }, time(event.time)),
            el('span', { class: `event-name event-${event.eventName}` }, event.eventName),
            event.versionId ? el('code', { title: event.versionId }, shortId(event.versionId)) : null,
            event.errorMessage ? el('span', { class: 'error' }, event.errorMessage) : null,
          ),
        ),
    ),
  );
}

function card(secret) {
  const note = notes.get(secret.arn);
  return el(
    'section',
    {
      class: `secret health-border-${secret.health}`,
      id: anchor(secret),
      'data-arn': secret.arn,
      'data-name': secret.name,
      'data-region': secret.region,
      'data-health': secret.health,
    },
    el(
      'header',
      {},
      el('h2', {}, secret.name),
      el('span', { class: 'region' }, secret.region),
      healthBadge(secret.health),
      actions(secret),
    ),
    el('p', { class: 'summary' }, secret.summary),
    note ? el('p', { class: note.ok ? 'note note-ok' : 'note note-error' }, note.text) : null,
    secret.credentials
      ? el(
          'p',
          { class: 'credentials' },
          `${secret.credentials.target} check: AWSCURRENT `,
          secret.credentials.current.works ? 'works' : `rejected (${secret.credentials.current.reason})`,
          ', AWSPENDING ',
          secret.credentials.pending.works ? 'works' : `rejected (${secret.credentials.pending.reason})`,
        )
      : null,
    secret.fixes.length > 0
      ? el(
          'ul',
          { class: 'fixes' },
          secret.fixes.map((fix) => el('li', {}, el('code', {}, fix))),
        )
      : null,
    el('div', { class: 'columns' }, configuration(secret), versions(secret)),
    el('h3', {}, 'Rotations'),
    secret.rotations.length === 0
      ? el('p', { class: 'muted' }, 'No rotation since the stack started.')
      : el('ol', { class: 'rotations' }, [...secret.rotations].reverse().map(rotationItem)),
    events(secret),
  );
}

function overviewRow(secret) {
  return el(
    'tr',
    { 'data-arn': secret.arn },
    el('td', {}, el('a', { href: `#${anchor(secret)}` }, secret.name)),
    el('td', {}, secret.region),
    el('td', {}, healthBadge(secret.health)),
    el('td', { title: secret.rotation.functionArn ?? undefined }, functionName(secret.rotation.functionArn)),
    el('td', {}, secret.rotation.schedule ?? '–'),
    el('td', {}, time(secret.rotation.lastRotatedAt)),
    el('td', {}, time(secret.rotation.nextRotationAt)),
  );
}

function render(state) {
  lastState = state;
  document.getElementById('endpoint').textContent = state.endpoint;
  const counts = {};
  for (const secret of state.secrets) counts[secret.health] = (counts[secret.health] ?? 0) + 1;
  document
    .getElementById('totals')
    .replaceChildren(
      `${state.secrets.length} secret${state.secrets.length === 1 ? '' : 's'}`,
      ...Object.entries(counts).flatMap(([health, count]) => [' · ', healthBadge(health), ` ${count}`]),
    );
  document.getElementById('overview').tBodies[0].replaceChildren(...state.secrets.map(overviewRow));
  document.getElementById('empty').hidden = state.secrets.length > 0;

  const container = document.getElementById('secrets');
  const seen = new Set();
  let previous = null;
  for (const secret of state.secrets) {
    seen.add(secret.arn);
    const key = JSON.stringify([secret, notes.get(secret.arn) ?? null, busy.has(secret.arn)]);
    let entry = drawn.get(secret.arn);
    if (entry === undefined || entry.key !== key) {
      const node = card(secret);
      if (entry !== undefined) entry.node.replaceWith(node);
      entry = { key, node };
      drawn.set(secret.arn, entry);
    }
    // Keep the server's order (by name, then Region).
    const expected = previous === null ? container.firstChild : previous.nextSibling;
    if (expected !== entry.node) container.insertBefore(entry.node, expected);
    previous = entry.node;
  }
  for (const [arn, entry] of drawn) {
    if (seen.has(arn)) continue;
    entry.node.remove();
    drawn.delete(arn);
  }
}

function redraw() {
  if (lastState !== undefined) render(lastState);
}

let timer;
async function refresh() {
  clearTimeout(timer);
  const refreshed = document.getElementById('refreshed');
  try {
    const response = await fetch(`${BASE}/api/state`, { cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    render(await response.json());
    refreshed.textContent = `refreshed ${new Date().toISOString().slice(11, 19)}`;
    refreshed.classList.remove('offline');
  } catch (error) {
    refreshed.textContent = `the local stack does not answer (${error.message}); retrying`;
    refreshed.classList.add('offline');
  } finally {
    // After the answer, not on a fixed interval: a slow answer never piles requests up. An
    // action's own refresh may overlap this one: whichever ends last keeps the only timer.
    clearTimeout(timer);
    timer = setTimeout(refresh, POLL_MS);
  }
}

refresh();
