// Privacy: the member's "download my data" card, the company's privacy notice page, the admin's
// export of a member's data, and the admin console's retention, legal hold and notice settings.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { addMessages, formatDateTime, t } from '../i18n.js';
import { html, Alert, Badge, Button, Card, EmptyState, Select, Spinner, Table, TextField, errorText, toast } from '../ui.js';

addMessages({
  ja: {
    'account.tab.privacy': '個人データ',
    'admin.privacy': 'プライバシー',
    'privacy.myData': '自分のデータをダウンロード',
    'privacy.myDataIntro': 'プロフィール、送信したメッセージ、ドライブのファイル、カレンダー（.ics）、個人の連絡先（.vcf）を1つのZIPファイルにまとめます。準備ができたらダウンロードできます（ダウンロード後または24時間後に削除されます）。',
    'privacy.prepare': 'データを準備する',
    'privacy.preparing': '準備中…',
    'privacy.download': 'ダウンロード',
    'privacy.status': '状態: {status}',
    'privacy.status.pending': '待機中',
    'privacy.status.running': '準備中',
    'privacy.status.ready': 'ダウンロードできます',
    'privacy.status.failed': '失敗しました',
    'privacy.status.downloaded': 'ダウンロード済み',
    'privacy.status.expired': '期限切れ',
    'privacy.noticeLink': 'プライバシーポリシーを読む',
    'privacy.notice': 'プライバシーポリシー',
    'privacy.noticeEmpty': 'この会社はまだプライバシーポリシーを掲載していません。',
    'privacy.noticeUpdated': '更新: {at}',
    'privacy.exportMember': 'データを書き出す',
    'privacy.exportStarted': '書き出しを開始しました。準備ができるとダウンロードできます。',
    'privacy.retention': '保存期間',
    'privacy.retentionIntro': 'サービスごとに保存する日数です。空欄は無期限。毎日、これより古いデータを削除します（リーガルホールド中のものを除く）。監査ログは最低{min}日です。',
    'privacy.service.messages': 'トークのメッセージ',
    'privacy.service.files': 'ドライブ（ゴミ箱と古い版）',
    'privacy.service.calendar': '終了した予定',
    'privacy.service.audit': '監査ログ',
    'privacy.days': '日数',
    'privacy.save': '保存',
    'privacy.saved': '保存しました。',
    'privacy.runNow': '今すぐ実行',
    'privacy.ran': '実行しました: {summary}',
    'privacy.holds': 'リーガルホールド',
    'privacy.holdsEmpty': 'リーガルホールドはありません。',
    'privacy.scopeType': '対象',
    'privacy.scope.member': 'メンバー',
    'privacy.scope.room': 'トークルーム',
    'privacy.scopeId': 'ID',
    'privacy.reason': '理由',
    'privacy.place': 'ホールドする',
    'privacy.release': '解除',
    'privacy.createdAt': '開始',
    'privacy.noticeEdit': 'プライバシーポリシー（メンバーに表示）',
  },
  en: {
    'account.tab.privacy': 'My data',
    'admin.privacy': 'Privacy',
    'privacy.myData': 'Download my data',
    'privacy.myDataIntro': 'Your profile, the messages you sent, your drive files, your calendars (.ics) and personal contacts (.vcf) in one zip file. Download it when it is ready; it is deleted after the download or after 24 hours.',
    'privacy.prepare': 'Prepare my data',
    'privacy.preparing': 'Preparing…',
    'privacy.download': 'Download',
    'privacy.status': 'Status: {status}',
    'privacy.status.pending': 'waiting',
    'privacy.status.running': 'preparing',
    'privacy.status.ready': 'ready to download',
    'privacy.status.failed': 'failed',
    'privacy.status.downloaded': 'downloaded',
    'privacy.status.expired': 'expired',
    'privacy.noticeLink': 'Read the privacy notice',
    'privacy.notice': 'Privacy notice',
    'privacy.noticeEmpty': 'Your company has not published a privacy notice yet.',
    'privacy.noticeUpdated': 'Updated {at}',
    'privacy.exportMember': 'Export data',
    'privacy.exportStarted': 'Export started; you can download it when it is ready.',
    'privacy.retention': 'Retention',
    'privacy.retentionIntro': 'Days to keep, per service; empty keeps everything. Every day, older data is deleted unless a legal hold covers it. The audit trail keeps at least {min} days.',
    'privacy.service.messages': 'Talk messages',
    'privacy.service.files': 'Drive (trash and old versions)',
    'privacy.service.calendar': 'Past events',
    'privacy.service.audit': 'Audit trail',
    'privacy.days': 'Days',
    'privacy.save': 'Save',
    'privacy.saved': 'Saved.',
    'privacy.runNow': 'Run now',
    'privacy.ran': 'Done: {summary}',
    'privacy.holds': 'Legal holds',
    'privacy.holdsEmpty': 'No legal holds.',
    'privacy.scopeType': 'Scope',
    'privacy.scope.member': 'Member',
    'privacy.scope.room': 'Talk room',
    'privacy.scopeId': 'ID',
    'privacy.reason': 'Reason',
    'privacy.place': 'Place hold',
    'privacy.release': 'Release',
    'privacy.createdAt': 'Since',
    'privacy.noticeEdit': 'Privacy notice (shown to members)',
  },
});

/** Polls an export's status while it is being prepared. */
function useExport(path, loadFirst = true) {
  const [job, setJob] = useState(loadFirst ? undefined : null);
  const [error, setError] = useState(null);
  const load = () =>
    api
      .get(path)
      .then(setJob)
      // A 404 that arrives after a click on "prepare" must not hide the job just started.
      .catch((e) => (e.status === 404 ? setJob((prev) => prev || null) : setError(e)));
  useEffect(() => {
    if (loadFirst) load();
  }, [path]);
  useEffect(() => {
    if (!job || (job.status !== 'pending' && job.status !== 'running')) return undefined;
    const timer = setTimeout(load, 1500);
    return () => clearTimeout(timer);
  }, [job]);
  const start = async () => {
    setError(null);
    try {
      setJob(await api.post(path));
    } catch (e) {
      setError(e);
    }
  };
  return { job, error, start, reload: load };
}

/** My account: the "download my data" card with a link to the privacy notice. */
export function MyDataCard() {
  const { job, error, start, reload } = useExport('/api/v1/me/export');
  const busy = job && (job.status === 'pending' || job.status === 'running');
  return html`<${Card} title=${t('privacy.myData')}>
    <div class="stack" data-testid="my-data">
      <p class="muted">${t('privacy.myDataIntro')}</p>
      ${error && html`<${Alert}>${errorText(error)}<//>`}
      ${job === undefined && html`<${Spinner} />`}
      ${job && html`<p data-testid="export-status">${t('privacy.status', { status: t('privacy.status.' + job.status) })}</p>`}
      <div class="row">
        ${job?.status === 'ready'
          ? html`<a class="btn btn-primary" href="/api/v1/me/export/download" download onClick=${() => setTimeout(reload, 1500)}>${t('privacy.download')}</a>`
          : html`<${Button} onClick=${start} busy=${busy} disabled=${busy}>${busy ? t('privacy.preparing') : t('privacy.prepare')}<//>`}
        <a href="#/privacy">${t('privacy.noticeLink')}</a>
      </div>
    </div>
  <//>`;
}

/** #/privacy: the company's privacy notice. */
export function PrivacyNoticePage() {
  const [notice, setNotice] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api.get('/api/v1/privacy-notice').then(setNotice).catch(setError);
  }, []);
  return html`<div class="page">
    <h1 class="page-title">${t('privacy.notice')}</h1>
    ${error && html`<${Alert}>${errorText(error)}<//>`}
    ${!notice && !error && html`<${Spinner} />`}
    ${notice &&
    (notice.body
      ? html`<${Card}>
          <div class="privacy-notice" data-testid="privacy-notice">${notice.body}</div>
          ${notice.updatedAt && html`<p class="muted">${t('privacy.noticeUpdated', { at: formatDateTime(notice.updatedAt) })}</p>`}
        <//>`
      : html`<${EmptyState} icon="inbox" title=${t('privacy.noticeEmpty')} />`)}
  </div>`;
}

/** Admin member list: export one member's data (audited), then download it. */
export function MemberExportButton({ member }) {
  const path = '/api/v1/admin/members/' + member.id + '/export';
  const { job, start } = useExport(path, false);
  const busy = job && (job.status === 'pending' || job.status === 'running');
  if (job?.status === 'ready') {
    return html`<a class="btn btn-ghost btn-small" href=${path + '/download'} download data-testid="member-export-download">${t('privacy.download')}</a>`;
  }
  return html`<${Button}
    kind="ghost"
    size="small"
    busy=${busy}
    data-testid="member-export"
    onClick=${async () => {
      await start();
      toast(t('privacy.exportStarted'));
    }}
    >${t('privacy.exportMember')}<//
  >`;
}

/** Admin console: retention per service, legal holds and the privacy notice. */
export function PrivacySection() {
  const [policy, setPolicy] = useState(null);
  const [days, setDays] = useState({});
  const [holds, setHolds] = useState(null);
  const [hold, setHold] = useState({ scopeType: 'member', scopeId: '', reason: '' });
  // null until loaded: the field stays disabled, so text typed early is not replaced by the load.
  const [notice, setNotice] = useState(null);
  const [error, setError] = useState(null);
  const load = async () => {
    try {
      const p = await api.get('/api/v1/admin/privacy/retention');
      setPolicy(p);
      setDays(Object.fromEntries(Object.entries(p.days).map(([k, v]) => [k, String(v)])));
      setHolds(await api.get('/api/v1/admin/privacy/holds'));
      setNotice((await api.get('/api/v1/admin/privacy/notice')).body || '');
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    load();
  }, []);
  const act = async (fn, message) => {
    setError(null);
    try {
      const result = await fn();
      if (message) toast(typeof message === 'function' ? message(result) : message);
      await load();
    } catch (e) {
      setError(e);
    }
  };
  if (!policy && !error) return html`<${Spinner} />`;
  const services = policy ? [...policy.services].sort() : [];
  const saveRetention = () => {
    const body = {};
    for (const s of services) if (days[s] && days[s].trim()) body[s] = Number(days[s]);
    return act(() => api.put('/api/v1/admin/privacy/retention', { days: body }), t('privacy.saved'));
  };
  return html`<div class="stack privacy-admin">
    ${error && html`<${Alert}>${errorText(error)}<//>`}
    ${policy &&
    html`<${Card} title=${t('privacy.retention')}>
      <div class="stack" data-testid="retention-form">
        <p class="muted">${t('privacy.retentionIntro', { min: policy.auditMinimumDays })}</p>
        ${services.map(
          (s) => html`<${TextField}
            key=${s}
            label=${t('privacy.service.' + s)}
            name=${'days-' + s}
            type="number"
            min="1"
            value=${days[s] || ''}
            onValue=${(v) => setDays({ ...days, [s]: v })}
          />`,
        )}
        <div class="row row-end">
          <${Button}
            kind="secondary"
            onClick=${() =>
              act(
                () => api.post('/api/v1/admin/privacy/retention/run'),
                (r) => t('privacy.ran', { summary: Object.entries(r.deleted).map(([k, v]) => k + ' ' + v).join(', ') || '0' }),
              )}
            >${t('privacy.runNow')}<//
          >
          <${Button} onClick=${saveRetention}>${t('privacy.save')}<//>
        </div>
      </div>
    <//>`}
    <${Card} title=${t('privacy.holds')}>
      <div class="stack">
        <${Table}
          caption=${t('privacy.holds')}
          rows=${holds || []}
          empty=${html`<${EmptyState} icon="inbox" title=${t('privacy.holdsEmpty')} />`}
          columns=${[
            { key: 'scopeType', label: t('privacy.scopeType'), render: (h) => html`<${Badge} tone="info">${t('privacy.scope.' + h.scopeType)}<//>` },
            { key: 'scopeId', label: t('privacy.scopeId'), render: (h) => html`<span class="mono">${h.scopeId}</span>` },
            { key: 'reason', label: t('privacy.reason'), render: (h) => h.reason },
            { key: 'createdAt', label: t('privacy.createdAt'), render: (h) => formatDateTime(h.createdAt) },
            {
              key: 'actions',
              label: '',
              render: (h) => html`<${Button} kind="ghost" size="small" onClick=${() => act(() => api.delete('/api/v1/admin/privacy/holds/' + h.id))}>${t('privacy.release')}<//>`,
            },
          ]}
        />
        <div class="row privacy-hold-form">
          <${Select}
            label=${t('privacy.scopeType')}
            name="scopeType"
            value=${hold.scopeType}
            onValue=${(v) => setHold({ ...hold, scopeType: v })}
            options=${['member', 'room'].map((v) => ({ value: v, label: t('privacy.scope.' + v) }))}
          />
          <${TextField} label=${t('privacy.scopeId')} name="scopeId" value=${hold.scopeId} onValue=${(v) => setHold({ ...hold, scopeId: v })} />
          <${TextField} label=${t('privacy.reason')} name="reason" value=${hold.reason} onValue=${(v) => setHold({ ...hold, reason: v })} />
          <${Button}
            onClick=${() =>
              act(async () => {
                await api.post('/api/v1/admin/privacy/holds', hold);
                setHold({ scopeType: hold.scopeType, scopeId: '', reason: '' });
              })}
            >${t('privacy.place')}<//
          >
        </div>
      </div>
    <//>
    <${Card} title=${t('privacy.noticeEdit')}>
      <div class="stack">
        <textarea class="input admin-textarea" name="privacyNotice" rows="8" value=${notice ?? ''} disabled=${notice === null} onInput=${(e) => setNotice(e.currentTarget.value)}></textarea>
        <div class="row row-end">
          <${Button} disabled=${notice === null} onClick=${() => act(() => api.put('/api/v1/admin/privacy/notice', { body: notice }), t('privacy.saved'))}>${t('privacy.save')}<//>
        </div>
      </div>
    <//>
  </div>`;
}
