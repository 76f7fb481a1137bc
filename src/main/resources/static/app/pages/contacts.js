// The address book: the company directory (department tree, members, profile cards) and the shared
// and personal contact books (search, tags, editor, duplicates and merge, import and export).
import { useEffect, useState } from 'preact/hooks';
import { api, csrfHeaders, query, refreshCsrf, ApiError } from '../api.js';
import { addMessages, lang, t } from '../i18n.js';
import { html, cx, Alert, Button, Checkbox, ConfirmDialog, Dialog, EmptyState, Icon, Pager, Spinner, Table, TextField, errorText, navigate, toast } from '../ui.js';

addMessages({
  ja: {
    'ab.directory': '社内',
    'ab.shared': '共有アドレス帳',
    'ab.personal': '個人アドレス帳',
    'ab.searchMembers': '名前・ふりがな・ローマ字・メール・電話で検索',
    'ab.searchContacts': '名前・ふりがな・会社・メール・電話で検索',
    'ab.allDepartments': 'すべての部署',
    'ab.departments': '部署',
    'ab.noMembers': '該当するメンバーはいません。',
    'ab.noContacts': '連絡先はまだありません。',
    'ab.startTalk': 'トークを開始',
    'ab.writeMail': 'メールを書く',
    'ab.call': '電話をかける',
    'ab.extension': '内線',
    'ab.office': '勤務地',
    'ab.title': '役職',
    'ab.manager': '上司',
    'ab.reports': '部下',
    'ab.new': '連絡先を追加',
    'ab.edit': '連絡先を編集',
    'ab.import': 'インポート',
    'ab.export': 'エクスポート',
    'ab.familyName': '姓',
    'ab.givenName': '名',
    'ab.familyNameReading': '姓（よみ）',
    'ab.givenNameReading': '名（よみ）',
    'ab.company': '会社名',
    'ab.companyReading': '会社名（よみ）',
    'ab.department': '部署',
    'ab.email': 'メール',
    'ab.phone': '電話',
    'ab.mobile': '携帯',
    'ab.postalCode': '郵便番号',
    'ab.region': '都道府県',
    'ab.locality': '市区町村',
    'ab.street': '番地',
    'ab.notes': 'メモ',
    'ab.tags': 'タグ（カンマ区切り）',
    'ab.save': '保存',
    'ab.delete': '削除',
    'ab.deleteConfirm': 'この連絡先を削除しますか？',
    'ab.saved': '保存しました。',
    'ab.deleted': '削除しました。',
    'ab.duplicates': '同じ人と思われる連絡先があります。',
    'ab.merge': '統合する',
    'ab.merged': '統合しました。',
    'ab.stale': 'ほかの人が先に変更しました。開き直してください。',
    'ab.readOnly': 'この共有アドレス帳は管理者のみ編集できます。',
    'ab.file': 'ファイル（vCard または CSV）',
    'ab.preview': 'プレビュー',
    'ab.importNow': '{count} 件をインポート',
    'ab.imported': '{count} 件をインポートしました。',
    'ab.mapping': '列の対応',
    'ab.ignored': '（取り込まない）',
    'ab.rowErrors': '問題のある行があるため、インポートできません。',
    'ab.row': '行',
    'ab.summary': '{valid} / {total} 件が有効（{encoding}）',
    'ab.exportVcard3': 'vCard 3.0',
    'ab.exportVcard4': 'vCard 4.0',
    'ab.exportCsv': 'CSV（UTF-8）',
    'ab.exportSjis': 'CSV（Shift_JIS）',
    'ab.allTags': 'すべて',
    'ab.list': '一覧',
    'ab.orgChart': '組織図',
    'ab.groups': 'グループ',
    'ab.people': '{count} 人',
    'ab.tagFilter': 'タグで絞り込み',
    'ab.freeBusy': '空き状況を見る',
    'ab.freeBusyTitle': '予定の入っている時間',
    'ab.today': '今日',
    'ab.week': '7日間',
    'ab.free': 'この期間に予定はありません。',
    'ab.busy': '予定あり',
    'ab.tentative': '仮の予定',
    'ab.photo': '写真',
    'ab.photoChoose': '写真を選ぶ',
    'ab.photoRemove': '写真を削除',
    'ab.photoHint': 'JPEG・PNG・GIF、16 MB まで。中央を正方形に切り抜きます。',
    'ab.photoSaved': '写真を保存しました。',
    'ab.photoRemoved': '写真を削除しました。',
    'ab.collect': '社外に送ったメールの宛先を個人アドレス帳に自動で追加する（タグ「collected」）',
    'ab.collectForbidden': '会社の設定で、メールの宛先の自動追加は使えません。',
    'ab.companySettings': '会社の設定',
    'ab.membersMayEditShared': 'メンバーも共有アドレス帳を編集できる',
    'ab.membersMayCollect': 'メンバーがメールの宛先を自動で追加できる',
    'fieldError.not_an_image': 'JPEG・PNG・GIF の画像を選んでください。',
    'fieldError.too_many_pixels': '画素数が多すぎます（5,000万画素まで）。',
    'fieldError.empty': 'ファイルが空です。',
  },
  en: {
    'ab.directory': 'Company',
    'ab.shared': 'Shared contacts',
    'ab.personal': 'My contacts',
    'ab.searchMembers': 'Search by name, reading, romaji, email or phone',
    'ab.searchContacts': 'Search by name, reading, company, email or phone',
    'ab.allDepartments': 'All departments',
    'ab.departments': 'Departments',
    'ab.noMembers': 'No members match.',
    'ab.noContacts': 'No contacts yet.',
    'ab.startTalk': 'Start a talk',
    'ab.writeMail': 'Write a mail',
    'ab.call': 'Call',
    'ab.extension': 'Extension',
    'ab.office': 'Office',
    'ab.title': 'Title',
    'ab.manager': 'Manager',
    'ab.reports': 'Reports',
    'ab.new': 'Add contact',
    'ab.edit': 'Edit contact',
    'ab.import': 'Import',
    'ab.export': 'Export',
    'ab.familyName': 'Family name',
    'ab.givenName': 'Given name',
    'ab.familyNameReading': 'Family name (reading)',
    'ab.givenNameReading': 'Given name (reading)',
    'ab.company': 'Company',
    'ab.companyReading': 'Company (reading)',
    'ab.department': 'Department',
    'ab.email': 'Email',
    'ab.phone': 'Phone',
    'ab.mobile': 'Mobile',
    'ab.postalCode': 'Postal code',
    'ab.region': 'Prefecture',
    'ab.locality': 'City',
    'ab.street': 'Street',
    'ab.notes': 'Notes',
    'ab.tags': 'Tags (comma-separated)',
    'ab.save': 'Save',
    'ab.delete': 'Delete',
    'ab.deleteConfirm': 'Delete this contact?',
    'ab.saved': 'Saved.',
    'ab.deleted': 'Deleted.',
    'ab.duplicates': 'This looks like a contact you already have.',
    'ab.merge': 'Merge',
    'ab.merged': 'Merged.',
    'ab.stale': 'Someone changed it first. Open it again.',
    'ab.readOnly': 'Only admins can edit the shared address book.',
    'ab.file': 'File (vCard or CSV)',
    'ab.preview': 'Preview',
    'ab.importNow': 'Import {count}',
    'ab.imported': 'Imported {count}.',
    'ab.mapping': 'Columns',
    'ab.ignored': '(ignored)',
    'ab.rowErrors': 'Some rows have problems, so nothing can be imported.',
    'ab.row': 'Row',
    'ab.summary': '{valid} of {total} valid ({encoding})',
    'ab.exportVcard3': 'vCard 3.0',
    'ab.exportVcard4': 'vCard 4.0',
    'ab.exportCsv': 'CSV (UTF-8)',
    'ab.exportSjis': 'CSV (Shift_JIS)',
    'ab.allTags': 'All',
    'ab.list': 'List',
    'ab.orgChart': 'Org chart',
    'ab.groups': 'Groups',
    'ab.people': '{count} people',
    'ab.tagFilter': 'Filter by tag',
    'ab.freeBusy': 'See free/busy',
    'ab.freeBusyTitle': 'Busy times',
    'ab.today': 'Today',
    'ab.week': '7 days',
    'ab.free': 'Nothing scheduled in this period.',
    'ab.busy': 'Busy',
    'ab.tentative': 'Tentative',
    'ab.photo': 'Photo',
    'ab.photoChoose': 'Choose a photo',
    'ab.photoRemove': 'Remove photo',
    'ab.photoHint': 'JPEG, PNG or GIF, up to 16 MB. The centre is cropped to a square.',
    'ab.photoSaved': 'Photo saved.',
    'ab.photoRemoved': 'Photo removed.',
    'ab.collect': 'Add the outside addresses I send mail to to my contacts (tag "collected")',
    'ab.collectForbidden': 'Your company does not allow adding mail recipients automatically.',
    'ab.companySettings': 'Company settings',
    'ab.membersMayEditShared': 'Members may edit the shared contacts',
    'ab.membersMayCollect': 'Members may add their mail recipients automatically',
  },
});

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

/** The URL of a member's photo, versioned so that a new photo is fetched at once. */
export function photoUrl(m) {
  return '/api/v1/directory/members/' + encodeURIComponent(m.id) + '/photo?v=' + encodeURIComponent(m.photo);
}

/** A member's photo, or the first letter of their name when they have none. */
export function Avatar({ member, large }) {
  const cls = cx('avatar', large && 'avatar-l');
  if (member?.photo) return html`<img class=${cx(cls, 'avatar-img')} src=${photoUrl(member)} alt="" data-testid="avatar-photo" />`;
  return html`<span class=${cls} aria-hidden="true">${memberName(member || {}).slice(0, 1)}</span>`;
}

/** Where to mail a colleague: their directory email, else their login ID (an address here). */
export function mailAddress(m) {
  return m.email || (String(m.loginId || '').includes('@') ? m.loginId : '');
}

/** The webmail composer with the colleague's address filled in. */
export function composeHref(m) {
  return '#/mail?' + new URLSearchParams({ to: mailAddress(m), name: memberName(m) }).toString();
}

const TABS = ['directory', 'shared', 'personal'];

export function ContactsPage({ me, route }) {
  const tab = TABS.includes(route?.path?.[1]) ? route.path[1] : 'directory';
  return html`<div class="page ab">
    <h1 class="page-title">${t('contacts.title')}</h1>
    <nav class="tabs" aria-label=${t('contacts.title')}>
      ${TABS.map(
        (k) => html`<a class=${cx('tab', tab === k && 'active')} href=${'#/contacts/' + k} aria-current=${tab === k ? 'page' : undefined} data-testid=${'ab-tab-' + k}
          >${t('ab.' + k)}</a
        >`,
      )}
    </nav>
    ${tab === 'directory' ? html`<${DirectoryView} me=${me} />` : html`<${BookView} key=${tab} book=${tab} me=${me} />`}
  </div>`;
}

function useDebounced(value, ms = 200) {
  const [v, setV] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setV(value), ms);
    return () => clearTimeout(timer);
  }, [value]);
  return v;
}

function SearchBox({ value, onValue, placeholder, testid }) {
  return html`<label class="search">
    <${Icon} name="search" />
    <span class="sr-only">${t('common.search')}</span>
    <input class="input" type="search" placeholder=${placeholder} value=${value} onInput=${(e) => onValue(e.currentTarget.value)} name="q" data-testid=${testid} />
  </label>`;
}

// --- the company directory ---------------------------------------------------------------------

function DirectoryView({ me }) {
  const [tree, setTree] = useState([]);
  const [dep, setDep] = useState('');
  const [q, setQ] = useState('');
  const [page, setPage] = useState(0);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [profile, setProfile] = useState(null);
  const [chart, setChart] = useState(false);
  const [groups, setGroups] = useState([]);
  const [group, setGroup] = useState('');
  const dq = useDebounced(q);

  useEffect(() => {
    api.get('/api/v1/directory/departments/tree').then(setTree, setError);
    api.get('/api/v1/directory/groups').then(setGroups, () => setGroups([]));
  }, []);
  useEffect(() => setPage(0), [dq, dep, group]);
  useEffect(() => {
    let cancelled = false;
    const done = (r) => !cancelled && (setResult(r), setError(null));
    const fail = (e) => !cancelled && setError(e);
    if (group) {
      // A group's members, filtered here by the search words.
      api.get('/api/v1/directory/groups/' + group).then((g) => {
        const words = dq.trim().toLowerCase();
        const items = g.members.filter((m) => !words || [memberName(m), memberReading(m), m.nameRomaji, m.loginId, m.email].join(' ').toLowerCase().includes(words));
        done({ items, page: 0, size: Math.max(items.length, 1), total: items.length });
      }, fail);
    } else {
      api.get('/api/v1/directory/members' + query({ q: dq.trim(), department: dep, page, size: 50 })).then(done, fail);
    }
    return () => (cancelled = true);
  }, [dq, dep, group, page]);
  const pickDepartment = (id) => (setGroup(''), setDep(id));

  return html`<div class="ab-directory">
    <aside class="ab-tree" aria-label=${t('ab.departments')}>
      <button type="button" class=${cx('ab-dep', !dep && !group && 'active')} onClick=${() => pickDepartment('')}>${t('ab.allDepartments')}</button>
      <${DepartmentNodes} nodes=${tree} active=${group ? '' : dep} onPick=${pickDepartment} />
      ${groups.length > 0 &&
      html`<h3 class="ab-tree-heading">${t('ab.groups')}</h3>
        <ul class="ab-tree-list" data-testid="ab-groups">
          ${groups.map(
            (g) => html`<li key=${g.id}>
              <button type="button" class=${cx('ab-dep', group === g.id && 'active')} title=${g.description} onClick=${() => (setDep(''), setGroup(g.id))} data-testid="ab-group">
                <span>${g.name}</span><span class="ab-count">${g.memberCount}</span>
              </button>
            </li>`,
          )}
        </ul>`}
    </aside>
    <section class="ab-main">
      <div class="toolbar" role="search">
        <${SearchBox} value=${q} onValue=${setQ} placeholder=${t('ab.searchMembers')} testid="ab-member-search" />
        <span class="toolbar-spacer"></span>
        <${Button} kind="secondary" size="small" onClick=${() => setChart(!chart)} data-testid="ab-org-toggle">${chart ? t('ab.list') : t('ab.orgChart')}<//>
      </div>
      ${chart &&
      html`<div class="ab-org" data-testid="ab-org-chart">
        <${OrgNodes} nodes=${tree} onPick=${(id) => (pickDepartment(id), setChart(false))} />
      </div>`}
      ${error && html`<${Alert}>${errorText(error)}<//>`}
      ${result === null && !error
        ? html`<${Spinner} />`
        : result && result.items.length === 0
          ? html`<${EmptyState} icon="contacts" title=${t('ab.noMembers')} />`
          : html`<div data-testid="ab-members"><${Table}
              caption=${t('contacts.title')}
              rows=${result?.items || []}
              columns=${[
                {
                  key: 'name',
                  label: t('contacts.name'),
                  render: (m) => html`<button type="button" class="ab-person" onClick=${() => setProfile(m.id)}>
                    <span class="person">
                      <${Avatar} member=${m} />
                      <span><span class="person-name">${memberName(m)}</span>
                      <span class="person-sub">${[memberReading(m), m.nameRomaji].filter(Boolean).join(' · ')}</span></span>
                    </span>
                  </button>`,
                },
                { key: 'department', label: t('contacts.department'), render: (m) => [departmentText(m), m.title].filter(Boolean).join(' · ') },
                {
                  key: 'email',
                  label: t('contacts.email'),
                  render: (m) => (m.email ? html`<a href=${composeHref(m)}>${m.email}</a>` : ''),
                },
                {
                  key: 'phone',
                  label: t('contacts.phone'),
                  render: (m) => [m.phone, m.extension && t('ab.extension') + ' ' + m.extension].filter(Boolean).join(' / '),
                },
              ]}
            /></div>`}
      ${result && html`<${Pager} page=${result.page} size=${result.size} total=${result.total} onPage=${setPage} />`}
    </section>
    <${ProfileDialog} me=${me} id=${profile} onClose=${() => setProfile(null)} onOpen=${setProfile} />
  </div>`;
}

function OrgNodes({ nodes, onPick }) {
  if (!nodes || nodes.length === 0) return null;
  return html`<ul class="ab-org-list">
    ${nodes.map(
      (d) => html`<li key=${d.id}>
        <button type="button" class="ab-org-box" onClick=${() => onPick(d.id)}>
          <span class="person-name">${d.name}</span>
          <span class="person-sub">${t('ab.people', { count: d.totalMemberCount })}</span>
        </button>
        <${OrgNodes} nodes=${d.children} onPick=${onPick} />
      </li>`,
    )}
  </ul>`;
}

function DepartmentNodes({ nodes, active, onPick }) {
  if (!nodes || nodes.length === 0) return null;
  return html`<ul class="ab-tree-list">
    ${nodes.map(
      (d) => html`<li key=${d.id}>
        <button type="button" class=${cx('ab-dep', active === d.id && 'active')} onClick=${() => onPick(d.id)} data-testid="ab-dep">
          <span>${d.name}</span><span class="ab-count">${d.totalMemberCount}</span>
        </button>
        <${DepartmentNodes} nodes=${d.children} active=${active} onPick=${onPick} />
      </li>`,
    )}
  </ul>`;
}

function ProfileDialog({ me, id, onClose, onOpen }) {
  const [card, setCard] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [freeBusy, setFreeBusy] = useState(false);
  useEffect(() => {
    setCard(null);
    setError(null);
    setFreeBusy(false);
    if (id) api.get('/api/v1/directory/members/' + id).then(setCard, setError);
  }, [id]);
  const m = card?.member;
  const talk = async () => {
    setBusy(true);
    try {
      const room = await api.post('/api/v1/rooms', { type: 'direct', members: [m.id] });
      navigate('#/talk/' + room.id);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return html`<${Dialog} open=${!!id} title=${m ? memberName(m) : t('contacts.title')} onClose=${onClose}>
    ${error && html`<${Alert}>${errorText(error)}<//>`}
    ${!m && !error && html`<${Spinner} />`}
    ${m &&
    html`<div class="ab-card" data-testid="ab-profile">
      <div class="ab-card-head">
        <${Avatar} member=${m} large />
        <div>
          <div class="ab-reading">${memberReading(m)}</div>
          ${m.nameRomaji && html`<div class="person-sub">${m.nameRomaji}</div>`}
          ${m.title && html`<div class="person-sub">${m.title}</div>`}
        </div>
      </div>
      <div class="ab-actions">
        ${m.id !== me?.id && html`<${Button} size="small" busy=${busy} onClick=${talk} data-testid="ab-start-talk"><${Icon} name="talk" />${t('ab.startTalk')}<//>`}
        ${mailAddress(m) && html`<a class="btn btn-secondary btn-small" href=${composeHref(m)} data-testid="ab-write-mail"><${Icon} name="mail" />${t('ab.writeMail')}</a>`}
        ${m.phone && html`<a class="btn btn-secondary btn-small" href=${'tel:' + m.phone}>${t('ab.call')}</a>`}
        <${Button} kind="secondary" size="small" onClick=${() => setFreeBusy(!freeBusy)} aria-expanded=${freeBusy} data-testid="ab-freebusy-toggle"
          ><${Icon} name="calendar" />${t('ab.freeBusy')}<//
        >
      </div>
      ${freeBusy && html`<${MemberFreeBusy} member=${m} />`}
      <dl class="ab-facts">
        ${m.email && html`<dt>${t('ab.email')}</dt><dd><a href=${composeHref(m)}>${m.email}</a></dd>`}
        ${m.phone && html`<dt>${t('ab.phone')}</dt><dd><a href=${'tel:' + m.phone}>${m.phone}</a></dd>`}
        ${m.extension && html`<dt>${t('ab.extension')}</dt><dd>${m.extension}</dd>`}
        ${m.office && html`<dt>${t('ab.office')}</dt><dd>${m.office}</dd>`}
        ${m.departments.length > 0 &&
        html`<dt>${t('ab.departments')}</dt>
          <dd>${m.departments.map((d) => html`<div key=${d.id}>${(d.path || [d.name]).join(' › ')}${d.position ? ' / ' + d.position : ''}</div>`)}</dd>`}
        ${m.manager &&
        html`<dt>${t('ab.manager')}</dt>
          <dd><button type="button" class="link-btn" onClick=${() => onOpen(m.manager.id)}>${m.manager.displayName}</button></dd>`}
        ${card.reports.length > 0 &&
        html`<dt>${t('ab.reports')}</dt>
          <dd>${card.reports.map((r) => html`<div key=${r.id}><button type="button" class="link-btn" onClick=${() => onOpen(r.id)}>${r.displayName}</button></div>`)}</dd>`}
      </dl>
    </div>`}
  <//>`;
}

/** The member's busy times today or over the next 7 days, from the calendar's free/busy API. */
function MemberFreeBusy({ member }) {
  const [range, setRange] = useState('today');
  const [blocks, setBlocks] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let cancelled = false;
    const from = new Date();
    from.setHours(0, 0, 0, 0);
    const to = new Date(from);
    to.setDate(to.getDate() + (range === 'week' ? 7 : 1));
    setBlocks(null);
    setError(null);
    api.get('/api/v1/freebusy' + query({ members: member.id, from: from.toISOString(), to: to.toISOString() })).then(
      (r) => !cancelled && setBlocks(r?.[member.id] || []),
      (e) => !cancelled && setError(e),
    );
    return () => (cancelled = true);
  }, [member.id, range]);
  const locale = lang() === 'ja' ? 'ja-JP' : 'en';
  const day = new Intl.DateTimeFormat(locale, { month: 'numeric', day: 'numeric', weekday: 'short' });
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  const sameDay = (a, b) => a.toDateString() === b.toDateString();
  return html`<section class="ab-freebusy" aria-label=${t('ab.freeBusyTitle')} data-testid="ab-freebusy">
    <div class="row row-tight">
      <span class="field-label">${t('ab.freeBusyTitle')}</span>
      <span class="toolbar-spacer"></span>
      ${['today', 'week'].map(
        (k) => html`<button type="button" key=${k} class=${cx('ab-tag', range === k && 'active')} aria-pressed=${range === k} onClick=${() => setRange(k)} data-testid=${'ab-freebusy-' + k}>
          ${t('ab.' + k)}
        </button>`,
      )}
    </div>
    ${error && html`<${Alert}>${errorText(error)}<//>`}
    ${!blocks && !error && html`<${Spinner} inline />`}
    ${blocks && blocks.length === 0 && html`<p class="person-sub" data-testid="ab-freebusy-free">${t('ab.free')}</p>`}
    ${blocks &&
    blocks.length > 0 &&
    html`<ul class="ab-freebusy-list">
      ${blocks.map((b) => {
        const start = new Date(b.start);
        const end = new Date(b.end);
        return html`<li key=${b.start + b.end} class=${cx('ab-freebusy-block', b.status === 'tentative' && 'ab-freebusy-tentative')} data-testid="ab-freebusy-block">
          <span>${day.format(start)} ${time.format(start)}–${sameDay(start, end) ? time.format(end) : day.format(end) + ' ' + time.format(end)}</span>
          <span class="person-sub">${t(b.status === 'tentative' ? 'ab.tentative' : 'ab.busy')}</span>
        </li>`;
      })}
    </ul>`}
  </section>`;
}

/**
 * Sets or removes a member's photo (the member themselves, or a member admin): the file goes to the
 * server as it is, which crops and resizes it.
 */
export function PhotoEditor({ memberId, onChanged }) {
  const [member, setMember] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  useEffect(() => {
    api.get('/api/v1/directory/members/' + encodeURIComponent(memberId)).then((c) => setMember(c.member), setError);
  }, [memberId]);
  const path = '/api/v1/directory/members/' + encodeURIComponent(memberId) + '/photo';
  const changed = (m, message) => {
    setMember(m);
    onChanged && onChanged(m);
    toast(message);
  };
  const upload = async (file) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const send = () =>
        fetch(path, {
          method: 'PUT',
          credentials: 'same-origin',
          headers: { Accept: 'application/json, application/problem+json', 'Content-Type': file.type || 'application/octet-stream', ...csrfHeaders() },
          body: file,
        });
      let res = await send();
      if (res.status === 403 && !(await res.clone().json().catch(() => null))?.errors?.length) {
        await refreshCsrf();
        res = await send();
      }
      const body = await res.json().catch(() => null);
      if (!res.ok) throw new ApiError({ status: res.status, ...(body || {}) });
      changed(body.member, t('ab.photoSaved'));
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError({ status: 0 }));
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.del(path);
      changed({ ...member, photo: undefined }, t('ab.photoRemoved'));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  if (!member) return error ? html`<${Alert}>${errorText(error)}<//>` : html`<${Spinner} inline />`;
  return html`<div class="ab-photo-editor" data-testid="photo-editor">
    <${Avatar} member=${member} large />
    <div class="stack">
      <label class="btn btn-secondary btn-small ab-photo-pick">
        ${t('ab.photoChoose')}
        <input type="file" class="sr-only" accept="image/jpeg,image/png,image/gif" disabled=${busy} onChange=${(e) => upload(e.currentTarget.files?.[0])} data-testid="photo-input" />
      </label>
      ${member.photo && html`<${Button} kind="ghost" size="small" busy=${busy} onClick=${remove} data-testid="photo-remove">${t('ab.photoRemove')}<//>`}
      <span class="person-sub">${t('ab.photoHint')}</span>
      ${error && html`<${Alert}>${error.fieldErrors().photo || errorText(error)}<//>`}
    </div>
  </div>`;
}

// --- contact books -------------------------------------------------------------------------------

const SETTINGS_ADMINS = ['super_admin', 'member_admin'];

/**
 * Book settings: in the personal book, the member's own "collect from mail"; in the shared book,
 * the company's settings for admins.
 */
function BookSettings({ book, me, onChanged }) {
  const [settings, setSettings] = useState(null);
  const [error, setError] = useState(null);
  const admin = (me?.roles || []).some((r) => SETTINGS_ADMINS.includes(r));
  useEffect(() => {
    api.get('/api/v1/contacts/settings').then(setSettings, setError);
  }, []);
  const save = async (path, body) => {
    setError(null);
    try {
      setSettings(await api.put(path, body));
      toast(t('common.saved'));
      onChanged && onChanged();
    } catch (e) {
      setError(e);
    }
  };
  if (!settings) return error ? html`<${Alert}>${errorText(error)}<//>` : null;
  if (book === 'personal') {
    return html`<div class="ab-settings" data-testid="ab-collect">
      <${Checkbox}
        label=${t('ab.collect')}
        checked=${settings.collectFromMail && settings.membersMayCollectFromMail}
        disabled=${!settings.membersMayCollectFromMail}
        onValue=${(v) => save('/api/v1/contacts/settings/me', { collectFromMail: v })}
      />
      ${!settings.membersMayCollectFromMail && html`<p class="person-sub">${t('ab.collectForbidden')}</p>`}
      ${error && html`<${Alert}>${errorText(error)}<//>`}
    </div>`;
  }
  if (!admin) return null;
  return html`<details class="ab-settings" data-testid="ab-company-settings">
    <summary>${t('ab.companySettings')}</summary>
    <${Checkbox} label=${t('ab.membersMayEditShared')} checked=${settings.membersMayEditShared} onValue=${(v) => save('/api/v1/contacts/settings', { membersMayEditShared: v })} />
    <${Checkbox} label=${t('ab.membersMayCollect')} checked=${settings.membersMayCollectFromMail} onValue=${(v) => save('/api/v1/contacts/settings', { membersMayCollectFromMail: v })} />
    ${error && html`<${Alert}>${errorText(error)}<//>`}
  </details>`;
}

function BookView({ book, me }) {
  const [q, setQ] = useState('');
  const [tag, setTag] = useState('');
  const [page, setPage] = useState(0);
  const [result, setResult] = useState(null);
  const [tags, setTags] = useState({});
  const [writable, setWritable] = useState(book === 'personal');
  const [error, setError] = useState(null);
  const [editing, setEditing] = useState(null); // null | 'new' | contact
  const [importing, setImporting] = useState(false);
  const [generation, setGeneration] = useState(0);
  const dq = useDebounced(q);
  const reload = () => setGeneration((g) => g + 1);

  useEffect(() => {
    api.get('/api/v1/contacts/books').then((list) => setWritable(!!list.find((b) => b.book === book)?.writable), () => {});
  }, [book]);
  useEffect(() => setPage(0), [dq, tag]);
  useEffect(() => {
    let cancelled = false;
    api.get('/api/v1/contacts' + query({ book, q: dq.trim(), tag, page, size: 50 })).then(
      (r) => !cancelled && (setResult(r), setError(null)),
      (e) => !cancelled && setError(e),
    );
    api.get('/api/v1/contacts/tags' + query({ book })).then((r) => !cancelled && setTags(r || {}), () => {});
    return () => (cancelled = true);
  }, [book, dq, tag, page, generation]);

  const exportHref = (params) => '/api/v1/contacts/export' + query({ book, ...params });
  return html`<section class="ab-book">
    <div class="toolbar" role="search">
      <${SearchBox} value=${q} onValue=${setQ} placeholder=${t('ab.searchContacts')} testid="ab-contact-search" />
      <span class="toolbar-spacer"></span>
      ${writable && html`<${Button} size="small" onClick=${() => setEditing('new')} data-testid="ab-new"><${Icon} name="plus" />${t('ab.new')}<//>`}
      ${writable && html`<${Button} kind="secondary" size="small" onClick=${() => setImporting(true)} data-testid="ab-import">${t('ab.import')}<//>`}
      <details class="ab-export">
        <summary class="btn btn-secondary btn-small">${t('ab.export')}</summary>
        <div class="ab-export-menu">
          <a href=${exportHref({ format: 'vcf', version: '3.0' })} download>${t('ab.exportVcard3')}</a>
          <a href=${exportHref({ format: 'vcf', version: '4.0' })} download>${t('ab.exportVcard4')}</a>
          <a href=${exportHref({ format: 'csv' })} download>${t('ab.exportCsv')}</a>
          <a href=${exportHref({ format: 'csv', encoding: 'shift_jis' })} download>${t('ab.exportSjis')}</a>
        </div>
      </details>
    </div>
    <${BookSettings} book=${book} me=${me} onChanged=${reload} />
    ${!writable && book === 'shared' && html`<p class="person-sub">${t('ab.readOnly')}</p>`}
    ${Object.keys(tags).length > 0 &&
    html`<div class="ab-tags" role="group" aria-label=${t('ab.tagFilter')}>
      <button type="button" class=${cx('ab-tag', !tag && 'active')} onClick=${() => setTag('')}>${t('ab.allTags')}</button>
      ${Object.entries(tags).map(
        ([name, count]) => html`<button type="button" key=${name} class=${cx('ab-tag', tag === name && 'active')} onClick=${() => setTag(name)}>${name} <span class="ab-count">${count}</span></button>`,
      )}
    </div>`}
    ${error && html`<${Alert}>${errorText(error)}<//>`}
    ${result === null && !error
      ? html`<${Spinner} />`
      : result && result.items.length === 0
        ? html`<${EmptyState} icon="contacts" title=${t('ab.noContacts')} />`
        : html`<ul class="ab-list" data-testid="ab-contacts">
            ${(result?.items || []).map(
              (c) => html`<li key=${c.id}>
                <button type="button" class="ab-row" onClick=${() => setEditing(c)}>
                  <span class="avatar" aria-hidden="true">${(c.displayName || '?').slice(0, 1)}</span>
                  <span class="ab-row-text">
                    <span class="person-name">${c.displayName}</span>
                    <span class="person-sub">${[memberReading(c), [c.company, c.department, c.title].filter(Boolean).join(' ')].filter(Boolean).join(' · ')}</span>
                    <span class="person-sub">${[c.emails[0]?.value, c.phones[0]?.value].filter(Boolean).join(' · ')}</span>
                  </span>
                  ${c.tags.length > 0 && html`<span class="ab-row-tags">${c.tags.map((x) => html`<span class="badge" key=${x}>${x}</span>`)}</span>`}
                </button>
              </li>`,
            )}
          </ul>`}
    ${result && html`<${Pager} page=${result.page} size=${result.size} total=${result.total} onPage=${setPage} />`}
    <${ContactEditor} book=${book} contact=${editing} writable=${writable} onClose=${() => setEditing(null)} onChanged=${reload} />
    ${importing && html`<${ImportDialog} book=${book} open=${true} onClose=${() => setImporting(false)} onImported=${reload} />`}
  </section>`;
}

const EMPTY = {
  familyName: '',
  givenName: '',
  familyNameReading: '',
  givenNameReading: '',
  company: '',
  companyReading: '',
  department: '',
  title: '',
  email: '',
  phone: '',
  mobile: '',
  postalCode: '',
  region: '',
  locality: '',
  street: '',
  notes: '',
  tags: '',
};

function toForm(c) {
  if (!c || c === 'new') return { ...EMPTY };
  const phone = c.phones.find((p) => p.type !== 'mobile');
  const mobile = c.phones.find((p) => p.type === 'mobile');
  return {
    ...EMPTY,
    ...Object.fromEntries(Object.keys(EMPTY).filter((k) => typeof c[k] === 'string').map((k) => [k, c[k]])),
    email: c.emails[0]?.value || '',
    phone: phone?.value || '',
    mobile: mobile?.value || '',
    postalCode: c.address.postalCode,
    region: c.address.region,
    locality: c.address.locality,
    street: c.address.street,
    tags: c.tags.join(', '),
  };
}

function toBody(f, original) {
  const emails = [...(original?.emails?.slice(1) || [])];
  if (f.email.trim()) emails.unshift({ type: original?.emails?.[0]?.type || 'work', value: f.email.trim() });
  const others = (original?.phones || []).slice().filter((p, i, all) => p !== all.find((x) => x.type !== 'mobile') && p !== all.find((x) => x.type === 'mobile'));
  const phones = [];
  if (f.phone.trim()) phones.push({ type: 'work', value: f.phone.trim() });
  if (f.mobile.trim()) phones.push({ type: 'mobile', value: f.mobile.trim() });
  return {
    familyName: f.familyName,
    givenName: f.givenName,
    familyNameReading: f.familyNameReading,
    givenNameReading: f.givenNameReading,
    company: f.company,
    companyReading: f.companyReading,
    department: f.department,
    title: f.title,
    displayName: original && original !== 'new' && original.displayName !== [original.familyName, original.givenName].filter(Boolean).join(' ') ? original.displayName : undefined,
    emails,
    phones: [...phones, ...others],
    address: { postalCode: f.postalCode, region: f.region, locality: f.locality, street: f.street, country: original?.address?.country || '' },
    notes: f.notes,
    tags: f.tags.split(/[,、，]/).map((s) => s.trim()).filter(Boolean),
  };
}

function ContactEditor({ book, contact, writable, onClose, onChanged }) {
  const [form, setForm] = useState(EMPTY);
  const [current, setCurrent] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [dupes, setDupes] = useState(null); // {created, duplicates}
  const [confirm, setConfirm] = useState(false);
  useEffect(() => {
    setForm(toForm(contact));
    setCurrent(contact && contact !== 'new' ? contact : null);
    setError(null);
    setDupes(null);
  }, [contact]);
  const set = (k) => (v) => setForm({ ...form, [k]: v });
  const fe = error instanceof ApiError ? error.fieldErrors() : {};
  const save = async (e) => {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (current) {
        await api.put('/api/v1/contacts/' + current.id, { ...toBody(form, current), version: current.version });
        toast(t('ab.saved'));
        onChanged();
        onClose();
      } else {
        const created = await api.post('/api/v1/contacts' + query({ book }), toBody(form, null));
        onChanged();
        if (created.duplicates?.length) setDupes({ created, duplicates: created.duplicates });
        else {
          toast(t('ab.saved'));
          onClose();
        }
      }
    } catch (err) {
      setError(err.status === 412 ? new Error(t('ab.stale')) : err);
    } finally {
      setBusy(false);
    }
  };
  const merge = async (into) => {
    setBusy(true);
    try {
      await api.post('/api/v1/contacts/' + into.id + '/merge', { from: [dupes.created.id] });
      toast(t('ab.merged'));
      onChanged();
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    await api.del('/api/v1/contacts/' + current.id);
    toast(t('ab.deleted'));
    setConfirm(false);
    onChanged();
    onClose();
  };
  const field = (k, extra = {}) => html`<${TextField} label=${t('ab.' + k)} value=${form[k]} onValue=${set(k)} error=${fe[k]} disabled=${!writable} name=${k} ...${extra} />`;
  return html`<${Dialog}
    open=${!!contact}
    wide
    title=${current ? t('ab.edit') : t('ab.new')}
    onClose=${onClose}
    footer=${writable &&
    !dupes &&
    html`${current && html`<${Button} kind="danger" onClick=${() => setConfirm(true)}>${t('ab.delete')}<//>`}
      <${Button} kind="secondary" onClick=${onClose}>${t('common.cancel')}<//>
      <${Button} busy=${busy} onClick=${save} data-testid="ab-save">${t('ab.save')}<//>`}
  >
    ${error && html`<${Alert}>${errorText(error)}<//>`}
    ${dupes
      ? html`<div data-testid="ab-duplicates">
          <${Alert} tone="warning">${t('ab.duplicates')}<//>
          <ul class="ab-list">
            ${dupes.duplicates.map(
              (d) => html`<li key=${d.id} class="ab-dupe">
                <span class="ab-row-text"><span class="person-name">${d.displayName}</span><span class="person-sub">${[d.company, d.emails[0]?.value].filter(Boolean).join(' · ')}</span></span>
                <${Button} size="small" busy=${busy} onClick=${() => merge(d)}>${t('ab.merge')}<//>
              </li>`,
            )}
          </ul>
          <${Button} kind="secondary" onClick=${onClose}>${t('common.close')}<//>
        </div>`
      : html`<form class="ab-form" onSubmit=${save}>
          ${field('familyName')} ${field('givenName')} ${field('familyNameReading')} ${field('givenNameReading')}
          ${field('company')} ${field('companyReading')} ${field('department')} ${field('title')}
          ${field('email', { type: 'email', error: fe.emails })} ${field('phone', { type: 'tel', error: fe.phones })} ${field('mobile', { type: 'tel' })}
          ${field('postalCode')} ${field('region')} ${field('locality')} ${field('street')}
          <div class="ab-form-wide">${field('tags')}</div>
          <div class="field ab-form-wide">
            <label class="field-label" for="ab-notes">${t('ab.notes')}</label>
            <textarea id="ab-notes" class="input" rows="3" value=${form.notes} disabled=${!writable} onInput=${(e) => set('notes')(e.currentTarget.value)}></textarea>
          </div>
          <button type="submit" hidden></button>
        </form>`}
    <${ConfirmDialog} open=${confirm} title=${t('ab.delete')} message=${t('ab.deleteConfirm')} confirmLabel=${t('ab.delete')} danger onConfirm=${remove} onClose=${() => setConfirm(false)} />
  <//>`;
}

async function upload(book, file, dryRun) {
  const res = await fetch('/api/v1/contacts/import' + query({ book, dryRun: String(dryRun) }), {
    method: 'POST',
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'Content-Type': 'application/octet-stream', ...csrfHeaders() },
    body: await file.arrayBuffer(),
  });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError({ status: res.status, ...(body || {}) });
  return body;
}

function ImportDialog({ book, open, onClose, onImported }) {
  const [file, setFile] = useState(null);
  const [report, setReport] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  // Mounted afresh for every import (see BookView), so no state from an earlier one is left, and
  // no effect can reset the chosen file after it was picked.
  const preview = async (f) => {
    setFile(f);
    setReport(null);
    setError(null);
    if (!f) return;
    setBusy(true);
    try {
      setReport(await upload(book, f, true));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const commit = async () => {
    if (!file) return;
    setBusy(true);
    try {
      const r = await upload(book, file, false);
      toast(t('ab.imported', { count: r.imported }));
      onImported();
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const bad = report ? report.rows.filter((r) => r.errors.length > 0) : [];
  return html`<${Dialog}
    open=${open}
    wide
    title=${t('ab.import')}
    onClose=${onClose}
    footer=${html`<${Button} kind="secondary" onClick=${onClose}>${t('common.cancel')}<//>
      <${Button} busy=${busy} disabled=${!report || bad.length > 0 || report.valid === 0} onClick=${commit} data-testid="ab-import-commit"
        >${t('ab.importNow', { count: report?.valid || 0 })}<//
      >`}
  >
    <div class="field">
      <label class="field-label" for="ab-file">${t('ab.file')}</label>
      <input id="ab-file" class="input" type="file" accept=".vcf,.csv,text/vcard,text/csv" onChange=${(e) => preview(e.currentTarget.files[0] || null)} data-testid="ab-file" />
    </div>
    ${busy && html`<${Spinner} />`}
    ${error && html`<${Alert}>${errorText(error)}<//>`}
    ${report &&
    html`<div data-testid="ab-import-preview">
      <p>${t('ab.summary', { valid: report.valid, total: report.total, encoding: report.encoding })}</p>
      ${report.mapping.length > 0 &&
      html`<h3 class="ab-h3">${t('ab.mapping')}</h3>
        <ul class="ab-mapping">
          ${report.mapping.map((m, i) => html`<li key=${i}><span>${m.header}</span> → <span class=${cx(!m.field && 'person-sub')}>${m.field || t('ab.ignored')}</span></li>`)}
        </ul>`}
      ${bad.length > 0 &&
      html`<${Alert}>${t('ab.rowErrors')}<//>
        <ul class="ab-row-errors">
          ${bad.slice(0, 50).map((r) => html`<li key=${r.row}>${t('ab.row')} ${r.row}: ${r.errors.map((e) => e.field + ' — ' + e.message).join('; ')}</li>`)}
        </ul>`}
    </div>`}
  <//>`;
}
