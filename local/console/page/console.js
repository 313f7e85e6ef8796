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

/** Error texts whose full text a person opened, by secret and text: kept open across redraws. */
const opened = new Set();

/** The first sentence of an error message, cut short if it runs long: what a card shows at first. */
function firstLine(message) {
  const end = message.search(/[.!?](\s|$)/);
  const sentence = end === -1 ? message : message.slice(0, end + 1);
  return sentence.length <= 160 ? sentence : `${sentence.slice(0, 159).trimEnd()}…`;
}

/** `Name: message` (how verdicts and events carry an error) as its name and message. */
function splitError(text) {
  const match = /^([A-Za-z][\w.]*): ([\s\S]*)$/.exec(text);
  return match === null ? { type: null, message: text } : { type: match[1], message: match[2] };
}

/**
 * Each error is shown in full once per card, where it first appears: its name and first line, with
 * the rest a click away. Where the card already showed it, only its name and a pointer up.
 */
function errorShower(secret) {
  const shown = new Set();
  return (type, message, where = 'p') => {
    const key = `${type ?? ''}\n${message}`;
    const name = type === null ? null : el('strong', { class: 'error-type' }, type);
    if (shown.has(key)) {
      return el(
        'span',
        { class: 'error error-ref', 'data-error-ref': type ?? '' },
        name,
        name === null ? firstLine(message) : null,
        ' (shown above)',
      );
    }
    shown.add(key);
    const head = firstLine(message);
    const rest = head.endsWith('…') ? message : message.slice(head.length).trim();
    const line = [name, name === null ? '' : ': ', head];
    if (rest === '') return el(where, { class: 'error', 'data-error': type ?? '' }, line);
    const id = `${secret.arn}\n${key}`;
    const details = el(
      'details',
      { class: 'error', 'data-error': type ?? '', open: opened.has(id) },
      el('summary', {}, line),
      el('p', { class: 'error-rest' }, rest),
    );
    details.addEventListener('toggle', () => (details.open ? opened.add(id) : opened.delete(id)));
    return details;
  };
}

/** A text that quotes the credential checks' errors, with each quote cut to the error's name. */
function withoutVerdicts(text, secret) {
  let short = text;
  for (const verdict of [secret.credentials?.current, secret.credentials?.pending]) {
    if (verdict?.reason === undefined || verdict.reason === null) continue;
    const { type } = splitError(verdict.reason);
    short = short.split(`(${verdict.reason})`).join(`(${type ?? 'rejected'})`);
  }
  return short;
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
        : { ok: false, type: answer.error.type, text: answer.error.message },
    );
  } catch (error) {
    notes.set(secret.arn, {
      ok: false,
      type: 'ConsoleUnreachable',
      text: `The console did not answer: ${error.message}`,
    });
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

function rotationItem(rotation, showError) {
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
          'div',
          { class: 'rotation-error' },
          lastFailure === undefined ? null : el('span', { class: 'muted' }, `${lastFailure.step} failed:`),
          showError(
            (rotation.error ?? lastFailure.error).type,
            (rotation.error ?? lastFailure.error).message,
          ),
        )
      : null,
  );
}

function events(secret, showError) {
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
            event.errorMessage
              ? showError(splitError(event.errorMessage).type, splitError(event.errorMessage).message, 'span')
              : null,
          ),
        ),
    ),
  );
}

/** A credential check's verdict on one version: works, or rejected with its error. */
function verdictRow(label, verdict, showError) {
  const { type, message } = splitError(verdict.reason ?? '');
  return el(
    'li',
    { 'data-stage': label },
    el('span', { class: `label label-${label}` }, label),
    verdict.works ? el('span', { class: 'works' }, 'works') : el('span', { class: 'rejected' }, 'rejected'),
    verdict.works ? null : showError(type, message, 'span'),
  );
}

function card(secret) {
  const note = notes.get(secret.arn);
  const showError = errorShower(secret);
  // Built in page order, so an error is shown in full where it first appears.
  const header = el(
    'header',
    {},
    el('h2', {}, secret.name),
    el('span', { class: 'region' }, secret.region),
    healthBadge(secret.health),
    actions(secret),
  );
  const summary = el('p', { class: 'summary' }, withoutVerdicts(secret.summary, secret));
  const noted =
    note === undefined
      ? null
      : note.ok
        ? el('p', { class: 'note note-ok' }, note.text)
        : el('div', { class: 'note note-error' }, showError(note.type, withoutVerdicts(note.text, secret)));
  const credentials = secret.credentials
    ? el(
        'div',
        { class: 'credentials' },
        el('span', { class: 'muted' }, `${secret.credentials.target} check from here:`),
        el(
          'ul',
          {},
          verdictRow('AWSCURRENT', secret.credentials.current, showError),
          verdictRow('AWSPENDING', secret.credentials.pending, showError),
        ),
      )
    : null;
  const fixes =
    secret.fixes.length > 0
      ? el(
          'ul',
          { class: 'fixes' },
          secret.fixes.map((fix) => el('li', {}, el('code', {}, fix))),
        )
      : null;
  const rotations =
    secret.rotations.length === 0
      ? el('p', { class: 'muted' }, 'No rotation since the stack started.')
      : el(
          'ol',
          { class: 'rotations' },
          [...secret.rotations].reverse().map((rotation) => rotationItem(rotation, showError)),
        );
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
    header,
    summary,
    noted,
    credentials,
    fixes,
    el('div', { class: 'columns' }, configuration(secret), versions(secret)),
    el('h3', {}, 'Rotations'),
    rotations,
    events(secret, showError),
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
