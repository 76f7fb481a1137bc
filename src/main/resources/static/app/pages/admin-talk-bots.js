// Admin console › Talk bots: register bots (the token and signing secret are shown once), set their
// icons, delete them and read their delivery log (status, attempts, time; never message text).
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, csrfHeaders, refreshCsrf } from '../api.js';
import { addMessages, formatDateTime, t } from '../i18n.js';
import { html, Alert, Badge, Button, Card, ConfirmDialog, EmptyState, Spinner, Table, TextField, errorText, toast } from '../ui.js';
import { botIconUrl } from './talk.js';

addMessages({
  ja: {
    'admin.bots': 'トークBot',
    'bots.title': 'トークBot',
    'bots.intro': 'ボットはトークにメッセージやボタンを送り、メンバーの返信やボタン操作を署名付きでコールバックURLに受け取ります。',
    'bots.name': 'ボットの名前',
    'bots.callbackUrl': 'コールバックURL',
    'bots.create': 'ボットを作成',
    'bots.created': 'ボット「{name}」を作成しました',
    'bots.once': 'トークンと署名シークレットは今だけ表示されます。安全な場所に保管してください。',
    'bots.token': 'APIトークン (Authorization: Bot …)',
    'bots.secret': '署名シークレット (X-Musubi-Signature)',
    'bots.copy': 'コピー',
    'bots.copied': 'コピーしました',
    'bots.none': 'ボットはまだありません',
    'bots.icon': 'アイコン',
    'bots.iconChoose': 'アイコンを選ぶ',
    'bots.iconRemove': 'アイコンを外す',
    'bots.iconSaved': 'アイコンを保存しました',
    'bots.createdAt': '作成日時',
    'bots.actions': '操作',
    'bots.deliveries': '配信ログ',
    'bots.hideDeliveries': '配信ログを閉じる',
    'bots.delete': '削除',
    'bots.deleteConfirm': 'ボット「{name}」を削除しますか。トークンは使えなくなり、トークから外れます。',
    'bots.deleted': 'ボットを削除しました',
    'bots.noDeliveries': '配信はまだありません',
    'bots.event': '種類',
    'bots.status': '状態',
    'bots.attempts': '試行回数',
    'bots.time': '日時',
    'bots.lastError': '最後のエラー',
    'bots.event.message': 'メッセージ',
    'bots.event.postback': 'ボタン操作',
    'bots.status.pending': '送信待ち',
    'bots.status.delivered': '配信済み',
    'bots.status.failed': '失敗',
    'bots.status.dropped': '中止',
  },
  en: {
    'admin.bots': 'Talk bots',
    'bots.title': 'Talk bots',
    'bots.intro': 'Bots post messages and buttons in talks and receive members’ answers and button presses, signed, at their callback URL.',
    'bots.name': 'Bot name',
    'bots.callbackUrl': 'Callback URL',
    'bots.create': 'Create bot',
    'bots.created': 'Bot “{name}” created',
    'bots.once': 'The token and the signing secret are shown only now. Keep them somewhere safe.',
    'bots.token': 'API token (Authorization: Bot …)',
    'bots.secret': 'Signing secret (X-Musubi-Signature)',
    'bots.copy': 'Copy',
    'bots.copied': 'Copied',
    'bots.none': 'No bots yet',
    'bots.icon': 'Icon',
    'bots.iconChoose': 'Choose icon',
    'bots.iconRemove': 'Remove icon',
    'bots.iconSaved': 'Icon saved',
    'bots.createdAt': 'Created',
    'bots.actions': 'Actions',
    'bots.deliveries': 'Delivery log',
    'bots.hideDeliveries': 'Hide delivery log',
    'bots.delete': 'Delete',
    'bots.deleteConfirm': 'Delete the bot “{name}”? Its token stops working and it leaves every talk.',
    'bots.deleted': 'Bot deleted',
    'bots.noDeliveries': 'No deliveries yet',
    'bots.event': 'Event',
    'bots.status': 'Status',
    'bots.attempts': 'Attempts',
    'bots.time': 'Time',
    'bots.lastError': 'Last error',
    'bots.event.message': 'Message',
    'bots.event.postback': 'Button press',
    'bots.status.pending': 'Pending',
    'bots.status.delivered': 'Delivered',
    'bots.status.failed': 'Failed',
    'bots.status.dropped': 'Dropped',
  },
});

/** Roles that may manage bots (the server checks the same). */
export const BOT_ADMIN_ROLES = ['super_admin', 'member_admin'];

const label = (key, fallback) => {
  const text = t(key);
  return text === key ? fallback : text;
};

export function TalkBotsSection() {
  const [bots, setBots] = useState(null);
  const [error, setError] = useState(null);
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [fieldErrors, setFieldErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState(null);
  const [deleting, setDeleting] = useState(null);
  const [open, setOpen] = useState(null);
  const load = () => api.get('/api/v1/admin/talk-bots').then(setBots, setError);
  useEffect(() => {
    load();
  }, []);

  const create = async (e) => {
    e.preventDefault();
    setBusy(true);
    setFieldErrors({});
    setError(null);
    try {
      const bot = await api.post('/api/v1/admin/talk-bots', { name: name.trim(), callbackUrl: url.trim() });
      setCreated(bot);
      setName('');
      setUrl('');
      toast(t('bots.created', { name: bot.name }));
      load();
    } catch (err) {
      if (err instanceof ApiError && err.errors.length) setFieldErrors(err.fieldErrors());
      else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    const bot = deleting;
    try {
      await api.del(`/api/v1/admin/talk-bots/${encodeURIComponent(bot.id)}`);
      toast(t('bots.deleted'));
      if (open === bot.id) setOpen(null);
      load();
    } catch (err) {
      toast(errorText(err), 'error');
    } finally {
      setDeleting(null);
    }
  };

  return html`<div class="stack" data-testid="talk-bots">
    <${Card} title=${t('bots.title')}>
      <p class="person-sub">${t('bots.intro')}</p>
      <form class="bots-form" onSubmit=${create}>
        <${TextField} label=${t('bots.name')} value=${name} onValue=${setName} maxlength="100" error=${fieldErrors.name} data-testid="bot-name" />
        <${TextField} label=${t('bots.callbackUrl')} value=${url} onValue=${setUrl} maxlength="2000" placeholder="https://" error=${fieldErrors.callbackUrl} data-testid="bot-callback" />
        <${Button} type="submit" busy=${busy} disabled=${!name.trim() || !url.trim()} data-testid="bot-create">${t('bots.create')}<//>
      </form>
      ${created &&
      html`<div class="bots-secrets" data-testid="bot-secrets">
        <${Alert} tone="warning">${t('bots.once')}<//>
        <${Secret} label=${t('bots.token')} value=${created.token} testid="bot-token" />
        <${Secret} label=${t('bots.secret')} value=${created.secret} testid="bot-secret" />
      </div>`}
    <//>
    ${error && html`<${Alert}>${errorText(error)}<//>`}
    ${bots === null && !error
      ? html`<${Spinner} />`
      : html`<${Table}
          caption=${t('bots.title')}
          rows=${bots || []}
          empty=${html`<${EmptyState} icon="talk" title=${t('bots.none')} />`}
          columns=${[
            { label: t('bots.icon'), render: (b) => html`<${BotIcon} bot=${b} onChanged=${load} />` },
            { label: t('bots.name'), render: (b) => html`<span data-bot-name=${b.id}>${b.name}</span>` },
            { label: t('bots.callbackUrl'), render: (b) => html`<code class="bots-url">${b.callbackUrl}</code>` },
            { label: t('bots.createdAt'), render: (b) => formatDateTime(b.createdAt) },
            {
              label: t('bots.actions'),
              render: (b) => html`<div class="row-actions">
                <${Button} kind="secondary" size="small" onClick=${() => setOpen(open === b.id ? null : b.id)} data-testid=${'bot-deliveries-' + b.id}>
                  ${open === b.id ? t('bots.hideDeliveries') : t('bots.deliveries')}
                <//>
                <${Button} kind="ghost" size="small" onClick=${() => setDeleting(b)} data-testid=${'bot-delete-' + b.id}>${t('bots.delete')}<//>
              </div>`,
            },
          ]}
        />`}
    ${open && html`<${Deliveries} bot=${(bots || []).find((b) => b.id === open)} />`}
    <${ConfirmDialog}
      open=${deleting !== null}
      title=${t('bots.delete')}
      message=${deleting ? t('bots.deleteConfirm', { name: deleting.name }) : ''}
      confirmLabel=${t('bots.delete')}
      danger
      onConfirm=${remove}
      onClose=${() => setDeleting(null)}
    />
  </div>`;
}

function Secret({ label: text, value, testid }) {
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      toast(t('bots.copied'));
    } catch {
      toast(errorText(new ApiError({ status: 0 })), 'error');
    }
  };
  return html`<div class="bots-secret">
    <span class="person-sub">${text}</span>
    <div class="bots-secret-row">
      <code data-testid=${testid}>${value}</code>
      <${Button} kind="secondary" size="small" onClick=${copy} data-testid=${testid + '-copy'}>${t('bots.copy')}<//>
    </div>
  </div>`;
}

function BotIcon({ bot, onChanged }) {
  const [busy, setBusy] = useState(false);
  const path = `/api/v1/admin/talk-bots/${encodeURIComponent(bot.id)}/icon`;
  const upload = async (file) => {
    if (!file) return;
    setBusy(true);
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
      toast(t('bots.iconSaved'));
      onChanged();
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError({ status: 0 });
      toast(err.fieldErrors().icon || errorText(err), 'error');
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    setBusy(true);
    try {
      await api.del(path);
      onChanged();
    } catch (e) {
      toast(errorText(e), 'error');
    } finally {
      setBusy(false);
    }
  };
  return html`<div class="bots-icon">
    ${bot.icon
      ? html`<img class="avatar avatar-img" src=${botIconUrl(bot.id, bot.icon)} alt="" data-testid=${'bot-icon-' + bot.id} />`
      : html`<span class="avatar" aria-hidden="true">${bot.name.slice(0, 1)}</span>`}
    <label class="btn btn-secondary btn-small">
      ${t('bots.iconChoose')}
      <input type="file" class="sr-only" accept="image/jpeg,image/png,image/gif" disabled=${busy} onChange=${(e) => upload(e.currentTarget.files?.[0])} data-testid=${'bot-icon-input-' + bot.id} />
    </label>
    ${bot.icon && html`<${Button} kind="ghost" size="small" busy=${busy} onClick=${remove}>${t('bots.iconRemove')}<//>`}
  </div>`;
}

function Deliveries({ bot }) {
  const [rows, setRows] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    if (!bot) return;
    setRows(null);
    api.get(`/api/v1/admin/talk-bots/${encodeURIComponent(bot.id)}/deliveries`).then(setRows, setError);
  }, [bot?.id]);
  if (!bot) return null;
  const tone = (s) => (s === 'delivered' ? 'success' : s === 'failed' ? 'danger' : s === 'pending' ? 'warning' : 'neutral');
  return html`<${Card} title=${t('bots.deliveries') + ' · ' + bot.name}>
    ${error && html`<${Alert}>${errorText(error)}<//>`}
    ${rows === null && !error
      ? html`<${Spinner} />`
      : html`<div data-testid="bot-deliveries">
          <${Table}
            caption=${t('bots.deliveries')}
            rows=${rows || []}
            empty=${html`<p class="person-sub">${t('bots.noDeliveries')}</p>`}
            columns=${[
              { label: t('bots.time'), render: (d) => formatDateTime(d.createdAt) },
              { label: t('bots.event'), render: (d) => label('bots.event.' + d.event, d.event) },
              { label: t('bots.status'), render: (d) => html`<${Badge} tone=${tone(d.status)}>${label('bots.status.' + d.status, d.status)}<//>` },
              { label: t('bots.attempts'), render: (d) => String(d.attempts) },
              { label: t('bots.lastError'), render: (d) => d.lastError || '' },
            ]}
          />
        </div>`}
  <//>`;
}
