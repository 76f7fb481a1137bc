// The hosting operator's console: the companies hosted here, a form to add one with its first
// super admin, and the incident reports of every company (category and time only, never the text).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { addMessages, formatDateTime, t } from '../i18n.js';
import { html, Alert, Badge, Button, Card, EmptyState, Spinner, Table, TextField, errorText, otherFieldErrors, toast } from '../ui.js';

addMessages({
  ja: {
    'nav.operator': '運用',
    'operator.title': '運用コンソール',
    'operator.companies': '会社',
    'operator.name': '会社名',
    'operator.domain': 'ドメイン',
    'operator.status': '状態',
    'operator.created': '作成日時',
    'operator.add': '会社を追加',
    'operator.addLead': '会社と最初のスーパー管理者を作ります。管理者には初回ログイン後にパスワードの変更と2段階認証を勧めてください。',
    'operator.adminLoginId': '管理者のログインID',
    'operator.adminPassword': '管理者の初期パスワード',
    'operator.createdToast': '「{name}」を追加しました',
    'operator.none': '会社はまだありません',
    'operator.incidents': 'インシデント報告',
    'operator.incidentsLead': '各社の報告の種類と日時だけを表示します。内容は各社のセキュリティ管理者だけが読めます。',
    'operator.noIncidents': '報告はありません',
    'operator.category': '種類',
    'operator.company': '会社',
    'operator.backups': 'バックアップ',
    'operator.backupsLead': 'データベース、鍵、ファイルを MUSUBI_BACKUP_DIR に書き出し、検証できます。',
    'operator.backupNow': '今すぐバックアップ',
    'operator.backupDone': 'バックアップ {name} を作りました（{files} ファイル）',
    'operator.verify': '検証',
    'operator.valid': '正常（{files} ファイル）',
    'operator.invalid': '問題あり: {problems}',
    'operator.noBackups': 'バックアップはまだありません',
    'operator.backupName': '名前',
  },
  en: {
    'nav.operator': 'Operations',
    'operator.title': 'Operator console',
    'operator.companies': 'Companies',
    'operator.name': 'Company name',
    'operator.domain': 'Domain',
    'operator.status': 'Status',
    'operator.created': 'Created',
    'operator.add': 'Add a company',
    'operator.addLead': 'Creates the company and its first super admin. Ask the admin to change the password and turn on two-step verification after the first sign-in.',
    'operator.adminLoginId': 'Admin login ID',
    'operator.adminPassword': 'Admin initial password',
    'operator.createdToast': '“{name}” added',
    'operator.none': 'No companies yet',
    'operator.incidents': 'Incident reports',
    'operator.incidentsLead': 'Only the category and time of each company’s reports; their text is for the company’s security admins.',
    'operator.noIncidents': 'No reports',
    'operator.category': 'Category',
    'operator.company': 'Company',
    'operator.backups': 'Backups',
    'operator.backupsLead': 'Writes the database, keys and files into MUSUBI_BACKUP_DIR, and checks an archive.',
    'operator.backupNow': 'Back up now',
    'operator.backupDone': 'Backup {name} written ({files} files)',
    'operator.verify': 'Verify',
    'operator.valid': 'Valid ({files} files)',
    'operator.invalid': 'Problems: {problems}',
    'operator.noBackups': 'No backups yet',
    'operator.backupName': 'Name',
  },
});

const EMPTY = { name: '', domain: '', adminLoginId: '', adminPassword: '' };

export function OperatorPage() {
  const [companies, setCompanies] = useState(null);
  const [incidents, setIncidents] = useState(null);
  const [error, setError] = useState(null);
  const load = () => {
    api.get('/api/v1/operator/companies').then(setCompanies, setError);
    api.get('/api/v1/operator/incidents').then(setIncidents, setError);
  };
  useEffect(load, []);
  const names = Object.fromEntries((companies || []).map((c) => [c.id, c.name]));
  return html`<div class="page">
    <h1 class="page-title">${t('operator.title')}</h1>
    <div class="stack">
      ${error && html`<${Alert}>${errorText(error)}<//>`}
      <${Card} title=${t('operator.companies')}>
        <div data-testid="operator-companies">
          ${!companies && !error && html`<${Spinner} />`}
          ${companies &&
          html`<${Table}
            caption=${t('operator.companies')}
            rows=${companies}
            empty=${html`<${EmptyState} icon="admin" title=${t('operator.none')} />`}
            columns=${[
              { label: t('operator.name'), render: (c) => html`<strong>${c.name}</strong>` },
              { label: t('operator.domain'), render: (c) => html`<code>${c.domain}</code>` },
              { label: t('operator.status'), render: (c) => html`<${Badge} tone=${c.status === 'active' ? 'success' : 'neutral'}>${c.status}<//>` },
              { label: t('operator.created'), render: (c) => formatDateTime(c.createdAt) },
            ]}
          />`}
        </div>
      <//>
      <${AddCompany} onCreated=${load} />
      <${BackupsCard} />
      <${Card} title=${t('operator.incidents')}>
        <div class="stack" data-testid="operator-incidents">
          <p class="muted">${t('operator.incidentsLead')}</p>
          ${incidents &&
          html`<${Table}
            caption=${t('operator.incidents')}
            rows=${incidents}
            empty=${html`<p class="muted">${t('operator.noIncidents')}</p>`}
            columns=${[
              { label: t('operator.created'), render: (i) => formatDateTime(i.createdAt) },
              { label: t('operator.company'), render: (i) => names[i.tenantId] || i.tenantId },
              { label: t('operator.category'), render: (i) => i.category },
            ]}
          />`}
        </div>
      <//>
    </div>
  </div>`;
}

function AddCompany({ onCreated }) {
  const [form, setForm] = useState(EMPTY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const set = (k) => (v) => setForm({ ...form, [k]: v });
  const fe = error?.fieldErrors ? error.fieldErrors() : {};
  const others = otherFieldErrors(error, Object.keys(EMPTY));
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await api.post('/api/v1/operator/companies', {
        name: form.name.trim(),
        domain: form.domain.trim(),
        adminLoginId: form.adminLoginId.trim(),
        adminPassword: form.adminPassword,
      });
      toast(t('operator.createdToast', { name: created.name }));
      setForm(EMPTY);
      onCreated();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<${Card} title=${t('operator.add')}>
    <form class="stack" onSubmit=${submit} novalidate data-testid="add-company">
      <p class="muted">${t('operator.addLead')}</p>
      ${error && (others.length > 0 || Object.keys(fe).length === 0) && html`<${Alert}>${errorText(error)}${others.map((m) => html`<br />${m}`)}<//>`}
      <div class="grid-2">
        <${TextField} label=${t('operator.name')} name="name" value=${form.name} onValue=${set('name')} error=${fe.name} required />
        <${TextField} label=${t('operator.domain')} name="domain" value=${form.domain} onValue=${set('domain')} error=${fe.domain} autocapitalize="off" spellcheck="false" required />
        <${TextField} label=${t('operator.adminLoginId')} name="adminLoginId" value=${form.adminLoginId} onValue=${set('adminLoginId')} error=${fe.adminLoginId} autocapitalize="off" spellcheck="false" autocomplete="off" required />
        <${TextField} label=${t('operator.adminPassword')} name="adminPassword" type="password" value=${form.adminPassword} onValue=${set('adminPassword')} error=${fe.adminPassword} autocomplete="new-password" required />
      </div>
      <div><${Button} type="submit" busy=${busy} data-testid="create-company">${t('operator.add')}<//></div>
    </form>
  <//>`;
}

function BackupsCard() {
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [checks, setChecks] = useState({});
  const load = () => api.get('/api/v1/operator/backups').then((l) => (setList(l), setError(null)), setError);
  useEffect(() => {
    load();
  }, []);
  const backup = async () => {
    setBusy(true);
    try {
      const a = await api.post('/api/v1/operator/backups', {});
      toast(t('operator.backupDone', { name: a.name, files: a.files }));
      load();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const verify = async (name) => {
    setChecks((c) => ({ ...c, [name]: 'busy' }));
    try {
      const v = await api.post('/api/v1/operator/backups/' + encodeURIComponent(name) + '/verify', {});
      setChecks((c) => ({ ...c, [name]: v }));
    } catch (err) {
      setChecks((c) => ({ ...c, [name]: null }));
      toast(errorText(err), 'error');
    }
  };
  const result = (name) => {
    const v = checks[name];
    if (!v) return '';
    if (v === 'busy') return html`<${Spinner} inline />`;
    return v.valid
      ? html`<${Badge} tone="success">${t('operator.valid', { files: v.files })}<//>`
      : html`<${Badge} tone="danger">${t('operator.invalid', { problems: v.problems.join(', ') })}<//>`;
  };
  return html`<${Card} title=${t('operator.backups')}>
    <div class="stack" data-testid="operator-backups">
      <div class="toolbar">
        <span class="muted">${t('operator.backupsLead')}</span>
        <span class="toolbar-spacer"></span>
        <${Button} onClick=${backup} busy=${busy} data-testid="backup-now">${t('operator.backupNow')}<//>
      </div>
      ${error && html`<${Alert}>${errorText(error)}<//>`}
      ${list &&
      html`<${Table}
        caption=${t('operator.backups')}
        rows=${list}
        rowKey=${(b) => b.name}
        empty=${html`<p class="muted">${t('operator.noBackups')}</p>`}
        columns=${[
          { label: t('operator.backupName'), render: (b) => html`<code>${b.name}</code>` },
          { label: t('operator.created'), render: (b) => formatDateTime(b.modifiedAt) },
          { label: '', render: (b) => result(b.name) },
          { label: '', class: 'cell-actions', render: (b) => html`<${Button} kind="secondary" size="small" onClick=${() => verify(b.name)}>${t('operator.verify')}<//>` },
        ]}
      />`}
    </div>
  <//>`;
}
