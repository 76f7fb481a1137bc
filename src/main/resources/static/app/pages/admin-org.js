// Admin › Organisation: the department tree (add, rename, move, merge, delete) and custom groups
// of members across departments.
import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { addMessages, t } from '../i18n.js';
import { html, Alert, Button, Card, ConfirmDialog, Dialog, EmptyState, Select, Spinner, Table, TextField, errorText, otherFieldErrors, toast } from '../ui.js';
import { memberName } from './contacts.js';

addMessages({
  ja: {
    'admin.org': '組織',
    'org.edit': '編集',
    'org.departments': '部署',
    'org.addDepartment': '部署を追加',
    'org.addChild': '下に追加',
    'org.editDepartment': '部署を編集',
    'org.name': '名前',
    'org.reading': 'よみがな',
    'org.parent': '上位の部署',
    'org.top': '（最上位）',
    'org.merge': '統合',
    'org.mergeTitle': '「{name}」を統合',
    'org.mergeInto': '統合先の部署',
    'org.mergeHint': 'メンバー、下位の部署、管理範囲が統合先に移り、この部署はなくなります。',
    'org.deleteDepartment': '「{name}」を削除しますか？ メンバーや下位の部署がある部署は削除できません。',
    'org.noDepartments': '部署はまだありません',
    'org.saved': '保存しました',
    'org.deleted': '削除しました',
    'org.merged': '統合しました',
    'org.groups': 'グループ',
    'org.groupsLead': '部署をまたぐプロジェクトや委員会などのメンバーの集まりです。アドレス帳で全員が見られます。',
    'org.addGroup': 'グループを作成',
    'org.editGroup': 'グループを編集',
    'org.description': '説明',
    'org.members': 'メンバー',
    'org.memberCount': '{n}人',
    'org.findMember': 'メンバーを検索して追加',
    'org.add': '追加',
    'org.remove': '外す',
    'org.noGroups': 'グループはまだありません',
    'org.deleteGroup': 'グループ「{name}」を削除しますか？ メンバーのアカウントはそのままです。このグループ宛ての配布リストには配信されなくなります。',
  },
  en: {
    'admin.org': 'Organisation',
    'org.edit': 'Edit',
    'org.departments': 'Departments',
    'org.addDepartment': 'Add department',
    'org.addChild': 'Add below',
    'org.editDepartment': 'Edit department',
    'org.name': 'Name',
    'org.reading': 'Reading',
    'org.parent': 'Parent department',
    'org.top': '(top level)',
    'org.merge': 'Merge',
    'org.mergeTitle': 'Merge “{name}”',
    'org.mergeInto': 'Merge into',
    'org.mergeHint': 'Its members, sub-departments and admin scopes move to the target and this department is removed.',
    'org.deleteDepartment': 'Delete “{name}”? Departments with members or sub-departments cannot be deleted.',
    'org.noDepartments': 'No departments yet',
    'org.saved': 'Saved',
    'org.deleted': 'Deleted',
    'org.merged': 'Merged',
    'org.groups': 'Groups',
    'org.groupsLead': 'Sets of members across departments, such as projects or committees. Everyone sees them in the address book.',
    'org.addGroup': 'Create group',
    'org.editGroup': 'Edit group',
    'org.description': 'Description',
    'org.members': 'Members',
    'org.memberCount': '{n} members',
    'org.findMember': 'Find a member to add',
    'org.add': 'Add',
    'org.remove': 'Remove',
    'org.noGroups': 'No groups yet',
    'org.deleteGroup': 'Delete the group “{name}”? The members’ accounts stay as they are. Mail distribution lists for this group stop delivering.',
  },
});

export function OrganisationSection() {
  return html`<div class="stack" data-testid="organisation">
    <${DepartmentsCard} />
    <${GroupsCard} />
  </div>`;
}

/** Deletes, says so and reloads; a refusal is shown as a toast. The dialog closes either way. */
async function deleteThen(path, close, reload) {
  try {
    await api.del(path);
    toast(t('org.deleted'));
    close();
    reload();
  } catch (err) {
    close();
    toast(errorText(err), 'error');
  }
}

/** Departments flat in tree order, each with its depth. */
function treeOrder(list) {
  const children = new Map();
  for (const d of list) {
    const key = d.parentId || '';
    if (!children.has(key)) children.set(key, []);
    children.get(key).push(d);
  }
  const out = [];
  const walk = (parent, depth) => {
    for (const d of children.get(parent) || []) {
      out.push({ ...d, depth });
      walk(d.id, depth + 1);
    }
  };
  walk('', 0);
  return out;
}

function below(list, id) {
  const out = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const d of list) {
      if (d.parentId && out.has(d.parentId) && !out.has(d.id)) {
        out.add(d.id);
        grew = true;
      }
    }
  }
  return out;
}

function DepartmentsCard() {
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  const [editing, setEditing] = useState(null);
  const [merging, setMerging] = useState(null);
  const [deleting, setDeleting] = useState(null);
  const load = () => api.get('/api/v1/admin/departments').then(setList, setError);
  useEffect(() => {
    load();
  }, []);
  const ordered = list ? treeOrder(list) : [];
  const remove = () => deleteThen('/api/v1/admin/departments/' + deleting.id, () => setDeleting(null), load);
  return html`<${Card} title=${t('org.departments')}>
    <div class="stack" data-testid="org-departments">
      <div class="toolbar">
        <span class="toolbar-spacer"></span>
        <${Button} onClick=${() => setEditing({ name: '', nameReading: '', parentId: '' })} data-testid="add-department">${t('org.addDepartment')}<//>
      </div>
      ${error && html`<${Alert}>${errorText(error)}<//>`}
      ${!list && !error && html`<${Spinner} />`}
      ${list &&
      (ordered.length === 0
        ? html`<${EmptyState} icon="contacts" title=${t('org.noDepartments')} />`
        : html`<ul class="org-tree">
            ${ordered.map(
              (d) => html`<li key=${d.id} class="org-row" style=${{ '--depth': String(d.depth) }} data-department=${d.name}>
                <span class="org-name">${d.name}${d.nameReading && html` <span class="muted">${d.nameReading}</span>`}</span>
                <span class="org-actions">
                  <${Button} kind="ghost" size="small" onClick=${() => setEditing({ name: '', nameReading: '', parentId: d.id })}>${t('org.addChild')}<//>
                  <${Button} kind="ghost" size="small" onClick=${() => setEditing({ ...d, parentId: d.parentId || '' })}>${t('org.edit')}<//>
                  <${Button} kind="ghost" size="small" onClick=${() => setMerging(d)}>${t('org.merge')}<//>
                  <${Button} kind="ghost" size="small" onClick=${() => setDeleting(d)}>${t('common.delete')}<//>
                </span>
              </li>`,
            )}
          </ul>`)}
    </div>
    <${DepartmentDialog} department=${editing} all=${list || []} onClose=${() => setEditing(null)} onSaved=${() => (setEditing(null), load())} />
    <${MergeDialog} department=${merging} all=${list || []} onClose=${() => setMerging(null)} onMerged=${() => (setMerging(null), load())} />
    <${ConfirmDialog}
      open=${!!deleting}
      title=${t('common.delete')}
      message=${deleting ? t('org.deleteDepartment', { name: deleting.name }) : ''}
      confirmLabel=${t('common.delete')}
      danger
      onConfirm=${remove}
      onClose=${() => setDeleting(null)}
    />
  <//>`;
}

/** The departments as indented options, leaving out those in `exclude`. */
function departmentOptions(all, exclude) {
  return treeOrder(all)
    .filter((d) => !exclude.has(d.id))
    .map((d) => ({ value: d.id, label: '　'.repeat(d.depth) + d.name }));
}

function parentOptions(all, exclude) {
  return [{ value: '', label: t('org.top') }, ...departmentOptions(all, exclude)];
}

function DepartmentDialog({ department, all, onClose, onSaved }) {
  const [form, setForm] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  useLayoutEffect(() => {
    setForm(department ? { name: department.name || '', nameReading: department.nameReading || '', parentId: department.parentId || '' } : null);
    setError(null);
  }, [department]);
  if (!department || !form) return html`<${Dialog} open=${false} />`;
  const editing = !!department.id;
  const fe = error?.fieldErrors ? error.fieldErrors() : {};
  const others = otherFieldErrors(error, ['name', 'nameReading', 'parentId']);
  const set = (k) => (v) => setForm({ ...form, [k]: v });
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (editing) {
        const body = { name: form.name, nameReading: form.nameReading };
        if (form.parentId && form.parentId !== (department.parentId || '')) body.parentId = form.parentId;
        await api.patch('/api/v1/admin/departments/' + department.id, body);
      } else {
        await api.post('/api/v1/admin/departments', { name: form.name, nameReading: form.nameReading, parentId: form.parentId || null });
      }
      toast(t('org.saved'));
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<${Dialog} open=${true} title=${editing ? t('org.editDepartment') : t('org.addDepartment')} onClose=${onClose}>
    <form class="stack" onSubmit=${submit} novalidate data-testid="department-form">
      ${error && (others.length > 0 || Object.keys(fe).length === 0) && html`<${Alert}>${errorText(error)}${others.map((m) => html`<br />${m}`)}<//>`}
      <${TextField} label=${t('org.name')} name="name" value=${form.name} onValue=${set('name')} error=${fe.name} required />
      <${TextField} label=${t('org.reading')} name="nameReading" value=${form.nameReading} onValue=${set('nameReading')} error=${fe.nameReading} />
      <${Select} label=${t('org.parent')} name="parentId" value=${form.parentId} onValue=${set('parentId')} error=${fe.parentId} options=${parentOptions(all, editing ? below(all, department.id) : new Set())} />
      <div class="row">
        <${Button} type="submit" busy=${busy}>${t('common.save')}<//>
        <${Button} kind="secondary" onClick=${onClose}>${t('common.cancel')}<//>
      </div>
    </form>
  <//>`;
}

function MergeDialog({ department, all, onClose, onMerged }) {
  const [into, setInto] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  useLayoutEffect(() => {
    setInto('');
    setError(null);
  }, [department]);
  if (!department) return html`<${Dialog} open=${false} />`;
  const excluded = below(all, department.id);
  const options = [{ value: '', label: '—' }, ...departmentOptions(all, excluded)];
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post('/api/v1/admin/departments/' + department.id + '/merge', { into: into || null });
      toast(t('org.merged'));
      onMerged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<${Dialog} open=${true} title=${t('org.mergeTitle', { name: department.name })} onClose=${onClose}>
    <form class="stack" onSubmit=${submit} novalidate data-testid="merge-form">
      ${error && html`<${Alert}>${errorText(error)}<//>`}
      <p class="muted">${t('org.mergeHint')}</p>
      <${Select} label=${t('org.mergeInto')} name="into" value=${into} onValue=${setInto} options=${options} />
      <div class="row">
        <${Button} type="submit" busy=${busy} disabled=${!into}>${t('org.merge')}<//>
        <${Button} kind="secondary" onClick=${onClose}>${t('common.cancel')}<//>
      </div>
    </form>
  <//>`;
}

function GroupsCard() {
  const [groups, setGroups] = useState(null);
  const [error, setError] = useState(null);
  const [editing, setEditing] = useState(null);
  const [deleting, setDeleting] = useState(null);
  const load = () => api.get('/api/v1/admin/groups').then(setGroups, setError);
  useEffect(() => {
    load();
  }, []);
  const remove = () => deleteThen('/api/v1/admin/groups/' + deleting.id, () => setDeleting(null), load);
  return html`<${Card} title=${t('org.groups')}>
    <div class="stack" data-testid="org-groups">
      <div class="toolbar">
        <span class="muted">${t('org.groupsLead')}</span>
        <span class="toolbar-spacer"></span>
        <${Button} onClick=${() => setEditing({ name: '', description: '', memberIds: [] })} data-testid="add-group">${t('org.addGroup')}<//>
      </div>
      ${error && html`<${Alert}>${errorText(error)}<//>`}
      ${!groups && !error && html`<${Spinner} />`}
      ${groups &&
      html`<${Table}
        caption=${t('org.groups')}
        rows=${groups}
        empty=${html`<${EmptyState} icon="contacts" title=${t('org.noGroups')} />`}
        columns=${[
          { label: t('org.name'), render: (g) => html`<strong>${g.name}</strong>` },
          { label: t('org.description'), render: (g) => html`<span class="muted">${g.description}</span>` },
          { label: t('org.members'), class: 'num', render: (g) => t('org.memberCount', { n: g.memberIds.length }) },
          {
            label: '',
            class: 'cell-actions',
            render: (g) => html`<${Button} kind="ghost" size="small" onClick=${() => setEditing(g)}>${t('org.edit')}<//>
              <${Button} kind="ghost" size="small" onClick=${() => setDeleting(g)}>${t('common.delete')}<//>`,
          },
        ]}
      />`}
    </div>
    <${GroupDialog} group=${editing} onClose=${() => setEditing(null)} onSaved=${() => (setEditing(null), load())} />
    <${ConfirmDialog}
      open=${!!deleting}
      title=${t('common.delete')}
      message=${deleting ? t('org.deleteGroup', { name: deleting.name }) : ''}
      confirmLabel=${t('common.delete')}
      danger
      onConfirm=${remove}
      onClose=${() => setDeleting(null)}
    />
  <//>`;
}

function GroupDialog({ group, onClose, onSaved }) {
  const [form, setForm] = useState(null);
  const [people, setPeople] = useState({});
  const [q, setQ] = useState('');
  const [found, setFound] = useState([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  useLayoutEffect(() => {
    setForm(group ? { name: group.name, description: group.description, memberIds: [...group.memberIds] } : null);
    setQ('');
    setFound([]);
    setError(null);
  }, [group]);
  useEffect(() => {
    if (!group || group.memberIds.length === 0) return;
    api
      .get('/api/v1/admin/members' + query({ size: 200 }))
      .then((r) => setPeople((p) => ({ ...p, ...Object.fromEntries((r.items || []).map((m) => [m.id, m])) })))
      .catch(() => {});
  }, [group]);
  useEffect(() => {
    if (!q.trim()) {
      setFound([]);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      api
        .get('/api/v1/admin/members' + query({ q: q.trim(), status: 'active', size: 10 }))
        .then((r) => live && setFound(r.items || []))
        .catch(() => live && setFound([]));
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q]);
  if (!group || !form) return html`<${Dialog} open=${false} />`;
  const editing = !!group.id;
  const fe = error?.fieldErrors ? error.fieldErrors() : {};
  const others = otherFieldErrors(error, ['name', 'description']);
  const add = (m) => {
    setPeople((p) => ({ ...p, [m.id]: m }));
    if (!form.memberIds.includes(m.id)) setForm({ ...form, memberIds: [...form.memberIds, m.id] });
  };
  const drop = (id) => setForm({ ...form, memberIds: form.memberIds.filter((x) => x !== id) });
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = { name: form.name, description: form.description, memberIds: form.memberIds };
      if (editing) await api.patch('/api/v1/admin/groups/' + group.id, body);
      else await api.post('/api/v1/admin/groups', body);
      toast(t('org.saved'));
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<${Dialog} open=${true} title=${editing ? t('org.editGroup') : t('org.addGroup')} onClose=${onClose} wide>
    <form class="stack" onSubmit=${submit} novalidate data-testid="group-form">
      ${error && (others.length > 0 || Object.keys(fe).length === 0) && html`<${Alert}>${errorText(error)}${others.map((m) => html`<br />${m}`)}<//>`}
      <${TextField} label=${t('org.name')} name="name" value=${form.name} onValue=${(v) => setForm({ ...form, name: v })} error=${fe.name} required />
      <${TextField} label=${t('org.description')} name="description" value=${form.description} onValue=${(v) => setForm({ ...form, description: v })} error=${fe.description} />
      <${TextField} label=${t('org.findMember')} name="find" value=${q} onValue=${setQ} autocomplete="off" />
      ${found.length > 0 &&
      html`<ul class="org-found" data-testid="group-found">
        ${found.map(
          (m) => html`<li key=${m.id} class="row">
            <span>${memberName(m)} <span class="muted">${m.loginId}</span></span>
            <span class="toolbar-spacer"></span>
            <${Button} kind="secondary" size="small" disabled=${form.memberIds.includes(m.id)} onClick=${() => add(m)}>${t('org.add')}<//>
          </li>`,
        )}
      </ul>`}
      <h3 class="subheading">${t('org.members')} (${form.memberIds.length})</h3>
      <ul class="org-chosen" data-testid="group-members">
        ${form.memberIds.map(
          (id) => html`<li key=${id} class="chip">
            ${people[id] ? memberName(people[id]) : '…'}
            <button type="button" class="icon-btn" aria-label=${t('org.remove')} onClick=${() => drop(id)}>×</button>
          </li>`,
        )}
      </ul>
      <div class="row">
        <${Button} type="submit" busy=${busy} data-testid="save-group">${t('common.save')}<//>
        <${Button} kind="secondary" onClick=${onClose}>${t('common.cancel')}<//>
      </div>
    </form>
  <//>`;
}
