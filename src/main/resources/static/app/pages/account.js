// My account: profile, password, two-step verification, passkeys, sessions and access tokens.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { addMessages, formatDateTime, setLang, t } from '../i18n.js';
import {
  html,
  cx,
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  ConfirmDialog,
  CopyButton,
  Dialog,
  EmptyState,
  Select,
  Spinner,
  Table,
  TextField,
  errorText,
  otherFieldErrors,
  toast,
} from '../ui.js';
import { passkeysSupported, registerPasskey } from '../webauthn.js';
import { PhotoEditor, memberName } from './contacts.js';
import { MyDataCard } from './privacy.js';
import { NotificationsCard } from './notifications.js';

const TABS = ['profile', 'password', 'mfa', 'passkeys', 'sessions', 'tokens', 'incident', 'privacy'];

addMessages({
  ja: {
    'mfa.methodNotAllowed': '会社のポリシーにより、認証アプリは2段階認証に使えません。パスキーを登録してください。',
    'passkeys.methodNotAllowed': '会社のポリシーにより、パスキーは使えません。',
    'account.tab.incident': 'インシデント報告',
    'incident.intro': 'セキュリティ上の問題（不審なメール、端末の紛失、不正なログインなど）に気づいたら報告してください。会社のセキュリティ管理者に届きます。',
    'incident.category': '種類',
    'incident.summary': '件名',
    'incident.details': '詳細',
    'incident.submit': '報告する',
    'incident.sent': '報告しました。セキュリティ管理者に届きました。',
    'incident.category.phishing': 'フィッシング',
    'incident.category.lost_device': '端末の紛失・盗難',
    'incident.category.account_compromise': 'アカウントの不正利用',
    'incident.category.data_leak': '情報漏えい',
    'incident.category.malware': 'マルウェア',
    'incident.category.other': 'その他',
    'mailApps.title': 'メールアプリ',
    'mailApps.lead': 'Thunderbird、iPhoneのメール、Outlookなどのメールアプリで会社のメールを使うには、次の設定を入力してください。パスワードにはこの下で作るアプリ パスワードを使います。',
    'mailApps.incoming': '受信メール（IMAP）',
    'mailApps.outgoing': '送信メール（SMTP）',
    'mailApps.server': 'サーバー',
    'mailApps.port': 'ポート',
    'mailApps.security': '接続の保護',
    'mailApps.starttls': 'STARTTLS',
    'mailApps.tlsPort': 'ポート（SSL/TLS）',
    'mailApps.none': 'なし（このサーバー上のアプリのみ）',
    'mailApps.user': 'ユーザー名',
    'mailApps.auth': '認証方式',
    'mailApps.authNormal': '通常のパスワード',
    'mailApps.sentCopy': '送ったメールはサーバーが「送信済み」に保存します。メールアプリの「送信済みにコピーを保存」はオフにしてください（オンのままだと2通になります）。',
    'mailApps.create': 'メールアプリ用のアプリ パスワードを作る',
    'mailApps.tokenName': 'メールアプリ',
    'mailApps.created': 'メールアプリのパスワード欄にこのアプリ パスワードを入力してください。今だけ表示されます。有効期限は1年です。',
  },
  en: {
    'mfa.methodNotAllowed': "Your company's policy does not allow authenticator apps for two-step verification; add a passkey instead.",
    'passkeys.methodNotAllowed': "Your company's policy does not allow passkeys.",
    'account.tab.incident': 'Report an incident',
    'incident.intro': 'Report a security problem (a suspicious mail, a lost device, a strange sign-in). It reaches your company\'s security admins.',
    'incident.category': 'Kind',
    'incident.summary': 'Subject',
    'incident.details': 'Details',
    'incident.submit': 'Send report',
    'incident.sent': 'Report sent to your security admins.',
    'incident.category.phishing': 'Phishing',
    'incident.category.lost_device': 'Lost or stolen device',
    'incident.category.account_compromise': 'Compromised account',
    'incident.category.data_leak': 'Data leak',
    'incident.category.malware': 'Malware',
    'incident.category.other': 'Other',
    'mailApps.title': 'Mail apps',
    'mailApps.lead': 'To use your company mail in Thunderbird, iPhone Mail, Outlook or another mail app, enter these settings. As the password, use an app password made below.',
    'mailApps.incoming': 'Incoming mail (IMAP)',
    'mailApps.outgoing': 'Outgoing mail (SMTP)',
    'mailApps.server': 'Server',
    'mailApps.port': 'Port',
    'mailApps.security': 'Connection security',
    'mailApps.starttls': 'STARTTLS',
    'mailApps.tlsPort': 'Port (SSL/TLS)',
    'mailApps.none': 'None (apps on this server only)',
    'mailApps.user': 'User name',
    'mailApps.auth': 'Authentication',
    'mailApps.authNormal': 'Normal password',
    'mailApps.sentCopy': 'The server keeps a copy of what you send in Sent. Turn off "Place a copy in Sent" in your mail app, or you will get two copies.',
    'mailApps.create': 'Create an app password for mail',
    'mailApps.tokenName': 'Mail app',
    'mailApps.created': 'Enter this app password in your mail app\'s password field. It is shown only now and expires in one year.',
  },
});

const INCIDENT_CATEGORIES = ['phishing', 'lost_device', 'account_compromise', 'data_leak', 'malware', 'other'];

function IncidentSection() {
  const [form, setForm] = useState({ category: 'phishing', summary: '', details: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const fe = error?.fieldErrors ? error.fieldErrors() : {};
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post('/api/v1/incidents', form);
      toast(t('incident.sent'));
      setForm({ category: 'phishing', summary: '', details: '' });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<${Card} title=${t('account.tab.incident')}>
    <form class="stack" onSubmit=${submit} novalidate data-testid="incident-form">
      <p class="muted">${t('incident.intro')}</p>
      ${error && Object.keys(fe).length === 0 && html`<${Alert}>${errorText(error)}<//>`}
      <${Select}
        label=${t('incident.category')}
        name="category"
        value=${form.category}
        onValue=${(v) => setForm({ ...form, category: v })}
        error=${fe.category}
        options=${INCIDENT_CATEGORIES.map((c) => ({ value: c, label: t('incident.category.' + c) }))}
      />
      <${TextField} label=${t('incident.summary')} name="summary" value=${form.summary} onValue=${(v) => setForm({ ...form, summary: v })} error=${fe.summary} required />
      <label class="field">
        <span class="field-label">${t('incident.details')}</span>
        <textarea class="input admin-textarea" name="details" rows="5" value=${form.details} onInput=${(e) => setForm({ ...form, details: e.currentTarget.value })}></textarea>
        ${fe.details && html`<span class="field-error" role="alert">${fe.details}</span>`}
      </label>
      <div class="row row-end"><${Button} type="submit" busy=${busy}>${t('incident.submit')}<//></div>
    </form>
  <//>`;
}

/** The My account tab the member must finish before anything else, or null. */
export function requiredTab(me) {
  if (me?.passwordExpired) return 'password';
  if (me?.mfa?.setupRequired) return 'mfa';
  return null;
}

export function AccountPage({ me, tab, reloadMe }) {
  const current = TABS.includes(tab) ? tab : 'profile';
  const must = requiredTab(me);
  const [tokensVersion, setTokensVersion] = useState(0);
  let body;
  switch (current) {
    case 'password':
      body = html`<${PasswordSection} me=${me} reloadMe=${reloadMe} />`;
      break;
    case 'mfa':
      body = html`<${MfaSection} me=${me} reloadMe=${reloadMe} />`;
      break;
    case 'passkeys':
      body = html`<${PasskeysSection} me=${me} />`;
      break;
    case 'sessions':
      body = html`<${SessionsSection} />`;
      break;
    case 'tokens':
      body = html`<div class="stack">
        <${MailAppsSection} onCreated=${() => setTokensVersion((v) => v + 1)} />
        <${TokensSection} key=${tokensVersion} />
      </div>`;
      break;
    case 'incident':
      body = html`<${IncidentSection} />`;
      break;
    case 'privacy':
      body = html`<${MyDataCard} />`;
      break;
    default:
      body = html`<div class="stack">
        <${ProfileSection} me=${me} reloadMe=${reloadMe} />
        <${NotificationsCard} />
      </div>`;
  }
  return html`<div class="page">
    <h1 class="page-title">${t('account.title')}</h1>
    <nav class="tabs" aria-label=${t('account.title')}>
      ${TABS.map(
        (id) => html`<a
          key=${id}
          href=${'#/account/' + id}
          class=${cx('tab', current === id && 'active', must && id !== must && 'disabled')}
          aria-current=${current === id ? 'page' : undefined}
          >${t('account.tab.' + id)}</a
        >`,
      )}
    </nav>
    ${body}
  </div>`;
}

function timeZones() {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['Asia/Tokyo', 'UTC'];
  }
}

function ProfileSection({ me, reloadMe }) {
  const [form, setForm] = useState({
    displayName: me.displayName || '',
    phone: me.phone || '',
    locale: me.locale || 'ja',
    timeZone: me.timeZone || 'Asia/Tokyo',
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const set = (k) => (v) => setForm({ ...form, [k]: v });
  const fe = error?.fieldErrors ? error.fieldErrors() : {};
  const zones = timeZones();
  if (!zones.includes(form.timeZone)) zones.unshift(form.timeZone);

  const save = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.patch('/api/v1/me', {
        displayName: form.displayName.trim(),
        phone: form.phone.trim(),
        locale: form.locale,
        timeZone: form.timeZone,
      });
      setLang(form.locale);
      await reloadMe();
      toast(t('common.saved'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const others = otherFieldErrors(error, ['displayName', 'phone', 'locale', 'timeZone']);

  return html`<${Card} title=${t('account.tab.profile')}>
    <dl class="facts">
      <dt>${t('profile.loginId')}</dt>
      <dd>${me.loginId}</dd>
      <dt>${t('profile.name')}</dt>
      <dd>${[me.familyName, me.givenName].filter(Boolean).join(' ') || memberName(me)}
        ${(me.familyNameReading || me.givenNameReading) &&
        html`<span class="muted">（${[me.familyNameReading, me.givenNameReading].filter(Boolean).join(' ')}）</span>`}</dd>
      ${me.email && html`<dt>${t('profile.email')}</dt><dd>${me.email}</dd>`}
    </dl>
    <div class="stack form-narrow">
      <span class="field-label">${t('ab.photo')}</span>
      <${PhotoEditor} memberId=${me.id} />
    </div>
    <form class="stack form-narrow" onSubmit=${save} novalidate>
      ${error && html`<${Alert}>${errorText(error)}${others.map((m) => html`<br />${m}`)}<//>`}
      <${TextField} label=${t('profile.displayName')} name="displayName" value=${form.displayName} onValue=${set('displayName')} error=${fe.displayName} />
      <${TextField} label=${t('profile.phone')} name="phone" type="tel" value=${form.phone} onValue=${set('phone')} error=${fe.phone} autocomplete="tel" />
      <${Select}
        label=${t('profile.locale')}
        name="locale"
        value=${form.locale}
        onValue=${set('locale')}
        error=${fe.locale}
        options=${[
          { value: 'ja', label: '日本語' },
          { value: 'en', label: 'English' },
        ]}
      />
      <${Select}
        label=${t('profile.timeZone')}
        name="timeZone"
        value=${form.timeZone}
        onValue=${set('timeZone')}
        error=${fe.timeZone}
        options=${zones.map((z) => ({ value: z, label: z }))}
      />
      <div><${Button} type="submit" busy=${busy}>${t('common.save')}<//></div>
    </form>
  <//>`;
}

function PasswordSection({ me, reloadMe }) {
  const [form, setForm] = useState({ currentPassword: '', newPassword: '', confirm: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [mismatch, setMismatch] = useState(false);
  const set = (k) => (v) => setForm({ ...form, [k]: v });
  const fe = error?.fieldErrors ? error.fieldErrors() : {};

  const save = async (e) => {
    e.preventDefault();
    setError(null);
    if (form.newPassword !== form.confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setBusy(true);
    try {
      await api.post('/api/v1/me/password', { currentPassword: form.currentPassword, newPassword: form.newPassword });
      setForm({ currentPassword: '', newPassword: '', confirm: '' });
      toast(t('password.changed'));
      if (me?.passwordExpired) await reloadMe();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const others = otherFieldErrors(error, ['currentPassword', 'newPassword']);
  const showTop = error && !(fe.currentPassword || fe.newPassword) ? true : others.length > 0;

  return html`<${Card} title=${t('account.tab.password')}>
    <form class="stack form-narrow" onSubmit=${save} novalidate>
      ${showTop && html`<${Alert}>${errorText(error)}${others.map((m) => html`<br />${m}`)}<//>`}
      <input type="text" name="username" autocomplete="username" class="sr-only" tabindex="-1" aria-hidden="true" />
      <${TextField}
        label=${t('password.current')}
        name="currentPassword"
        type="password"
        value=${form.currentPassword}
        onValue=${set('currentPassword')}
        error=${fe.currentPassword}
        autocomplete="current-password"
        required
      />
      <${TextField}
        label=${t('password.new')}
        name="newPassword"
        type="password"
        hint=${t('setup.passwordHint')}
        value=${form.newPassword}
        onValue=${set('newPassword')}
        error=${fe.newPassword}
        autocomplete="new-password"
        required
      />
      <${TextField}
        label=${t('password.confirm')}
        name="confirmPassword"
        type="password"
        value=${form.confirm}
        onValue=${set('confirm')}
        error=${mismatch ? t('password.mismatch') : null}
        autocomplete="new-password"
        required
      />
      <div><${Button} type="submit" busy=${busy}>${t('password.submit')}<//></div>
    </form>
  <//>`;
}

function RecoveryCodes({ codes, onDone }) {
  return html`<div class="stack" data-testid="recovery-codes">
    <${Alert} tone="warning">${t('mfa.codesLead')}<//>
    <ul class="codes">
      ${codes.map((c) => html`<li key=${c}><code>${c}</code></li>`)}
    </ul>
    <div class="row">
      <${CopyButton} text=${codes.join('\n')} />
      <${Button} onClick=${onDone}>${t('mfa.codesDone')}<//>
    </div>
  </div>`;
}

function MfaSection({ me, reloadMe }) {
  const mfa = me.mfa || {};
  const [enrolment, setEnrolment] = useState(null); // {secret, otpauthUri, qrSvg}
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState(null);
  const [password, setPassword] = useState('');
  const [dialog, setDialog] = useState(null); // 'disable' | 'regenerate'
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      setEnrolment(await api.post('/api/v1/me/mfa/totp/setup', {}));
      setCode('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const activate = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await api.post('/api/v1/me/mfa/totp/activate', { code: code.replace(/\s+/g, '') });
      setEnrolment(null);
      setCodes(result?.recoveryCodes || []);
      toast(t('mfa.activated'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const withPassword = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (dialog === 'disable') {
        await api.post('/api/v1/me/mfa/totp/disable', { password });
        toast(t('mfa.disabled'));
        setDialog(null);
        await reloadMe();
      } else {
        const result = await api.post('/api/v1/me/mfa/recovery-codes', { password });
        setDialog(null);
        setCodes(result?.recoveryCodes || []);
      }
      setPassword('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const fe = error?.fieldErrors ? error.fieldErrors() : {};
  const finishCodes = async () => {
    setCodes(null);
    await reloadMe();
  };

  let content;
  if (codes) {
    content = html`<h3 class="subheading">${t('mfa.codesTitle')}</h3><${RecoveryCodes} codes=${codes} onDone=${finishCodes} />`;
  } else if (enrolment) {
    content = html`<form class="stack" onSubmit=${activate} novalidate data-testid="totp-enrolment">
      <p>${t('mfa.scan')}</p>
      <div class="qr">
        ${typeof enrolment.qrSvg === 'string' && enrolment.qrSvg.startsWith('data:image/')
          ? html`<img src=${enrolment.qrSvg} alt=${t('mfa.qrAlt')} width="200" height="200" />`
          : null}
      </div>
      <div>
        <p class="field-label">${t('mfa.secret')}</p>
        <div class="row"><code class="secret" data-testid="totp-secret">${enrolment.secret}</code><${CopyButton} text=${enrolment.secret} /></div>
      </div>
      ${error && !fe.code && html`<${Alert}>${errorText(error)}<//>`}
      <div class="form-narrow">
        <${TextField}
          label=${t('mfa.code')}
          name="code"
          value=${code}
          onValue=${setCode}
          error=${fe.code}
          inputmode="numeric"
          autocomplete="one-time-code"
          maxlength="6"
          required
        />
      </div>
      <div class="row">
        <${Button} type="submit" busy=${busy}>${t('mfa.activate')}<//>
        <${Button} kind="secondary" onClick=${() => setEnrolment(null)}>${t('common.cancel')}<//>
      </div>
    </form>`;
  } else if (mfa.totpEnabled) {
    content = html`<div class="stack">
      <p>${t('mfa.codesLeft', { n: mfa.recoveryCodesLeft ?? 0 })}</p>
      <div class="row">
        <${Button} kind="secondary" onClick=${() => { setError(null); setDialog('regenerate'); }}>${t('mfa.regenerate')}<//>
        ${!mfa.required &&
        html`<${Button} kind="danger" onClick=${() => { setError(null); setDialog('disable'); }}>${t('mfa.disable')}<//>`}
      </div>
    </div>`;
  } else {
    content = html`<div class="stack">
      <p>${t('mfa.lead')}</p>
      ${error && html`<${Alert}>${errorText(error)}<//>`}
      ${allowed(me, 'totp')
        ? html`<div><${Button} onClick=${start} busy=${busy} data-testid="mfa-start">${t('mfa.start')}<//></div>`
        : html`<${Alert} tone="info">${t('mfa.methodNotAllowed')}<//>`}
    </div>`;
  }

  return html`<${Card} title=${t('account.tab.mfa')}>
    <p class="row">
      <span>${t('mfa.status')}:</span>
      ${mfa.totpEnabled ? html`<${Badge} tone="success">${t('mfa.on')}<//>` : html`<${Badge}>${t('mfa.off')}<//>`}
      ${mfa.required && html`<${Badge} tone="info">${t('mfa.requiredByPolicy')}<//>`}
    </p>
    ${content}
    <${Dialog}
      open=${!!dialog}
      title=${dialog === 'disable' ? t('mfa.disable') : t('mfa.regenerate')}
      onClose=${() => setDialog(null)}
    >
      <form class="stack" onSubmit=${withPassword} novalidate>
        <p>${dialog === 'disable' ? t('mfa.disableLead') : t('mfa.regenerateLead')}</p>
        ${error && !fe.password && html`<${Alert}>${errorText(error)}<//>`}
        <${TextField}
          label=${t('mfa.password')}
          name="password"
          type="password"
          value=${password}
          onValue=${setPassword}
          error=${fe.password}
          autocomplete="current-password"
          required
        />
        <div class="row row-end">
          <${Button} kind="secondary" onClick=${() => setDialog(null)}>${t('common.cancel')}<//>
          <${Button} type="submit" kind=${dialog === 'disable' ? 'danger' : 'primary'} busy=${busy}>
            ${dialog === 'disable' ? t('mfa.disable') : t('mfa.regenerate')}
          <//>
        </div>
      </form>
    <//>
  <//>`;
}

/** Loads a list once and on demand; returns [rows, error, reload]. */
function useList(path) {
  const [rows, setRows] = useState(null);
  const [error, setError] = useState(null);
  const load = async () => {
    try {
      const body = await api.get(path);
      setRows(Array.isArray(body) ? body : body?.items || []);
      setError(null);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    load();
  }, [path]);
  return [rows, error, load];
}

/** Whether the company lets members use this second factor (older servers send no list). */
function allowed(me, method) {
  const methods = me?.mfa?.allowedMethods;
  return !Array.isArray(methods) || methods.includes(method);
}

function PasskeysSection({ me }) {
  const [rows, error, reload] = useList('/api/v1/me/passkeys');
  const [label, setLabel] = useState('');
  const [busy, setBusy] = useState(false);
  const [addError, setAddError] = useState('');
  const [removing, setRemoving] = useState(null);
  const supported = passkeysSupported();

  const add = async (e) => {
    e.preventDefault();
    if (!label.trim()) return;
    setBusy(true);
    setAddError('');
    try {
      await registerPasskey(label.trim());
      setLabel('');
      toast(t('passkeys.added'));
      await reload();
    } catch (err) {
      if (!(err && err.name === 'NotAllowedError')) setAddError(err?.status ? errorText(err) : t('passkeys.failed'));
    } finally {
      setBusy(false);
    }
  };

  return html`<${Card} title=${t('account.tab.passkeys')}>
    <p>${t('passkeys.lead')}</p>
    ${error && html`<${Alert}>${errorText(error)}<//>`}
    ${rows === null && !error
      ? html`<${Spinner} />`
      : html`<${Table}
          rows=${rows || []}
          empty=${html`<${EmptyState} icon="key" title=${t('passkeys.empty')} />`}
          columns=${[
            { key: 'label', label: t('passkeys.label') },
            { key: 'createdAt', label: t('passkeys.created'), render: (r) => formatDateTime(r.createdAt) },
            { key: 'lastUsedAt', label: t('passkeys.lastUsed'), render: (r) => formatDateTime(r.lastUsedAt) },
            {
              key: 'actions',
              label: '',
              class: 'cell-actions',
              render: (r) => html`<${Button} kind="ghost" size="small" onClick=${() => setRemoving(r)}>${t('common.delete')}<//>`,
            },
          ]}
        />`}
    ${!allowed(me, 'passkey')
      ? html`<${Alert} tone="info">${t('passkeys.methodNotAllowed')}<//>`
      : supported
      ? html`<form class="row row-bottom" onSubmit=${add}>
          <${TextField} label=${t('passkeys.label')} name="label" placeholder=${t('passkeys.labelHint')} value=${label} onValue=${setLabel} maxlength="64" required />
          <${Button} type="submit" busy=${busy} disabled=${!label.trim()}>${t('passkeys.add')}<//>
        </form>`
      : html`<${Alert} tone="info">${t('passkeys.unsupported')}<//>`}
    ${addError && html`<${Alert}>${addError}<//>`}
    <${ConfirmDialog}
      open=${!!removing}
      title=${t('common.delete')}
      message=${removing ? t('passkeys.deleteConfirm', { label: removing.label }) : ''}
      confirmLabel=${t('common.delete')}
      danger
      onClose=${() => setRemoving(null)}
      onConfirm=${async () => {
        try {
          await api.del('/api/v1/me/passkeys/' + encodeURIComponent(removing.id));
          setRemoving(null);
          toast(t('passkeys.deleted'));
          await reload();
        } catch (err) {
          toast(errorText(err), 'error');
        }
      }}
    />
  <//>`;
}

function SessionsSection() {
  const [rows, error, reload] = useList('/api/v1/me/sessions');
  const end = async (s) => {
    try {
      await api.del('/api/v1/me/sessions/' + encodeURIComponent(s.id));
      toast(t('sessions.ended'));
      await reload();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };
  return html`<${Card} title=${t('account.tab.sessions')}>
    <p>${t('sessions.lead')}</p>
    ${error && html`<${Alert}>${errorText(error)}<//>`}
    ${rows === null && !error
      ? html`<${Spinner} />`
      : html`<${Table}
          rows=${rows || []}
          empty=${html`<${EmptyState} icon="clock" title=${t('sessions.empty')} />`}
          columns=${[
            {
              key: 'userAgent',
              label: t('sessions.device'),
              render: (s) => html`<span class="ua">${s.userAgent || '—'}</span>
                ${s.current && html` <${Badge} tone="success">${t('sessions.current')}<//>`}`,
            },
            { key: 'ip', label: t('sessions.ip'), render: (s) => (s.country ? `${s.ip} (${s.country})` : s.ip) },
            { key: 'createdAt', label: t('sessions.started'), render: (s) => formatDateTime(s.createdAt) },
            { key: 'lastSeenAt', label: t('sessions.lastSeen'), render: (s) => formatDateTime(s.lastSeenAt) },
            {
              key: 'actions',
              label: '',
              class: 'cell-actions',
              render: (s) => (s.current ? '' : html`<${Button} kind="ghost" size="small" onClick=${() => end(s)}>${t('sessions.end')}<//>`),
            },
          ]}
        />`}
  <//>`;
}

const SCOPES = ['read', 'write'];
const EXPIRY = [7, 30, 90, 365];

/** Server settings for Thunderbird, iPhone Mail and others, and an app password for them. */
function MailAppsSection({ onCreated }) {
  const [settings, setSettings] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState(null);
  useEffect(() => {
    api.get('/api/v1/me/mail-client-settings').then(setSettings, setError);
  }, []);
  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = await api.post('/api/v1/me/tokens', {
        name: t('mailApps.tokenName'),
        scopes: ['read', 'write'],
        expiresInDays: 365,
      });
      setCreated(result);
      onCreated?.();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const security = (tls) => (tls ? t('mailApps.starttls') : t('mailApps.none'));
  const server = (title, port, tlsPort, testid) => html`<div class="stack" data-testid=${testid}>
    <h3 class="subheading">${title}</h3>
    <dl class="facts">
      <dt>${t('mailApps.server')}</dt><dd><code>${settings.host}</code></dd>
      <dt>${t('mailApps.port')}</dt><dd><code>${port}</code></dd>
      <dt>${t('mailApps.security')}</dt><dd>${security(settings.startTls)}</dd>
      ${tlsPort && html`<dt>${t('mailApps.tlsPort')}</dt><dd><code>${tlsPort}</code></dd>`}
      <dt>${t('mailApps.user')}</dt><dd><code>${settings.loginId}</code></dd>
      <dt>${t('mailApps.auth')}</dt><dd>${t('mailApps.authNormal')}</dd>
    </dl>
  </div>`;
  return html`<${Card} title=${t('mailApps.title')}>
    <div class="stack" data-testid="mail-apps">
      <p>${t('mailApps.lead')}</p>
      ${error && html`<${Alert}>${errorText(error)}<//>`}
      ${!settings && !error && html`<${Spinner} />`}
      ${settings && server(t('mailApps.incoming'), settings.imapPort, settings.imapsPort, 'mail-apps-imap')}
      ${settings && server(t('mailApps.outgoing'), settings.submissionPort, settings.submissionTlsPort, 'mail-apps-smtp')}
      <${Alert} tone="info">${t('mailApps.sentCopy')}<//>
      ${created &&
      html`<div class="stack reveal" data-testid="new-mail-app-password">
        <${Alert} tone="warning">${t('mailApps.created')}<//>
        <div class="row"><code class="secret">${created.token}</code><${CopyButton} text=${created.token} /></div>
        <div><${Button} kind="secondary" size="small" onClick=${() => setCreated(null)}>${t('common.close')}<//></div>
      </div>`}
      <div><${Button} onClick=${create} busy=${busy} data-testid="create-mail-app-password">${t('mailApps.create')}<//></div>
    </div>
  <//>`;
}

function TokensSection() {
  const [rows, error, reload] = useList('/api/v1/me/tokens');
  const [form, setForm] = useState({ name: '', scopes: ['read'], expiresInDays: '30' });
  const [busy, setBusy] = useState(false);
  const [createError, setCreateError] = useState(null);
  const [created, setCreated] = useState(null);
  const [revoking, setRevoking] = useState(null);
  const fe = createError?.fieldErrors ? createError.fieldErrors() : {};

  const toggleScope = (s, on) =>
    setForm({ ...form, scopes: on ? [...new Set([...form.scopes, s])] : form.scopes.filter((x) => x !== s) });

  const create = async (e) => {
    e.preventDefault();
    setBusy(true);
    setCreateError(null);
    try {
      const result = await api.post('/api/v1/me/tokens', {
        name: form.name.trim(),
        scopes: form.scopes,
        expiresInDays: Number(form.expiresInDays),
      });
      setCreated(result);
      setForm({ name: '', scopes: ['read'], expiresInDays: '30' });
      await reload();
    } catch (err) {
      setCreateError(err);
    } finally {
      setBusy(false);
    }
  };
  const others = otherFieldErrors(createError, ['name', 'expiresInDays']);

  return html`<${Card} title=${t('account.tab.tokens')}>
    <p>${t('tokens.lead')}</p>
    ${created &&
    html`<div class="stack reveal" data-testid="new-token">
      <${Alert} tone="warning">${t('tokens.shownOnce')}<//>
      <div class="row"><code class="secret">${created.token}</code><${CopyButton} text=${created.token} /></div>
      <div><${Button} kind="secondary" size="small" onClick=${() => setCreated(null)}>${t('common.close')}<//></div>
    </div>`}
    ${error && html`<${Alert}>${errorText(error)}<//>`}
    ${rows === null && !error
      ? html`<${Spinner} />`
      : html`<${Table}
          rows=${rows || []}
          empty=${html`<${EmptyState} icon="key" title=${t('tokens.empty')} />`}
          columns=${[
            { key: 'name', label: t('tokens.name') },
            {
              key: 'scopes',
              label: t('tokens.scopes'),
              render: (r) => (r.scopes || []).map((s) => html`<${Badge} key=${s}>${t('tokens.scope.' + s)}<//> `),
            },
            { key: 'createdAt', label: t('tokens.created'), render: (r) => formatDateTime(r.createdAt) },
            { key: 'expiresAt', label: t('tokens.expires'), render: (r) => formatDateTime(r.expiresAt) },
            { key: 'lastUsedAt', label: t('tokens.lastUsed'), render: (r) => formatDateTime(r.lastUsedAt) },
            {
              key: 'actions',
              label: '',
              class: 'cell-actions',
              render: (r) => html`<${Button} kind="ghost" size="small" onClick=${() => setRevoking(r)}>${t('tokens.revoke')}<//>`,
            },
          ]}
        />`}
    <h3 class="subheading">${t('tokens.create')}</h3>
    <form class="stack form-narrow" onSubmit=${create} novalidate>
      ${createError && (others.length > 0 || !(fe.name || fe.expiresInDays)) &&
      html`<${Alert}>${errorText(createError)}${others.map((m) => html`<br />${m}`)}<//>`}
      <${TextField} label=${t('tokens.name')} name="tokenName" value=${form.name} onValue=${(v) => setForm({ ...form, name: v })} error=${fe.name} maxlength="100" required />
      <fieldset class="fieldset">
        <legend class="field-label">${t('tokens.scopes')}</legend>
        <div class="row">
          ${SCOPES.map(
            (s) => html`<${Checkbox} key=${s} label=${t('tokens.scope.' + s)} checked=${form.scopes.includes(s)} onValue=${(on) => toggleScope(s, on)} />`,
          )}
        </div>
        ${form.scopes.length === 0 && html`<p class="field-error">${t('tokens.noScope')}</p>`}
      </fieldset>
      <${Select}
        label=${t('tokens.expiresIn')}
        name="expiresInDays"
        value=${form.expiresInDays}
        onValue=${(v) => setForm({ ...form, expiresInDays: v })}
        error=${fe.expiresInDays}
        options=${EXPIRY.map((d) => ({ value: String(d), label: t('tokens.days', { n: d }) }))}
      />
      <div><${Button} type="submit" busy=${busy} disabled=${!form.name.trim() || form.scopes.length === 0}>${t('tokens.create')}<//></div>
    </form>
    <${ConfirmDialog}
      open=${!!revoking}
      title=${t('tokens.revoke')}
      message=${revoking ? t('tokens.revokeConfirm', { name: revoking.name }) : ''}
      confirmLabel=${t('tokens.revoke')}
      danger
      onClose=${() => setRevoking(null)}
      onConfirm=${async () => {
        try {
          await api.del('/api/v1/me/tokens/' + encodeURIComponent(revoking.id));
          setRevoking(null);
          toast(t('tokens.revoked'));
          await reload();
        } catch (err) {
          toast(errorText(err), 'error');
        }
      }}
    />
  <//>`;
}
