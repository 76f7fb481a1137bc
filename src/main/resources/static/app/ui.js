// A small design system: every component renders user text as text (no innerHTML anywhere) and
// styles only through classes in app.css, because the CSP forbids inline styles.
import { h } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import htm from 'htm';
import { fieldErrorText, lang, LANGUAGES, setLang, t } from './i18n.js';

export const html = htm.bind(h);

export function cx(...names) {
  return names.filter(Boolean).join(' ');
}

export function Button({ kind = 'primary', size, type = 'button', busy, disabled, class: extra, children, ...rest }) {
  return html`<button
    type=${type}
    class=${cx('btn', `btn-${kind}`, size === 'small' && 'btn-small', extra)}
    disabled=${disabled || busy}
    aria-busy=${busy ? 'true' : undefined}
    ...${rest}
  >${busy && html`<${Spinner} inline />`}${children}</button>`;
}

function Field({ id, label, hint, error, required, children }) {
  return html`<div class=${cx('field', error && 'field-invalid')}>
    ${label &&
html`<label class="field-label" for=${id}>${label}</label>`}
    ${children}
    ${hint && !error && html`<p class="field-hint" id=${id + '-hint'}>${hint}</p>`}
    ${error && html`<p class="field-error" id=${id + '-error'} role="alert">${error}</p>`}
  </div>`;
}

export function TextField({ label, hint, error, value, onValue, prefix, suffix, required, class: extra, ...rest }) {
  const generated = useId();
  const id = rest.id || generated;
  const describedBy = error ? id + '-error' : hint ? id + '-hint' : undefined;
  const input = html`<input
    id=${id}
    class="input"
    value=${value ?? ''}
    onInput=${(e) => onValue && onValue(e.currentTarget.value)}
    aria-invalid=${error ? 'true' : undefined}
    aria-describedby=${describedBy}
    required=${required}
    ...${rest}
  />`;
  return html`<${Field} id=${id} label=${label} hint=${hint} error=${error} required=${required}>
    ${prefix || suffix
      ? html`<div class=${cx('input-group', extra)}>
          ${prefix && html`<span class="input-affix">${prefix}</span>`}${input}${suffix &&
          html`<span class="input-affix">${suffix}</span>`}
        </div>`
      : input}
  <//>`;
}

export function Select({ label, hint, error, value, onValue, options, ...rest }) {
  const generated = useId();
  const id = rest.id || generated;
  return html`<${Field} id=${id} label=${label} hint=${hint} error=${error}>
    <select
      id=${id}
      class="input select"
      value=${value}
      onChange=${(e) => onValue && onValue(e.currentTarget.value)}
      aria-invalid=${error ? 'true' : undefined}
      ...${rest}
    >
      ${options.map((o) => html`<option value=${o.value} selected=${o.value === value}>${o.label}</option>`)}
    </select>
  <//>`;
}

export function Checkbox({ label, checked, onValue, ...rest }) {
  return html`<label class="check">
    <input type="checkbox" checked=${checked} onChange=${(e) => onValue(e.currentTarget.checked)} ...${rest} />
    <span>${label}</span>
  </label>`;
}

/** A modal built on <dialog>: focus stays inside, Escape closes it. */
export function Dialog({ open, title, onClose, children, footer, wide }) {
  const ref = useRef(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return html`<dialog
    ref=${ref}
    class=${cx('dialog', wide && 'dialog-wide')}
    aria-labelledby=${titleId}
    onCancel=${(e) => {
      e.preventDefault();
      onClose && onClose();
    }}
  >
    ${open &&
    html`<div class="dialog-inner">
      <header class="dialog-header">
        <h2 id=${titleId} class="dialog-title">${title}</h2>
        <button type="button" class="icon-btn" aria-label=${t('common.close')} onClick=${() => onClose && onClose()}>
          <${Icon} name="close" />
        </button>
      </header>
      <div class="dialog-body">${children}</div>
      ${footer && html`<footer class="dialog-footer">${footer}</footer>`}
    </div>`}
  </dialog>`;
}

/** Asks a yes/no question; `onConfirm` may return a promise. */
export function ConfirmDialog({ open, title, message, confirmLabel, danger, onConfirm, onClose, children }) {
  const [busy, setBusy] = useState(false);
  const go = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
    }
  };
  return html`<${Dialog}
    open=${open}
    title=${title}
    onClose=${onClose}
    footer=${html`<${Button} kind="secondary" onClick=${onClose}>${t('common.cancel')}<//>
      <${Button} kind=${danger ? 'danger' : 'primary'} busy=${busy} onClick=${go}>${confirmLabel}<//>`}
  >
    <p>${message}</p>
    ${children}
  <//>`;
}

/** columns: [{key, label, render?(row), class?}] */
export function Table({ columns, rows, rowKey = (r) => r.id, empty, caption }) {
  if (!rows || rows.length === 0) return empty || null;
  return html`<div class="table-wrap">
    <table class="table">
      ${caption && html`<caption class="sr-only">${caption}</caption>`}
      <thead>
        <tr>${columns.map((c) => html`<th scope="col" class=${c.class}>${c.label}</th>`)}</tr>
      </thead>
      <tbody>
        ${rows.map(
          (r) => html`<tr key=${rowKey(r)}>
            ${columns.map(
              (c) => html`<td class=${c.class} data-label=${c.label}>${c.render ? c.render(r) : r[c.key] ?? ''}</td>`,
            )}
          </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

export function Badge({ tone = 'neutral', children }) {
  return html`<span class=${cx('badge', `badge-${tone}`)}>${children}</span>`;
}

export function Alert({ tone = 'error', children }) {
  return html`<div class=${cx('alert', `alert-${tone}`)} role=${tone === 'error' ? 'alert' : 'status'}>${children}</div>`;
}

export function EmptyState({ icon = 'inbox', title, children }) {
  return html`<div class="empty">
    <div class="empty-icon"><${Icon} name=${icon} /></div>
    <p class="empty-title">${title}</p>
    ${children && html`<div class="empty-body">${children}</div>`}
  </div>`;
}

export function Spinner({ inline, label }) {
  return html`<span class=${cx('spinner', inline && 'spinner-inline')} role=${inline ? undefined : 'status'}>
    <span class="sr-only">${label || t('app.loading')}</span>
  </span>`;
}

export function Card({ title, children, actions }) {
  return html`<section class="card">
    ${(title || actions) &&
    html`<header class="card-header">
      ${title && html`<h2 class="card-title">${title}</h2>`}
      ${actions && html`<div class="card-actions">${actions}</div>`}
    </header>`}
    ${children}
  </section>`;
}

export function CopyButton({ text }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone(true);
      setTimeout(() => setDone(false), 2000);
    } catch {
      toast(t('error.generic'), 'error');
    }
  };
  return html`<${Button} kind="secondary" size="small" onClick=${copy}>
    <${Icon} name=${done ? 'check' : 'copy'} />${done ? t('common.copied') : t('common.copy')}
  <//>`;
}

// Toasts: a module-level queue that the one <Toaster/> in the app frame shows.
let toasts = [];
let toastSeq = 0;
const toastListeners = new Set();

export function toast(message, tone = 'success') {
  const id = ++toastSeq;
  toasts = [...toasts, { id, message, tone }];
  toastListeners.forEach((fn) => fn(toasts));
  // Reminders ('info') stay until closed; other toasts go by themselves.
  if (tone !== 'info') setTimeout(() => dismiss(id), tone === 'error' ? 8000 : 4000);
}

function dismiss(id) {
  toasts = toasts.filter((x) => x.id !== id);
  toastListeners.forEach((fn) => fn(toasts));
}

export function Toaster() {
  const [items, setItems] = useState(toasts);
  useEffect(() => {
    toastListeners.add(setItems);
    return () => toastListeners.delete(setItems);
  }, []);
  return html`<div class="toaster" aria-live="polite">
    ${items.map(
      (x) => html`<div key=${x.id} class=${cx('toast', `toast-${x.tone}`)} role=${x.tone === 'error' ? 'alert' : 'status'}>
        <span>${x.message}</span>
        <button type="button" class="icon-btn" aria-label=${t('common.close')} onClick=${() => dismiss(x.id)}>
          <${Icon} name="close" />
        </button>
      </div>`,
    )}
  </div>`;
}

/** The message to show for a failed request. */
export function errorText(err, fallbacks = {}) {
  if (!err) return '';
  const status = err.status;
  if (status in fallbacks) return fallbacks[status];
  if (status === 0) return t('error.network');
  if (err.detail) return err.detail;
  if (status === 401) return t('error.unauthorized');
  if (status === 403) return t('error.forbidden');
  if (status === 404) return t('error.notFound');
  return err.title || t('error.generic');
}

/** Field errors of an ApiError that no input shows, as one text (so nothing is silently dropped). */
export function otherFieldErrors(err, shown) {
  if (!err || !err.errors) return [];
  return err.errors.filter((e) => !shown.includes(e.field)).map((e) => (e.field ? `${e.field}: ` : '') + (fieldErrorText(e.code, e.message) || e.message || e.code));
}

const ICONS = {
  talk: 'M4 5h16v10H9l-5 4z',
  mail: 'M3 6h18v12H3z M3 7l9 6 9-6',
  drive: 'M3 7h7l2 2h9v10H3z',
  calendar: 'M4 6h16v14H4z M4 10h16 M8 3v5 M16 3v5',
  contacts: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z M4 21c0-4 4-6 8-6s8 2 8 6',
  admin: 'M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z M9 12l2 2 4-4',
  user: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z M4 21c0-4 4-6 8-6s8 2 8 6',
  close: 'M6 6l12 12 M18 6L6 18',
  check: 'M5 12l5 5 9-10',
  copy: 'M9 9h11v11H9z M5 15H4V4h11v1',
  search: 'M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14z M16 16l5 5',
  inbox: 'M3 13l3-8h12l3 8v6H3z M3 13h5l1 3h6l1-3h5',
  key: 'M8 15a4 4 0 1 1 3-7l10 0v4h-3v3h-3v-3h-4a4 4 0 0 1-3 3z',
  plus: 'M12 5v14 M5 12h14',
  globe: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z M3 12h18 M12 3c3 3 3 15 0 18 M12 3c-3 3-3 15 0 18',
  chevron: 'M6 9l6 6 6-6',
  back: 'M15 5l-7 7 7 7',
  shield: 'M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z',
  clock: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z M12 7v5l3 3',
};

export function Icon({ name }) {
  return html`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
    <path d=${ICONS[name] || ICONS.inbox} />
  </svg>`;
}

/** Pager for {page, size, total} answers; pages are zero-based. */
export function Pager({ page, size, total, onPage }) {
  if (!total) return null;
  const from = page * size + 1;
  const to = Math.min(total, (page + 1) * size);
  return html`<nav class="pager" aria-label="pagination">
    <span class="pager-text">${t('common.pageOf', { from, to, total })}</span>
    <${Button} kind="secondary" size="small" disabled=${page <= 0} onClick=${() => onPage(page - 1)}>${t('common.prev')}<//>
    <${Button} kind="secondary" size="small" disabled=${to >= total} onClick=${() => onPage(page + 1)}>${t('common.next')}<//>
  </nav>`;
}

export function navigate(hash) {
  if (location.hash !== hash) location.hash = hash;
}

export function LanguageSwitch() {
  return html`<label class="lang-switch">
    <${Icon} name="globe" />
    <span class="sr-only">${t('common.language')}</span>
    <select class="lang-select" value=${lang()} onChange=${(e) => setLang(e.currentTarget.value)} data-testid="lang">
      ${LANGUAGES.map((l) => html`<option value=${l.value} selected=${l.value === lang()}>${l.label}</option>`)}
    </select>
  </label>`;
}
