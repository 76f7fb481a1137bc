// Admin console sections beyond members and audit: roles, access review, alerts and incidents,
// security settings (with re-authentication), member import, reset links and deleted members.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { api, csrfHeaders, query } from '../api.js';
import { addMessages, formatBytes, formatDateTime, lang, t } from '../i18n.js';
import {
  html,
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  CopyButton,
  Dialog,
  EmptyState,
  Pager,
  Select,
  Spinner,
  Table,
  TextField,
  errorText,
  toast,
} from '../ui.js';

addMessages({
  ja: {
    'admin.roles': 'ロール',
    'admin.review': 'アクセスレビュー',
    'admin.alerts': 'アラート',
    'admin.security': 'セキュリティ設定',
    'admin.deleted': '削除済み',
    'admin.statistics': '統計',
    'stats.active': 'アクティブメンバー',
    'stats.date': '日付',
    'stats.daily': '日次',
    'stats.weekly': '週次',
    'stats.monthly': '月次',
    'stats.signIns': 'ログイン数',
    'stats.members': 'メンバー数',
    'stats.membersActive': '利用中',
    'stats.membersSuspended': '停止中',
    'stats.day': '日付',
    'stats.empty': 'まだ数値がありません',
    'stats.note': '日付は日本時間。容量は現在の値です。',
    'stats.activity': '利用状況',
    'stats.storage': '容量',
    'stats.messagesSent': 'トーク送信数',
    'stats.mailSent': 'メール送信数',
    'stats.mailReceived': 'メール受信数',
    'stats.filesUploaded': 'アップロード数',
    'stats.mailboxBytes': 'メールボックス',
    'stats.driveBytes': 'ドライブ',
    'stats.storageBytes': '保存容量(合計)',
    'deleted.handOver': '引き継ぐ',
    'deleted.handOverTitle': '{name} さんのデータを引き継ぐ',
    'deleted.handOverHint': '個人ドライブ（共有ドライブになります）、カレンダー、グループトークの管理者を選んだメンバーに引き継ぎます。',
    'deleted.handedOver': '{name} さんのデータを引き継ぎました',
    'stats.perMember': 'メンバーごとの容量',
    'stats.perMemberNote': '容量の大きい順に最大100人。停止・削除済みのメンバーは名前なしで表示します。',
    'stats.talkFileBytes': 'トークのファイル',
    'stats.total': '合計',
    'stats.member': 'メンバー',
    'stats.formerMember': '（利用中でないメンバー）',
    'stats.noStorage': 'まだ誰もデータを保存していません',
    'roles.builtIn': '標準',
    'roles.custom': 'カスタム',
    'roles.name': 'ロール名',
    'roles.permissions': '権限',
    'roles.holders': '人数',
    'roles.add': 'カスタムロールを作成',
    'roles.created': 'ロール「{name}」を作成しました',
    'roles.delete': '削除',
    'perm.members.read': 'メンバーの閲覧',
    'perm.members.write': 'メンバーの管理',
    'perm.departments.write': '部署の管理',
    'perm.security.read': 'セキュリティ設定の閲覧',
    'perm.security.write': 'セキュリティ設定の変更',
    'perm.statistics.read': '統計の閲覧',
    'perm.access_review.read': 'アクセスレビューの閲覧',
    'perm.access_review.decide': 'アクセスレビューの判定',
    'perm.alerts.read': 'アラートの閲覧',
    'perm.roles.manage': 'ロールの管理',
    'review.member': 'メンバー',
    'review.roles': 'ロール',
    'review.scope': '管理範囲',
    'review.mfa': '2段階認証',
    'review.lastLogin': '最終ログイン',
    'review.tokens': 'トークン',
    'review.dormant': '休眠',
    'review.decision': '判定',
    'review.keep': '承認',
    'review.revoke': '取り消し',
    'review.start': 'レビューを開始',
    'review.cycleName': 'レビュー名',
    'review.close': 'レビューを終了',
    'review.cycle': 'レビュー',
    'review.none': '（レビューなし）',
    'review.dormantOnly': '休眠メンバーのみ',
    'review.progress': '判定済み {decided}（承認 {kept}・取り消し {revoked}）',
    'alerts.kind': '種類',
    'alerts.subject': '対象',
    'alerts.detail': '内容',
    'alerts.time': '日時',
    'alerts.ack': '確認済みにする',
    'alerts.acked': '確認済み',
    'alerts.empty': 'アラートはありません',
    'alerts.kind.admin_role_granted': '管理者ロールの付与',
    'alerts.kind.failed_signins': 'ログイン失敗の繰り返し',
    'alerts.kind.admin_new_network': '管理者の新しいネットワークからのログイン',
    'alerts.kind.audit_chain_broken': '監査ログの改ざん検知',
    'alerts.kind.incident_reported': 'インシデント報告',
    'alerts.settings': 'アラートのしきい値',
    'alerts.threshold': 'ログイン失敗の回数',
    'alerts.window': '集計期間（分）',
    'alerts.dormantDays': '休眠とみなす日数',
    'alerts.kind.mass_download': '大量ダウンロード',
    'alerts.kind.mass_deletion': '大量削除',
    'alerts.massDownloads': '大量ダウンロードとみなす件数',
    'alerts.massDeletions': '大量削除とみなす件数',
    'alerts.massWindow': '大量操作の集計期間（分）',
    'alerts.kind.admin_new_country': '管理者の新しい国からのログイン',
    'alerts.newCountryDays': '新しい国とみなす期間（日）',
    'alerts.country.on': '国別アラートは有効です（IP と国の対応表: {rows} 件、読み込み {time}）。',
    'alerts.country.off': '国別アラートは無効です: 運用者が IP と国の対応表（MUSUBI_GEOIP_CSV）を設定していません。新しいネットワークからのログインは引き続き通知されます。',
    'alerts.country.failed': '国別アラートは無効です: IP と国の対応表を読み込めませんでした（{error}）。運用者に連絡してください。',
    'incidents.title': 'インシデント報告',
    'incidents.empty': '報告はありません',
    'security.save': '保存',
    'security.confirm': '確認',
    'incident.category.phishing': 'フィッシング',
    'incident.category.lost_device': '端末の紛失・盗難',
    'incident.category.account_compromise': 'アカウントの不正利用',
    'incident.category.data_leak': '情報漏えい',
    'incident.category.malware': 'マルウェア',
    'incident.category.other': 'その他',
    'security.saved': 'セキュリティ設定を保存しました',
    'security.reauthTitle': 'パスワードの再入力',
    'security.reauthText': 'セキュリティ設定を変更するには、パスワードをもう一度入力してください。',
    'security.allowlistHint': '1行に1つ（IPアドレスまたはCIDR）。空欄ならすべて許可。',
    'security.passwordMinLength': 'パスワードの最小文字数',
    'security.passwordHistory': '再利用を禁止する過去のパスワード数',
    'security.passwordMaxAgeDays': 'パスワードの有効期間（日、0は無期限）',
    'security.lockoutThreshold': 'ロックアウトまでの失敗回数',
    'security.lockoutWindowMinutes': '失敗回数の集計期間（分）',
    'security.lockoutDurationSeconds': 'ロックアウト時間（秒）',
    'security.mfaRequirement': '2段階認証の必須化',
    'security.mfa.none': '任意',
    'security.mfa.admins': '管理者のみ必須',
    'security.mfa.all': '全員必須',
    'security.sessionIdleMinutes': '無操作タイムアウト（分）',
    'security.sessionAbsoluteMinutes': 'セッションの最大時間（分）',
    'security.ipAllowlist': 'IP許可リスト',
    'import.title': 'CSVで一括登録',
    'import.file': 'CSVファイル',
    'import.encoding': '文字コード',
    'import.auto': '自動判定',
    'import.check': '内容を確認（ドライラン）',
    'import.commit': '登録する',
    'import.summary': '{rows}行中 {valid}行が登録可能、{invalid}行にエラー',
    'import.done': '{n}人を登録しました。パスワード再設定リンクを発行してください。',
    'import.row': '行',
    'import.field': '項目',
    'import.error': 'エラー',
    'export.csv': 'CSV出力',
    'members.resetLink': '再設定リンク',
    'members.resetLinkTitle': 'パスワード再設定リンク',
    'members.resetLinkText': 'このリンクをメンバー本人に安全な方法で渡してください。一度だけ、{time}まで有効です。このリンクは二度と表示されません。',
    'members.mfaReset': '2段階認証をリセット',
    'members.mfaResetDone': '{name}さんの2段階認証をリセットしました',
    'members.restore': '復元',
    'members.restored': '{name}さんを復元しました（停止中）',
    'members.purgeAfter': '完全削除予定',
    'members.deletedEmpty': '復元できるメンバーはいません',
  },
  en: {
    'admin.roles': 'Roles',
    'admin.review': 'Access review',
    'admin.alerts': 'Alerts',
    'admin.security': 'Security settings',
    'admin.deleted': 'Deleted',
    'admin.statistics': 'Statistics',
    'stats.active': 'Active members',
    'stats.date': 'Date',
    'stats.daily': 'Daily',
    'stats.weekly': 'Weekly',
    'stats.monthly': 'Monthly',
    'stats.signIns': 'Sign-ins',
    'stats.members': 'Members',
    'stats.membersActive': 'Active',
    'stats.membersSuspended': 'Suspended',
    'stats.day': 'Day',
    'stats.empty': 'No figures yet',
    'stats.note': 'Days are Japan time. Sizes are current.',
    'stats.activity': 'Activity',
    'stats.storage': 'Storage',
    'stats.messagesSent': 'Talk messages sent',
    'stats.mailSent': 'Mails sent',
    'stats.mailReceived': 'Mails received',
    'stats.filesUploaded': 'Files uploaded',
    'stats.mailboxBytes': 'Mailboxes',
    'stats.driveBytes': 'Drive',
    'stats.storageBytes': 'Stored in total',
    'deleted.handOver': 'Hand over',
    'deleted.handOverTitle': 'Hand over what {name} held',
    'deleted.handOverHint': 'The personal drive (it becomes a shared drive), calendars and group-room ownership go to the member you choose.',
    'deleted.handedOver': 'What {name} held was handed over',
    'stats.perMember': 'Storage per member',
    'stats.perMemberNote': 'Largest first, up to 100 members. Suspended or deleted members are listed without a name.',
    'stats.talkFileBytes': 'Talk files',
    'stats.total': 'Total',
    'stats.member': 'Member',
    'stats.formerMember': '(not an active member)',
    'stats.noStorage': 'Nobody stores anything yet',
    'roles.builtIn': 'Built-in',
    'roles.custom': 'Custom',
    'roles.name': 'Role name',
    'roles.permissions': 'Permissions',
    'roles.holders': 'Members',
    'roles.add': 'New custom role',
    'roles.created': 'Role "{name}" created',
    'roles.delete': 'Delete',
    'perm.members.read': 'Read members',
    'perm.members.write': 'Manage members',
    'perm.departments.write': 'Manage departments',
    'perm.security.read': 'Read security settings',
    'perm.security.write': 'Change security settings',
    'perm.statistics.read': 'Read statistics',
    'perm.access_review.read': 'Read access review',
    'perm.access_review.decide': 'Decide in access reviews',
    'perm.alerts.read': 'Read alerts',
    'perm.roles.manage': 'Manage roles',
    'review.member': 'Member',
    'review.roles': 'Roles',
    'review.scope': 'Admin scope',
    'review.mfa': 'Two-step',
    'review.lastLogin': 'Last sign-in',
    'review.tokens': 'Tokens',
    'review.dormant': 'Dormant',
    'review.decision': 'Decision',
    'review.keep': 'Keep',
    'review.revoke': 'Revoke',
    'review.start': 'Start a review',
    'review.cycleName': 'Review name',
    'review.close': 'Close review',
    'review.cycle': 'Review',
    'review.none': '(no review)',
    'review.dormantOnly': 'Dormant members only',
    'review.progress': '{decided} decided ({kept} kept, {revoked} revoked)',
    'alerts.kind': 'Kind',
    'alerts.subject': 'Subject',
    'alerts.detail': 'Detail',
    'alerts.time': 'Time',
    'alerts.ack': 'Acknowledge',
    'alerts.acked': 'Acknowledged',
    'alerts.empty': 'No alerts',
    'alerts.kind.admin_role_granted': 'Admin role granted',
    'alerts.kind.failed_signins': 'Repeated failed sign-ins',
    'alerts.kind.admin_new_network': 'Admin sign-in from a new network',
    'alerts.kind.audit_chain_broken': 'Audit chain broken',
    'alerts.kind.incident_reported': 'Incident reported',
    'alerts.settings': 'Alert thresholds',
    'alerts.threshold': 'Failed sign-ins',
    'alerts.window': 'Within (minutes)',
    'alerts.dormantDays': 'Dormant after (days)',
    'alerts.kind.mass_download': 'Mass download',
    'alerts.kind.mass_deletion': 'Mass deletion',
    'alerts.massDownloads': 'Mass download at (files)',
    'alerts.massDeletions': 'Mass deletion at (items)',
    'alerts.massWindow': 'Mass actions within (minutes)',
    'alerts.kind.admin_new_country': 'Admin sign-in from a new country',
    'alerts.newCountryDays': 'Country counts as new after (days)',
    'alerts.country.on': 'Country alerts are on (IP-to-country table: {rows} ranges, loaded {time}).',
    'alerts.country.off': 'Country alerts are off: the operator has not set an IP-to-country file (MUSUBI_GEOIP_CSV). Sign-ins from a new network are still alerted.',
    'alerts.country.failed': 'Country alerts are off: the IP-to-country file could not be read ({error}). Ask your operator.',
    'incidents.title': 'Incident reports',
    'incidents.empty': 'No reports',
    'security.save': 'Save',
    'security.confirm': 'Confirm',
    'incident.category.phishing': 'Phishing',
    'incident.category.lost_device': 'Lost or stolen device',
    'incident.category.account_compromise': 'Compromised account',
    'incident.category.data_leak': 'Data leak',
    'incident.category.malware': 'Malware',
    'incident.category.other': 'Other',
    'security.saved': 'Security settings saved',
    'security.reauthTitle': 'Enter your password',
    'security.reauthText': 'Enter your password again to change security settings.',
    'security.allowlistHint': 'One per line (address or CIDR). Empty allows every address.',
    'security.passwordMinLength': 'Minimum password length',
    'security.passwordHistory': 'Earlier passwords that cannot be reused',
    'security.passwordMaxAgeDays': 'Password lifetime (days, 0 = none)',
    'security.lockoutThreshold': 'Failures before lockout',
    'security.lockoutWindowMinutes': 'Failure window (minutes)',
    'security.lockoutDurationSeconds': 'Lockout duration (seconds)',
    'security.mfaRequirement': 'Two-step verification',
    'security.mfa.none': 'Optional',
    'security.mfa.admins': 'Required for admins',
    'security.mfa.all': 'Required for everyone',
    'security.sessionIdleMinutes': 'Idle timeout (minutes)',
    'security.sessionAbsoluteMinutes': 'Session lifetime (minutes)',
    'security.ipAllowlist': 'IP allowlist',
    'import.title': 'Import members from CSV',
    'import.file': 'CSV file',
    'import.encoding': 'Encoding',
    'import.auto': 'Detect',
    'import.check': 'Check (dry run)',
    'import.commit': 'Import',
    'import.summary': '{valid} of {rows} rows can be imported, {invalid} with errors',
    'import.done': '{n} members imported. Create password reset links for them.',
    'import.row': 'Row',
    'import.field': 'Field',
    'import.error': 'Error',
    'export.csv': 'Export CSV',
    'members.resetLink': 'Reset link',
    'members.resetLinkTitle': 'Password reset link',
    'members.resetLinkText': 'Give this link to the member through a safe channel. It works once, until {time}. It is not shown again.',
    'members.mfaReset': 'Reset two-step',
    'members.mfaResetDone': 'Two-step verification of {name} reset',
    'members.restore': 'Restore',
    'members.restored': '{name} restored (suspended)',
    'members.purgeAfter': 'Purged after',
    'members.deletedEmpty': 'No members to restore',
  },
});

function label(prefix, code) {
  const key = prefix + code;
  const text = t(key);
  return text === key ? code : text;
}

function useLoad(path, deps = []) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let cancelled = false;
    api
      .get(path)
      .then((d) => !cancelled && (setData(d), setError(null)))
      .catch((e) => !cancelled && setError(e));
    return () => {
      cancelled = true;
    };
  }, [path, tick, ...deps]);
  return { data, error, reload: () => setTick((x) => x + 1) };
}

// Roles ---------------------------------------------------------------------------------------

const GRANTABLE = [
  'members.read',
  'members.write',
  'departments.write',
  'security.read',
  'security.write',
  'statistics.read',
  'access_review.read',
  'access_review.decide',
  'alerts.read',
];

export function RolesSection() {
  const { data, error, reload } = useLoad('/api/v1/admin/roles');
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [perms, setPerms] = useState([]);
  const [formError, setFormError] = useState(null);
  const fe = formError?.fieldErrors ? formError.fieldErrors() : {};
  const create = async (e) => {
    e.preventDefault();
    try {
      await api.post('/api/v1/admin/roles', { name, permissions: perms });
      toast(t('roles.created', { name }));
      setOpen(false);
      setName('');
      setPerms([]);
      reload();
    } catch (err) {
      setFormError(err);
    }
  };
  const remove = async (r) => {
    try {
      await api.del('/api/v1/admin/roles/' + encodeURIComponent(r.id));
      reload();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };
  return html`<div class="stack">
    <div class="toolbar">
      <span class="toolbar-spacer"></span>
      <${Button} onClick=${() => (setFormError(null), setOpen(true))} data-testid="add-role">${t('roles.add')}<//>
    </div>
    ${error && html`<${Alert}>${errorText(error)}<//>`}
    ${data === null && !error
      ? html`<${Spinner} />`
      : html`<${Table}
          caption=${t('admin.roles')}
          rows=${data || []}
          rowKey=${(r) => r.code}
          columns=${[
            { key: 'name', label: t('roles.name'), render: (r) => (r.builtIn ? label('role.', r.code) : r.name) },
            { key: 'kind', label: '', render: (r) => html`<${Badge} tone=${r.builtIn ? 'neutral' : 'info'}>${r.builtIn ? t('roles.builtIn') : t('roles.custom')}<//>` },
            {
              key: 'permissions',
              label: t('roles.permissions'),
              render: (r) => html`<span class="admin-perms">${r.permissions.map((p) => label('perm.', p)).join('、')}</span>`,
            },
            { key: 'holders', label: t('roles.holders'), render: (r) => (r.builtIn ? '' : r.holders) },
            {
              key: 'actions',
              label: '',
              class: 'cell-actions',
              render: (r) => !r.builtIn && html`<${Button} kind="ghost" size="small" class="text-danger" onClick=${() => remove(r)}>${t('roles.delete')}<//>`,
            },
          ]}
        />`}
    <${Dialog} open=${open} title=${t('roles.add')} onClose=${() => setOpen(false)}>
      <form class="stack" onSubmit=${create} novalidate data-testid="role-form">
        ${formError && !fe.name && !fe.permissions && html`<${Alert}>${errorText(formError)}<//>`}
        <${TextField} label=${t('roles.name')} name="name" value=${name} onValue=${setName} error=${fe.name} required />
        <fieldset class="fieldset">
          <legend class="field-label">${t('roles.permissions')}</legend>
          <div class="admin-checks">
            ${GRANTABLE.map(
              (p) => html`<${Checkbox}
                key=${p}
                label=${label('perm.', p)}
                name=${'perm-' + p}
                checked=${perms.includes(p)}
                onValue=${(on) => setPerms(on ? [...perms, p] : perms.filter((x) => x !== p))}
              />`,
            )}
          </div>
          ${fe.permissions && html`<p class="field-error">${fe.permissions}</p>`}
        </fieldset>
        <div class="row row-end">
          <${Button} kind="secondary" onClick=${() => setOpen(false)}>${t('common.cancel')}<//>
          <${Button} type="submit">${t('common.create')}<//>
        </div>
      </form>
    <//>
  </div>`;
}

// Access review -------------------------------------------------------------------------------

export function AccessReviewSection() {
  const [cycleId, setCycleId] = useState('');
  const [dormant, setDormant] = useState(false);
  const [page, setPage] = useState(0);
  const cycles = useLoad('/api/v1/admin/access-review/cycles');
  const report = useLoad('/api/v1/admin/access-review' + query({ cycleId, dormant: dormant || '', page, size: 50 }));
  const [name, setName] = useState('');
  const cycle = (cycles.data || []).find((c) => c.id === cycleId);

  const start = async (e) => {
    e.preventDefault();
    try {
      const c = await api.post('/api/v1/admin/access-review/cycles', { name });
      setName('');
      cycles.reload();
      setCycleId(c.id);
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };
  const decide = async (entry, decision) => {
    try {
      await api.post(`/api/v1/admin/access-review/cycles/${cycleId}/decisions`, { memberId: entry.memberId, decision });
      cycles.reload();
      report.reload();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };
  const close = async () => {
    try {
      await api.post(`/api/v1/admin/access-review/cycles/${cycleId}/close`, {});
      cycles.reload();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };
  const rows = report.data?.items || [];
  return html`<div class="stack">
    <form class="toolbar" onSubmit=${start}>
      <label class="inline-select">
        <span class="sr-only">${t('review.cycle')}</span>
        <select class="input select" name="cycle" value=${cycleId} onChange=${(e) => (setCycleId(e.currentTarget.value), setPage(0))}>
          <option value="">${t('review.none')}</option>
          ${(cycles.data || []).map((c) => html`<option value=${c.id} selected=${c.id === cycleId}>${c.name}${c.closedAt ? ' ✓' : ''}</option>`)}
        </select>
      </label>
      <${Checkbox} label=${t('review.dormantOnly')} name="dormant" checked=${dormant} onValue=${(v) => (setDormant(v), setPage(0))} />
      <span class="toolbar-spacer"></span>
      <input class="input" name="cycleName" placeholder=${t('review.cycleName')} aria-label=${t('review.cycleName')} value=${name} onInput=${(e) => setName(e.currentTarget.value)} />
      <${Button} type="submit" kind="secondary" data-testid="start-review">${t('review.start')}<//>
    </form>
    ${cycle &&
    html`<div class="row">
      <${Badge} tone=${cycle.closedAt ? 'neutral' : 'info'}>${t('review.progress', cycle)}<//>
      ${!cycle.closedAt && html`<${Button} kind="secondary" size="small" onClick=${close}>${t('review.close')}<//>`}
    </div>`}
    ${report.error && html`<${Alert}>${errorText(report.error)}<//>`}
    ${report.data === null && !report.error
      ? html`<${Spinner} />`
      : html`<${Table}
          caption=${t('admin.review')}
          rows=${rows}
          rowKey=${(r) => r.memberId}
          empty=${html`<${EmptyState} icon="shield" title=${t('members.empty')} />`}
          columns=${[
            {
              key: 'member',
              label: t('review.member'),
              render: (r) => html`<span class="person-name">${r.displayName}</span><span class="person-sub mono">${r.loginId}</span>`,
            },
            {
              key: 'roles',
              label: t('review.roles'),
              render: (r) => [...r.roles.map((x) => label('role.', x)), ...r.customRoles].map((x) => html`<${Badge} tone="info">${x}<//> `),
            },
            { key: 'scope', label: t('review.scope'), render: (r) => (r.adminScope.length ? r.adminScope.length : '') },
            { key: 'mfa', label: t('review.mfa'), render: (r) => html`<${Badge} tone=${r.mfaEnabled ? 'success' : 'neutral'}>${t(r.mfaEnabled ? 'mfa.on' : 'mfa.off')}<//>` },
            { key: 'lastLoginAt', label: t('review.lastLogin'), render: (r) => formatDateTime(r.lastLoginAt) },
            { key: 'dormant', label: t('review.dormant'), render: (r) => r.dormant && html`<${Badge} tone="warning">${t('review.dormant')}<//>` },
            { key: 'activeTokens', label: t('review.tokens') },
            {
              key: 'decision',
              label: t('review.decision'),
              class: 'cell-actions',
              render: (r) =>
                r.decision
                  ? html`<${Badge} tone=${r.decision === 'keep' ? 'success' : 'danger'}>${t('review.' + r.decision)}<//>`
                  : cycle && !cycle.closedAt
                    ? html`<div class="row row-tight">
                        <${Button} kind="secondary" size="small" onClick=${() => decide(r, 'keep')}>${t('review.keep')}<//>
                        <${Button} kind="ghost" size="small" class="text-danger" onClick=${() => decide(r, 'revoke')}>${t('review.revoke')}<//>
                      </div>`
                    : '',
            },
          ]}
        />`}
    ${report.data && html`<${Pager} page=${report.data.page} size=${report.data.size} total=${report.data.total} onPage=${setPage} />`}
  </div>`;
}

// Alerts and incidents ------------------------------------------------------------------------

export function AlertsSection() {
  const alerts = useLoad('/api/v1/admin/alerts?size=100');
  const incidents = useLoad('/api/v1/incidents?size=50');
  const settings = useLoad('/api/v1/admin/alert-settings');
  const country = useLoad('/api/v1/admin/alerts/country-status');
  const [form, setForm] = useState(null);
  const [formError, setFormError] = useState(null);
  useEffect(() => settings.data && setForm(settings.data), [settings.data]);
  const fe = formError?.fieldErrors ? formError.fieldErrors() : {};
  const ack = async (a) => {
    try {
      await api.post(`/api/v1/admin/alerts/${a.id}/acknowledge`, {});
      alerts.reload();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };
  const save = async (e) => {
    e.preventDefault();
    setFormError(null);
    try {
      await api.put('/api/v1/admin/alert-settings', {
        failedSignInThreshold: Number(form.failedSignInThreshold),
        failedSignInWindowMinutes: Number(form.failedSignInWindowMinutes),
        dormantDays: Number(form.dormantDays),
        massDownloadThreshold: Number(form.massDownloadThreshold),
        massDeletionThreshold: Number(form.massDeletionThreshold),
        massWindowMinutes: Number(form.massWindowMinutes),
        newCountryDays: Number(form.newCountryDays),
      });
      toast(t('security.saved'));
      settings.reload();
    } catch (err) {
      setFormError(err);
    }
  };
  const c = country.data;
  return html`<div class="stack">
    ${c &&
    html`<div data-testid="country-alerts" data-state=${c.state}>
      <${Alert} tone=${c.enabled ? 'success' : 'warning'}>
        ${c.enabled
          ? t('alerts.country.on', { rows: c.rows, time: c.loadedAt ? formatDateTime(c.loadedAt) : '—' })
          : c.state === 'failed'
            ? t('alerts.country.failed', { error: c.error || '' })
            : t('alerts.country.off')}
      <//>
    </div>`}
    ${alerts.error && html`<${Alert}>${errorText(alerts.error)}<//>`}
    ${alerts.data === null && !alerts.error
      ? html`<${Spinner} />`
      : html`<${Table}
          caption=${t('admin.alerts')}
          rows=${alerts.data?.items || []}
          empty=${html`<${EmptyState} icon="shield" title=${t('alerts.empty')} />`}
          columns=${[
            { key: 'createdAt', label: t('alerts.time'), render: (a) => formatDateTime(a.createdAt) },
            { key: 'kind', label: t('alerts.kind'), render: (a) => html`<${Badge} tone=${a.acknowledgedAt ? 'neutral' : 'danger'}>${label('alerts.kind.', a.kind)}<//>` },
            { key: 'subjectLogin', label: t('alerts.subject'), render: (a) => html`<span class="mono">${a.subjectLogin}</span>` },
            { key: 'detail', label: t('alerts.detail'), render: (a) => html`<span class="detail">${a.detail}</span>` },
            {
              key: 'ack',
              label: '',
              class: 'cell-actions',
              render: (a) =>
                a.acknowledgedAt
                  ? html`<span class="muted">${t('alerts.acked')}</span>`
                  : html`<${Button} kind="secondary" size="small" onClick=${() => ack(a)}>${t('alerts.ack')}<//>`,
            },
          ]}
        />`}
    ${form &&
    html`<${Card} title=${t('alerts.settings')}>
      <form class="admin-form-grid" onSubmit=${save} novalidate data-testid="alert-settings">
        <${TextField} label=${t('alerts.threshold')} name="failedSignInThreshold" type="number" value=${String(form.failedSignInThreshold)} onValue=${(v) => setForm({ ...form, failedSignInThreshold: v })} error=${fe.failedSignInThreshold} />
        <${TextField} label=${t('alerts.window')} name="failedSignInWindowMinutes" type="number" value=${String(form.failedSignInWindowMinutes)} onValue=${(v) => setForm({ ...form, failedSignInWindowMinutes: v })} error=${fe.failedSignInWindowMinutes} />
        <${TextField} label=${t('alerts.dormantDays')} name="dormantDays" type="number" value=${String(form.dormantDays)} onValue=${(v) => setForm({ ...form, dormantDays: v })} error=${fe.dormantDays} />
        ${[
          ['massDownloadThreshold', 'alerts.massDownloads'],
          ['massDeletionThreshold', 'alerts.massDeletions'],
          ['massWindowMinutes', 'alerts.massWindow'],
          ['newCountryDays', 'alerts.newCountryDays'],
        ].map(([k, l]) => html`<${TextField} key=${k} label=${t(l)} name=${k} type="number" value=${String(form[k])} onValue=${(v) => setForm({ ...form, [k]: v })} error=${fe[k]} />`)}
        <div class="row row-end"><${Button} type="submit">${t('security.save')}<//></div>
      </form>
    <//>`}
    <${Card} title=${t('incidents.title')}>
      ${incidents.error
        ? html`<${Alert}>${errorText(incidents.error)}<//>`
        : html`<${Table}
            caption=${t('incidents.title')}
            rows=${incidents.data?.items || []}
            empty=${html`<${EmptyState} icon="inbox" title=${t('incidents.empty')} />`}
            columns=${[
              { key: 'createdAt', label: t('alerts.time'), render: (i) => formatDateTime(i.createdAt) },
              { key: 'category', label: t('alerts.kind'), render: (i) => label('incident.category.', i.category) },
              { key: 'reporterLogin', label: t('alerts.subject'), render: (i) => html`<span class="mono">${i.reporterLogin}</span>` },
              { key: 'summary', label: t('alerts.detail'), render: (i) => html`<strong>${i.summary}</strong><div class="detail">${i.details}</div>` },
            ]}
          />`}
    <//>
  </div>`;
}

// Import, reset links, deleted members --------------------------------------------------------

export function ImportDialog({ open, onClose, onImported }) {
  const [file, setFile] = useState(null);
  const [encoding, setEncoding] = useState('auto');
  const [report, setReport] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  // A layout effect: it runs before anyone can type into the opened dialog, so it never
  // resets what was already entered.
  useLayoutEffect(() => {
    if (open) {
      setFile(null);
      setReport(null);
      setError(null);
    }
  }, [open]);
  const send = async (dryRun) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const res = await fetch('/api/v1/admin/members/import' + query({ dryRun, encoding }), {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'text/csv', Accept: 'application/json', ...csrfHeaders() },
        body: file,
      });
      const json = await res.json().catch(() => null);
      if (json && 'rows' in json) {
        setReport(json);
        if (json.committed) {
          toast(t('import.done', { n: json.valid }));
          onImported();
        }
      } else setError({ status: res.status, detail: json?.errors?.[0]?.message || json?.detail || json?.title });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<${Dialog} open=${open} title=${t('import.title')} onClose=${onClose} wide>
    <div class="stack" data-testid="import-dialog">
      <div class="grid-2">
        <label class="field">
          <span class="field-label">${t('import.file')}</span>
          <input class="input" type="file" name="file" accept=".csv,text/csv" onChange=${(e) => (setFile(e.currentTarget.files[0] || null), setReport(null))} />
        </label>
        <${Select}
          label=${t('import.encoding')}
          name="encoding"
          value=${encoding}
          onValue=${setEncoding}
          options=${[
            { value: 'auto', label: t('import.auto') },
            { value: 'utf-8', label: 'UTF-8' },
            { value: 'shift_jis', label: 'Shift_JIS' },
          ]}
        />
      </div>
      ${error && html`<${Alert}>${errorText(error)}<//>`}
      ${report &&
      html`<${Alert} tone=${report.invalid ? 'error' : 'success'}>${t('import.summary', report)}<//>
        ${report.errors.length > 0 &&
        html`<${Table}
          caption=${t('import.title')}
          rows=${report.errors}
          rowKey=${(e) => e.row + e.field + e.code}
          columns=${[
            { key: 'row', label: t('import.row') },
            { key: 'loginId', label: t('members.loginId'), render: (e) => html`<span class="mono">${e.loginId}</span>` },
            { key: 'field', label: t('import.field') },
            { key: 'message', label: t('import.error'), render: (e) => `${e.message} (${e.code})` },
          ]}
        />`}`}
      <div class="row row-end">
        <${Button} kind="secondary" busy=${busy} disabled=${!file} onClick=${() => send(true)} data-testid="import-check">${t('import.check')}<//>
        <${Button} busy=${busy} disabled=${!file || !report || report.invalid > 0 || report.committed} onClick=${() => send(false)} data-testid="import-commit">${t('import.commit')}<//>
      </div>
    </div>
  <//>`;
}

export function ResetLinkDialog({ link, onClose }) {
  const url = link ? location.origin + link.path : '';
  return html`<${Dialog} open=${!!link} title=${t('members.resetLinkTitle')} onClose=${onClose}>
    ${link &&
    html`<div class="stack" data-testid="reset-link">
      <p>${t('members.resetLinkText', { time: formatDateTime(link.expiresAt) })}</p>
      <div class="row admin-link"><code class="mono">${url}</code><${CopyButton} text=${url} /></div>
      <div class="row row-end"><${Button} onClick=${onClose}>${t('common.close')}<//></div>
    </div>`}
  <//>`;
}

export function DeletedSection() {
  const { data, error, reload } = useLoad('/api/v1/admin/members/deleted');
  const [handing, setHanding] = useState(null);
  const restore = async (m) => {
    try {
      await api.post(`/api/v1/admin/members/${m.id}/restore`, {});
      toast(t('members.restored', { name: m.displayName || m.loginId }));
      reload();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };
  if (error) return html`<${Alert}>${errorText(error)}<//>`;
  if (data === null) return html`<${Spinner} />`;
  return html`<${Table}
      caption=${t('admin.deleted')}
      rows=${data}
      empty=${html`<${EmptyState} icon="inbox" title=${t('members.deletedEmpty')} />`}
      columns=${[
        { key: 'displayName', label: t('members.name') },
        { key: 'loginId', label: t('members.loginId'), render: (m) => html`<span class="mono">${m.loginId}</span>` },
        { key: 'purgeAfter', label: t('members.purgeAfter'), render: (m) => formatDateTime(m.purgeAfter) },
        {
          key: 'actions',
          label: '',
          class: 'cell-actions',
          render: (m) => html`<${Button} kind="ghost" size="small" onClick=${() => setHanding(m)}>${t('deleted.handOver')}<//>
            <${Button} kind="secondary" size="small" onClick=${() => restore(m)}>${t('members.restore')}<//>`,
        },
      ]}
    />
    <${HandOverDialog} member=${handing} onClose=${() => setHanding(null)} />`;
}

function HandOverDialog({ member, onClose }) {
  const [options, setOptions] = useState(null);
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  useEffect(() => {
    setTo('');
    setError(null);
    if (!member) return;
    api
      .get('/api/v1/admin/members?status=active&size=200')
      .then((r) => setOptions(r.items || []))
      .catch(() => setOptions([]));
  }, [member]);
  if (!member) return html`<${Dialog} open=${false} />`;
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post(`/api/v1/admin/members/${member.id}/hand-over`, { handTo: to || null });
      toast(t('deleted.handedOver', { name: member.displayName || member.loginId }));
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<${Dialog} open=${true} title=${t('deleted.handOverTitle', { name: member.displayName || member.loginId })} onClose=${onClose}>
    <form class="stack" onSubmit=${submit} novalidate data-testid="hand-over-form">
      ${error && html`<${Alert}>${errorText(error)}<//>`}
      <p class="muted">${t('deleted.handOverHint')}</p>
      <${Select}
        label=${t('members.handTo')}
        name="handTo"
        value=${to}
        onValue=${setTo}
        disabled=${options === null}
        options=${[{ value: '', label: '—' }, ...(options || []).map((m) => ({ value: m.id, label: `${m.displayName || m.loginId} (${m.loginId})` }))]}
      />
      <div class="row">
        <${Button} type="submit" busy=${busy} disabled=${!to}>${t('deleted.handOver')}<//>
        <${Button} kind="secondary" onClick=${onClose}>${t('common.cancel')}<//>
      </div>
    </form>
  <//>`;
}

// Statistics ----------------------------------------------------------------------------------

const SERIES_COLOURS = { a: '#2563eb', b: '#16a34a', c: '#d97706', d: '#7c3aed' };
const CHART_HEIGHT = 220;
const DAY = 86400;
// Whole days on the x axis and whole numbers on the y axis.
const DAY_STEPS = [1, 2, 7, 14, 28, 56, 91, 182, 364].map((d) => d * DAY);
const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 1000000];

/**
 * A line chart drawn by uPlot (from its WebJar): one line per series over the days, with axes and
 * a legend in the member's language; follows the width of its card (phone too).
 */
export function LineChart({ days, series, title }) {
  const box = useRef(null);
  const seriesKey = series.map((s) => `${s.key}:${s.label}:${s.tone}`).join('|');
  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const locale = lang() === 'ja' ? 'ja-JP' : 'en';
    const tick = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' });
    const full = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
    const number = new Intl.NumberFormat(locale);
    const width = () => Math.max(240, el.clientWidth);
    const xs = days.map((d) => Date.parse(d.day + 'T00:00:00Z') / 1000);
    const opts = {
      width: width(),
      height: CHART_HEIGHT,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: {
        // One day alone gets a week around it rather than uPlot's default of years.
        x: { time: true, range: (u, min, max) => (xs.length === 1 ? [xs[0] - 3 * DAY, xs[0] + 3 * DAY] : [min, max]) },
        y: { range: (u, min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] },
      },
      series: [
        { label: t('stats.date'), value: (u, v) => (v == null ? '—' : full.format(new Date(v * 1000))) },
        ...series.map((s) => ({
          label: s.label,
          stroke: SERIES_COLOURS[s.tone],
          width: 2,
          points: { show: true, size: 5 },
          value: (u, v) => (v == null ? '—' : number.format(v)),
        })),
      ],
      axes: [
        {
          stroke: '#5b6472',
          grid: { stroke: '#e3e6ea' },
          incrs: DAY_STEPS,
          values: (u, splits) => splits.map((v) => tick.format(new Date(v * 1000))),
        },
        { stroke: '#5b6472', grid: { stroke: '#e3e6ea' }, incrs: COUNT_STEPS, values: (u, splits) => splits.map((v) => number.format(v)) },
      ],
    };
    const data = [xs, ...series.map((s) => days.map((d) => (d[s.key] == null ? null : d[s.key])))];
    const plot = new uPlot(opts, data, el);
    const observer = new ResizeObserver(() => plot.setSize({ width: width(), height: CHART_HEIGHT }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [days, seriesKey]);
  return html`<figure class="admin-chart">
    <figcaption><strong>${title}</strong></figcaption>
    <div class="admin-uplot" ref=${box} role="img" aria-label=${title} data-chart=${series.map((s) => s.key).join(' ')}></div>
  </figure>`;
}

export function StatisticsSection() {
  const { data: loaded, error } = useLoad('/api/v1/admin/statistics');
  const data = useMemo(() => (loaded || []).map((d) => ({ ...d, ...(d.usage || {}) })), [loaded]);
  if (error) return html`<${Alert}>${errorText(error)}<//>`;
  if (loaded === null) return html`<${Spinner} />`;
  if (loaded.length === 0) return html`<${EmptyState} icon="clock" title=${t('stats.empty')} />`;
  const last = data[data.length - 1];
  const sizes = ['mailboxBytes', 'driveBytes', 'storageBytes'].filter((k) => k in last);
  return html`<div class="stack" data-testid="statistics">
    <div class="toolbar">
      <span class="muted">${t('stats.note')}</span>
      <span class="toolbar-spacer"></span>
      <a class="btn btn-secondary" href="/api/v1/admin/statistics/export" download>${t('export.csv')}</a>
    </div>
    <div class="admin-figures">
      ${[
        ['stats.membersActive', last.membersActive],
        ['stats.membersSuspended', last.membersSuspended],
        ['stats.daily', last.dailyActive],
        ['stats.weekly', last.weeklyActive],
        ['stats.monthly', last.monthlyActive],
        ['stats.signIns', last.signIns],
        ...['messagesSent', 'mailSent', 'mailReceived', 'filesUploaded'].filter((k) => k in last).map((k) => ['stats.' + k, last[k]]),
        ...sizes.map((k) => ['stats.' + k, formatBytes(last[k])]),
      ].map(([k, v]) => html`<div class="card admin-figure" key=${k} data-figure=${k.slice(6)}><span class="muted">${t(k)}</span><strong>${v}</strong></div>`)}
    </div>
    <${Card}>
      <${LineChart}
        days=${data}
        title=${t('stats.active')}
        series=${[
          { key: 'dailyActive', label: t('stats.daily'), tone: 'a' },
          { key: 'weeklyActive', label: t('stats.weekly'), tone: 'b' },
          { key: 'monthlyActive', label: t('stats.monthly'), tone: 'c' },
        ]}
      />
    <//>
    <${Card}>
      <${LineChart} days=${data} title=${t('stats.signIns')} series=${[{ key: 'signIns', label: t('stats.signIns'), tone: 'a' }]} />
    <//>
    <${Card}>
      <${LineChart}
        days=${data}
        title=${t('stats.activity')}
        series=${[
          { key: 'messagesSent', label: t('stats.messagesSent'), tone: 'a' },
          { key: 'mailSent', label: t('stats.mailSent'), tone: 'b' },
          { key: 'mailReceived', label: t('stats.mailReceived'), tone: 'c' },
          { key: 'filesUploaded', label: t('stats.filesUploaded'), tone: 'd' },
        ]}
      />
    <//>
    <${StoragePerMember} />
  </div>`;
}

function StoragePerMember() {
  const { data, error } = useLoad('/api/v1/admin/statistics/storage');
  let body;
  if (error) body = html`<${Alert}>${errorText(error)}<//>`;
  else if (data === null) body = html`<${Spinner} />`;
  else
    body = html`<${Table}
      caption=${t('stats.perMember')}
      rows=${data.members}
      rowKey=${(r) => r.memberId}
      empty=${html`<p class="muted">${t('stats.noStorage')}</p>`}
      columns=${[
        {
          label: t('stats.member'),
          render: (r) => (r.displayName ? html`${r.displayName} <span class="muted">${r.loginId}</span>` : html`<span class="muted">${t('stats.formerMember')}</span>`),
        },
        ...data.keys.map((k) => ({ label: t('stats.' + k), class: 'num', render: (r) => formatBytes(r.bytes[k] || 0) })),
        { label: t('stats.total'), class: 'num', render: (r) => html`<strong>${formatBytes(r.total)}</strong>` },
      ]}
    />`;
  return html`<${Card} title=${t('stats.perMember')}>
    <div class="stack" data-testid="storage-per-member">
      <div class="toolbar">
        <span class="muted">${t('stats.perMemberNote')}</span>
        <span class="toolbar-spacer"></span>
        <a class="btn btn-secondary" href="/api/v1/admin/statistics/storage/export" download>${t('export.csv')}</a>
      </div>
      ${body}
    </div>
  <//>`;
}
