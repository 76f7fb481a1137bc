// Admin: members (list, create, suspend, resume, delete) and the audit log.
import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { formatDateTime, t } from '../i18n.js';
import {
  html,
  cx,
  Alert,
  Badge,
  Button,
  Checkbox,
  ConfirmDialog,
  Dialog,
  EmptyState,
  Icon,
  Pager,
  Select,
  Spinner,
  Table,
  TextField,
  errorText,
  otherFieldErrors,
  toast,
} from '../ui.js';
import { PhotoEditor, departmentText, memberName, memberReading } from './contacts.js';
import {
  AccessReviewSection,
  AlertsSection,
  DeletedSection,
  ImportDialog,
  ResetLinkDialog,
  RolesSection,
  StatisticsSection,
} from './admin-console.js';
import { SecuritySection } from './admin-security.js';
import { MailAdminSection } from './admin-mail.js';
import { OrganisationSection } from './admin-org.js';
import { TalkExportCard } from './admin-talk-export.js';
import { BOT_ADMIN_ROLES, TalkBotsSection } from './admin-talk-bots.js';
import { MemberExportButton, PrivacySection } from './privacy.js';

const PAGE_SIZE = 20;
const STATUSES = ['active', 'suspended'];
const ASSIGNABLE_ROLES = ['super_admin', 'member_admin', 'security_admin', 'auditor'];

// Grouped so that the row breaks between groups (never inside one) when it does not fit.
const TAB_GROUPS = [
  ['people', ['members', 'deleted', 'org', 'roles']],
  ['protection', ['security', 'review', 'alerts', 'audit', 'privacy']],
  ['services', ['statistics', 'mail', 'bots']],
];
const TABS = TAB_GROUPS.flatMap(([, ids]) => ids);

export function AdminPage({ me, tab }) {
  const mayManageBots = (me?.roles || []).some((r) => BOT_ADMIN_ROLES.includes(r));
  const tabs = TABS.filter((id) => id !== 'bots' || mayManageBots);
  const current = tabs.includes(tab) ? tab : 'members';
  return html`<div class="page">
    <h1 class="page-title">${t('admin.title')}</h1>
    <nav class="tabs admin-tabs" aria-label=${t('admin.title')} data-testid="admin-tabs">
      ${TAB_GROUPS.map(
        ([group, ids]) => html`<div class="admin-tab-group" role="group" aria-label=${t('admin.group.' + group)} key=${group}>
          ${ids
            .filter((id) => tabs.includes(id))
            .map(
              (id) => html`<a
                key=${id}
                href=${'#/admin/' + id}
                class=${cx('tab', current === id && 'active')}
                aria-current=${current === id ? 'page' : undefined}
                >${t('admin.' + id)}</a
              >`,
            )}
        </div>`,
      )}
    </nav>
    ${current === 'mail'
      ? html`<${MailAdminSection} />`
      : current === 'bots'
      ? html`<${TalkBotsSection} />`
      : current === 'audit'
      ? html`<${AuditSection} />${(me?.roles || []).includes('super_admin') && html`<${TalkExportCard} />`}`
      : current === 'deleted'
        ? html`<${DeletedSection} />`
        : current === 'org'
          ? html`<${OrganisationSection} />`
        : current === 'roles'
          ? html`<${RolesSection} />`
          : current === 'review'
            ? html`<${AccessReviewSection} />`
            : current === 'alerts'
              ? html`<${AlertsSection} />`
              : current === 'security'
                ? html`<${SecuritySection} />`
                : current === 'statistics'
                  ? html`<${StatisticsSection} />`
                  : current === 'privacy'
                    ? html`<${PrivacySection} />`
                    : html`<${MembersSection} me=${me} />`}
  </div>`;
}

function statusBadge(raw) {
  // The API writes statuses as enum names (ACTIVE) but filters by codes (active).
  const status = String(raw || '').toLowerCase();
  const tone = status === 'active' ? 'success' : status === 'suspended' ? 'warning' : status === 'locked' ? 'danger' : 'neutral';
  const key = 'members.status.' + status;
  const label = t(key);
  return html`<${Badge} tone=${tone}>${label === key ? status : label}<//>`;
}

function roleLabel(r) {
  const key = 'role.' + r;
  const label = t(key);
  return label === key ? r : label;
}

function MembersSection({ me }) {
  const [q, setQ] = useState('');
  const [status, setStatus] = useState('');
  const [page, setPage] = useState(0);
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [creating, setCreating] = useState(false);
  const [confirm, setConfirm] = useState(null); // {kind:'delete'|'suspend', member}
  const [importing, setImporting] = useState(false);
  const [resetLink, setResetLink] = useState(null);
  const [photoOf, setPhotoOf] = useState(null);
  const [tick, setTick] = useState(0);
  const reload = () => setTick(tick + 1);

  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(async () => {
      try {
        const body = await api.get('/api/v1/admin/members' + query({ q: q.trim(), status, page, size: PAGE_SIZE }));
        if (!cancelled) {
          setData(body);
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
  }, [q, status, page, tick]);

  const act = async (m, action) => {
    try {
      await api.post(`/api/v1/admin/members/${encodeURIComponent(m.id)}/${action}`, {});
      toast(t(action === 'suspend' ? 'members.suspended' : 'members.resumed', { name: memberName(m) }));
      reload();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };

  const createResetLink = async (m) => {
    try {
      setResetLink(await api.post(`/api/v1/admin/members/${encodeURIComponent(m.id)}/password-reset-link`, {}));
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };

  const resetMfa = async (m) => {
    try {
      await api.post(`/api/v1/admin/members/${encodeURIComponent(m.id)}/mfa-reset`, {});
      toast(t('members.mfaResetDone', { name: memberName(m) }));
      reload();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };

  const remove = async (m, handTo) => {
    try {
      await api.del(`/api/v1/admin/members/${encodeURIComponent(m.id)}${handTo ? '?handTo=' + encodeURIComponent(handTo) : ''}`);
      toast(t('members.deleted', { name: memberName(m) }));
      setConfirm(null);
      reload();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  };

  const rows = data?.items || [];
  return html`<div class="stack">
    <div class="toolbar" role="search">
      <label class="search">
        <${Icon} name="search" />
        <span class="sr-only">${t('common.search')}</span>
        <input
          class="input"
          type="search"
          name="q"
          placeholder=${t('members.search')}
          value=${q}
          onInput=${(e) => {
            setQ(e.currentTarget.value);
            setPage(0);
          }}
        />
      </label>
      <label class="inline-select">
        <span class="sr-only">${t('members.status')}</span>
        <select
          class="input select"
          name="status"
          value=${status}
          onChange=${(e) => {
            setStatus(e.currentTarget.value);
            setPage(0);
          }}
        >
          <option value="">${t('members.status')}: ${t('common.all')}</option>
          ${STATUSES.map((s) => html`<option value=${s} selected=${s === status}>${t('members.status.' + s)}</option>`)}
        </select>
      </label>
      <span class="toolbar-spacer"></span>
      <a class="btn btn-secondary" href="/api/v1/admin/members/export" download>${t('export.csv')}</a>
      <${Button} kind="secondary" onClick=${() => setImporting(true)} data-testid="import-members">${t('import.title')}<//>
      <${Button} onClick=${() => setCreating(true)} data-testid="add-member"><${Icon} name="plus" />${t('members.add')}<//>
    </div>
    ${error && html`<${Alert}>${errorText(error)}<//>`}
    ${data === null && !error
      ? html`<${Spinner} />`
      : html`<${Table}
          caption=${t('admin.members')}
          rows=${rows}
          empty=${html`<${EmptyState} icon="contacts" title=${t('members.empty')} />`}
          columns=${[
            {
              key: 'name',
              label: t('members.name'),
              render: (m) => html`<div class="person" data-member=${m.loginId}>
                <span class="avatar" aria-hidden="true">${memberName(m).slice(0, 1)}</span>
                <span>
                  <span class="person-name">${memberName(m)}</span>
                  ${memberReading(m) && html`<span class="person-sub">${memberReading(m)}</span>`}
                  ${departmentText(m) && html`<span class="person-sub">${departmentText(m)}</span>`}
                </span>
              </div>`,
            },
            { key: 'loginId', label: t('members.loginId'), render: (m) => html`<span class="mono">${m.loginId}</span>` },
            { key: 'status', label: t('members.status'), render: (m) => statusBadge(m.status) },
            {
              key: 'roles',
              label: t('members.roles'),
              render: (m) =>
                (m.roles || [])
                  .filter((r) => r !== 'member')
                  .map((r) => html`<${Badge} key=${r} tone="info">${roleLabel(r)}<//> `),
            },
            {
              key: 'mfa',
              label: t('members.mfa'),
              render: (m) => (m.mfaEnabled ? html`<${Badge} tone="success">${t('mfa.on')}<//>` : html`<${Badge}>${t('mfa.off')}<//>`),
            },
            { key: 'lastLoginAt', label: t('members.lastLogin'), render: (m) => formatDateTime(m.lastLoginAt) },
            {
              key: 'actions',
              label: t('members.actions'),
              class: 'cell-actions',
              render: (m) =>
                m.id === me.id
                  ? ''
                  : html`<div class="row row-tight">
                      ${String(m.status).toLowerCase() === 'suspended'
                        ? html`<${Button} kind="secondary" size="small" onClick=${() => act(m, 'resume')}>${t('members.resume')}<//>`
                        : html`<${Button} kind="secondary" size="small" onClick=${() => setConfirm({ kind: 'suspend', member: m })}>${t('members.suspend')}<//>`}
                      <${Button} kind="ghost" size="small" onClick=${() => createResetLink(m)} data-testid="reset-link-button">${t('members.resetLink')}<//>
                      ${m.mfaEnabled && html`<${Button} kind="ghost" size="small" onClick=${() => resetMfa(m)}>${t('members.mfaReset')}<//>`}
                      ${String(m.status).toLowerCase() === 'active' &&
                      html`<${Button} kind="ghost" size="small" onClick=${() => setPhotoOf(m)} data-testid="member-photo-button">${t('ab.photo')}<//>`}
                      <${MemberExportButton} member=${m} />
                      <${Button} kind="ghost" size="small" class="text-danger" onClick=${() => setConfirm({ kind: 'delete', member: m })}>${t('members.delete')}<//>
                    </div>`,
            },
          ]}
        />`}
    ${data && html`<${Pager} page=${data.page ?? page} size=${data.size ?? PAGE_SIZE} total=${data.total ?? rows.length} onPage=${setPage} />`}
    <${ImportDialog} open=${importing} onClose=${() => setImporting(false)} onImported=${reload} />
    <${ResetLinkDialog} link=${resetLink} onClose=${() => setResetLink(null)} />
    <${Dialog} open=${!!photoOf} title=${photoOf ? t('ab.photo') + ' — ' + memberName(photoOf) : ''} onClose=${() => setPhotoOf(null)}>
      ${photoOf && html`<${PhotoEditor} key=${photoOf.id} memberId=${photoOf.id} />`}
    <//>
    <${CreateMemberDialog}
      open=${creating}
      domain=${me.company?.domain || ''}
      onClose=${() => setCreating(false)}
      onCreated=${(m, name) => {
        setCreating(false);
        toast(t('members.created', { name }));
        reload();
      }}
    />
    <${ConfirmDialog}
      open=${!!confirm}
      title=${confirm?.kind === 'delete' ? t('members.deleteTitle') : t('members.suspendTitle')}
      message=${confirm
        ? t(confirm.kind === 'delete' ? 'members.deleteConfirm' : 'members.suspendConfirm', {
            name: memberName(confirm.member),
            loginId: confirm.member.loginId,
          })
        : ''}
      confirmLabel=${confirm?.kind === 'delete' ? t('members.delete') : t('members.suspend')}
      danger
      onClose=${() => setConfirm(null)}
      children=${confirm?.kind === 'delete' &&
      html`<${HandOverPicker} member=${confirm.member} value=${confirm.handTo || ''} onValue=${(v) => setConfirm({ ...confirm, handTo: v })} />`}
      onConfirm=${async () => {
        if (confirm.kind === 'delete') await remove(confirm.member, confirm.handTo);
        else {
          await act(confirm.member, 'suspend');
          setConfirm(null);
        }
      }}
    />
  </div>`;
}

/** The colleague who takes over a deleted member's drive, calendars and rooms (optional). */
function HandOverPicker({ member, value, onValue }) {
  const [options, setOptions] = useState(null);
  useEffect(() => {
    let live = true;
    api
      .get('/api/v1/admin/members' + query({ status: 'active', size: 200 }))
      .then((r) => live && setOptions((r.items || []).filter((m) => m.id !== member.id)))
      .catch(() => live && setOptions([]));
    return () => {
      live = false;
    };
  }, [member.id]);
  return html`<div class="field">
    <label class="field-label" for="hand-to">${t('members.handTo')}</label>
    <select id="hand-to" class="input" value=${value} onChange=${(e) => onValue(e.currentTarget.value)} data-testid="hand-to" disabled=${options === null}>
      <option value="">${t('members.handToNone')}</option>
      ${(options || []).map((m) => html`<option key=${m.id} value=${m.id}>${memberName(m)} (${m.loginId})</option>`)}
    </select>
  </div>`;
}

const EMPTY_MEMBER = {
  loginId: '',
  password: '',
  displayName: '',
  familyName: '',
  givenName: '',
  familyNameReading: '',
  givenNameReading: '',
  email: '',
  phone: '',
  roles: [],
  departmentId: '',
  position: '',
};
const MEMBER_FIELDS = [...Object.keys(EMPTY_MEMBER), 'departments'];

function CreateMemberDialog({ open, domain, onClose, onCreated }) {
  const [form, setForm] = useState(EMPTY_MEMBER);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [departments, setDepartments] = useState([]);
  // A layout effect: it runs before anyone can type into the opened dialog, so it never
  // resets what was already entered.
  useLayoutEffect(() => {
    if (open) {
      setForm(EMPTY_MEMBER);
      setError(null);
      api
        .get('/api/v1/directory/departments')
        .then((list) => setDepartments(Array.isArray(list) ? list : []))
        .catch(() => setDepartments([]));
    }
  }, [open]);
  const set = (k) => (v) => setForm({ ...form, [k]: v });
  const fe = error?.fieldErrors ? error.fieldErrors() : {};
  const others = otherFieldErrors(error, MEMBER_FIELDS);

  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = {};
    for (const [k, v] of Object.entries(form)) {
      if (k === 'roles') body.roles = v;
      else if (k === 'password') body.password = v;
      else if (k === 'departmentId' || k === 'position') continue;
      else if (v.trim()) body[k] = v.trim();
    }
    if (form.departmentId) {
      body.departments = [{ departmentId: form.departmentId, position: form.position.trim() || null, primary: true }];
    }
    if (!body.displayName && (body.familyName || body.givenName)) {
      body.displayName = [body.familyName, body.givenName].filter(Boolean).join(' ');
    }
    const name = body.displayName || body.loginId;
    try {
      const created = await api.post('/api/v1/admin/members', body);
      onCreated(created, name);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return html`<${Dialog} open=${open} title=${t('members.add')} onClose=${onClose} wide>
    <form class="stack" onSubmit=${submit} novalidate data-testid="create-member">
      ${error && (others.length > 0 || Object.keys(fe).length === 0) &&
      html`<${Alert}>${errorText(error)}${others.map((m) => html`<br />${m}`)}<//>`}
      <div class="grid-2">
        <${TextField} label=${t('members.familyName')} name="familyName" value=${form.familyName} onValue=${set('familyName')} error=${fe.familyName} required />
        <${TextField} label=${t('members.givenName')} name="givenName" value=${form.givenName} onValue=${set('givenName')} error=${fe.givenName} required />
        <${TextField} label=${t('members.familyNameReading')} name="familyNameReading" value=${form.familyNameReading} onValue=${set('familyNameReading')} error=${fe.familyNameReading} />
        <${TextField} label=${t('members.givenNameReading')} name="givenNameReading" value=${form.givenNameReading} onValue=${set('givenNameReading')} error=${fe.givenNameReading} />
      </div>
      <${TextField}
        label=${t('members.displayName')}
        name="displayName"
        hint=${t('members.displayNameHint')}
        value=${form.displayName}
        onValue=${set('displayName')}
        error=${fe.displayName}
      />
      <${TextField}
        label=${t('members.loginId')}
        name="loginId"
        value=${form.loginId}
        onValue=${set('loginId')}
        suffix=${domain ? '@' + domain : undefined}
        error=${fe.loginId}
        autocapitalize="off"
        spellcheck="false"
        autocomplete="off"
        required
      />
      <${TextField}
        label=${t('members.password')}
        name="password"
        type="password"
        hint=${t('setup.passwordHint')}
        value=${form.password}
        onValue=${set('password')}
        error=${fe.password}
        autocomplete="new-password"
        required
      />
      <div class="grid-2">
        <${TextField} label=${t('members.email')} name="email" type="email" value=${form.email} onValue=${set('email')} error=${fe.email} />
        <${TextField} label=${t('members.phone')} name="phone" type="tel" value=${form.phone} onValue=${set('phone')} error=${fe.phone} />
      </div>
      ${departments.length > 0 &&
      html`<div class="grid-2">
        <${Select}
          label=${t('members.department')}
          name="departmentId"
          value=${form.departmentId}
          onValue=${set('departmentId')}
          error=${fe.departments}
          options=${[{ value: '', label: t('members.noDepartment') }, ...departments.map((d) => ({ value: d.id, label: d.name }))]}
        />
        <${TextField} label=${t('members.position')} name="position" value=${form.position} onValue=${set('position')} disabled=${!form.departmentId} />
      </div>`}
      <fieldset class="fieldset">
        <legend class="field-label">${t('members.roles')}</legend>
        <div class="row">
          ${ASSIGNABLE_ROLES.map(
            (r) => html`<${Checkbox}
              key=${r}
              label=${roleLabel(r)}
              name=${'role-' + r}
              checked=${form.roles.includes(r)}
              onValue=${(on) => setForm({ ...form, roles: on ? [...form.roles, r] : form.roles.filter((x) => x !== r) })}
            />`,
          )}
        </div>
        ${fe.roles && html`<p class="field-error">${fe.roles}</p>`}
      </fieldset>
      <div class="row row-end">
        <${Button} kind="secondary" onClick=${onClose}>${t('common.cancel')}<//>
        <${Button} type="submit" busy=${busy}>${t('common.create')}<//>
      </div>
    </form>
  <//>`;
}

// The actions the server's audit catalogue knows (AuditAction); the API filters by exact name.
const AUDIT_ACTIONS = `LOGIN_SUCCEEDED LOGIN_FAILED LOGIN_LOCKED LOGOUT MFA_SUCCEEDED MFA_FAILED TOTP_ENABLED
  TOTP_DISABLED RECOVERY_CODES_GENERATED RECOVERY_CODE_USED PASSKEY_REGISTERED PASSKEY_REMOVED
  PASSKEY_LOGIN_SUCCEEDED PASSWORD_CHANGED PASSWORD_RESET SESSION_CREATED SESSION_REVOKED TOKEN_CREATED
  TOKEN_REVOKED ACCESS_DENIED_IP COMPANY_CREATED MEMBER_CREATED MEMBER_UPDATED MEMBER_SUSPENDED MEMBER_RESUMED
  MEMBER_DELETED ROLE_GRANTED ROLE_REVOKED DEPARTMENT_CREATED DEPARTMENT_UPDATED DEPARTMENT_DELETED
  POLICY_CHANGED ADMIN_SCOPE_REFUSED ADMIN_SCOPE_SET CUSTOM_ROLE_CREATED CUSTOM_ROLE_UPDATED CUSTOM_ROLE_DELETED
  CUSTOM_ROLE_ASSIGNED MEMBER_RESTORED MEMBER_PURGED PASSWORD_RESET_LINK_CREATED ALERT_ACKNOWLEDGED MEMBERS_IMPORTED
  MEMBERS_EXPORTED DEPARTMENT_MERGED ACCESS_REVIEW_STARTED ACCESS_REVIEW_SIGNED_OFF ACCESS_REVIEW_REVOKED
  ACCESS_REVIEW_CLOSED ALERT_SETTINGS_CHANGED INCIDENT_REPORTED MFA_RESET_BY_ADMIN REAUTHENTICATED
  REAUTHENTICATION_FAILED AUDIT_EXPORTED AUDIT_VERIFIED`.split(/\s+/);

function outcomeBadge(raw) {
  const o = String(raw || '').toLowerCase();
  const key = 'audit.outcome.' + o;
  return html`<${Badge} tone=${o === 'success' ? 'success' : 'danger'}>${t(key) === key ? raw : t(key)}<//>`;
}

function detailText(detail) {
  if (!detail) return '';
  if (typeof detail === 'string') return detail;
  return Object.entries(detail)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

function AuditSection() {
  const [action, setAction] = useState('');
  const [outcome, setOutcome] = useState('');
  const [page, setPage] = useState(0);
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [verify, setVerify] = useState(null);
  const [verifying, setVerifying] = useState(false);

  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(async () => {
      try {
        const body = await api.get('/api/v1/admin/audit' + query({ page, size: 50, action, outcome }));
        if (!cancelled) {
          setData(body);
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
  }, [action, outcome, page]);

  const runVerify = async () => {
    setVerifying(true);
    try {
      setVerify(await api.post('/api/v1/admin/audit/verify', {}));
    } catch (err) {
      toast(errorText(err), 'error');
    } finally {
      setVerifying(false);
    }
  };

  const rows = data?.items || [];
  return html`<div class="stack">
    <div class="toolbar">
      <label class="inline-select">
        <span class="sr-only">${t('audit.actionFilter')}</span>
        <select
          class="input select"
          name="action"
          value=${action}
          onChange=${(e) => {
            setAction(e.currentTarget.value);
            setPage(0);
          }}
        >
          <option value="">${t('audit.action')}: ${t('common.all')}</option>
          ${AUDIT_ACTIONS.map((a) => html`<option value=${a} selected=${a === action}>${a}</option>`)}
        </select>
      </label>
      <label class="inline-select">
        <span class="sr-only">${t('audit.outcome')}</span>
        <select
          class="input select"
          name="outcome"
          value=${outcome}
          onChange=${(e) => {
            setOutcome(e.currentTarget.value);
            setPage(0);
          }}
        >
          <option value="">${t('audit.outcome')}: ${t('common.all')}</option>
          ${['success', 'failure'].map((o) => html`<option value=${o} selected=${o === outcome}>${t('audit.outcome.' + o)}</option>`)}
        </select>
      </label>
      <span class="toolbar-spacer"></span>
      <${Button} kind="secondary" busy=${verifying} onClick=${runVerify} data-testid="audit-verify"><${Icon} name="shield" />${t('audit.verify')}<//>
      <a class="btn btn-secondary" href=${'/api/v1/admin/audit/export' + query({ action, outcome })} download>${t('audit.export')}</a>
    </div>
    ${verify &&
    html`<${Alert} tone=${verify.valid ? 'success' : 'error'}>
      ${verify.valid
        ? t('audit.valid', { n: verify.checked })
        : t('audit.broken', { seq: verify.firstBrokenSeq ?? '?', reason: verify.reason || '' })}
    <//>`}
    ${error && html`<${Alert}>${errorText(error)}<//>`}
    ${data === null && !error
      ? html`<${Spinner} />`
      : html`<${Table}
          caption=${t('admin.audit')}
          rows=${rows}
          empty=${html`<${EmptyState} icon="shield" title=${t('audit.empty')} />`}
          columns=${[
            { key: 'seq', label: '#', class: 'mono' },
            { key: 'occurredAt', label: t('audit.time'), render: (r) => formatDateTime(r.occurredAt) },
            {
              key: 'action',
              label: t('audit.action'),
              render: (r) => html`<span class="mono">${r.action}</span>${r.actionCode != null && html` <span class="muted">(${r.actionCode})</span>`}`,
            },
            {
              key: 'outcome',
              label: t('audit.outcome'),
              render: (r) => outcomeBadge(r.outcome),
            },
            { key: 'actorLogin', label: t('audit.actor') },
            { key: 'target', label: t('audit.target'), render: (r) => [r.targetType, r.targetId].filter(Boolean).join(' ') },
            {
              key: 'ip',
              label: t('audit.ip'),
              class: 'mono',
              render: (r) => (r.detail && r.detail.country ? `${r.ip} (${r.detail.country})` : r.ip),
            },
            {
              key: 'detail',
              label: t('audit.detail'),
              render: (r) => html`<span class="detail">${detailText(r.detail)}</span>`,
            },
          ]}
          rowKey=${(r) => r.id ?? r.seq}
        />`}
    ${data && html`<${Pager} page=${data.page ?? page} size=${data.size ?? 50} total=${data.total ?? rows.length} onPage=${setPage} />`}
  </div>`;
}
