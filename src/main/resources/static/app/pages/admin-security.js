// Admin › Security settings: the one page for the company's policies. Each card edits one
// module's policy through that module's own API (identity, drive, talk, privacy); every change
// needs recent re-authentication (the global prompt in reauth.js asks for the password and
// sends the change again) and is audited with before and after values by the server.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { addMessages, t } from '../i18n.js';
import { html, Alert, Button, Card, Checkbox, Select, Spinner, TextField, errorText, toast } from '../ui.js';

addMessages({
  ja: {
    'admin.group.people': 'メンバーと組織',
    'admin.group.protection': 'セキュリティと監査',
    'admin.group.services': 'サービスと統計',
    'fieldError.none_allowed': '2段階認証を必須にする場合は、1つ以上の方式を許可してください。',
    'policy.intro': '会社のポリシーをこのページでまとめて設定します。変更はすぐに適用され、変更前と変更後の値が監査ログに記録されます。変更にはパスワードの再入力（15分以内）が必要です。',
    'policy.account': 'アカウントとサインイン',
    'policy.password': 'パスワード',
    'policy.lockout': 'ロックアウト',
    'policy.twoStep': '2段階認証',
    'policy.sessions': 'セッション',
    'policy.network': 'IP許可リスト（Web・API・メール・DAV）',
    'policy.mfaMethods': '利用を許可する方式',
    'policy.mfaMethods.hint': '許可しない方式は登録もサインインもできなくなります。必須にする場合は1つ以上を許可してください。',
    'policy.mfa.totp': '認証アプリ（TOTP、リカバリーコードを含む）',
    'policy.mfa.passkey': 'パスキー（WebAuthn）',
    'policy.drive': 'ドライブ: 社外共有・ダウンロード・ファイル',
    'policy.drive.outsideLinks': '社外の人への共有リンクを許可する',
    'policy.drive.outsideLinksHint': 'オフにすると、既存のリンクからのダウンロードもすぐに止まります。',
    'policy.drive.blockedExtensions': 'ブロックする拡張子',
    'policy.drive.blockedHint': 'カンマまたは空白区切り（例: exe, bat）。アップロード、共有リンクからのダウンロードとトークの添付を拒否します。',
    'policy.drive.maxFileMb': '1ファイルの最大サイズ（MB）',
    'policy.drive.memberQuotaMb': 'メンバーごとの容量（MB）',
    'policy.drive.companyQuotaMb': '会社全体の容量（MB）',
    'policy.drive.versionsKept': '保持する版の数',
    'policy.drive.trashRetentionDays': 'ゴミ箱の保存日数',
    'policy.drive.saved': 'ドライブのポリシーを保存しました',
    'policy.drive.downloads': 'メンバーのダウンロード',
    'policy.drive.downloadNetworks': 'ダウンロードを許可するネットワーク',
    'policy.drive.downloadNetworksHint': '1行に1つ、IPアドレスまたはCIDR（例: 203.0.113.0/24, 2001:db8::/32）。空ならどこからでもダウンロードできます。Musubi は端末を管理しないため、会社の管理するネットワークからの接続を「管理端末」とみなします。プレビューはどこからでもできます。',
    'policy.drive.downloadDeniedRoles': 'ダウンロードを禁止するロール',
    'policy.drive.plainMembers': '管理者ロールを持たないメンバー',
    'policy.drive.downloadRolesHint': 'チェックしたロールを持つメンバーはファイルをダウンロードできません（プレビューは可）。社外共有リンクには適用されません。',
    'policy.talk': 'トーク: 編集・送信取消・既読',
    'policy.talk.editWindow': 'メッセージを編集できる期間',
    'policy.talk.recallWindow': '送信取消できる期間',
    'policy.talk.hours1': '送信後1時間',
    'policy.talk.hours24': '送信後24時間',
    'policy.talk.readByVisible': '既読者の一覧をメンバーに表示する（既読数は常に表示）',
    'policy.talk.saved': 'トークの設定を保存しました',
    'policy.retention': '保存期間',
    'policy.retention.hint': '日数（空欄は無期限）。監査ログは{min}日以上。毎日の処理で削除されます（リーガルホールド中のものを除く）。',
    'policy.retention.saved': '保存期間を保存しました',
    'policy.retention.messages': 'トークのメッセージ',
    'policy.retention.files': 'ドライブ（ゴミ箱と古い版）',
    'policy.retention.calendar': '終了した予定',
    'policy.retention.audit': '監査ログ',
    'policy.retention.mail': 'メール',
  },
  en: {
    'admin.group.people': 'Members and organisation',
    'admin.group.protection': 'Security and audit',
    'admin.group.services': 'Services and statistics',
    'policy.intro': "All of the company's policies on one page. Changes apply at once and the audit trail records the values before and after. Changing them needs your password again (valid 15 minutes).",
    'policy.account': 'Accounts and sign-in',
    'policy.password': 'Passwords',
    'policy.lockout': 'Lockout',
    'policy.twoStep': 'Two-step verification',
    'policy.sessions': 'Sessions',
    'policy.network': 'IP allowlist (web, API, mail, DAV)',
    'policy.mfaMethods': 'Allowed methods',
    'policy.mfaMethods.hint': 'A method that is not allowed can be neither set up nor used to sign in. When two-step verification is required, allow at least one.',
    'policy.mfa.totp': 'Authenticator app (TOTP, with recovery codes)',
    'policy.mfa.passkey': 'Passkey (WebAuthn)',
    'policy.drive': 'Drive: outside sharing, downloads and files',
    'policy.drive.outsideLinks': 'Allow sharing links for people outside the company',
    'policy.drive.outsideLinksHint': 'Turning this off also stops downloads through existing links at once.',
    'policy.drive.blockedExtensions': 'Blocked file extensions',
    'policy.drive.blockedHint': 'Separated by commas or spaces (e.g. exe, bat). Refused for uploads, downloads through sharing links and Talk attachments.',
    'policy.drive.maxFileMb': 'Largest file (MB)',
    'policy.drive.memberQuotaMb': 'Storage per member (MB)',
    'policy.drive.companyQuotaMb': 'Storage for the company (MB)',
    'policy.drive.versionsKept': 'Versions kept',
    'policy.drive.trashRetentionDays': 'Days in the trash',
    'policy.drive.saved': 'Drive policy saved',
    'policy.drive.downloads': 'Downloads by members',
    'policy.drive.downloadNetworks': 'Networks downloads are allowed from',
    'policy.drive.downloadNetworksHint': 'One IP address or CIDR block per line (e.g. 203.0.113.0/24, 2001:db8::/32). Empty: downloads from anywhere. Musubi manages no devices, so connections from the company\'s managed networks count as managed devices. Previews work from anywhere.',
    'policy.drive.downloadDeniedRoles': 'Roles that may not download',
    'policy.drive.plainMembers': 'Members without admin roles',
    'policy.drive.downloadRolesHint': 'Members holding a checked role cannot download files (they can still preview them). Sharing links for outsiders are not affected.',
    'policy.talk': 'Talk: editing, unsending and read receipts',
    'policy.talk.editWindow': 'Messages can be edited for',
    'policy.talk.recallWindow': 'Messages can be unsent for',
    'policy.talk.hours1': '1 hour after sending',
    'policy.talk.hours24': '24 hours after sending',
    'policy.talk.readByVisible': 'Show members who has read a message (counts are always shown)',
    'policy.talk.saved': 'Talk settings saved',
    'policy.retention': 'Retention periods',
    'policy.retention.hint': 'Days (empty keeps everything). The audit trail keeps at least {min} days. A daily run deletes what is older, except what a legal hold covers.',
    'policy.retention.saved': 'Retention periods saved',
    'policy.retention.messages': 'Talk messages',
    'policy.retention.files': 'Drive (trash and old versions)',
    'policy.retention.calendar': 'Past events',
    'policy.retention.audit': 'Audit trail',
    'policy.retention.mail': 'Mail',
  },
});

const GROUPS = [
  ['policy.password', ['passwordMinLength', 'passwordHistory', 'passwordMaxAgeDays']],
  ['policy.lockout', ['lockoutThreshold', 'lockoutWindowMinutes', 'lockoutDurationSeconds']],
  ['policy.sessions', ['sessionIdleMinutes', 'sessionAbsoluteMinutes']],
];
const NUMBER_FIELDS = GROUPS.flatMap(([, fields]) => fields);
const MFA_METHODS = ['totp', 'passkey'];
const MB = 1024 * 1024;

/** Loads `path`; `data` stays null until it answers, `error` holds a refusal (e.g. 403). */
function useResource(path) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let cancelled = false;
    api.get(path).then(
      (d) => !cancelled && setData(d),
      (e) => !cancelled && setError(e),
    );
    return () => {
      cancelled = true;
    };
  }, [path]);
  return { data, setData, error };
}

/** Runs a save; field errors go to the form, any other refusal to an alert above it. */
function useSave() {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const run = async (fn, message) => {
    setBusy(true);
    setError(null);
    try {
      const result = await fn();
      toast(message);
      return result;
    } catch (err) {
      setError(err);
      return null;
    } finally {
      setBusy(false);
    }
  };
  const fe = error?.fieldErrors ? error.fieldErrors() : {};
  return { run, busy, error, fe, general: error && Object.keys(fe).length === 0 ? error : null };
}

export function SecuritySection() {
  return html`<div class="stack policy-page" data-testid="security-settings">
    <p class="muted">${t('policy.intro')}</p>
    <${AccountPolicyCard} />
    <${DrivePolicyCard} />
    <${TalkPolicyCard} />
    <${RetentionCard} />
  </div>`;
}

/** Identity's policy: passwords, lockout, two-step, sessions and the IP allowlist. */
function AccountPolicyCard() {
  const { data, error } = useResource('/api/v1/admin/security-settings');
  const [form, setForm] = useState(null);
  const save = useSave();
  useEffect(() => data && setForm({ ...data, ipAllowlist: (data.ipAllowlist || []).join('\n') }), [data]);
  if (error) return html`<${Card} title=${t('policy.account')}><${Alert}>${errorText(error)}<//><//>`;
  if (!form) return html`<${Spinner} />`;
  const fe = save.fe;
  const number = (k) => html`<${TextField} key=${k} label=${t('security.' + k)} name=${k} type="number" value=${String(form[k])} onValue=${(v) => setForm({ ...form, [k]: v })} error=${fe[k]} />`;
  const submit = (e) => {
    e.preventDefault();
    const b = { mfaRequirement: form.mfaRequirement, mfaMethods: form.mfaMethods };
    for (const k of NUMBER_FIELDS) b[k] = Number(form[k]);
    b.ipAllowlist = form.ipAllowlist
      .split(/\s+/)
      .map((s) => s.trim())
      .filter(Boolean);
    save.run(() => api.put('/api/v1/admin/security-settings', b), t('security.saved'));
  };
  const toggleMethod = (m, on) =>
    setForm({ ...form, mfaMethods: MFA_METHODS.filter((x) => (x === m ? on : form.mfaMethods.includes(x))) });
  return html`<${Card} title=${t('policy.account')}>
    <form class="stack" onSubmit=${submit} novalidate data-testid="security-form">
      ${save.general && html`<${Alert}>${errorText(save.general)}<//>`}
      ${GROUPS.map(
        ([title, fields]) => html`<fieldset class="policy-group" key=${title}>
          <legend>${t(title)}</legend>
          <div class="admin-form-grid">${fields.map(number)}</div>
        </fieldset>`,
      )}
      <fieldset class="policy-group" data-testid="policy-two-step">
        <legend>${t('policy.twoStep')}</legend>
        <div class="admin-form-grid">
          <${Select}
            label=${t('security.mfaRequirement')}
            name="mfaRequirement"
            value=${form.mfaRequirement}
            onValue=${(v) => setForm({ ...form, mfaRequirement: v })}
            error=${fe.mfaRequirement}
            options=${['none', 'admins', 'all'].map((v) => ({ value: v, label: t('security.mfa.' + v) }))}
          />
        </div>
        <div class="field" role="group" aria-label=${t('policy.mfaMethods')}>
          <span class="field-label">${t('policy.mfaMethods')}</span>
          ${MFA_METHODS.map(
            (m) => html`<${Checkbox} key=${m} name=${'mfa-' + m} label=${t('policy.mfa.' + m)} checked=${form.mfaMethods.includes(m)} onValue=${(on) => toggleMethod(m, on)} />`,
          )}
          <span class="field-hint">${t('policy.mfaMethods.hint')}</span>
          ${fe.mfaMethods && html`<span class="field-error" role="alert">${fe.mfaMethods}</span>`}
        </div>
      </fieldset>
      <fieldset class="policy-group">
        <legend>${t('policy.network')}</legend>
        <label class="field">
          <span class="field-label">${t('security.ipAllowlist')}</span>
          <textarea class="input admin-textarea" name="ipAllowlist" rows="3" value=${form.ipAllowlist} onInput=${(e) => setForm({ ...form, ipAllowlist: e.currentTarget.value })}></textarea>
          <span class="field-hint">${t('security.allowlistHint')}</span>
          ${fe.ipAllowlist && html`<span class="field-error" role="alert">${fe.ipAllowlist}</span>`}
        </label>
      </fieldset>
      <div class="row row-end"><${Button} type="submit" busy=${save.busy}>${t('security.save')}<//></div>
    </form>
  <//>`;
}

function mb(bytes) {
  const v = bytes / MB;
  return String(Number.isInteger(v) ? v : Math.round(v * 1000) / 1000);
}

const DRIVE_SIZES = [
  ['maxFileBytes', 'policy.drive.maxFileMb'],
  ['memberQuotaBytes', 'policy.drive.memberQuotaMb'],
  ['companyQuotaBytes', 'policy.drive.companyQuotaMb'],
];

/**
 * The role keys a download rule can name, with labels: members without admin roles first, then the
 * built-in admin roles and the company's custom roles (and any key the policy holds that the role
 * list did not answer, so that saving never drops it).
 */
function roleChoices(roles, chosen) {
  const out = [['member', t('policy.drive.plainMembers')]];
  for (const r of roles || []) out.push([r.code, r.builtIn ? t('role.' + r.code) : r.name]);
  for (const k of chosen) if (!out.some(([key]) => key === k)) out.push([k, k]);
  return out;
}

/** Drive's policy: outside links, downloads by members, blocked extensions, sizes, versions and trash. */
function DrivePolicyCard() {
  const { data, setData, error } = useResource('/api/v1/admin/drive-policy');
  const roles = useResource('/api/v1/admin/roles').data;
  const [form, setForm] = useState(null);
  const save = useSave();
  const fromData = (d) => ({
    outsideLinks: d.outsideLinks,
    blockedExtensions: (d.blockedExtensions || []).join(', '),
    downloadNetworks: (d.downloadNetworks || []).join('\n'),
    downloadDeniedRoles: d.downloadDeniedRoles || [],
    versionsKept: String(d.versionsKept),
    trashRetentionDays: String(d.trashRetentionDays),
    ...Object.fromEntries(DRIVE_SIZES.map(([k]) => [k, mb(d[k])])),
  });
  useEffect(() => data && setForm(fromData(data)), [data]);
  if (error) return html`<${Card} title=${t('policy.drive')}><${Alert}>${errorText(error)}<//><//>`;
  if (!form) return html`<${Spinner} />`;
  const fe = save.fe;
  const submit = async (e) => {
    e.preventDefault();
    const shown = fromData(data);
    const b = {
      outsideLinks: form.outsideLinks,
      blockedExtensions: form.blockedExtensions
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean),
      versionsKept: Number(form.versionsKept),
      trashRetentionDays: Number(form.trashRetentionDays),
      downloadNetworks: form.downloadNetworks
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter(Boolean),
      downloadDeniedRoles: form.downloadDeniedRoles,
    };
    // Sizes are shown in MB; an untouched one is left out so that rounding never changes it.
    for (const [k] of DRIVE_SIZES) if (form[k] !== shown[k]) b[k] = Math.round(Number(form[k]) * MB);
    const saved = await save.run(() => api.put('/api/v1/admin/drive-policy', b), t('policy.drive.saved'));
    if (saved) setData(saved);
  };
  return html`<${Card} title=${t('policy.drive')}>
    <form class="stack" onSubmit=${submit} novalidate data-testid="drive-policy-form">
      ${save.general && html`<${Alert}>${errorText(save.general)}<//>`}
      <div class="field">
        <${Checkbox} name="outsideLinks" label=${t('policy.drive.outsideLinks')} checked=${form.outsideLinks} onValue=${(v) => setForm({ ...form, outsideLinks: v })} />
        <span class="field-hint">${t('policy.drive.outsideLinksHint')}</span>
      </div>
      <${TextField} label=${t('policy.drive.blockedExtensions')} name="blockedExtensions" value=${form.blockedExtensions} hint=${t('policy.drive.blockedHint')} onValue=${(v) => setForm({ ...form, blockedExtensions: v })} error=${fe.blockedExtensions} />
      <fieldset class="policy-group" data-testid="drive-policy-downloads">
        <legend>${t('policy.drive.downloads')}</legend>
        <label class="field">
          <span class="field-label">${t('policy.drive.downloadNetworks')}</span>
          <textarea class="input admin-textarea" name="downloadNetworks" rows="3" value=${form.downloadNetworks} onInput=${(e) => setForm({ ...form, downloadNetworks: e.currentTarget.value })}></textarea>
          <span class="field-hint">${t('policy.drive.downloadNetworksHint')}</span>
          ${fe.downloadNetworks && html`<span class="field-error" role="alert">${fe.downloadNetworks}</span>`}
        </label>
        <div class="field" role="group" aria-label=${t('policy.drive.downloadDeniedRoles')}>
          <span class="field-label">${t('policy.drive.downloadDeniedRoles')}</span>
          ${roleChoices(roles, form.downloadDeniedRoles).map(
            ([key, label]) => html`<${Checkbox}
              key=${key}
              name=${'deny-' + key}
              label=${label}
              checked=${form.downloadDeniedRoles.includes(key)}
              onValue=${(on) =>
                setForm({ ...form, downloadDeniedRoles: on ? [...form.downloadDeniedRoles, key] : form.downloadDeniedRoles.filter((x) => x !== key) })}
            />`,
          )}
          <span class="field-hint">${t('policy.drive.downloadRolesHint')}</span>
          ${fe.downloadDeniedRoles && html`<span class="field-error" role="alert">${fe.downloadDeniedRoles}</span>`}
        </div>
      </fieldset>
      <div class="admin-form-grid">
        ${DRIVE_SIZES.map(
          ([k, label]) => html`<${TextField} key=${k} label=${t(label)} name=${k} type="number" min="0" value=${form[k]} onValue=${(v) => setForm({ ...form, [k]: v })} error=${fe[k]} />`,
        )}
        <${TextField} label=${t('policy.drive.versionsKept')} name="versionsKept" type="number" min="1" max="1000" value=${form.versionsKept} onValue=${(v) => setForm({ ...form, versionsKept: v })} error=${fe.versionsKept} />
        <${TextField} label=${t('policy.drive.trashRetentionDays')} name="trashRetentionDays" type="number" min="1" max="3650" value=${form.trashRetentionDays} onValue=${(v) => setForm({ ...form, trashRetentionDays: v })} error=${fe.trashRetentionDays} />
      </div>
      <div class="row row-end"><${Button} type="submit" busy=${save.busy}>${t('security.save')}<//></div>
    </form>
  <//>`;
}

/** Talk's settings that are policies: edit and unsend windows, read receipts. */
function TalkPolicyCard() {
  const { data, setData, error } = useResource('/api/v1/admin/talk-settings');
  const [form, setForm] = useState(null);
  const save = useSave();
  useEffect(() => data && setForm({ editWindowHours: String(data.editWindowHours), recallWindowHours: String(data.recallWindowHours), readByVisible: data.readByVisible }), [data]);
  if (error) return html`<${Card} title=${t('policy.talk')}><${Alert}>${errorText(error)}<//><//>`;
  if (!form) return html`<${Spinner} />`;
  const fe = save.fe;
  const hours = ['1', '24'].map((h) => ({ value: h, label: t('policy.talk.hours' + h) }));
  const submit = async (e) => {
    e.preventDefault();
    const saved = await save.run(
      () =>
        api.put('/api/v1/admin/talk-settings', {
          editWindowHours: Number(form.editWindowHours),
          recallWindowHours: Number(form.recallWindowHours),
          readByVisible: !!form.readByVisible,
        }),
      t('policy.talk.saved'),
    );
    if (saved) setData(saved);
  };
  return html`<${Card} title=${t('policy.talk')}>
    <form class="stack" onSubmit=${submit} novalidate data-testid="talk-policy-form">
      ${save.general && html`<${Alert}>${errorText(save.general)}<//>`}
      <div class="admin-form-grid">
        <${Select} label=${t('policy.talk.editWindow')} name="editWindowHours" value=${form.editWindowHours} onValue=${(v) => setForm({ ...form, editWindowHours: v })} options=${hours} error=${fe.editWindowHours} />
        <${Select} label=${t('policy.talk.recallWindow')} name="recallWindowHours" value=${form.recallWindowHours} onValue=${(v) => setForm({ ...form, recallWindowHours: v })} options=${hours} error=${fe.recallWindowHours} />
      </div>
      <${Checkbox} name="readByVisible" label=${t('policy.talk.readByVisible')} checked=${form.readByVisible} onValue=${(v) => setForm({ ...form, readByVisible: v })} />
      <div class="row row-end"><${Button} type="submit" busy=${save.busy}>${t('security.save')}<//></div>
    </form>
  <//>`;
}

/** Privacy's retention periods per service (the whole map is replaced on save). */
function RetentionCard() {
  const { data, setData, error } = useResource('/api/v1/admin/privacy/retention');
  const [days, setDays] = useState(null);
  const save = useSave();
  useEffect(() => data && setDays(Object.fromEntries(Object.entries(data.days).map(([k, v]) => [k, String(v)]))), [data]);
  if (error) return html`<${Card} title=${t('policy.retention')}><${Alert}>${errorText(error)}<//><//>`;
  if (!days) return html`<${Spinner} />`;
  const services = [...data.services].sort();
  const fe = save.fe;
  const label = (s) => {
    const key = 'policy.retention.' + s;
    return t(key) === key ? s : t(key);
  };
  const submit = async (e) => {
    e.preventDefault();
    const body = {};
    for (const s of services) if (days[s] && days[s].trim()) body[s] = Number(days[s]);
    const saved = await save.run(() => api.put('/api/v1/admin/privacy/retention', { days: body }), t('policy.retention.saved'));
    if (saved) setData(saved);
  };
  return html`<${Card} title=${t('policy.retention')}>
    <form class="stack" onSubmit=${submit} novalidate data-testid="retention-policy-form">
      <p class="muted">${t('policy.retention.hint', { min: data.auditMinimumDays })}</p>
      ${save.general && html`<${Alert}>${errorText(save.general)}<//>`}
      <div class="admin-form-grid">
        ${services.map(
          (s) => html`<${TextField} key=${s} label=${label(s)} name=${'days-' + s} type="number" min="1" value=${days[s] || ''} onValue=${(v) => setDays({ ...days, [s]: v })} error=${fe['days.' + s]} />`,
        )}
      </div>
      <div class="row row-end"><${Button} type="submit" busy=${save.busy}>${t('security.save')}<//></div>
    </form>
  <//>`;
}
