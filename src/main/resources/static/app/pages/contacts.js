// The company directory: every active member, searchable by name, reading or email.
import { useEffect, useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { t } from '../i18n.js';
import { html, Alert, EmptyState, Icon, Spinner, Table, errorText } from '../ui.js';

export function memberName(m) {
  return m.displayName || [m.familyName, m.givenName].filter(Boolean).join(' ') || m.loginId || '';
}

export function memberReading(m) {
  return [m.familyNameReading, m.givenNameReading].filter(Boolean).join(' ');
}

export function departmentText(m) {
  return (m.departments || [])
    .map((d) => [d.name, d.position].filter(Boolean).join(' / '))
    .join('、');
}

export function ContactsPage() {
  const [q, setQ] = useState('');
  const [rows, setRows] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(async () => {
      try {
        const body = await api.get('/api/v1/directory/members' + query({ q: q.trim() }));
        if (!cancelled) {
          setRows(Array.isArray(body) ? body : body?.items || []);
          setError(null);
        }
      } catch (e) {
        if (!cancelled) setError(e);
      }
    }, 200);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [q]);

  return html`<div class="page">
    <h1 class="page-title">${t('contacts.title')}</h1>
    <div class="toolbar" role="search">
      <label class="search">
        <${Icon} name="search" />
        <span class="sr-only">${t('common.search')}</span>
        <input
          class="input"
          type="search"
          placeholder=${t('contacts.search')}
          value=${q}
          onInput=${(e) => setQ(e.currentTarget.value)}
          name="q"
        />
      </label>
    </div>
    ${error && html`<${Alert}>${errorText(error)}<//>`}
    ${rows === null && !error
      ? html`<${Spinner} />`
      : html`<${Table}
          caption=${t('contacts.title')}
          rows=${rows || []}
          empty=${html`<${EmptyState} icon="contacts" title=${t('contacts.empty')} />`}
          columns=${[
            {
              key: 'name',
              label: t('contacts.name'),
              render: (m) => html`<div class="person">
                <span class="avatar" aria-hidden="true">${memberName(m).slice(0, 1)}</span>
                <span><span class="person-name">${memberName(m)}</span>
                ${memberReading(m) && html`<span class="person-sub">${memberReading(m)}</span>`}</span>
              </div>`,
            },
            { key: 'department', label: t('contacts.department'), render: departmentText },
            {
              key: 'email',
              label: t('contacts.email'),
              render: (m) => (m.email ? html`<a href=${'mailto:' + m.email}>${m.email}</a>` : ''),
            },
            {
              key: 'phone',
              label: t('contacts.phone'),
              render: (m) => (m.phone ? html`<a href=${'tel:' + m.phone}>${m.phone}</a>` : ''),
            },
          ]}
        />`}
  </div>`;
}
