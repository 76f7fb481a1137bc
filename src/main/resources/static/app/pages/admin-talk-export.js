// Admin console, audit tab: message content export for an investigation (super admins only).
import { useEffect, useState } from 'preact/hooks';
import { api, csrfHeaders, query } from '../api.js';
import { addMessages, t } from '../i18n.js';
import { html, Alert, Button, Card, Select, TextField, errorText, toast } from '../ui.js';

addMessages({
  ja: {
    'tx.title': 'トークの内容を書き出す（調査用）',
    'tx.hint': 'ルームまたはメンバーの期間内のメッセージを CSV で書き出します。理由は監査ログに記録されます。',
    'tx.by': '対象',
    'tx.byMember': 'メンバーが送ったメッセージ',
    'tx.byRoom': 'ルームのメッセージ（ルーム ID）',
    'tx.member': 'メンバーを名前で検索',
    'tx.room': 'ルーム ID',
    'tx.from': '開始日',
    'tx.to': '終了日（この日を含む）',
    'tx.reason': '理由（10 文字以上）',
    'tx.export': 'CSV を書き出す',
    'tx.done': '書き出しました',
    'tx.chosen': '対象: {name}',
  },
  en: {
    'tx.title': 'Export talk contents (investigation)',
    'tx.hint': "Exports a room's or a member's messages in a date range as CSV. The reason goes into the audit trail.",
    'tx.by': 'Scope',
    'tx.byMember': 'Messages a member sent',
    'tx.byRoom': 'Messages of a room (room ID)',
    'tx.member': 'Find a member by name',
    'tx.room': 'Room ID',
    'tx.from': 'From',
    'tx.to': 'To (inclusive)',
    'tx.reason': 'Reason (10 characters or more)',
    'tx.export': 'Export CSV',
    'tx.done': 'Exported',
    'tx.chosen': 'Chosen: {name}',
  },
});

// A local day (YYYY-MM-DD) `offset` days from today: the range below is read in local days too,
// so a UTC day here would cut off today's messages before 09:00 in Tokyo.
function day(offset) {
  const d = new Date();
  d.setDate(d.getDate() + offset);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function TalkExportCard() {
  const [by, setBy] = useState('member');
  const [q, setQ] = useState('');
  const [found, setFound] = useState([]);
  const [member, setMember] = useState(null);
  const [room, setRoom] = useState('');
  const [from, setFrom] = useState(day(-30));
  const [to, setTo] = useState(day(0));
  const [reason, setReason] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (by !== 'member' || !q.trim()) {
      setFound([]);
      return undefined;
    }
    const timer = setTimeout(() => {
      api.get('/api/v1/directory/members' + query({ q: q.trim(), size: 8 })).then((r) => setFound(r.items || []), () => {});
    }, 200);
    return () => clearTimeout(timer);
  }, [q, by]);

  const run = async (e) => {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // Local days: from the start of the first to the end of the last.
      const body = {
        room: by === 'room' ? room.trim() : null,
        member: by === 'member' ? member?.id || null : null,
        from: new Date(from + 'T00:00:00').toISOString(),
        to: new Date(new Date(to + 'T00:00:00').getTime() + 86_400_000).toISOString(),
        reason,
      };
      const res = await fetch('/api/v1/admin/talk/export', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'text/csv, application/problem+json', ...csrfHeaders() },
        body: JSON.stringify(body),
      });
      if (!res.ok) {
        const p = await res.json().catch(() => ({}));
        setError({ status: res.status, detail: p.detail, errors: p.errors, type: p.type });
        return;
      }
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = `talk-export-${from}-${to}.csv`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      toast(t('tx.done'));
    } finally {
      setBusy(false);
    }
  };

  return html`<${Card} title=${t('tx.title')}>
    <p class="hint">${t('tx.hint')}</p>
    <form class="tx-form" onSubmit=${run} data-testid="talk-export">
      <${Select}
        label=${t('tx.by')}
        value=${by}
        onValue=${setBy}
        options=${[
          { value: 'member', label: t('tx.byMember') },
          { value: 'room', label: t('tx.byRoom') },
        ]}
      />
      ${by === 'member'
        ? html`<div>
            <${TextField} label=${t('tx.member')} type="search" value=${q} onValue=${setQ} name="tx-member" />
            ${found.length > 0 &&
            html`<ul class="tx-found">
              ${found.map(
                (m) => html`<li><button type="button" class="link-btn" onClick=${() => { setMember(m); setQ(''); }}>${m.displayName}</button></li>`,
              )}
            </ul>`}
            ${member && html`<p data-testid="tx-chosen">${t('tx.chosen', { name: member.displayName })}</p>`}
          </div>`
        : html`<${TextField} label=${t('tx.room')} value=${room} onValue=${setRoom} name="tx-room" />`}
      <${TextField} label=${t('tx.from')} type="date" value=${from} onValue=${setFrom} name="tx-from" />
      <${TextField} label=${t('tx.to')} type="date" value=${to} onValue=${setTo} name="tx-to" />
      <${TextField} label=${t('tx.reason')} value=${reason} onValue=${setReason} name="tx-reason" maxlength="500" />
      ${error && html`<${Alert}>${errorText(error)}<//>`}
      <${Button} type="submit" busy=${busy} data-testid="tx-run">${t('tx.export')}<//>
    </form>
  <//>`;
}
