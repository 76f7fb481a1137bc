// Talk: the room list, a room's messages and the composer, kept live over the /api/v1/events socket.
// Every message, name and preview is rendered as text; the only server HTML inserted anywhere is a
// search highlight, and only after checking that it holds no tag but <mark>.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, api, csrfHeaders, query, refreshCsrf } from '../api.js';
import { addMessages, formatBytes as formatSize, lang, t } from '../i18n.js';
import { html, cx, Alert, Button, Checkbox, ConfirmDialog, Dialog, EmptyState, Icon, Select, Spinner, TextField, errorText, navigate, toast } from '../ui.js';
import { Avatar, memberName, photoUrl } from './contacts.js';

export const REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏', '✅'];
const PAGE = 50;
const TYPING_EVERY_MS = 3000;
const TYPING_SHOWN_MS = 5000;

addMessages({
  ja: {
    'talk.settings': 'トーク設定',
    'talk.settingsSaved': 'トーク設定を保存しました',
    'talk.editWindow': '編集できる期間',
    'talk.recallWindow': '送信取消できる期間',
    'talk.hours1': '1時間',
    'talk.hours24': '24時間',
    'talk.readByVisible': '既読者の一覧を表示する',
    'talk.attachmentMax': '添付ファイルの上限 (MB)',
    'talk.readers': '既読者',
    'talk.readBy': '既読',
    'talk.notReadBy': '未読',
    'talk.nobody': 'なし',
    'talk.forward': '転送',
    'talk.forwardTo': '転送先のトーク',
    'talk.forwarded': '転送されたメッセージ',
    'talk.forwardDone': '転送しました',
    'talk.pin': 'ピン留め',
    'talk.unpinMessage': 'ピン留めを外す',
    'talk.pinnedCount': 'ピン留め {n}件',
    'talk.pinnedMark': 'ピン留め中',
    'talk.archive': 'アーカイブ',
    'talk.unarchive': 'アーカイブから戻す',
    'talk.archived': 'アーカイブ済み',
    'talk.showArchived': 'アーカイブ済みを表示',
    'talk.hideArchived': 'トーク一覧に戻る',
    'talk.archiveDone': 'アーカイブしました',
    'talk.noArchived': 'アーカイブ済みのトークはありません',
    'talk.stickers': 'スタンプ',
    'talk.stickerPreview': '[スタンプ]',
    'talk.sticker': 'スタンプ: {name}',
    'talk.enableNotifications': '通知を有効にする',
    'talk.notificationSticker': 'スタンプが届きました',
    'talk.webhooks': '受信Webhook',
    'talk.webhookName': 'Webhookの名前',
    'talk.webhookCreate': '作成',
    'talk.webhookUrl': 'このURLにPOSTするとトークに投稿されます。URLは今だけ表示されます。',
    'talk.webhookDelete': '削除',
    'talk.noWebhooks': 'Webhookはありません',
    'talk.newDepartment': '部署トーク',
    'talk.department': '部署',
    'talk.includeSub': '下位の部署のメンバーも含める',
    'talk.nameOptional': 'トーク名 (省略時は部署名)',
    'talk.departmentHint': 'メンバーは部署の所属に合わせて自動で入れ替わります。',
  },
  en: {
    'talk.settings': 'Talk settings',
    'talk.settingsSaved': 'Talk settings saved',
    'talk.editWindow': 'Edit allowed for',
    'talk.recallWindow': 'Unsend allowed for',
    'talk.hours1': '1 hour',
    'talk.hours24': '24 hours',
    'talk.readByVisible': 'Show who has read a message',
    'talk.attachmentMax': 'Attachment size limit (MB)',
    'talk.readers': 'Read by',
    'talk.readBy': 'Read',
    'talk.notReadBy': 'Not yet read',
    'talk.nobody': 'Nobody',
    'talk.forward': 'Forward',
    'talk.forwardTo': 'Forward to',
    'talk.forwarded': 'Forwarded message',
    'talk.forwardDone': 'Forwarded',
    'talk.pin': 'Pin',
    'talk.unpinMessage': 'Unpin',
    'talk.pinnedCount': '{n} pinned',
    'talk.pinnedMark': 'Pinned',
    'talk.archive': 'Archive',
    'talk.unarchive': 'Unarchive',
    'talk.archived': 'Archived',
    'talk.showArchived': 'Show archived',
    'talk.hideArchived': 'Back to talks',
    'talk.archiveDone': 'Archived',
    'talk.noArchived': 'No archived talks',
    'talk.stickers': 'Stickers',
    'talk.stickerPreview': '[Sticker]',
    'talk.sticker': 'Sticker: {name}',
    'talk.enableNotifications': 'Turn on notifications',
    'talk.notificationSticker': 'Sent a sticker',
    'talk.webhooks': 'Incoming webhooks',
    'talk.webhookName': 'Webhook name',
    'talk.webhookCreate': 'Create',
    'talk.webhookUrl': 'POST to this URL to post into the talk. It is shown only now.',
    'talk.webhookDelete': 'Delete',
    'talk.noWebhooks': 'No webhooks',
    'talk.newDepartment': 'Department talk',
    'talk.department': 'Department',
    'talk.includeSub': 'Include members of sub-departments',
    'talk.nameOptional': 'Name (the department name when empty)',
    'talk.departmentHint': 'Members follow the directory automatically.',
  },
});

addMessages({
  ja: {
    'talk.attach': 'ファイルを添付',
    'talk.dropHere': 'ここにドロップして添付',
    'talk.filePreview': '[ファイル]',
    'talk.imagePreview': '[写真]',
    'talk.notificationFile': 'ファイルが届きました',
    'talk.download': 'ダウンロード',
    'talk.removeFile': '{name} を外す',
    'talk.uploading': 'アップロード中 {p}%',
    'talk.uploadFailed': 'アップロードできませんでした',
    'talk.fileTooLarge': '{max} MB を超えるファイルは送れません',
    'talk.openImage': '{name} を開く',
    'talk.mentionList': 'メンション候補',
    'talk.mentionAll': '全員',
  },
  en: {
    'talk.attach': 'Attach files',
    'talk.dropHere': 'Drop here to attach',
    'talk.filePreview': '[File]',
    'talk.imagePreview': '[Photo]',
    'talk.notificationFile': 'Sent a file',
    'talk.download': 'Download',
    'talk.removeFile': 'Remove {name}',
    'talk.uploading': 'Uploading {p}%',
    'talk.uploadFailed': 'Upload failed',
    'talk.fileTooLarge': 'Files over {max} MB cannot be sent',
    'talk.openImage': 'Open {name}',
    'talk.mentionList': 'Mention suggestions',
    'talk.mentionAll': 'Everyone',
  },
});

addMessages({
  ja: {
    'talk.bots': 'ボット',
    'talk.botsInRoom': 'このトークのボット',
    'talk.noBots': 'ボットはいません',
    'talk.botAdd': '追加',
    'talk.botRemove': '外す',
    'talk.botPick': '追加するボット',
    'talk.postbackSent': '{label} をボットに送りました',
    'talk.linkCard': 'リンク: {title}',
  },
  en: {
    'talk.bots': 'Bots',
    'talk.botsInRoom': 'Bots in this talk',
    'talk.noBots': 'No bots',
    'talk.botAdd': 'Add',
    'talk.botRemove': 'Remove',
    'talk.botPick': 'Bot to add',
    'talk.postbackSent': 'Sent {label} to the bot',
    'talk.linkCard': 'Link: {title}',
  },
});

/** An http(s) URL as given, or null for anything else (javascript:, data:, relative…). */
export function safeHttpUrl(u) {
  if (typeof u !== 'string' || !/^https?:\/\//i.test(u)) return null;
  try {
    const url = new URL(u);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** Where a bot's icon is served; `version` (its SHA-256) makes a changed icon load anew. */
export function botIconUrl(botId, version) {
  return `/api/v1/talk/bots/${encodeURIComponent(botId)}/icon` + (version ? query({ v: version }) : '');
}

/** A bot's icon, or its initial when it has none (the image answers 404). */
function BotAvatar({ botId, version, name, className }) {
  const [failed, setFailed] = useState(false);
  if (!botId || failed || version === null) return html`<span class=${cx('avatar', className)} aria-hidden="true">${(name || '').slice(0, 1)}</span>`;
  return html`<img class=${cx('avatar', 'avatar-img', className)} src=${botIconUrl(botId, version)} alt="" onError=${() => setFailed(true)} data-testid="bot-icon" />`;
}

/** A bot's buttons: data buttons send a postback to the bot; url buttons open the link. */
function BotButtons({ m, roomId }) {
  const [busy, setBusy] = useState(-1);
  const press = async (b, i) => {
    setBusy(i);
    try {
      await api.post(`/api/v1/rooms/${roomId}/messages/${m.id}/postback`, { button: i });
      toast(t('talk.postbackSent', { label: b.label }));
    } catch (e) {
      toast(errorText(e), 'error');
    } finally {
      setBusy(-1);
    }
  };
  return html`<div class="msg-buttons" data-testid="bot-buttons">
    ${(m.buttons || []).map((b, i) => {
      if (b.url) {
        const href = safeHttpUrl(b.url);
        return href
          ? html`<a key=${i} class="btn btn-secondary btn-small msg-button" href=${href} target="_blank" rel="noopener noreferrer" data-button=${i}>${b.label}</a>`
          : null;
      }
      return html`<button key=${i} type="button" class="btn btn-secondary btn-small msg-button" disabled=${busy !== -1} onClick=${() => press(b, i)} data-button=${i}>
        ${b.label}
      </button>`;
    })}
  </div>`;
}

/** A link card: title and description as text, the host shown, opened with noopener. */
function LinkCard({ link }) {
  const href = safeHttpUrl(link?.url);
  if (!href) return html`<span class="msg-text">${link?.title || ''}</span>`;
  return html`<a class="msg-card" href=${href} target="_blank" rel="noopener noreferrer" data-testid="link-card" aria-label=${t('talk.linkCard', { title: link.title })}>
    <strong class="msg-card-title">${link.title}</strong>
    ${link.description && html`<span class="msg-card-text">${link.description}</span>`}
    <span class="msg-card-host">${new URL(href).host}</span>
  </a>`;
}

const MENTION_TOKEN = /@\{([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}/g;

/** Text with the server's mention tokens (@{memberId}) shown as @name, as plain text. */
export function plainMentions(text, nameOf) {
  return String(text || '').replace(MENTION_TOKEN, (_, id) => '@' + nameOf(id.toLowerCase()));
}

/** A message's text: links (http and https only) and mention tokens as @name chips; all text. */
function MessageText({ text, nameOf }) {
  const s = String(text || '');
  const out = [];
  let last = 0;
  for (const m of s.matchAll(MENTION_TOKEN)) {
    if (m.index > last) out.push(html`<${Linked} text=${s.slice(last, m.index)} />`);
    out.push(html`<span class="msg-mention" data-mention=${m[1].toLowerCase()}>@${nameOf(m[1].toLowerCase())}</span>`);
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push(html`<${Linked} text=${s.slice(last)} />`);
  return out;
}

/** A message's preview in lists and notifications. */
function previewText(m, nameOf) {
  if (m.kind === 'sticker') return t('talk.stickerPreview');
  const text = plainMentions(m.text, nameOf);
  if (text.trim() || m.recalled) return text;
  // Room list previews carry no attachment list: an empty text there is a message of files.
  const files = m.attachments || [];
  if (files.length === 0) return m.text === '' ? t('talk.filePreview') : text;
  return files.every((a) => a.thumbnail) ? t('talk.imagePreview') : t('talk.filePreview');
}

const CLIP_ICON = html`<svg class="talk-file-svg" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
  <path d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" />
</svg>`;

const FILE_ICON = html`<svg class="talk-file-svg" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">
  <path d="M6 2.5h8l4.5 4.5v14.5H6z" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round" />
  <path d="M14 2.5V7h4.5M8.5 12h7M8.5 15h7M8.5 18h4.5" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" />
</svg>`;


function attachmentUrl(roomId, a, thumbnail) {
  return `/api/v1/talk/rooms/${encodeURIComponent(roomId)}/attachments/${encodeURIComponent(a.id)}${thumbnail ? '/thumbnail' : ''}`;
}

/**
 * Uploads one file as the request body (streamed by the browser) and reports progress from 0 to 1.
 * Retries once with a fresh CSRF token, like every other call.
 */
function uploadFile(roomId, file, name, onProgress) {
  const once = () =>
    new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `/api/v1/talk/rooms/${encodeURIComponent(roomId)}/attachments${query({ name })}`);
      xhr.withCredentials = true;
      xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
      xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
      for (const [k, v] of Object.entries(csrfHeaders())) xhr.setRequestHeader(k, v);
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
      };
      xhr.onload = () => {
        let body = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          body = null;
        }
        if (xhr.status >= 200 && xhr.status < 300 && body) resolve(body);
        else reject(new ApiError({ status: xhr.status, type: body?.type, title: body?.title, detail: body?.detail, errors: body?.errors }));
      };
      xhr.onerror = () => reject(new ApiError({ status: 0, title: 'network', detail: '' }));
      xhr.send(file);
    });
  return once().catch(async (e) => {
    if (e.status !== 403 || /must-change-password|mfa/.test(e.type || '')) throw e;
    await refreshCsrf();
    return once();
  });
}

/** The files of a message: thumbnails for images (opening full size), cards for other files. */
function Attachments({ roomId, items, onOpen }) {
  return html`<div class="msg-files" data-testid="attachments">
    ${items.map((a) =>
      a.thumbnail
        ? html`<button type="button" class="msg-image" key=${a.id} onClick=${() => onOpen(a)} aria-label=${t('talk.openImage', { name: a.name })} data-attachment=${a.id}>
            <img src=${attachmentUrl(roomId, a, true)} alt=${a.name} loading="lazy" width=${thumbSize(a).w} height=${thumbSize(a).h} data-testid="thumbnail" />
          </button>`
        : html`<div class="msg-file" key=${a.id} data-attachment=${a.id} data-testid="file-card">
            <span class="msg-file-icon" aria-hidden="true">${FILE_ICON}</span>
            <span class="msg-file-main">
              <span class="msg-file-name">${a.name}</span>
              <span class="msg-file-size">${formatSize(a.size)}</span>
            </span>
            <a class="btn btn-secondary btn-small" href=${attachmentUrl(roomId, a, false)} download=${a.name} data-testid="file-download">${t('talk.download')}</a>
          </div>`,
    )}
  </div>`;
}

function thumbSize(a) {
  const w = a.width || 320;
  const h = a.height || 240;
  const f = Math.min(1, 240 / Math.max(w, h));
  return { w: Math.max(1, Math.round(w * f)), h: Math.max(1, Math.round(h * f)) };
}

const URL_PATTERN = /https?:\/\/[^\s<>"'`]+/gi;
const TRAILING = /[.,;:!?)\]}'"。、」』）]+$/u;
const STICKER_ID = /^[a-z0-9-]{1,40}$/;

/**
 * Splits text into strings and {href} parts: only http and https URLs become links, checked with
 * the URL parser; everything else (javascript:, data:, HTML) stays text.
 */
export function linkParts(text) {
  const parts = [];
  const s = text || '';
  let last = 0;
  for (const m of s.matchAll(URL_PATTERN)) {
    const url = m[0].replace(TRAILING, '');
    if (!url) continue;
    let ok = false;
    try {
      const u = new URL(url);
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && !!u.hostname;
    } catch {
      ok = false;
    }
    if (m.index > last) parts.push(s.slice(last, m.index));
    parts.push(ok ? { href: url } : url);
    last = m.index + url.length;
  }
  if (last < s.length) parts.push(s.slice(last));
  return parts;
}

function Linked({ text }) {
  return linkParts(text).map((p) =>
    typeof p === 'string' ? p : html`<a href=${p.href} target="_blank" rel="noopener noreferrer nofollow" class="msg-link">${p.href}</a>`,
  );
}

function Sticker({ id }) {
  if (!STICKER_ID.test(id || '')) return html`<span class="msg-text">${id}</span>`;
  return html`<img class="msg-sticker" src=${'/app/stickers/' + id + '.svg'} alt=${t('talk.sticker', { name: id })} width="120" height="120" data-sticker=${id} />`;
}

const list = (body, key) => (Array.isArray(body) ? body : body?.[key] || body?.items || []);

/** True when `h` is escaped text with nothing but <mark> and </mark> tags in it. */
export function safeHighlight(h) {
  return typeof h === 'string' && !/[<>]/.test(h.replace(/<\/?mark>/g, ''));
}

function timeText(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const locale = lang() === 'ja' ? 'ja-JP' : 'en';
  const today = new Date().toDateString() === d.toDateString();
  return new Intl.DateTimeFormat(locale, today ? { hour: '2-digit', minute: '2-digit' } : { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(d);
}

/** One socket per open Talk page: reconnects with since/epoch, asks for a resync when told to. */
function connectEvents(onEvent, onResync) {
  let ws = null;
  let epoch = null;
  let seq = null;
  let closed = false;
  let retry = 500;
  let timer = null;
  const open = () => {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const q = seq !== null && epoch ? query({ since: seq, epoch }) : '';
    ws = new WebSocket(`${proto}//${location.host}/api/v1/events${q}`);
    ws.onopen = () => {
      retry = 500;
    };
    ws.onmessage = (m) => {
      let e;
      try {
        e = JSON.parse(m.data);
      } catch {
        return;
      }
      if (e.type === 'hello') {
        // Same epoch: the server replays what was missed after `since`. A new epoch (restart, or
        // a stream dropped while idle) comes with a resync, and numbering starts from its seq.
        if (epoch !== e.epoch || seq === null) {
          // Whatever happened before this socket existed was loaded over HTTP, maybe just before
          // a change: catch up once.
          if (seq === null) onResync('connected');
          seq = e.seq;
        }
        epoch = e.epoch;
        return;
      }
      if (e.type === 'resync') {
        onResync();
        return;
      }
      if (typeof e.seq === 'number') seq = Math.max(seq ?? 0, e.seq);
      onEvent(e);
    };
    ws.onclose = () => {
      ws = null;
      if (closed) return;
      timer = setTimeout(open, retry);
      retry = Math.min(retry * 2, 15000);
    };
  };
  open();
  return {
    send(obj) {
      if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(obj));
    },
    close() {
      closed = true;
      clearTimeout(timer);
      if (ws) ws.close();
    },
  };
}

/**
 * Shows a browser notification for a new message from someone else while the tab is hidden, unless
 * the room is muted. The text goes in as plain text (notifications do not render HTML).
 */
function notify(e, me, rooms, nameOf, roomName) {
  if (e.type !== 'message.created' || typeof Notification === 'undefined') return;
  if (Notification.permission !== 'granted' || document.visibilityState !== 'hidden') return;
  const d = e.data || {};
  if (!d.senderId || d.senderId === me.id) return;
  const room = (rooms || []).find((r) => r.id === e.room);
  if (room && room.muted) return;
  const body = d.kind === 'sticker' ? t('talk.notificationSticker') : !String(d.text || '').trim() && (d.attachments || []).length ? t('talk.notificationFile') : plainMentions(d.text, nameOf).slice(0, 140);
  try {
    const n = new Notification(room ? roomName(room) : nameOf(d.senderId), { body: nameOf(d.senderId) + ': ' + body, tag: 'talk-' + e.room });
    n.onclick = () => {
      window.focus();
      navigate('#/talk/' + e.room);
      n.close();
    };
  } catch {
    // Some browsers only allow notifications from a service worker; the badge still shows.
  }
}

export function TalkPage({ me, roomId, focusSeq }) {
  const [rooms, setRooms] = useState(null);
  const [roomsError, setRoomsError] = useState(null);
  const [people, setPeople] = useState({});
  const [creating, setCreating] = useState(false);
  const [archivedView, setArchivedView] = useState(false);
  const archivedRef = useRef(false);
  archivedRef.current = archivedView;
  const [settings, setSettings] = useState(null);
  const [editingSettings, setEditingSettings] = useState(false);
  const isSuperAdmin = (me.roles || []).includes('super_admin');
  const isMemberAdmin = isSuperAdmin || (me.roles || []).includes('member_admin');
  const [creatingDepartment, setCreatingDepartment] = useState(false);
  const socket = useRef(null);
  const roomHandler = useRef(null);
  const roomsRef = useRef(null);
  roomsRef.current = rooms;
  const notifyRef = useRef(null);
  const [permission, setPermission] = useState(typeof Notification === 'undefined' ? 'unsupported' : Notification.permission);
  const reloadTimer = useRef(null);

  const roomsGeneration = useRef(0);
  const loadRooms = async () => {
    const generation = ++roomsGeneration.current;
    try {
      const body = await api.get('/api/v1/rooms' + (archivedRef.current ? query({ archived: true }) : ''));
      if (generation !== roomsGeneration.current) return; // a newer answer is on its way
      setRooms(list(body, 'rooms'));
      setRoomsError(null);
    } catch (e) {
      setRoomsError(e);
    }
  };
  const reloadRoomsSoon = () => {
    clearTimeout(reloadTimer.current);
    reloadTimer.current = setTimeout(loadRooms, 150);
  };

  useEffect(() => {
    loadRooms();
    api.get('/api/v1/talk/settings').then(setSettings, () => setSettings(null));
    (async () => {
      try {
        const body = await api.get('/api/v1/directory/members' + query({ size: 100 }));
        const map = {};
        for (const m of list(body, 'items')) map[m.id] = m;
        setPeople(map);
      } catch {
        // Names fall back to a placeholder.
      }
    })();
    socket.current = connectEvents(
      (e) => {
        notifyRef.current && notifyRef.current(e);
        if (e.type !== 'typing') reloadRoomsSoon();
        roomHandler.current && roomHandler.current(e);
      },
      (why) => {
        loadRooms();
        roomHandler.current && roomHandler.current({ type: why === 'connected' ? 'connected' : 'resync' });
      },
    );
    return () => {
      socket.current && socket.current.close();
      clearTimeout(reloadTimer.current);
    };
  }, []);

  const personOf = (id) => people[id] || null;
  const nameOf = (id) => {
    if (id === me.id) return memberName(me);
    const p = people[id];
    return p ? memberName(p) : t('talk.unknownMember');
  };
  const roomName = (r) => {
    if (!r) return '';
    if (r.name) return r.name;
    const others = (r.members || []).filter((m) => m !== me.id);
    return others.map(nameOf).join('、') || t('talk.noMembers');
  };
  const current = rooms?.find((r) => r.id === roomId) || null;
  notifyRef.current = (e) => notify(e, me, roomsRef.current, nameOf, roomName);

  return html`<div class=${cx('talk', roomId ? 'talk-room-open' : 'talk-list-open')} data-testid="talk">
    <${RoomList}
      rooms=${rooms}
      error=${roomsError}
      roomId=${roomId}
      me=${me}
      nameOf=${nameOf}
      roomName=${roomName}
      onNew=${() => setCreating(true)}
      onSettings=${isSuperAdmin ? () => setEditingSettings(true) : null}
      onNewDepartment=${isMemberAdmin ? () => setCreatingDepartment(true) : null}
      onEnableNotifications=${permission === 'default'
        ? () =>
            Notification.requestPermission().then(
              (p) => setPermission(p),
              () => {},
            )
        : null}
      archivedView=${archivedView}
      onArchivedView=${(v) => {
        archivedRef.current = v;
        setArchivedView(v);
        setRooms(null);
        loadRooms();
      }}
    />
    <section class="talk-pane" aria-label=${t('talk.room')}>
      ${roomId
        ? html`<${RoomView}
            key=${roomId}
            me=${me}
            roomId=${roomId}
            focusSeq=${focusSeq}
            listed=${current}
            nameOf=${nameOf}
            personOf=${personOf}
            roomName=${roomName}
            handler=${roomHandler}
            socket=${socket}
            settings=${settings}
            rooms=${rooms}
            onRoomsChanged=${loadRooms}
            onRead=${(id) => setRooms((rs) => rs && rs.map((r) => (r.id === id ? { ...r, unreadCount: 0 } : r)))}
          />`
        : html`<div class="talk-empty"><${EmptyState} icon="talk" title=${t('talk.pick')} /></div>`}
    </section>
    ${editingSettings &&
    html`<${TalkSettingsDialog}
      onClose=${() => setEditingSettings(false)}
      onSaved=${(saved) => {
        setSettings(saved);
        setEditingSettings(false);
        toast(t('talk.settingsSaved'));
      }}
    />`}
    ${creatingDepartment &&
    html`<${DepartmentTalkDialog}
      onClose=${() => setCreatingDepartment(false)}
      onCreated=${(room) => {
        setCreatingDepartment(false);
        loadRooms();
        navigate('#/talk/' + room.id);
      }}
    />`}
    <${NewTalkDialog}
      open=${creating}
      me=${me}
      onClose=${() => setCreating(false)}
      onCreated=${(room) => {
        setCreating(false);
        loadRooms();
        navigate('#/talk/' + room.id);
      }}
    />
  </div>`;
}

function TalkSettingsDialog({ onClose, onSaved }) {
  const [form, setForm] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  useEffect(() => {
    api.get('/api/v1/admin/talk-settings').then(setForm, setError);
  }, []);
  const set = (k) => (v) => setForm((f) => ({ ...f, [k]: v }));
  const hours = [
    { value: '1', label: t('talk.hours1') },
    { value: '24', label: t('talk.hours24') },
  ];
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      onSaved(
        await api.put('/api/v1/admin/talk-settings', {
          editWindowHours: Number(form.editWindowHours),
          recallWindowHours: Number(form.recallWindowHours),
          readByVisible: !!form.readByVisible,
          attachmentMaxMb: Number(form.attachmentMaxMb),
        }),
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const fe = error && error.fieldErrors ? error.fieldErrors() : {};
  return html`<${Dialog}
    open=${true}
    title=${t('talk.settings')}
    onClose=${onClose}
    footer=${html`<${Button} kind="secondary" onClick=${onClose}>${t('common.cancel')}<//>
      <${Button} busy=${busy} disabled=${!form} onClick=${save} data-testid="save-talk-settings">${t('common.save')}<//>`}
  >
    <div class="talk-settings" data-testid="talk-settings">
      ${error && html`<${Alert}>${errorText(error)}<//>`}
      ${!form && !error && html`<${Spinner} />`}
      ${form &&
      html`<${Select} label=${t('talk.editWindow')} value=${String(form.editWindowHours)} onValue=${set('editWindowHours')} options=${hours} error=${fe.editWindowHours} name="editWindowHours" />
        <${Select} label=${t('talk.recallWindow')} value=${String(form.recallWindowHours)} onValue=${set('recallWindowHours')} options=${hours} error=${fe.recallWindowHours} name="recallWindowHours" />
        <${Checkbox} label=${t('talk.readByVisible')} checked=${form.readByVisible} onValue=${set('readByVisible')} name="readByVisible" />
        <${TextField} label=${t('talk.attachmentMax')} type="number" min="1" max="100" value=${String(form.attachmentMaxMb)} onValue=${set('attachmentMaxMb')} error=${fe.attachmentMaxMb} name="attachmentMaxMb" />`}
    </div>
  <//>`;
}

function DepartmentTalkDialog({ onClose, onCreated }) {
  const [departments, setDepartments] = useState(null);
  const [department, setDepartment] = useState('');
  const [name, setName] = useState('');
  const [includeSub, setIncludeSub] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  useEffect(() => {
    api.get('/api/v1/directory/departments').then(
      (b) => {
        const ds = list(b, 'departments');
        setDepartments(ds);
        if (ds.length) setDepartment(ds[0].id);
      },
      setError,
    );
  }, []);
  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      onCreated(await api.post('/api/v1/rooms', { type: 'department', department, name: name.trim() || undefined, includeSubDepartments: includeSub }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const fe = error && error.fieldErrors ? error.fieldErrors() : {};
  return html`<${Dialog}
    open=${true}
    title=${t('talk.newDepartment')}
    onClose=${onClose}
    footer=${html`<${Button} kind="secondary" onClick=${onClose}>${t('common.cancel')}<//>
      <${Button} busy=${busy} disabled=${!department} onClick=${create} data-testid="start-department-talk">${t('talk.start')}<//>`}
  >
    <div class="talk-settings" data-testid="department-talk-dialog">
      ${error && html`<${Alert}>${errorText(error)}<//>`}
      ${departments === null && !error && html`<${Spinner} />`}
      ${departments &&
      html`<${Select}
          label=${t('talk.department')}
          value=${department}
          onValue=${setDepartment}
          options=${departments.map((d) => ({ value: d.id, label: d.name }))}
          error=${fe.department}
        />
        <${TextField} label=${t('talk.nameOptional')} value=${name} onValue=${setName} maxlength="200" error=${fe.name} />
        <${Checkbox} label=${t('talk.includeSub')} checked=${includeSub} onValue=${setIncludeSub} />
        <p class="talk-muted">${t('talk.departmentHint')}</p>`}
    </div>
  <//>`;
}

function RoomList({ rooms, error, roomId, me, nameOf, roomName, onNew, onSettings, onNewDepartment, onEnableNotifications, archivedView, onArchivedView }) {
  const [q, setQ] = useState('');
  const [hits, setHits] = useState(null);
  const [searchError, setSearchError] = useState(null);

  useEffect(() => {
    const text = q.trim();
    if (!text) {
      setHits(null);
      setSearchError(null);
      return;
    }
    let cancelled = false;
    const timer = setTimeout(async () => {
      try {
        const body = await api.get('/api/v1/search/messages' + query({ q: text }));
        if (!cancelled) {
          setHits(list(body, 'hits'));
          setSearchError(null);
        }
      } catch (e) {
        if (!cancelled) {
          setHits([]);
          setSearchError(e);
        }
      }
    }, 250);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [q]);

  const sorted = useMemo(() => {
    if (!rooms) return rooms;
    const key = (r) => r.lastMessage?.createdAt || r.lastActivityAt || r.createdAt || '';
    return [...rooms].sort((a, b) => (b.pinned ? 1 : 0) - (a.pinned ? 1 : 0) || (key(b) > key(a) ? 1 : key(b) < key(a) ? -1 : 0));
  }, [rooms]);

  const preview = (r) => {
    const m = r.lastMessage;
    if (!m) return t('talk.noMessages');
    if (m.recalled) return t('talk.recalled');
    return (m.senderId === me.id ? t('talk.you') + ': ' : '') + previewText(m, nameOf);
  };

  return html`<aside class="talk-list" aria-label=${t('talk.rooms')}>
    <header class="talk-list-header">
      <h1 class="talk-title">${t('nav.talk')}</h1>
      ${onSettings &&
      html`<button type="button" class="icon-btn" onClick=${onSettings} aria-label=${t('talk.settings')} title=${t('talk.settings')} data-testid="talk-settings-open">
        <${Icon} name="admin" />
      </button>`}
      ${onNewDepartment &&
      html`<${Button} size="small" kind="secondary" onClick=${onNewDepartment} data-testid="new-department-talk">${t('talk.newDepartment')}<//>`}
      <${Button} size="small" onClick=${onNew} data-testid="new-talk"><${Icon} name="plus" />${t('talk.new')}<//>
    </header>
    <div class="talk-search" role="search">
      <label class="search">
        <${Icon} name="search" />
        <span class="sr-only">${t('talk.searchLabel')}</span>
        <input
          class="input"
          type="search"
          name="q"
          placeholder=${t('talk.search')}
          value=${q}
          onInput=${(e) => setQ(e.currentTarget.value)}
          data-testid="talk-search"
        />
      </label>
    </div>
    ${hits !== null
      ? html`<div class="talk-hits" data-testid="talk-hits">
          ${searchError && html`<${Alert}>${searchError.status === 503 ? t('talk.searchUnavailable') : errorText(searchError)}<//>`}
          ${!searchError && hits.length === 0 && html`<p class="talk-muted">${t('talk.noHits')}</p>`}
          <ul class="talk-rooms">
            ${hits.map((h) => {
              const room = rooms?.find((r) => r.id === h.roomId);
              return html`<li key=${h.messageId}>
                <a class="talk-room-link" href=${'#/talk/' + h.roomId + query({ seq: h.seq })} data-hit=${h.messageId}>
                  <span class="talk-room-main">
                    <span class="talk-room-name">${room ? roomName(room) : ''}<span class="talk-muted"> · ${nameOf(h.senderId)}</span></span>
                    ${safeHighlight(h.highlight)
                      ? html`<span class="talk-hit-text" dangerouslySetInnerHTML=${{ __html: h.highlight }}></span>`
                      : html`<span class="talk-hit-text">${h.highlight || ''}</span>`}
                  </span>
                  <span class="talk-room-time">${timeText(h.createdAt)}</span>
                </a>
              </li>`;
            })}
          </ul>
        </div>`
      : null}
    ${hits === null &&
    html`<p class="talk-archived-toggle">
      ${onEnableNotifications &&
      html`<button type="button" class="link-btn talk-notify" onClick=${onEnableNotifications} data-testid="enable-notifications">${t('talk.enableNotifications')}</button>`}
      <button type="button" class="link-btn" onClick=${() => onArchivedView(!archivedView)} data-testid="archived-toggle">
        ${archivedView ? t('talk.hideArchived') : t('talk.showArchived')}
      </button>
    </p>`}
    ${error && html`<${Alert}>${errorText(error)}<//>`}
    ${hits === null &&
    (sorted === null && !error
      ? html`<${Spinner} />`
      : sorted && sorted.length === 0
        ? html`<${EmptyState} icon="talk" title=${archivedView ? t('talk.noArchived') : t('talk.noRooms')} />`
        : html`<ul class="talk-rooms" data-testid="talk-rooms">
            ${(sorted || []).map(
              (r) => html`<li key=${r.id}>
                <a
                  class=${cx('talk-room-link', r.id === roomId && 'active')}
                  href=${'#/talk/' + r.id}
                  aria-current=${r.id === roomId ? 'page' : undefined}
                  data-room=${r.id}
                >
                  ${r.type === 'bot'
                    ? html`<${BotAvatar} botId=${r.botId} name=${roomName(r)} />`
                    : html`<span class="avatar" aria-hidden="true">${roomName(r).slice(0, 1)}</span>`}
                  <span class="talk-room-main">
                    <span class="talk-room-name"
                      >${roomName(r)}${(r.type === 'group' || r.type === 'department') && html`<span class="talk-muted"> (${(r.members || []).length})</span>`}${r.type === 'bot' &&
                      html` <span class="msg-bot">BOT</span>`}</span
                    >
                    <span class="talk-room-preview">${preview(r)}</span>
                  </span>
                  <span class="talk-room-side">
                    <span class="talk-room-time">${timeText(r.lastMessage?.createdAt)}</span>
                    ${r.unreadCount > 0 &&
                    r.id !== roomId &&
                    html`<span class="talk-unread" data-testid="unread-badge" aria-label=${t('talk.unreadBadge', { n: r.unreadCount })}
                      >${r.unreadCount > 999 ? '999+' : r.unreadCount}</span
                    >`}
                  </span>
                </a>
              </li>`,
            )}
          </ul>`)}
  </aside>`;
}

addMessages({
  ja: {
    'talk.pickGroups': 'グループから追加',
    'talk.groupCount': '{n} 人',
    'talk.groupHint': 'グループの利用中のメンバーを今の時点で追加します。',
  },
  en: {
    'talk.pickGroups': 'Add from groups',
    'talk.groupCount': '{n} members',
    'talk.groupHint': 'Adds the group’s active members as they are now.',
  },
});

function NewTalkDialog({ open, me, onClose, onCreated }) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState([]);
  const [picked, setPicked] = useState([]);
  const [groups, setGroups] = useState([]);
  const [pickedGroups, setPickedGroups] = useState([]);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);

  useEffect(() => {
    if (!open) {
      setQ('');
      setPicked([]);
      setPickedGroups([]);
      setName('');
      setError(null);
      return;
    }
    let cancelled = false;
    const timer = setTimeout(async () => {
      try {
        const body = await api.get('/api/v1/directory/members' + query({ q: q.trim() }));
        if (!cancelled) setFound(list(body, 'items').filter((m) => m.id !== me.id));
      } catch (e) {
        if (!cancelled) setError(e);
      }
    }, 200);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [open, q]);

  useEffect(() => {
    if (open) api.get('/api/v1/directory/groups').then((body) => setGroups(list(body)), () => setGroups([]));
  }, [open]);
  const group = picked.length > 1 || pickedGroups.length > 0;
  const toggleGroup = (id) => setPickedGroups((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));
  const toggle = (m) => setPicked((p) => (p.some((x) => x.id === m.id) ? p.filter((x) => x.id !== m.id) : [...p, m]));
  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const room = await api.post('/api/v1/rooms', {
        type: group ? 'group' : 'direct',
        name: group ? name.trim() : undefined,
        members: picked.map((m) => m.id),
        groups: pickedGroups.length > 0 ? pickedGroups : undefined,
      });
      onCreated(room);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return html`<${Dialog}
    open=${open}
    title=${t('talk.new')}
    onClose=${onClose}
    footer=${html`<${Button} kind="secondary" onClick=${onClose}>${t('common.cancel')}<//>
      <${Button} busy=${busy} disabled=${(picked.length === 0 && pickedGroups.length === 0) || (group && !name.trim())} onClick=${create} data-testid="start-talk"
        >${t('talk.start')}<//
      >`}
  >
    <div class="talk-new" data-testid="new-talk-dialog">
      ${error && html`<${Alert}>${errorText(error)}<//>`}
      <${TextField} label=${t('talk.pickMembers')} type="search" value=${q} onValue=${setQ} placeholder=${t('contacts.search')} />
      ${picked.length > 0 &&
      html`<p class="talk-picked">
        ${picked.map(
          (m) => html`<button type="button" class="chip" key=${m.id} onClick=${() => toggle(m)} aria-label=${t('talk.unpick', { name: memberName(m) })}>
            ${memberName(m)} <${Icon} name="close" />
          </button>`,
        )}
      </p>`}
      ${group && html`<${TextField} label=${t('talk.groupName')} value=${name} onValue=${setName} required maxlength="200" />`}
      ${groups.length > 0 &&
      html`<fieldset class="talk-groups" data-testid="talk-group-picker">
        <legend>${t('talk.pickGroups')}</legend>
        <p class="muted">${t('talk.groupHint')}</p>
        ${groups.map(
          (g) => html`<label class="check" key=${g.id}>
            <input type="checkbox" checked=${pickedGroups.includes(g.id)} onChange=${() => toggleGroup(g.id)} data-pick-group=${g.name} />
            <span>${g.name} <span class="muted">${t('talk.groupCount', { n: g.memberCount })}</span></span>
          </label>`,
        )}
      </fieldset>`}
      <ul class="talk-pick-list">
        ${found.map(
          (m) => html`<li key=${m.id}>
            <label class="check talk-pick">
              <input type="checkbox" checked=${picked.some((x) => x.id === m.id)} onChange=${() => toggle(m)} data-pick=${m.loginId} />
              <${Avatar} member=${m} />
              <span>${memberName(m)}</span>
            </label>
          </li>`,
        )}
      </ul>
    </div>
  <//>`;
}

function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
}

function RoomView({ me, roomId, focusSeq, listed, nameOf, personOf, roomName, handler, socket, settings, rooms, onRoomsChanged, onRead }) {
  const [pins, setPins] = useState([]);
  const [forwarding, setForwarding] = useState(null);
  const [managingHooks, setManagingHooks] = useState(false);
  const [managingBots, setManagingBots] = useState(false);
  const [details, setDetails] = useState(false);
  const [roomBots, setRoomBots] = useState(new Map());
  const loadBots = () =>
    api.get(`/api/v1/rooms/${roomId}/bots`).then(
      (b) => setRoomBots(new Map(list(b, 'bots').map((x) => [x.id, x]))),
      () => setRoomBots(new Map()),
    );
  useEffect(() => {
    loadBots();
  }, [roomId]);
  const loadPins = () => api.get(`/api/v1/rooms/${roomId}/pins`).then((b) => setPins(list(b, 'pins')), () => {});
  useEffect(() => {
    loadPins();
  }, [roomId]);
  const [room, setRoom] = useState(listed);
  const [messages, setMessages] = useState(null);
  const [error, setError] = useState(null);
  const [hasMore, setHasMore] = useState(false);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [typing, setTyping] = useState({});
  const [replyTo, setReplyTo] = useState(null);
  const [recalling, setRecalling] = useState(null);
  const [viewing, setViewing] = useState(null);
  const [dragging, setDragging] = useState(0);
  const addFiles = useRef(null);
  const [visible, setVisible] = useState(document.visibilityState === 'visible');
  const scroller = useRef(null);
  const stick = useRef(true);
  const keepFrom = useRef(null);
  const readUpTo = useRef(0);
  const msgs = useRef([]);
  msgs.current = messages || [];
  const loaded = useRef(false);
  loaded.current = messages !== null;

  const latestGeneration = useRef(0);
  const loadLatest = async () => {
    const generation = ++latestGeneration.current;
    try {
      const [r, page] = await Promise.all([api.get('/api/v1/rooms/' + roomId), api.get(`/api/v1/rooms/${roomId}/messages` + query({ limit: PAGE }))]);
      if (generation !== latestGeneration.current) return; // a newer load answers
      const items = list(page, 'messages');
      setRoom(r);
      readUpTo.current = Math.max(readUpTo.current, r.lastReadSeq || 0);
      stick.current = true;
      setMessages(items);
      setHasMore(items.length >= PAGE && items[0]?.seq > 1);
      setError(null);
    } catch (e) {
      setError(e);
    }
  };

  const merge = (incoming) =>
    setMessages((cur) => {
      const bySeq = new Map((cur || []).map((m) => [m.id, m]));
      for (const m of incoming) bySeq.set(m.id, { ...bySeq.get(m.id), ...m });
      return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    });

  const fetchAfter = async () => {
    const cur = msgs.current;
    const last = cur.length ? cur[cur.length - 1].seq : 0;
    try {
      const page = await api.get(`/api/v1/rooms/${roomId}/messages` + query({ after: last, limit: 100 }));
      merge(list(page, 'messages'));
    } catch {
      // The next event or a resync brings it.
    }
  };

  const refreshCounts = async () => {
    const cur = msgs.current;
    if (!cur.length) return;
    const from = Math.max(cur[0].seq, cur[cur.length - 1].seq - 99);
    try {
      const page = await api.get(`/api/v1/rooms/${roomId}/messages` + query({ after: from - 1, limit: 100 }));
      const fresh = new Map(list(page, 'messages').map((m) => [m.id, m.unreadCount]));
      setMessages((ms) => ms && ms.map((m) => (fresh.has(m.id) ? { ...m, unreadCount: fresh.get(m.id) } : m)));
    } catch {
      // Counts catch up with the next change.
    }
  };

  useEffect(() => {
    loadLatest();
  }, [roomId]);

  useEffect(() => {
    const typingTimers = {};
    handler.current = (e) => {
      if (e.type === 'resync') {
        loadLatest();
        return;
      }
      if (e.type === 'connected') {
        // The first load may have missed what came before the socket: fetch past it, or load
        // again when the first load has not answered yet.
        if (loaded.current) {
          fetchAfter();
          refreshCounts();
        } else {
          loadLatest();
        }
        return;
      }
      if (e.room !== roomId) return;
      const d = e.data || {};
      const el = scroller.current;
      switch (e.type) {
        case 'message.created': {
          const cur = msgs.current;
          const last = cur.length ? cur[cur.length - 1].seq : 0;
          stick.current = stick.current || d.senderId === me.id || (el && el.scrollHeight - el.scrollTop - el.clientHeight < 80);
          if (d.seq > last + 1) fetchAfter();
          else merge([d]);
          setTyping((tp) => {
            const n = { ...tp };
            delete n[d.senderId];
            return n;
          });
          break;
        }
        case 'message.edited':
        case 'message.recalled':
        case 'message.pinned':
          setMessages((ms) => ms && ms.map((m) => (m.id === d.id ? { ...m, ...d } : m)));
          if (e.type !== 'message.edited') loadPins();
          break;
        case 'reaction.changed':
          setMessages((ms) => ms && ms.map((m) => (m.id === d.messageId ? { ...m, reactions: d.reactions } : m)));
          break;
        case 'read.moved':
          if (d.member !== me.id) refreshCounts();
          break;
        case 'typing':
          if (d.member && d.member !== me.id) {
            setTyping((tp) => ({ ...tp, [d.member]: true }));
            clearTimeout(typingTimers[d.member]);
            typingTimers[d.member] = setTimeout(
              () =>
                setTyping((tp) => {
                  const n = { ...tp };
                  delete n[d.member];
                  return n;
                }),
              TYPING_SHOWN_MS,
            );
          }
          break;
        case 'room.changed':
        case 'room.members':
          api.get('/api/v1/rooms/' + roomId).then(setRoom, () => navigate('#/talk'));
          break;
        default:
      }
    };
    return () => {
      handler.current = null;
      Object.values(typingTimers).forEach(clearTimeout);
    };
  }, [roomId]);

  // Mark as read while the room is open and the page visible.
  useEffect(() => {
    const on = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', on);
    return () => document.removeEventListener('visibilitychange', on);
  }, []);
  useEffect(() => {
    if (!visible || !messages || !messages.length) return;
    const last = messages[messages.length - 1].seq;
    if (last <= readUpTo.current) return;
    readUpTo.current = last;
    api.post(`/api/v1/rooms/${roomId}/read`, { upTo: last }).then(
      () => onRead(roomId),
      () => {
        readUpTo.current = 0;
      },
    );
  }, [visible, messages]);

  // Scroll: stay at the bottom for new messages, keep the position when older ones are prepended.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || !messages) return;
    if (keepFrom.current !== null) {
      el.scrollTop = el.scrollHeight - keepFrom.current;
      keepFrom.current = null;
    } else if (stick.current) {
      el.scrollTop = el.scrollHeight;
      stick.current = false;
    }
    // A tall window that shows the whole first page cannot scroll up: fetch older at once.
    if (hasMore && el.scrollHeight <= el.clientHeight + 40) loadOlder();
  }, [messages, hasMore]);

  const loadOlder = async () => {
    const cur = msgs.current;
    if (loadingOlder || !hasMore || !cur.length) return;
    setLoadingOlder(true);
    try {
      const page = await api.get(`/api/v1/rooms/${roomId}/messages` + query({ before: cur[0].seq, limit: PAGE }));
      const items = list(page, 'messages');
      keepFrom.current = scroller.current ? scroller.current.scrollHeight - scroller.current.scrollTop : null;
      merge(items);
      setHasMore(items.length >= PAGE && items[0]?.seq > 1);
    } catch (e) {
      toast(errorText(e), 'error');
    } finally {
      setLoadingOlder(false);
    }
  };

  // A search hit opens the room at its message: load older pages until it is there (at most 10).
  const [focused, setFocused] = useState(null);
  const focusTries = useRef(0);
  useEffect(() => {
    if (!focusSeq || !messages || !messages.length || focused === focusSeq) return;
    if (messages[0].seq <= focusSeq || !hasMore) {
      const el = scroller.current?.querySelector(`[data-seq="${focusSeq}"]`);
      if (el) el.scrollIntoView({ block: 'center' });
      setFocused(focusSeq);
      focusTries.current = 0;
    } else if (!loadingOlder && focusTries.current < 10) {
      focusTries.current++;
      loadOlder();
    }
  }, [focusSeq, messages, hasMore, loadingOlder]);

  const onScroll = (e) => {
    if (e.currentTarget.scrollTop < 40) loadOlder();
  };

  const react = async (m, emoji) => {
    const mine = (m.reactions || []).some((r) => r.emoji === emoji && (r.members || []).includes(me.id));
    const path = `/api/v1/rooms/${roomId}/messages/${m.id}/reactions/${encodeURIComponent(emoji)}`;
    try {
      const updated = mine ? await api.del(path) : await api.put(path);
      if (updated && updated.id) setMessages((ms) => ms.map((x) => (x.id === updated.id ? { ...x, reactions: updated.reactions } : x)));
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };

  const edit = async (m, text) => {
    const updated = await api.patch(`/api/v1/rooms/${roomId}/messages/${m.id}`, { text });
    setMessages((ms) => ms.map((x) => (x.id === updated.id ? { ...x, ...updated } : x)));
  };

  const pin = async (m) => {
    const path = `/api/v1/rooms/${roomId}/messages/${m.id}/pin`;
    try {
      const updated = m.pinned ? await api.del(path) : await api.put(path);
      if (updated && updated.id) setMessages((ms) => ms.map((x) => (x.id === updated.id ? { ...x, ...updated } : x)));
      loadPins();
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };

  const archive = async (on) => {
    try {
      await api.post(`/api/v1/rooms/${roomId}/${on ? 'archive' : 'unarchive'}`, {});
      onRoomsChanged();
      if (on) {
        toast(t('talk.archiveDone'));
        navigate('#/talk');
      } else {
        setRoom((r) => r && { ...r, archived: false });
      }
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };

  const recall = async () => {
    try {
      const updated = await api.post(`/api/v1/rooms/${roomId}/messages/${recalling.id}/recall`, {});
      setMessages((ms) => ms.map((x) => (x.id === updated.id ? { ...x, ...updated } : x)));
      setRecalling(null);
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };

  const title = roomName(room || listed);
  const others = (room?.members || []).filter((x) => x !== me.id);
  const typingNames = Object.keys(typing).map(nameOf);
  const byId = new Map((messages || []).map((m) => [m.id, m]));

  const canPost = !(room?.type === 'announcement' && !(room.owners || []).includes(me.id));
  const hasFiles = (e) => Array.from(e.dataTransfer?.types || []).includes('Files');
  const dnd = {
    onDragEnter: (e) => {
      if (!hasFiles(e) || !canPost) return;
      e.preventDefault();
      setDragging((n) => n + 1);
    },
    onDragOver: (e) => {
      if (!hasFiles(e) || !canPost) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    },
    onDragLeave: (e) => {
      if (!hasFiles(e)) return;
      setDragging((n) => Math.max(0, n - 1));
    },
    onDrop: (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setDragging(0);
      if (canPost && addFiles.current) addFiles.current(Array.from(e.dataTransfer.files || []));
    },
  };
  const mentionable = others.map((id) => ({ id, name: nameOf(id) }));

  return html`<div class=${cx('talk-room', dragging > 0 && 'talk-dragging')} data-testid="talk-room" ...${dnd}>
    ${dragging > 0 && html`<div class="talk-drop" data-testid="drop-zone" aria-hidden="true">${t('talk.dropHere')}</div>`}
    <header class="talk-room-header">
      <a class="icon-btn talk-back" href="#/talk" aria-label=${t('common.back')}><${Icon} name="back" /></a>
      <h2 class="talk-room-title">${title}</h2>
      ${(room?.type === 'group' || room?.type === 'department') && html`<span class="talk-muted">${t('talk.memberCount', { n: (room.members || []).length })}</span>`}
      ${room &&
      room.type !== 'direct' &&
      (room.owners || []).includes(me.id) &&
      html`<button type="button" class="btn btn-secondary btn-small talk-hooks" onClick=${() => setManagingHooks(true)} data-testid="webhooks-open">
          ${t('talk.webhooks')}
        </button>
        <button type="button" class="btn btn-secondary btn-small talk-bots-open" onClick=${() => setManagingBots(true)} data-testid="bots-open">${t('talk.bots')}</button>`}
      ${room &&
      html`<button type="button" class="btn btn-secondary btn-small talk-details-open" onClick=${() => setDetails(true)} data-testid="room-details-open">${t('talk.details')}</button>`}
      ${room &&
      html`<button type="button" class="btn btn-secondary btn-small talk-archive" onClick=${() => archive(!room.archived)} data-testid="archive-room">
        ${room.archived ? t('talk.unarchive') : t('talk.archive')}
      </button>`}
    </header>
    ${pins.length > 0 &&
    html`<details class="talk-pins" data-testid="pins">
      <summary>📌 ${t('talk.pinnedCount', { n: pins.length })}</summary>
      <ul>
        ${pins.map(
          (p) => html`<li key=${p.id}>
            <a href=${'#/talk/' + roomId + query({ seq: p.seq })} class="talk-pin-link">
              <span class="msg-quote-name">${nameOf(p.senderId)}</span>
              <span>${previewText(p, nameOf)}</span>
            </a>
          </li>`,
        )}
      </ul>
    </details>`}
    ${error && html`<${Alert}>${errorText(error)}<//>`}
    <div class="talk-messages" ref=${scroller} onScroll=${onScroll} data-testid="messages" role="log" aria-label=${t('talk.messages')}>
      ${messages === null && !error && html`<${Spinner} />`}
      ${loadingOlder && html`<${Spinner} />`}
      ${messages && !hasMore && messages.length > 0 && html`<p class="talk-start">${t('talk.beginning')}</p>`}
      ${messages && messages.length === 0 && html`<p class="talk-start">${t('talk.noMessages')}</p>`}
      ${(messages || []).map(
        (m, i) => html`<${MessageItem}
          key=${m.id}
          m=${m}
          roomId=${roomId}
          onOpenImage=${setViewing}
          focused=${focused !== null && m.seq === focused}
          me=${me}
          showName=${m.senderId !== me.id && (i === 0 || messages[i - 1].senderId !== m.senderId)}
          nameOf=${nameOf}
          sender=${m.senderName ? null : personOf && personOf(m.senderId)}
          bot=${m.senderName ? roomBots.get(m.senderId) || null : null}
          quoted=${m.replyTo ? byId.get(m.replyTo) || { missing: true } : null}
          hasOthers=${others.length > 0}
          readersPath=${settings?.readByVisible ? `/api/v1/rooms/${roomId}/messages/${m.id}/readers` : null}
          onReply=${() => setReplyTo(m)}
          onReact=${(emoji) => react(m, emoji)}
          onEdit=${(text) => edit(m, text)}
          onRecall=${() => setRecalling(m)}
          onForward=${() => setForwarding(m)}
          onPin=${() => pin(m)}
        />`,
      )}
    </div>
    <p class="talk-typing" aria-live="polite" data-testid="typing">
      ${typingNames.length > 0 && t('talk.typing', { names: typingNames.join('、') })}
    </p>
    <${Composer}
      roomId=${roomId}
      socket=${socket}
      adder=${addFiles}
      members=${mentionable}
      maxMb=${settings?.attachmentMaxMb}
      disabled=${!canPost}
      replyTo=${replyTo}
      nameOf=${nameOf}
      onCancelReply=${() => setReplyTo(null)}
      onSent=${(m) => {
        setReplyTo(null);
        stick.current = true;
        merge([m]);
      }}
    />
    ${viewing &&
    html`<${Dialog} open=${true} wide title=${viewing.name} onClose=${() => setViewing(null)}>
      <div class="talk-image-view" data-testid="image-view">
        <img src=${attachmentUrl(roomId, viewing, false)} alt=${viewing.name} data-testid="image-full" />
        <a class="btn btn-secondary btn-small" href=${attachmentUrl(roomId, viewing, false)} download=${viewing.name}>${t('talk.download')}</a>
      </div>
    <//>`}
    ${managingHooks && html`<${WebhooksDialog} roomId=${roomId} onClose=${() => setManagingHooks(false)} />`}
    ${details &&
    room &&
    html`<${RoomDetailsDialog}
      room=${room}
      me=${me}
      nameOf=${nameOf}
      onChanged=${(r) => {
        setRoom((old) => ({ ...old, ...r }));
        onRoomsChanged();
      }}
      onClose=${() => setDetails(false)}
    />`}
    ${managingBots &&
    html`<${RoomBotsDialog}
      roomId=${roomId}
      onClose=${() => {
        setManagingBots(false);
        loadBots();
      }}
    />`}
    ${forwarding &&
    html`<${ForwardDialog}
      message=${forwarding}
      fromRoom=${roomId}
      rooms=${(rooms || []).filter((r) => r.id !== roomId && !(r.type === 'announcement' && !(r.owners || []).includes(me.id)))}
      roomName=${roomName}
      onClose=${() => setForwarding(null)}
    />`}
    <${ConfirmDialog}
      open=${recalling !== null}
      title=${t('talk.recall')}
      message=${t('talk.recallConfirm')}
      confirmLabel=${t('talk.recall')}
      danger
      onConfirm=${recall}
      onClose=${() => setRecalling(null)}
    />
  </div>`;
}

function WebhooksDialog({ roomId, onClose }) {
  const [hooks, setHooks] = useState(null);
  const [name, setName] = useState('');
  const [created, setCreated] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const load = () => api.get(`/api/v1/rooms/${roomId}/webhooks`).then((b) => setHooks(list(b, 'webhooks')), setError);
  useEffect(() => {
    load();
  }, [roomId]);
  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      const h = await api.post(`/api/v1/rooms/${roomId}/webhooks`, { name: name.trim() });
      setCreated(location.origin + h.url);
      setName('');
      load();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const remove = async (h) => {
    try {
      await api.del(`/api/v1/rooms/${roomId}/webhooks/${h.id}`);
      load();
    } catch (e) {
      setError(e);
    }
  };
  return html`<${Dialog} open=${true} title=${t('talk.webhooks')} onClose=${onClose} footer=${html`<${Button} kind="secondary" onClick=${onClose}>${t('common.close')}<//>`}>
    <div class="talk-settings" data-testid="webhooks-dialog">
      ${error && html`<${Alert}>${errorText(error)}<//>`}
      ${created &&
      html`<div class="talk-webhook-url">
        <p>${t('talk.webhookUrl')}</p>
        <code data-testid="webhook-url">${created}</code>
      </div>`}
      <div class="talk-webhook-new">
        <${TextField} label=${t('talk.webhookName')} value=${name} onValue=${setName} maxlength="100" />
        <${Button} busy=${busy} disabled=${!name.trim()} onClick=${create} data-testid="create-webhook">${t('talk.webhookCreate')}<//>
      </div>
      ${hooks && hooks.length === 0 && html`<p class="talk-muted">${t('talk.noWebhooks')}</p>`}
      <ul class="talk-pick-list">
        ${(hooks || []).map(
          (h) => html`<li key=${h.id} class="talk-webhook">
            <span>${h.name}</span>
            <button type="button" class="link-btn" onClick=${() => remove(h)}>${t('talk.webhookDelete')}</button>
          </li>`,
        )}
      </ul>
    </div>
  <//>`;
}

addMessages({
  ja: {
    'talk.details': 'メンバー・設定',
    'talk.detailsTitle': 'トークの設定',
    'talk.roomName': 'トーク名',
    'talk.muteRoom': '通知をオフにする',
    'talk.pinRoom': 'リストの上に固定する',
    'talk.members': 'メンバー',
    'talk.owner': 'オーナー',
    'talk.removeMember': '外す',
    'talk.addMembers': 'メンバーを追加',
    'talk.addPicked': '追加する',
    'talk.leave': 'このトークから退出',
    'talk.leaveConfirm': 'このトークから退出しますか？メッセージは見られなくなります。',
    'talk.left': 'トークから退出しました',
    'talk.followsDirectory': 'メンバーは部署に合わせて自動で変わります。',
    'talk.makeOwner': 'オーナーにする',
    'talk.unmakeOwner': 'オーナーから外す',
    'talk.ownerGranted': '{name}さんをオーナーにしました',
    'talk.ownerRevoked': '{name}さんをオーナーから外しました',
  },
  en: {
    'talk.details': 'Members & settings',
    'talk.detailsTitle': 'Talk settings',
    'talk.roomName': 'Talk name',
    'talk.muteRoom': 'Mute notifications',
    'talk.pinRoom': 'Pin to the top of the list',
    'talk.members': 'Members',
    'talk.owner': 'Owner',
    'talk.removeMember': 'Remove',
    'talk.addMembers': 'Add members',
    'talk.addPicked': 'Add',
    'talk.leave': 'Leave this talk',
    'talk.leaveConfirm': 'Leave this talk? You will no longer see its messages.',
    'talk.left': 'You left the talk',
    'talk.followsDirectory': 'Members follow the department automatically.',
    'talk.makeOwner': 'Make owner',
    'talk.unmakeOwner': 'Remove as owner',
    'talk.ownerGranted': '{name} is now an owner',
    'talk.ownerRevoked': '{name} is no longer an owner',
  },
});

/**
 * A room's members and settings: rename (owners), mute and pin (each member for themselves), the
 * member list with removal and making or unmaking owners (owners; a room keeps one owner), adding
 * members or custom groups (group and announcement rooms), and leaving.
 */
function RoomDetailsDialog({ room, me, nameOf, onChanged, onClose }) {
  const owner = (room.owners || []).includes(me.id);
  const open = room.type === 'group' || room.type === 'announcement';
  const owned = open || room.type === 'department';
  const owners = room.owners || [];
  const setOwner = (id, on) =>
    run(async () => {
      const updated = on ? await api.put(`/api/v1/rooms/${room.id}/owners/${id}`, {}) : await api.del(`/api/v1/rooms/${room.id}/owners/${id}`);
      toast(t(on ? 'talk.ownerGranted' : 'talk.ownerRevoked', { name: nameOf(id) }));
      return updated;
    });
  const [name, setName] = useState(room.name || '');
  const [q, setQ] = useState('');
  const [found, setFound] = useState([]);
  const [groups, setGroups] = useState([]);
  const [group, setGroup] = useState('');
  const [busy, setBusy] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const [error, setError] = useState(null);
  const run = async (work) => {
    setBusy(true);
    setError(null);
    try {
      const updated = await work();
      if (updated && updated.id) onChanged(updated);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    if (!open) return;
    api.get('/api/v1/directory/groups').then((body) => setGroups(list(body)), () => setGroups([]));
  }, [room.id]);
  useEffect(() => {
    if (!open || !q.trim()) {
      setFound([]);
      return;
    }
    let cancelled = false;
    const timer = setTimeout(() => {
      api.get('/api/v1/directory/members' + query({ q: q.trim() })).then(
        (body) => !cancelled && setFound(list(body, 'items').filter((m) => !(room.members || []).includes(m.id))),
        (e) => !cancelled && setError(e),
      );
    }, 200);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [q, room.members]);
  // Mute and pin follow the click at once (undone if the server refuses).
  const [flags, setFlags] = useState({ muted: room.muted, pinned: room.pinned });
  const flip = async (key, on, off) => {
    const next = !flags[key];
    setFlags((f) => ({ ...f, [key]: next }));
    try {
      onChanged(await api.post(`/api/v1/rooms/${room.id}/${next ? on : off}`, {}));
    } catch (e) {
      setFlags((f) => ({ ...f, [key]: !next }));
      setError(e);
    }
  };
  const leave = async () => {
    try {
      await api.del(`/api/v1/rooms/${room.id}/members/${me.id}`);
      toast(t('talk.left'));
      onClose();
      navigate('#/talk');
    } catch (e) {
      setLeaving(false);
      setError(e);
    }
  };
  return html`<${Dialog} open=${true} title=${t('talk.detailsTitle')} onClose=${onClose} footer=${html`<${Button} kind="secondary" onClick=${onClose}>${t('common.close')}<//>`}>
    <div class="talk-settings" data-testid="room-details">
      ${error && html`<${Alert}>${errorText(error)}<//>`}
      ${open &&
      owner &&
      html`<div class="talk-webhook-new">
        <${TextField} label=${t('talk.roomName')} value=${name} onValue=${setName} maxlength="200" data-testid="room-name" />
        <${Button} busy=${busy} disabled=${!name.trim() || name.trim() === room.name} onClick=${() => run(() => api.patch(`/api/v1/rooms/${room.id}`, { name: name.trim() }))} data-testid="room-rename"
          >${t('common.save')}<//
        >
      </div>`}
      <label class="check">
        <input type="checkbox" checked=${flags.muted} onChange=${() => flip('muted', 'mute', 'unmute')} data-testid="room-mute" />
        <span>${t('talk.muteRoom')}</span>
      </label>
      <label class="check">
        <input type="checkbox" checked=${flags.pinned} onChange=${() => flip('pinned', 'pin', 'unpin')} data-testid="room-pin" />
        <span>${t('talk.pinRoom')}</span>
      </label>
      <h3>${t('talk.members')} (${(room.members || []).length})</h3>
      ${room.type === 'department' && html`<p class="talk-muted">${t('talk.followsDirectory')}</p>`}
      <ul class="talk-pick-list" data-testid="room-members">
        ${(room.members || []).map(
          (id) => html`<li key=${id} class="talk-webhook" data-member=${id}>
            <span>${nameOf(id)}${owners.includes(id) && html` <span class="talk-muted" data-owner>${t('talk.owner')}</span>`}</span>
            <span class="talk-member-actions">
            ${owned &&
            owner &&
            (owners.includes(id)
              ? owners.length > 1 &&
                html`<button type="button" class="link-btn" disabled=${busy} onClick=${() => setOwner(id, false)} data-action="owner-revoke">${t('talk.unmakeOwner')}</button>`
              : html`<button type="button" class="link-btn" disabled=${busy} onClick=${() => setOwner(id, true)} data-action="owner-grant">${t('talk.makeOwner')}</button>`)}
            ${open &&
            owner &&
            id !== me.id &&
            html`<button type="button" class="link-btn" disabled=${busy} onClick=${() => run(() => api.del(`/api/v1/rooms/${room.id}/members/${id}`).then(() => api.get(`/api/v1/rooms/${room.id}`)))} data-action="remove">
              ${t('talk.removeMember')}
            </button>`}
            </span>
          </li>`,
        )}
      </ul>
      ${open &&
      (room.type === 'group' || owner) &&
      html`<fieldset class="talk-groups">
        <legend>${t('talk.addMembers')}</legend>
        <${TextField} label=${t('talk.pickMembers')} type="search" value=${q} onValue=${setQ} placeholder=${t('contacts.search')} data-testid="room-add-search" />
        <ul class="talk-pick-list">
          ${found.map(
            (m) => html`<li key=${m.id} class="talk-webhook">
              <span class="talk-pick"><${Avatar} member=${m} /> ${memberName(m)}</span>
              <button type="button" class="link-btn" disabled=${busy} onClick=${() => run(() => api.post(`/api/v1/rooms/${room.id}/members`, { members: [m.id] })).then(() => setQ(''))} data-add=${m.loginId}>
                ${t('talk.addPicked')}
              </button>
            </li>`,
          )}
        </ul>
        ${groups.length > 0 &&
        html`<div class="talk-webhook-new">
          <${Select}
            label=${t('talk.pickGroups')}
            value=${group}
            onValue=${setGroup}
            options=${[{ value: '', label: '—' }, ...groups.map((g) => ({ value: g.id, label: g.name }))]}
            data-testid="room-add-group"
          />
          <${Button} busy=${busy} disabled=${!group} onClick=${() => run(() => api.post(`/api/v1/rooms/${room.id}/members`, { groups: [group] })).then(() => setGroup(''))} data-testid="room-add-group-go"
            >${t('talk.addPicked')}<//
          >
        </div>`}
      </fieldset>`}
      ${room.type !== 'direct' &&
      room.type !== 'department' &&
      room.type !== 'bot' &&
      html`<p><button type="button" class="link-btn" onClick=${() => setLeaving(true)} data-testid="room-leave">${t('talk.leave')}</button></p>`}
    </div>
    <${ConfirmDialog} open=${leaving} danger title=${t('talk.leave')} message=${t('talk.leaveConfirm')} confirmLabel=${t('talk.leave')} onConfirm=${leave} onClose=${() => setLeaving(false)} />
  <//>`;
}

function RoomBotsDialog({ roomId, onClose }) {
  const [inRoom, setInRoom] = useState(null);
  const [all, setAll] = useState(null);
  const [pick, setPick] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const load = () => api.get(`/api/v1/rooms/${roomId}/bots`).then((b) => setInRoom(list(b, 'bots')), setError);
  useEffect(() => {
    load();
    api.get('/api/v1/talk/bots').then((b) => setAll(list(b, 'bots')), setError);
  }, [roomId]);
  const present = new Set((inRoom || []).map((b) => b.id));
  const addable = (all || []).filter((b) => !present.has(b.id));
  const add = async () => {
    setBusy(true);
    setError(null);
    try {
      setInRoom(list(await api.post(`/api/v1/rooms/${roomId}/bots`, { bot: pick }), 'bots'));
      setPick('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const remove = async (b) => {
    try {
      await api.del(`/api/v1/rooms/${roomId}/bots/${b.id}`);
      load();
    } catch (e) {
      setError(e);
    }
  };
  return html`<${Dialog} open=${true} title=${t('talk.botsInRoom')} onClose=${onClose} footer=${html`<${Button} kind="secondary" onClick=${onClose}>${t('common.close')}<//>`}>
    <div class="talk-settings" data-testid="room-bots-dialog">
      ${error && html`<${Alert}>${errorText(error)}<//>`}
      ${inRoom && inRoom.length === 0 && html`<p class="talk-muted">${t('talk.noBots')}</p>`}
      <ul class="talk-pick-list">
        ${(inRoom || []).map(
          (b) => html`<li key=${b.id} class="talk-webhook" data-bot=${b.id}>
            <span class="talk-bot-name"><${BotAvatar} botId=${b.id} version=${b.icon || null} name=${b.name} /> ${b.name}</span>
            <button type="button" class="link-btn" onClick=${() => remove(b)}>${t('talk.botRemove')}</button>
          </li>`,
        )}
      </ul>
      ${addable.length > 0 &&
      html`<div class="talk-webhook-new">
        <${Select}
          label=${t('talk.botPick')}
          value=${pick}
          onValue=${setPick}
          options=${[{ value: '', label: '—' }, ...addable.map((b) => ({ value: b.id, label: b.name }))]}
          data-testid="bot-pick"
        />
        <${Button} busy=${busy} disabled=${!pick} onClick=${add} data-testid="bot-add">${t('talk.botAdd')}<//>
      </div>`}
    </div>
  <//>`;
}

function ForwardDialog({ message, fromRoom, rooms, roomName, onClose }) {
  const [busy, setBusy] = useState(null);
  const [error, setError] = useState(null);
  const key = useRef(newKey());
  const go = async (room) => {
    setBusy(room.id);
    setError(null);
    try {
      await api.post(`/api/v1/rooms/${fromRoom}/messages/${message.id}/forward`, { room: room.id, idempotencyKey: key.current + ':' + room.id });
      toast(t('talk.forwardDone'));
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  return html`<${Dialog} open=${true} title=${t('talk.forwardTo')} onClose=${onClose} footer=${html`<${Button} kind="secondary" onClick=${onClose}>${t('common.cancel')}<//>`}>
    <div data-testid="forward-dialog">
      ${error && html`<${Alert}>${errorText(error)}<//>`}
      ${rooms.length === 0 && html`<p class="talk-muted">${t('talk.noRooms')}</p>`}
      <ul class="talk-pick-list">
        ${rooms.map(
          (r) => html`<li key=${r.id}>
            <button type="button" class="talk-forward-target" disabled=${busy !== null} onClick=${() => go(r)} data-forward=${r.id}>
              <span class="avatar" aria-hidden="true">${roomName(r).slice(0, 1)}</span>
              <span>${roomName(r)}</span>
              ${busy === r.id && html`<${Spinner} />`}
            </button>
          </li>`,
        )}
      </ul>
    </div>
  <//>`;
}

function Readers({ path, nameOf, onClose }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api.get(path).then(setData, setError);
  }, [path]);
  const names = (ids) => (ids && ids.length ? ids.map(nameOf).join('、') : t('talk.nobody'));
  return html`<div class="msg-readers" role="dialog" aria-label=${t('talk.readers')} data-testid="readers">
    <button type="button" class="icon-btn msg-readers-close" aria-label=${t('common.close')} onClick=${onClose}><${Icon} name="close" /></button>
    ${error && html`<p>${errorText(error)}</p>`}
    ${!data && !error && html`<${Spinner} />`}
    ${data &&
    html`<p><strong>${t('talk.readBy')}</strong> <span data-testid="read-by">${names(data.read)}</span></p>
      <p><strong>${t('talk.notReadBy')}</strong> <span data-testid="not-read-by">${names(data.unread)}</span></p>`}
  </div>`;
}

function MessageItem({ m, roomId, onOpenImage, me, focused, showName, nameOf, sender, bot, quoted, hasOthers, readersPath, onReply, onReact, onEdit, onRecall, onForward, onPin }) {
  const mine = m.senderId === me.id;
  const [showReaders, setShowReaders] = useState(false);
  const [picking, setPicking] = useState(false);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);

  const save = async () => {
    setBusy(true);
    try {
      await onEdit(draft);
      setEditing(false);
    } catch (e) {
      toast(errorText(e), 'error');
    } finally {
      setBusy(false);
    }
  };

  return html`<div class=${cx('msg', mine ? 'msg-mine' : 'msg-theirs', focused && 'msg-focus')} data-message=${m.id} data-seq=${m.seq}>
    ${!mine &&
    (showName && bot
      ? html`<${BotAvatar} botId=${bot.id} version=${bot.icon || null} name=${m.senderName} className="msg-avatar" />`
      : showName && sender?.photo
      ? html`<img class="avatar msg-avatar avatar-img" src=${photoUrl(sender)} alt="" />`
      : html`<span class=${cx('avatar', 'msg-avatar', !showName && 'msg-avatar-blank')} aria-hidden="true">${showName ? (m.senderName || nameOf(m.senderId)).slice(0, 1) : ''}</span>`)}
    <div class="msg-body">
      ${showName && html`<span class="msg-sender">${m.senderName ? html`${m.senderName} <span class="msg-bot">BOT</span>` : nameOf(m.senderId)}</span>`}
      <div class="msg-row">
        <div class=${cx('bubble', m.recalled && 'bubble-recalled', m.kind === 'sticker' && !m.recalled && 'bubble-sticker')}>
          ${m.forwarded && !m.recalled && html`<span class="msg-forwarded">${t('talk.forwarded')}</span>`}
          ${quoted &&
          !m.recalled &&
          html`<blockquote class="msg-quote">
            ${quoted.missing
              ? t('talk.quoteMissing')
              : html`<span class="msg-quote-name">${quoted.senderName || nameOf(quoted.senderId)}</span>
                  <span class="msg-quote-text">${quoted.recalled ? t('talk.recalled') : previewText(quoted, nameOf)}</span>`}
          </blockquote>`}
          ${m.recalled
            ? html`<span class="msg-text msg-recalled" data-testid="recalled">${t('talk.recalled')}</span>`
            : editing
              ? html`<div class="msg-edit">
                  <textarea class="input" aria-label=${t('talk.edit')} value=${draft} onInput=${(e) => setDraft(e.currentTarget.value)}></textarea>
                  <div class="msg-edit-actions">
                    <${Button} kind="secondary" size="small" onClick=${() => setEditing(false)}>${t('common.cancel')}<//>
                    <${Button} size="small" busy=${busy} disabled=${!draft.trim()} onClick=${save}>${t('common.save')}<//>
                  </div>
                </div>`
              : m.kind === 'sticker'
                ? html`<${Sticker} id=${m.text} />`
                : m.kind === 'link' && m.link
                ? html`<${LinkCard} link=${m.link} />`
                : html`${(m.text || '') !== '' && html`<span class="msg-text"><${MessageText} text=${m.text} nameOf=${nameOf} /></span>`}
                  ${m.kind === 'buttons' && html`<${BotButtons} m=${m} roomId=${roomId} />`}
                  ${(m.attachments || []).length > 0 && html`<${Attachments} roomId=${roomId} items=${m.attachments} onOpen=${onOpenImage} />`}`}
        </div>
        <div class="msg-meta">
          ${mine &&
          hasOthers &&
          !m.recalled &&
          (readersPath
            ? html`<button type="button" class="msg-read msg-read-button" data-testid="read-state" aria-expanded=${showReaders ? 'true' : 'false'} onClick=${() => setShowReaders(!showReaders)}>
                ${m.unreadCount > 0 ? t('talk.unread', { n: m.unreadCount }) : t('talk.read')}
              </button>`
            : html`<span class="msg-read" data-testid="read-state">${m.unreadCount > 0 ? t('talk.unread', { n: m.unreadCount }) : t('talk.read')}</span>`)}
          ${m.editedAt && !m.recalled && html`<span>${t('talk.edited')}</span>`}
          ${m.pinned && !m.recalled && html`<span class="msg-pinned" title=${t('talk.pinnedMark')}>📌</span>`}
          <time datetime=${m.createdAt}>${timeText(m.createdAt)}</time>
        </div>
      </div>
      ${showReaders && readersPath && html`<${Readers} path=${readersPath} nameOf=${nameOf} onClose=${() => setShowReaders(false)} />`}
      ${(m.reactions || []).length > 0 &&
      !m.recalled &&
      html`<div class="msg-reactions">
        ${m.reactions.map(
          (r) => html`<button
            type="button"
            class=${cx('reaction', (r.members || []).includes(me.id) && 'reaction-mine')}
            aria-pressed=${(r.members || []).includes(me.id) ? 'true' : 'false'}
            title=${(r.members || []).map(nameOf).join('、')}
            onClick=${() => onReact(r.emoji)}
            data-reaction=${r.emoji}
          >${r.emoji} <span>${(r.members || []).length}</span></button>`,
        )}
      </div>`}
      ${!m.recalled &&
      !editing &&
      html`<div class="msg-actions">
        <button type="button" class="msg-action" onClick=${onReply}>${t('talk.reply')}</button>
        <button type="button" class="msg-action" aria-expanded=${picking ? 'true' : 'false'} onClick=${() => setPicking(!picking)}>${t('talk.react')}</button>
        <button type="button" class="msg-action" onClick=${onForward}>${t('talk.forward')}</button>
        <button type="button" class="msg-action" onClick=${onPin}>${m.pinned ? t('talk.unpinMessage') : t('talk.pin')}</button>
        ${mine &&
        m.kind !== 'sticker' &&
        html`<button
            type="button"
            class="msg-action"
            onClick=${() => {
              setDraft(m.text || '');
              setEditing(true);
            }}
          >
            ${t('talk.edit')}
          </button>`}
        ${mine && html`<button type="button" class="msg-action" onClick=${onRecall}>${t('talk.recall')}</button>`}
      </div>`}
      ${picking &&
      html`<div class="reaction-picker" role="group" aria-label=${t('talk.react')}>
        ${REACTIONS.map(
          (e) => html`<button
            type="button"
            class="reaction-choice"
            data-emoji=${e}
            onClick=${() => {
              setPicking(false);
              onReact(e);
            }}
          >${e}</button>`,
        )}
      </div>`}
    </div>
  </div>`;
}

/** The `@query` being typed just before the caret, or null. */
export function mentionQuery(text, caret) {
  const m = /(^|\s)@([^\s@{}]{0,30})$/u.exec(text.slice(0, caret));
  return m ? { start: caret - m[2].length - 1, query: m[2] } : null;
}

/**
 * Turns the @names picked from the autocomplete into the tokens the server parses (@{memberId});
 * @all stays as it is.
 */
export function withMentionTokens(text, picked) {
  let out = text;
  const byLength = [...picked].sort((a, b) => b.name.length - a.name.length);
  for (const p of byLength) out = out.split('@' + p.name).join('@{' + p.id + '}');
  return out;
}

function Composer({ roomId, socket, adder, members, maxMb, disabled, replyTo, nameOf, onCancelReply, onSent }) {
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState(null);
  const pending = useRef(null); // {body, key}: the key is reused when the same message is retried
  const [stickers, setStickers] = useState(null);
  const [pickingSticker, setPickingSticker] = useState(false);
  const [files, setFiles] = useState([]); // {key, name, size, progress, attachment, error}
  const picked = useRef([]); // mentions chosen from the list: {id, name}
  const [suggest, setSuggest] = useState(null); // {start, query, index}

  const toggleStickers = () => {
    if (!stickers) api.get('/api/v1/talk/stickers').then((b) => setStickers(list(b, 'stickers')), (e) => toast(errorText(e), 'error'));
    setPickingSticker(!pickingSticker);
  };

  const sendSticker = async (id) => {
    setPickingSticker(false);
    setSending(true);
    setError(null);
    try {
      const m = await api.post(`/api/v1/rooms/${roomId}/messages`, {
        sticker: id,
        idempotencyKey: newKey(),
        replyTo: replyTo ? replyTo.id : undefined,
      });
      onSent(m);
    } catch (e) {
      setError(e);
    } finally {
      setSending(false);
    }
  };
  const lastTyping = useRef(0);
  const input = useRef(null);
  const chooser = useRef(null);

  useEffect(() => {
    if (replyTo) input.current?.focus();
  }, [replyTo]);

  const update = (key, change) => setFiles((fs) => fs.map((f) => (f.key === key ? { ...f, ...change } : f)));

  const addFiles = (list) => {
    for (const file of list) {
      if (!file) continue;
      const key = newKey();
      const name = file.name || 'image.' + ((file.type || '').split('/')[1] || 'bin');
      const tooLarge = maxMb && file.size > maxMb * 1024 * 1024;
      setFiles((fs) => [...fs, { key, name, size: file.size, progress: 0, attachment: null, error: tooLarge ? t('talk.fileTooLarge', { max: maxMb }) : null }]);
      if (tooLarge) continue;
      uploadFile(roomId, file, name, (p) => update(key, { progress: p })).then(
        (attachment) => {
          if (removed.current.has(key)) api.del(`/api/v1/talk/rooms/${roomId}/attachments/${attachment.id}`).catch(() => {});
          else update(key, { attachment, progress: 1 });
        },
        (e) => update(key, { error: e.status === 0 ? t('talk.uploadFailed') : errorText(e) }),
      );
    }
  };
  adder.current = addFiles;

  const removed = useRef(new Set()); // files removed while still uploading
  const discard = (f) => {
    removed.current.add(f.key);
    setFiles((fs) => fs.filter((x) => x.key !== f.key));
    if (f.attachment) api.del(`/api/v1/talk/rooms/${roomId}/attachments/${f.attachment.id}`).catch(() => {});
  };

  const ready = files.filter((f) => f.attachment);
  const uploading = files.some((f) => !f.attachment && !f.error);

  const send = async () => {
    const body = text.trim();
    if ((!body && ready.length === 0) || sending || uploading) return;
    const ids = ready.map((f) => f.attachment.id);
    const wire = withMentionTokens(text, picked.current);
    const signature = wire + '\u0000' + ids.join(',');
    if (!pending.current || pending.current.body !== signature) pending.current = { body: signature, key: newKey() };
    setSending(true);
    setError(null);
    try {
      const m = await api.post(`/api/v1/rooms/${roomId}/messages`, {
        text: body ? wire : undefined,
        idempotencyKey: pending.current.key,
        replyTo: replyTo ? replyTo.id : undefined,
        attachments: ids.length ? ids : undefined,
      });
      pending.current = null;
      // What the member typed while the send was in flight stays in the composer.
      setText((cur) => (cur.startsWith(text) ? cur.slice(text.length).trimStart() : cur));
      picked.current = picked.current.filter((p) => !text.includes('@' + p.name));
      setFiles((fs) => fs.filter((f) => !ids.includes(f.attachment?.id)));
      onSent(m);
    } catch (e) {
      setError(e);
    } finally {
      setSending(false);
      setTimeout(() => input.current?.focus(), 0);
    }
  };

  const options = useMemo(() => {
    if (!suggest) return [];
    const q = suggest.query.toLowerCase();
    const all = [{ id: 'all', name: 'all', label: t('talk.mentionAll') }];
    return [...members, ...all].filter((m) => !q || m.name.toLowerCase().includes(q) || (m.label || '').toLowerCase().includes(q)).slice(0, 8);
  }, [suggest, members]);

  const refreshSuggest = (value, caret) => {
    const q = mentionQuery(value, caret);
    setSuggest((cur) => (q ? { ...q, index: cur && cur.query === q.query ? cur.index : 0 } : null));
  };

  const choose = (option) => {
    if (!suggest) return;
    const el = input.current;
    const caret = el ? el.selectionStart : text.length;
    const insert = '@' + option.name + ' ';
    const next = text.slice(0, suggest.start) + insert + text.slice(caret);
    if (option.id !== 'all' && !picked.current.some((p) => p.id === option.id)) picked.current = [...picked.current, { id: option.id, name: option.name }];
    setText(next);
    setSuggest(null);
    const at = suggest.start + insert.length;
    setTimeout(() => {
      if (!input.current) return;
      input.current.focus();
      input.current.setSelectionRange(at, at);
    }, 0);
  };

  const onInput = (e) => {
    const el = e.currentTarget;
    setText(el.value);
    refreshSuggest(el.value, el.selectionStart);
    const now = Date.now();
    if (now - lastTyping.current >= TYPING_EVERY_MS) {
      lastTyping.current = now;
      socket.current && socket.current.send({ type: 'typing', room: roomId });
    }
  };

  const onKeyDown = (e) => {
    if (suggest && options.length > 0 && !e.isComposing) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const n = options.length;
        setSuggest({ ...suggest, index: (suggest.index + (e.key === 'ArrowDown' ? 1 : n - 1)) % n });
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        choose(options[Math.min(suggest.index, options.length - 1)]);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setSuggest(null);
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      send();
    }
  };

  const onPaste = (e) => {
    const pasted = Array.from(e.clipboardData?.files || []);
    if (pasted.length === 0 || disabled) return;
    e.preventDefault();
    addFiles(pasted);
  };

  const listId = 'mentions-' + roomId;
  const active = suggest && options.length > 0 ? Math.min(suggest.index, options.length - 1) : -1;

  return html`<form
    class="composer"
    onSubmit=${(e) => {
      e.preventDefault();
      send();
    }}
  >
    ${replyTo &&
    html`<div class="composer-reply" data-testid="replying">
      <span class="composer-reply-text">${t('talk.replyingTo', { name: nameOf(replyTo.senderId) })} <span class="talk-muted">${previewText(replyTo, nameOf)}</span></span>
      <button type="button" class="icon-btn" aria-label=${t('talk.cancelReply')} onClick=${onCancelReply}><${Icon} name="close" /></button>
    </div>`}
    ${error && html`<p class="composer-error" role="alert">${errorText(error)} ${t('talk.retryHint')}</p>`}
    ${files.length > 0 &&
    html`<ul class="composer-files" data-testid="composer-files">
      ${files.map(
        (f) => html`<li key=${f.key} class=${cx('composer-file', f.error && 'composer-file-error')} data-testid="composer-file">
          <span class="composer-file-name">${f.name}</span>
          <span class="composer-file-size">${formatSize(f.size)}</span>
          ${f.error
            ? html`<span class="composer-file-status" role="alert">${f.error}</span>`
            : f.attachment
              ? html`<span class="composer-file-status">✓</span>`
              : html`<progress class="composer-progress" max="100" value=${Math.round(f.progress * 100)} aria-label=${t('talk.uploading', { p: Math.round(f.progress * 100) })} data-testid="upload-progress"></progress>`}
          <button type="button" class="icon-btn" aria-label=${t('talk.removeFile', { name: f.name })} onClick=${() => discard(f)}>
            <${Icon} name="close" />
          </button>
        </li>`,
      )}
    </ul>`}
    ${pickingSticker &&
    html`<div class="sticker-picker" role="group" aria-label=${t('talk.stickers')} data-testid="sticker-picker">
      ${!stickers && html`<${Spinner} />`}
      ${(stickers || []).map(
        (st) => html`<button type="button" class="sticker-choice" key=${st.id} onClick=${() => sendSticker(st.id)} data-sticker-choice=${st.id}>
          <${Sticker} id=${st.id} />
        </button>`,
      )}
    </div>`}
    ${suggest &&
    options.length > 0 &&
    html`<ul class="mention-list" id=${listId} role="listbox" aria-label=${t('talk.mentionList')} data-testid="mention-list">
      ${options.map(
        (o, i) => html`<li
          key=${o.id}
          id=${listId + '-' + i}
          role="option"
          aria-selected=${i === active ? 'true' : 'false'}
          class=${cx('mention-option', i === active && 'active')}
          data-mention-option=${o.id}
          onMouseDown=${(e) => {
            e.preventDefault();
            choose(o);
          }}
        >
          <span class="avatar" aria-hidden="true">${(o.label || o.name).slice(0, 1)}</span>
          <span>${o.label ? html`@all <span class="talk-muted">${o.label}</span>` : o.name}</span>
        </li>`,
      )}
    </ul>`}
    <div class="composer-row">
      <button
        type="button"
        class="icon-btn composer-sticker"
        aria-label=${t('talk.stickers')}
        title=${t('talk.stickers')}
        aria-expanded=${pickingSticker ? 'true' : 'false'}
        disabled=${disabled || sending}
        onClick=${toggleStickers}
        data-testid="stickers"
      >
        ☺
      </button>
      <button
        type="button"
        class="icon-btn composer-attach"
        aria-label=${t('talk.attach')}
        title=${t('talk.attach')}
        disabled=${disabled || sending}
        onClick=${() => chooser.current?.click()}
        data-testid="attach"
      >
        ${CLIP_ICON}
      </button>
      <input
        ref=${chooser}
        type="file"
        multiple
        hidden
        onChange=${(e) => {
          addFiles(Array.from(e.currentTarget.files || []));
          e.currentTarget.value = '';
        }}
        data-testid="file-input"
      />
      <textarea
        ref=${input}
        class="input composer-input"
        rows="1"
        aria-label=${t('talk.message')}
        placeholder=${disabled ? t('talk.announcementOnly') : t('talk.placeholder')}
        title=${t('talk.enterHint')}
        value=${text}
        disabled=${disabled || sending}
        onInput=${onInput}
        onKeyDown=${onKeyDown}
        onPaste=${onPaste}
        onBlur=${() =>
          // Closed a moment later so that a click on an option still counts, and not at all if
          // the composer has the focus again by then (it is disabled while a message is sent).
          setTimeout(() => document.activeElement !== input.current && setSuggest(null), 150)}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded=${suggest && options.length > 0 ? 'true' : 'false'}
        aria-controls=${listId}
        aria-activedescendant=${active >= 0 ? listId + '-' + active : undefined}
        data-testid="composer"
      ></textarea>
      <${Button} type="submit" busy=${sending} disabled=${disabled || uploading || (!text.trim() && ready.length === 0)} data-testid="send">${t('talk.send')}<//>
    </div>
  </form>`;
}
