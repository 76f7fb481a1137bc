// Admin console, mail: the company's mail domains with the DNS records to publish, DKIM key rotation,
// aliases, distribution lists, the mail policy and the send/receive log (filters, CSV export).
// The log shows what was handled, never what a message said.
import { useEffect, useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { addMessages, fieldErrorText, formatBytes, formatDateTime, lang, t } from '../i18n.js';
import {
  html,
  cx,
  Alert,
  Badge,
  Button,
  Card,
  ConfirmDialog,
  CopyButton,
  Dialog,
  EmptyState,
  Pager,
  Select,
  Spinner,
  Table,
  TextField,
  errorText,
  otherFieldErrors,
  toast,
} from '../ui.js';

addMessages({
  ja: {
    'admin.mail': 'メール',
    'mailAdmin.domains': 'ドメイン',
    'mailAdmin.addresses': 'エイリアスと配布リスト',
    'mailAdmin.policy': 'ポリシー',
    'mailAdmin.log': '送受信ログ',
    'mailAdmin.domain': 'ドメイン名',
    'mailAdmin.primary': '主ドメイン',
    'mailAdmin.selector': 'DKIM セレクタ',
    'mailAdmin.created': '追加日時',
    'mailAdmin.addDomain': 'ドメインを追加',
    'mailAdmin.domainAdded': 'ドメイン「{name}」を追加しました。DNS レコードを公開してください。',
    'mailAdmin.records': 'DNS レコード',
    'mailAdmin.recordsHint': 'これらのレコードをドメインの DNS に登録してください。',
    'mailAdmin.hideRecords': 'レコードを閉じる',
    'mailAdmin.type': '種類',
    'mailAdmin.name': '名前',
    'mailAdmin.value': '値',
    'mailAdmin.purpose': '用途',
    'mailAdmin.purpose.mx': '受信サーバー（MX）',
    'mailAdmin.purpose.spf': '送信元の認証（SPF）',
    'mailAdmin.purpose.dkim': '電子署名（DKIM）',
    'mailAdmin.purpose.dmarc': 'ポリシー（DMARC）',
    'mailAdmin.rotate': 'DKIM 鍵を更新',
    'mailAdmin.rotateConfirm': '「{name}」の DKIM 鍵を新しく作成しますか？新しい公開鍵を DNS に登録してください。',
    'mailAdmin.rotated': 'DKIM 鍵を更新しました。新しいレコードを公開してください。',
    'mailAdmin.deleteDomain': 'ドメインを削除',
    'mailAdmin.deleteDomainConfirm': 'ドメイン「{name}」を削除しますか？このドメイン宛てのメールは受け取れなくなります。',
    'mailAdmin.deleted': '削除しました',
    'mailAdmin.noDomains': 'ドメインはまだありません',
    'mailAdmin.aliases': 'エイリアス',
    'mailAdmin.alias': 'アドレス',
    'mailAdmin.member': 'メンバー',
    'mailAdmin.pickMember': 'メンバーを選択',
    'mailAdmin.addAlias': 'エイリアスを追加',
    'mailAdmin.aliasAdded': 'エイリアス {address} を追加しました',
    'mailAdmin.noAliases': 'エイリアスはありません',
    'mailAdmin.lists': '配布リスト',
    'mailAdmin.department': '部署',
    'mailAdmin.pickDepartment': '部署を選択',
    'mailAdmin.listTarget': '宛先',
    'mailAdmin.targetDepartment': '部署のメンバー',
    'mailAdmin.targetGroup': 'グループのメンバー',
    'mailAdmin.group': 'グループ',
    'mailAdmin.pickGroup': 'グループを選択',
    'mailAdmin.listBroken': '部署またはグループが削除されたため、このリストには配信されません。削除してください。',
    'mailAdmin.addList': '配布リストを追加',
    'mailAdmin.listAdded': '配布リスト {address} を追加しました',
    'mailAdmin.noLists': '配布リストはありません',
    'mailAdmin.remove': '削除',
    'mailAdmin.spfFail': 'SPF 失敗時',
    'mailAdmin.dkimFail': 'DKIM 失敗時',
    'mailAdmin.dmarcFail': 'DMARC 失敗時',
    'mailAdmin.action.accept': '受け取る',
    'mailAdmin.action.junk': '迷惑メールへ',
    'mailAdmin.action.reject': '拒否する',
    'mailAdmin.maxMessageMb': '最大メッセージサイズ（MB）',
    'mailAdmin.quotaMb': 'メールボックス容量（MB）',
    'mailAdmin.retentionDays': 'ログの保存日数',
    'mailAdmin.policySaved': 'メールのポリシーを保存しました',
    'mailAdmin.direction': '方向',
    'mailAdmin.in': '受信',
    'mailAdmin.out': '送信',
    'mailAdmin.status': '状態',
    'mailAdmin.search': '差出人・宛先・件名で検索',
    'mailAdmin.fromDate': '開始日',
    'mailAdmin.toDate': '終了日',
    'mailAdmin.csv': 'CSV 出力',
    'mailAdmin.time': '日時',
    'mailAdmin.from': '差出人',
    'mailAdmin.to': '宛先',
    'mailAdmin.subject': '件名',
    'mailAdmin.size': 'サイズ',
    'mailAdmin.attachments': '添付',
    'mailAdmin.authResults': 'SPF / DKIM / DMARC',
    'mailAdmin.retries': '再試行',
    'mailAdmin.noLog': '該当する記録はありません',
    'mailAdmin.logNote': 'ログには本文は含まれません。メンバーのメールの内容はここからは読めません。',
    'mailAdmin.reauthTitle': 'パスワードの再入力',
    'mailAdmin.reauthText': 'この変更にはパスワードの再入力が必要です。',
    'mailAdmin.password': 'パスワード',
    'mailAdmin.error.name.domain': 'ドメイン名として正しくありません。',
    'mailAdmin.error.name.taken': 'このドメインはすでに登録されています。',
    'mailAdmin.error.address.taken': 'このアドレスはすでに使われています。',
    'mailAdmin.error.address.domain': '会社のメールドメインのアドレスを入力してください。',
    'mailAdmin.error.memberId.unknown_member': 'メンバーが見つかりません。',
    'mailAdmin.error.departmentId.unknown_department': '部署が見つかりません。',
    'mailAdmin.error.departmentId.required': '部署かグループを選んでください。',
    'mailAdmin.error.groupId.unknown_group': 'グループが見つかりません。',
    'mailAdmin.error.groupId.one_target': '部署かグループのどちらか一方を選んでください。',
    'mailAdmin.error.maxMessageBytes.range': '1 KB から 1 GB の範囲で入力してください。',
    'mailAdmin.error.mailboxQuotaBytes.range': '1 MB から 16 TB の範囲で入力してください。',
    'mailAdmin.error.logRetentionDays.range': '1 日から 3650 日の範囲で入力してください。',
  },
  en: {
    'admin.mail': 'Mail',
    'mailAdmin.domains': 'Domains',
    'mailAdmin.addresses': 'Aliases and lists',
    'mailAdmin.policy': 'Policy',
    'mailAdmin.log': 'Mail log',
    'mailAdmin.domain': 'Domain',
    'mailAdmin.primary': 'Primary',
    'mailAdmin.selector': 'DKIM selector',
    'mailAdmin.created': 'Added',
    'mailAdmin.addDomain': 'Add domain',
    'mailAdmin.domainAdded': 'Added “{name}”. Publish its DNS records.',
    'mailAdmin.records': 'DNS records',
    'mailAdmin.recordsHint': 'Publish these records in the DNS of the domain.',
    'mailAdmin.hideRecords': 'Hide records',
    'mailAdmin.type': 'Type',
    'mailAdmin.name': 'Name',
    'mailAdmin.value': 'Value',
    'mailAdmin.purpose': 'Purpose',
    'mailAdmin.purpose.mx': 'Inbound server (MX)',
    'mailAdmin.purpose.spf': 'Sender policy (SPF)',
    'mailAdmin.purpose.dkim': 'Signing key (DKIM)',
    'mailAdmin.purpose.dmarc': 'Policy (DMARC)',
    'mailAdmin.rotate': 'Rotate DKIM key',
    'mailAdmin.rotateConfirm': 'Create a new DKIM key for “{name}”? Publish the new public key in DNS.',
    'mailAdmin.rotated': 'DKIM key rotated. Publish the new record.',
    'mailAdmin.deleteDomain': 'Delete domain',
    'mailAdmin.deleteDomainConfirm': 'Delete “{name}”? Mail to this domain will no longer be accepted.',
    'mailAdmin.deleted': 'Deleted',
    'mailAdmin.noDomains': 'No domains yet',
    'mailAdmin.aliases': 'Aliases',
    'mailAdmin.alias': 'Address',
    'mailAdmin.member': 'Member',
    'mailAdmin.pickMember': 'Choose a member',
    'mailAdmin.addAlias': 'Add alias',
    'mailAdmin.aliasAdded': 'Added the alias {address}',
    'mailAdmin.noAliases': 'No aliases',
    'mailAdmin.lists': 'Distribution lists',
    'mailAdmin.department': 'Department',
    'mailAdmin.pickDepartment': 'Choose a department',
    'mailAdmin.listTarget': 'Recipients',
    'mailAdmin.targetDepartment': 'Members of a department',
    'mailAdmin.targetGroup': 'Members of a group',
    'mailAdmin.group': 'Group',
    'mailAdmin.pickGroup': 'Choose a group',
    'mailAdmin.listBroken': 'Its department or group was deleted: this list delivers to nobody. Remove it.',
    'mailAdmin.addList': 'Add list',
    'mailAdmin.listAdded': 'Added the list {address}',
    'mailAdmin.noLists': 'No distribution lists',
    'mailAdmin.remove': 'Remove',
    'mailAdmin.spfFail': 'When SPF fails',
    'mailAdmin.dkimFail': 'When DKIM fails',
    'mailAdmin.dmarcFail': 'When DMARC fails',
    'mailAdmin.action.accept': 'Accept',
    'mailAdmin.action.junk': 'Deliver to junk',
    'mailAdmin.action.reject': 'Reject',
    'mailAdmin.maxMessageMb': 'Largest message (MB)',
    'mailAdmin.quotaMb': 'Mailbox quota (MB)',
    'mailAdmin.retentionDays': 'Keep the log (days)',
    'mailAdmin.policySaved': 'Mail policy saved',
    'mailAdmin.direction': 'Direction',
    'mailAdmin.in': 'Received',
    'mailAdmin.out': 'Sent',
    'mailAdmin.status': 'Status',
    'mailAdmin.search': 'Search sender, recipients, subject',
    'mailAdmin.fromDate': 'From',
    'mailAdmin.toDate': 'To',
    'mailAdmin.csv': 'Export CSV',
    'mailAdmin.time': 'Time',
    'mailAdmin.from': 'From',
    'mailAdmin.to': 'To',
    'mailAdmin.subject': 'Subject',
    'mailAdmin.size': 'Size',
    'mailAdmin.attachments': 'Attachments',
    'mailAdmin.authResults': 'SPF / DKIM / DMARC',
    'mailAdmin.retries': 'Retries',
    'mailAdmin.noLog': 'Nothing matches',
    'mailAdmin.logNote': 'The log holds no message content; members’ mail cannot be read from here.',
    'mailAdmin.reauthTitle': 'Enter your password again',
    'mailAdmin.reauthText': 'This change needs your password again.',
    'mailAdmin.password': 'Password',
    'mailAdmin.error.name.domain': 'Not a valid domain name.',
    'mailAdmin.error.name.taken': 'This domain is already hosted here.',
    'mailAdmin.error.address.taken': 'This address is already in use.',
    'mailAdmin.error.address.domain': 'Use an address at one of the company’s mail domains.',
    'mailAdmin.error.memberId.unknown_member': 'No such member.',
    'mailAdmin.error.departmentId.unknown_department': 'No such department.',
    'mailAdmin.error.departmentId.required': 'Choose a department or a group.',
    'mailAdmin.error.groupId.unknown_group': 'No such group.',
    'mailAdmin.error.groupId.one_target': 'Choose a department or a group, not both.',
    'mailAdmin.error.maxMessageBytes.range': 'Between 1 KB and 1 GB.',
    'mailAdmin.error.mailboxQuotaBytes.range': 'Between 1 MB and 16 TB.',
    'mailAdmin.error.logRetentionDays.range': 'Between 1 and 3650 days.',
  },
});

const SECTIONS = ['domains', 'addresses', 'policy', 'log'];

/**
 * Field errors by field, in this page's words where the shared catalogue's text for a code means
 * something else (its "taken" is about login IDs).
 */
function fieldErrors(err) {
  const out = {};
  for (const e of err?.errors || []) {
    if (!e?.field || e.field in out) continue;
    const own = 'mailAdmin.error.' + e.field + '.' + e.code;
    out[e.field] = t(own) !== own ? t(own) : (lang() === 'ja' && fieldErrorText(e.code, e.message)) || e.message || e.code;
  }
  return out;
}
const BASE = '/api/v1/admin/mail';
const MB = 1024 * 1024;

export function MailAdminSection() {
  const [section, setSection] = useState('domains');
  return html`<div class="stack" data-testid="mail-admin">
    <div class="mail-admin-tabs" role="tablist" aria-label=${t('admin.mail')}>
      ${SECTIONS.map(
        (s) => html`<button
          type="button"
          role="tab"
          key=${s}
          class=${cx('mail-admin-tab', section === s && 'active')}
          aria-selected=${section === s ? 'true' : 'false'}
          onClick=${() => setSection(s)}
          data-testid=${'mail-admin-' + s}
        >
          ${t('mailAdmin.' + s)}
        </button>`,
      )}
    </div>
    ${section === 'domains'
      ? html`<${DomainsSection} />`
      : section === 'addresses'
        ? html`<${AddressesSection} />`
        : section === 'policy'
          ? html`<${PolicySection} />`
          : html`<${LogSection} />`}
  </div>`;
}

// --- domains -----------------------------------------------------------------------------------

function DomainsSection() {
  const [domains, setDomains] = useState(null);
  const [error, setError] = useState(null);
  const [name, setName] = useState('');
  const [addError, setAddError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState(null); // domain id whose records show
  const [confirm, setConfirm] = useState(null); // {kind:'rotate'|'delete', domain}
  const [tick, setTick] = useState(0);

  const load = () => api.get(BASE + '/domains').then((d) => (setDomains(d), setError(null)), setError);
  useEffect(() => {
    load();
  }, []);

  const add = async (e) => {
    e.preventDefault();
    setBusy(true);
    setAddError(null);
    try {
      const d = await api.post(BASE + '/domains', { name: name.trim() });
      toast(t('mailAdmin.domainAdded', { name: d?.name || name.trim() }));
      setName('');
      await load();
      if (d?.id) setOpen(d.id);
    } catch (x) {
      setAddError(x);
    } finally {
      setBusy(false);
    }
  };
  const fe = fieldErrors(addError);

  return html`<${Card} title=${t('mailAdmin.domains')}>
    <form class="mail-admin-add" onSubmit=${add} novalidate data-testid="mail-domain-form">
      <${TextField} label=${t('mailAdmin.domain')} name="domain" value=${name} onValue=${setName} error=${fe.name || (addError && !fe.name ? errorText(addError) : null)} placeholder="example.co.jp" autocomplete="off" />
      <${Button} type="submit" busy=${busy} disabled=${!name.trim()} data-testid="mail-domain-add">${t('mailAdmin.addDomain')}<//>
    </form>
    ${error && html`<${Alert}>${errorText(error)}<//>`}
    ${!domains && !error
      ? html`<${Spinner} />`
      : domains && domains.length === 0
        ? html`<${EmptyState} icon="globe" title=${t('mailAdmin.noDomains')} />`
        : domains &&
          html`<ul class="mail-admin-domains" data-testid="mail-domains">
            ${domains.map(
              (d) => html`<li key=${d.id} class="mail-admin-domain" data-domain=${d.name}>
                <div class="mail-admin-domain-head">
                  <span class="mail-admin-domain-name">${d.name}</span>
                  ${d.primary && html`<${Badge} tone="info">${t('mailAdmin.primary')}<//>`}
                  <span class="person-sub">${t('mailAdmin.selector')}: <code>${d.dkimSelector}</code> · ${formatDateTime(d.createdAt)}</span>
                  <span class="toolbar-spacer"></span>
                  <${Button} kind="secondary" size="small" onClick=${() => setOpen(open === d.id ? null : d.id)} aria-expanded=${open === d.id ? 'true' : 'false'} data-testid="mail-domain-records"
                    >${open === d.id ? t('mailAdmin.hideRecords') : t('mailAdmin.records')}<//
                  >
                  <${Button} kind="secondary" size="small" onClick=${() => setConfirm({ kind: 'rotate', domain: d })} data-testid="mail-domain-rotate">${t('mailAdmin.rotate')}<//>
                  ${!d.primary && html`<${Button} kind="danger" size="small" onClick=${() => setConfirm({ kind: 'delete', domain: d })}>${t('mailAdmin.deleteDomain')}<//>`}
                </div>
                ${open === d.id && html`<${DomainRecords} key=${d.id + ':' + tick} id=${d.id} />`}
              </li>`,
            )}
          </ul>`}
    <${ConfirmDialog}
      open=${!!confirm}
      title=${confirm?.kind === 'rotate' ? t('mailAdmin.rotate') : t('mailAdmin.deleteDomain')}
      message=${confirm ? t(confirm.kind === 'rotate' ? 'mailAdmin.rotateConfirm' : 'mailAdmin.deleteDomainConfirm', { name: confirm.domain.name }) : ''}
      confirmLabel=${confirm?.kind === 'rotate' ? t('mailAdmin.rotate') : t('mailAdmin.deleteDomain')}
      danger=${confirm?.kind === 'delete'}
      onClose=${() => setConfirm(null)}
      onConfirm=${async () => {
        const { kind, domain } = confirm;
        try {
          if (kind === 'rotate') {
            await api.post(`${BASE}/domains/${domain.id}/dkim/rotate`);
            toast(t('mailAdmin.rotated'));
            setOpen(domain.id);
            setTick((x) => x + 1);
          } else {
            await api.del(`${BASE}/domains/${domain.id}`);
            toast(t('mailAdmin.deleted'));
          }
        } catch (x) {
          toast(errorText(x), 'error');
        }
        setConfirm(null);
        load();
      }}
    />
  <//>`;
}

function DomainRecords({ id }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api.get(`${BASE}/domains/${id}`).then(setData, setError);
  }, [id]);
  if (error) return html`<${Alert}>${errorText(error)}<//>`;
  if (!data) return html`<${Spinner} />`;
  return html`<div class="mail-admin-records" data-testid="mail-dns-records">
    <p class="person-sub">${t('mailAdmin.recordsHint')}</p>
    <ul class="mail-admin-record-list">
      ${(data.records || []).map(
        (r, i) => html`<li key=${i} class="mail-admin-record" data-purpose=${r.purpose}>
          <div class="mail-admin-record-head">
            <${Badge} tone="neutral">${r.type}<//>
            <span class="mail-admin-record-purpose">${t('mailAdmin.purpose.' + r.purpose)}</span>
          </div>
          <dl class="mail-admin-record-facts">
            <dt>${t('mailAdmin.name')}</dt>
            <dd><code class="mail-admin-code">${r.name}</code> <${CopyButton} text=${r.name} /></dd>
            <dt>${t('mailAdmin.value')}</dt>
            <dd><code class="mail-admin-code" data-testid="mail-dns-value">${r.value}</code> <${CopyButton} text=${r.value} /></dd>
          </dl>
        </li>`,
      )}
    </ul>
  </div>`;
}

// --- aliases and distribution lists ------------------------------------------------------------

function flatten(nodes, depth = 0, out = []) {
  for (const n of nodes || []) {
    out.push({ id: n.id, label: '\u3000'.repeat(depth) + n.name });
    flatten(n.children, depth + 1, out);
  }
  return out;
}

function AddressesSection() {
  const [aliases, setAliases] = useState(null);
  const [lists, setLists] = useState(null);
  const [members, setMembers] = useState([]);
  const [departments, setDepartments] = useState([]);
  const [groups, setGroups] = useState([]);
  const [error, setError] = useState(null);
  const [alias, setAlias] = useState({ address: '', memberId: '' });
  const emptyList = { address: '', kind: 'department', departmentId: '', groupId: '' };
  const [list, setList] = useState(emptyList);
  const [aliasError, setAliasError] = useState(null);
  const [listError, setListError] = useState(null);
  const [removing, setRemoving] = useState(null); // {kind, row}

  const load = () => {
    api.get(BASE + '/aliases').then(setAliases, setError);
    api.get(BASE + '/lists').then(setLists, setError);
  };
  useEffect(() => {
    load();
    api.get('/api/v1/admin/members' + query({ size: 200 })).then((r) => setMembers(r?.items || []), () => {});
    api.get('/api/v1/directory/departments/tree').then((tree) => setDepartments(flatten(tree)), () => {});
    api.get('/api/v1/directory/groups').then((g) => setGroups(g || []), () => {});
  }, []);

  const memberLabel = (id) => {
    const m = members.find((x) => x.id === id);
    return m ? `${m.displayName || m.loginId} (${m.loginId})` : id;
  };
  const byGroup = list.kind === 'group';
  const listTarget = (l) =>
    l.broken
      ? html`<${Badge} tone="danger">${t('mailAdmin.listBroken')}<//>`
      : html`${t(l.groupId ? 'mailAdmin.group' : 'mailAdmin.department')}: ${l.targetName}`;

  const addAlias = async (e) => {
    e.preventDefault();
    setAliasError(null);
    try {
      await api.post(BASE + '/aliases', { address: alias.address.trim(), memberId: alias.memberId });
      toast(t('mailAdmin.aliasAdded', { address: alias.address.trim() }));
      setAlias({ address: '', memberId: '' });
      load();
    } catch (x) {
      setAliasError(x);
    }
  };
  const addList = async (e) => {
    e.preventDefault();
    setListError(null);
    try {
      const target = byGroup ? { groupId: list.groupId } : { departmentId: list.departmentId };
      await api.post(BASE + '/lists', { address: list.address.trim(), ...target });
      toast(t('mailAdmin.listAdded', { address: list.address.trim() }));
      setList(emptyList);
      load();
    } catch (x) {
      setListError(x);
    }
  };
  const afe = fieldErrors(aliasError);
  const lfe = fieldErrors(listError);

  return html`<div class="stack">
    ${error && html`<${Alert}>${errorText(error)}<//>`}
    <${Card} title=${t('mailAdmin.aliases')}>
      <form class="mail-admin-add" onSubmit=${addAlias} novalidate data-testid="mail-alias-form">
        <${TextField} label=${t('mailAdmin.alias')} name="aliasAddress" type="email" value=${alias.address} onValue=${(v) => setAlias({ ...alias, address: v })} error=${afe.address} autocomplete="off" />
        <${Select}
          label=${t('mailAdmin.member')}
          name="memberId"
          value=${alias.memberId}
          onValue=${(v) => setAlias({ ...alias, memberId: v })}
          error=${afe.memberId}
          options=${[{ value: '', label: t('mailAdmin.pickMember') }, ...members.map((m) => ({ value: m.id, label: `${m.displayName || m.loginId} (${m.loginId})` }))]}
        />
        <${Button} type="submit" disabled=${!alias.address.trim() || !alias.memberId} data-testid="mail-alias-add">${t('mailAdmin.addAlias')}<//>
      </form>
      ${aliasError && html`<${Alert}>${errorText(aliasError)}${otherFieldErrors(aliasError, ['address', 'memberId']).map((x) => html`<div>${x}</div>`)}<//>`}
      ${!aliases
        ? html`<${Spinner} />`
        : html`<${Table}
            caption=${t('mailAdmin.aliases')}
            rows=${aliases}
            empty=${html`<p class="person-sub">${t('mailAdmin.noAliases')}</p>`}
            columns=${[
              { key: 'address', label: t('mailAdmin.alias'), render: (a) => html`<code>${a.address}</code>` },
              { key: 'member', label: t('mailAdmin.member'), render: (a) => a.memberName || a.memberDisplayName || memberLabel(a.memberId) },
              { key: 'x', label: '', render: (a) => html`<${Button} kind="danger" size="small" onClick=${() => setRemoving({ kind: 'aliases', row: a })}>${t('mailAdmin.remove')}<//>` },
            ]}
          />`}
    <//>
    <${Card} title=${t('mailAdmin.lists')}>
      <form class="mail-admin-add" onSubmit=${addList} novalidate data-testid="mail-list-form">
        <${TextField} label=${t('mailAdmin.alias')} name="listAddress" type="email" value=${list.address} onValue=${(v) => setList({ ...list, address: v })} error=${lfe.address} autocomplete="off" />
        <${Select}
          label=${t('mailAdmin.listTarget')}
          name="targetKind"
          value=${list.kind}
          onValue=${(v) => setList({ ...list, kind: v })}
          options=${[
            { value: 'department', label: t('mailAdmin.targetDepartment') },
            { value: 'group', label: t('mailAdmin.targetGroup') },
          ]}
        />
        ${byGroup
          ? html`<${Select}
              label=${t('mailAdmin.group')}
              name="groupId"
              value=${list.groupId}
              onValue=${(v) => setList({ ...list, groupId: v })}
              error=${lfe.groupId}
              options=${[{ value: '', label: t('mailAdmin.pickGroup') }, ...groups.map((g) => ({ value: g.id, label: g.name }))]}
            />`
          : html`<${Select}
              label=${t('mailAdmin.department')}
              name="departmentId"
              value=${list.departmentId}
              onValue=${(v) => setList({ ...list, departmentId: v })}
              error=${lfe.departmentId}
              options=${[{ value: '', label: t('mailAdmin.pickDepartment') }, ...departments.map((d) => ({ value: d.id, label: d.label }))]}
            />`}
        <${Button} type="submit" disabled=${!list.address.trim() || !(byGroup ? list.groupId : list.departmentId)} data-testid="mail-list-add">${t('mailAdmin.addList')}<//>
      </form>
      ${listError && html`<${Alert}>${errorText(listError)}${otherFieldErrors(listError, ['address', byGroup ? 'groupId' : 'departmentId']).map((x) => html`<div>${x}</div>`)}<//>`}
      ${!lists
        ? html`<${Spinner} />`
        : html`<${Table}
            caption=${t('mailAdmin.lists')}
            rows=${lists}
            empty=${html`<p class="person-sub">${t('mailAdmin.noLists')}</p>`}
            columns=${[
              { key: 'address', label: t('mailAdmin.alias'), render: (l) => html`<code>${l.address}</code>` },
              { key: 'target', label: t('mailAdmin.listTarget'), render: listTarget },
              { key: 'x', label: '', render: (l) => html`<${Button} kind="danger" size="small" onClick=${() => setRemoving({ kind: 'lists', row: l })}>${t('mailAdmin.remove')}<//>` },
            ]}
          />`}
    <//>
    <${ConfirmDialog}
      open=${!!removing}
      title=${t('mailAdmin.remove')}
      message=${removing?.row?.address || ''}
      confirmLabel=${t('mailAdmin.remove')}
      danger
      onClose=${() => setRemoving(null)}
      onConfirm=${async () => {
        try {
          await api.del(`${BASE}/${removing.kind}/${removing.row.id}`);
          toast(t('mailAdmin.deleted'));
        } catch (x) {
          toast(errorText(x), 'error');
        }
        setRemoving(null);
        load();
      }}
    />
  </div>`;
}

// --- policy ------------------------------------------------------------------------------------

const ACTIONS = ['accept', 'junk', 'reject'];

function PolicySection() {
  const [form, setForm] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [reauth, setReauth] = useState(false);
  const [password, setPassword] = useState('');
  const [reauthError, setReauthError] = useState(null);

  useEffect(() => {
    api.get(BASE + '/policy').then(
      (p) =>
        setForm({
          ...p,
          maxMessageMb: String(Math.round((p.maxMessageBytes || 0) / MB)),
          quotaMb: String(Math.round((p.mailboxQuotaBytes || 0) / MB)),
          logRetentionDays: String(p.logRetentionDays ?? ''),
        }),
      setError,
    );
  }, []);
  const fe = fieldErrors(error);

  const save = async (e) => {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = await api.put(BASE + '/policy', {
        spfFail: form.spfFail,
        dkimFail: form.dkimFail,
        dmarcFail: form.dmarcFail,
        maxMessageBytes: Math.round(Number(form.maxMessageMb) * MB),
        mailboxQuotaBytes: Math.round(Number(form.quotaMb) * MB),
        logRetentionDays: Number(form.logRetentionDays),
      });
      if (saved) setForm((f) => ({ ...f, ...saved }));
      toast(t('mailAdmin.policySaved'));
    } catch (x) {
      if (x.status === 403 && String(x.type || '').endsWith('reauthentication-required')) {
        setPassword('');
        setReauthError(null);
        setReauth(true);
      } else setError(x);
    } finally {
      setBusy(false);
    }
  };
  const confirm = async (e) => {
    e.preventDefault();
    try {
      await api.post('/api/v1/me/reauthenticate', { password });
      setReauth(false);
      await save();
    } catch (x) {
      setReauthError(x);
    }
  };

  if (!form) return error ? html`<${Alert}>${errorText(error)}<//>` : html`<${Spinner} />`;
  const action = (k) =>
    html`<${Select}
      label=${t('mailAdmin.' + k)}
      name=${k}
      value=${form[k]}
      onValue=${(v) => setForm({ ...form, [k]: v })}
      error=${fe[k]}
      options=${ACTIONS.map((a) => ({ value: a, label: t('mailAdmin.action.' + a) }))}
    />`;
  return html`<${Card} title=${t('mailAdmin.policy')}>
    <form class="stack" onSubmit=${save} novalidate data-testid="mail-policy-form">
      ${error && html`<${Alert}>${errorText(error)}${otherFieldErrors(error, ['spfFail', 'dkimFail', 'dmarcFail', 'maxMessageBytes', 'mailboxQuotaBytes', 'logRetentionDays']).map((x) => html`<div>${x}</div>`)}<//>`}
      <div class="admin-form-grid">
        ${action('spfFail')} ${action('dkimFail')} ${action('dmarcFail')}
        <${TextField} label=${t('mailAdmin.maxMessageMb')} name="maxMessageMb" type="number" min="1" value=${form.maxMessageMb} onValue=${(v) => setForm({ ...form, maxMessageMb: v })} error=${fe.maxMessageBytes} />
        <${TextField} label=${t('mailAdmin.quotaMb')} name="quotaMb" type="number" min="1" value=${form.quotaMb} onValue=${(v) => setForm({ ...form, quotaMb: v })} error=${fe.mailboxQuotaBytes} />
        <${TextField} label=${t('mailAdmin.retentionDays')} name="logRetentionDays" type="number" min="1" value=${form.logRetentionDays} onValue=${(v) => setForm({ ...form, logRetentionDays: v })} error=${fe.logRetentionDays} />
      </div>
      <div class="row row-end"><${Button} type="submit" busy=${busy} data-testid="mail-policy-save">${t('common.save')}<//></div>
    </form>
    <${Dialog} open=${reauth} title=${t('mailAdmin.reauthTitle')} onClose=${() => setReauth(false)}>
      <form class="stack" onSubmit=${confirm} novalidate>
        <p>${t('mailAdmin.reauthText')}</p>
        ${reauthError && html`<${Alert}>${errorText(reauthError)}<//>`}
        <${TextField} label=${t('mailAdmin.password')} name="password" type="password" autocomplete="current-password" value=${password} onValue=${setPassword} required />
        <div class="row row-end">
          <${Button} kind="secondary" onClick=${() => setReauth(false)}>${t('common.cancel')}<//>
          <${Button} type="submit">${t('common.confirm')}<//>
        </div>
      </form>
    <//>
  <//>`;
}

// --- the mail log ------------------------------------------------------------------------------

/** A local calendar day as the instant it starts (or, with `end`, the instant the next day starts). */
function dayInstant(day, end) {
  if (!day) return '';
  const [y, m, d] = day.split('-').map(Number);
  const date = new Date(y, m - 1, d + (end ? 1 : 0));
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

function addr(a) {
  if (!a) return '';
  return typeof a === 'string' ? a : a.address || '';
}

function authTone(v) {
  const s = String(v || 'none').toLowerCase();
  return s === 'pass' ? 'success' : s === 'fail' || s === 'permerror' ? 'danger' : 'neutral';
}

function statusTone(s) {
  const v = String(s || '').toLowerCase();
  if (['delivered', 'sent', 'accepted', 'stored'].includes(v)) return 'success';
  if (['queued', 'deferred', 'retrying', 'junk'].includes(v)) return 'warning';
  if (['bounced', 'rejected', 'failed', 'refused'].includes(v)) return 'danger';
  return 'neutral';
}

function LogSection() {
  const [filters, setFilters] = useState({ direction: '', q: '', status: '', fromDay: '', toDay: '' });
  const [page, setPage] = useState(0);
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);

  const params = {
    direction: filters.direction,
    q: filters.q.trim(),
    status: filters.status.trim(),
    from: dayInstant(filters.fromDay, false),
    to: dayInstant(filters.toDay, true),
  };
  const key = JSON.stringify(params);
  useEffect(() => setPage(0), [key]);
  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(() => {
      api.get(BASE + '/log' + query({ ...params, page, size: 50 })).then(
        (r) => !cancelled && (setData(r), setError(null)),
        (e) => !cancelled && setError(e),
      );
    }, 250);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [key, page]);
  const set = (k) => (v) => setFilters({ ...filters, [k]: v });

  return html`<${Card} title=${t('mailAdmin.log')}>
    <p class="person-sub">${t('mailAdmin.logNote')}</p>
    <div class="mail-admin-filters" role="search" data-testid="mail-log-filters">
      <${Select}
        label=${t('mailAdmin.direction')}
        name="direction"
        value=${filters.direction}
        onValue=${set('direction')}
        options=${[
          { value: '', label: t('common.all') },
          { value: 'in', label: t('mailAdmin.in') },
          { value: 'out', label: t('mailAdmin.out') },
        ]}
      />
      <${TextField} label=${t('common.search')} name="q" type="search" placeholder=${t('mailAdmin.search')} value=${filters.q} onValue=${set('q')} />
      <${Select}
        label=${t('mailAdmin.status')}
        name="status"
        value=${filters.status}
        onValue=${set('status')}
        options=${[{ value: '', label: t('common.all') }, ...['delivered', 'queued', 'deferred', 'bounced', 'rejected', 'junk'].map((s) => ({ value: s, label: s }))]}
      />
      <${TextField} label=${t('mailAdmin.fromDate')} name="fromDay" type="date" value=${filters.fromDay} onValue=${set('fromDay')} />
      <${TextField} label=${t('mailAdmin.toDate')} name="toDay" type="date" value=${filters.toDay} onValue=${set('toDay')} />
      <a class="btn btn-secondary mail-admin-csv" href=${BASE + '/log.csv' + query(params)} download="mail-log.csv" data-testid="mail-log-csv">${t('mailAdmin.csv')}</a>
    </div>
    ${error && html`<${Alert}>${errorText(error)}<//>`}
    ${!data && !error
      ? html`<${Spinner} />`
      : data &&
        html`<div data-testid="mail-log"><${Table}
            caption=${t('mailAdmin.log')}
            rows=${data.items}
            empty=${html`<${EmptyState} icon="mail" title=${t('mailAdmin.noLog')} />`}
            columns=${[
              { key: 'time', label: t('mailAdmin.time'), class: 'mail-admin-nowrap', render: (r) => formatDateTime(r.time) },
              { key: 'direction', label: t('mailAdmin.direction'), class: 'mail-admin-nowrap', render: (r) => (r.direction === 'in' ? t('mailAdmin.in') : t('mailAdmin.out')) },
              { key: 'from', label: t('mailAdmin.from'), render: (r) => html`<span class="mail-admin-addr">${addr(r.from)}</span>` },
              { key: 'to', label: t('mailAdmin.to'), render: (r) => html`<span class="mail-admin-addr">${(r.to || []).map(addr).join(', ')}</span>` },
              { key: 'subject', label: t('mailAdmin.subject') },
              { key: 'size', label: t('mailAdmin.size'), render: (r) => formatBytes(r.size) + (r.attachments ? ` · ${t('mailAdmin.attachments')} ${r.attachments}` : '') },
              {
                key: 'auth',
                label: t('mailAdmin.authResults'),
                render: (r) =>
                  r.direction === 'in'
                    ? html`<span class="mail-admin-auth">${['spf', 'dkim', 'dmarc'].map((k) => html`<${Badge} tone=${authTone(r[k])}>${k.toUpperCase()} ${r[k] || 'none'}<//>`)}</span>`
                    : '—',
              },
              {
                key: 'status',
                label: t('mailAdmin.status'),
                render: (r) => html`<span title=${r.detail || ''}><${Badge} tone=${statusTone(r.status)}>${r.status}<//>${r.retries > 0 ? ` ${t('mailAdmin.retries')} ${r.retries}` : ''}</span>`,
              },
            ]}
          /></div>
          <${Pager} page=${data.page} size=${data.size} total=${data.total} onPage=${setPage} />`}
  <//>`;
}
