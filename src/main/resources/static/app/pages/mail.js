// Webmail: folders with unread counts, the message list (paging, sort, search, conversations), a
// reading pane that shows sanitised HTML inside a sandboxed frame (no scripts, remote images only on
// request), compose with address completion, rich text, attachments and automatic drafts, settings.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api, csrfHeaders, query } from '../api.js';
import { addMessages, formatBytes, formatDateTime, lang, t } from '../i18n.js';
import {
  html,
  cx,
  Alert,
  Badge,
  Button,
  ConfirmDialog,
  Dialog,
  EmptyState,
  Icon,
  Pager,
  Spinner,
  TextField,
  errorText,
  navigate,
  otherFieldErrors,
  toast,
} from '../ui.js';

addMessages({
  ja: {
    'mail.title': 'メール',
    'mail.compose': '新規作成',
    'mail.folders': 'フォルダ',
    'mail.folder.inbox': '受信トレイ',
    'mail.folder.drafts': '下書き',
    'mail.folder.sent': '送信済み',
    'mail.folder.archive': 'アーカイブ',
    'mail.folder.junk': '迷惑メール',
    'mail.folder.trash': 'ゴミ箱',
    'mail.unread': '未読 {n} 件',
    'mail.newFolder': '新しいフォルダ',
    'mail.renameFolder': 'フォルダ名を変更',
    'mail.deleteFolder': 'フォルダを削除',
    'mail.deleteFolderConfirm': 'フォルダ「{name}」を削除しますか？',
    'mail.folderNotEmpty': 'フォルダが空ではないため削除できません。先にメールを移動してください。',
    'mail.folderName': 'フォルダ名',
    'mail.folderTaken': '同じ名前のフォルダがすでにあります。',
    'mail.settings': 'メールの設定',
    'mail.search': '差出人・宛先・件名・本文・添付ファイル名で検索',
    'mail.indexing': '{n} 件のメールを検索用に登録中です。結果が不完全な場合があります。',
    'mail.more': 'さらに表示',
    'mail.top': '先頭に戻る',
    'mail.paging': 'メール一覧のページ',
    'mail.allFolders': 'すべてのフォルダ',
    'mail.sort': '並べ替え',
    'mail.sortNewest': '新しい順',
    'mail.sortOldest': '古い順',
    'mail.sortFrom': '差出人順',
    'mail.sortSubject': '件名順',
    'mail.sortSize': 'サイズの大きい順',
    'mail.threads': '会話ごとにまとめる',
    'mail.empty': 'メールはありません',
    'mail.noResults': '該当するメールはありません',
    'mail.noSubject': '（件名なし）',
    'mail.to': '宛先',
    'mail.cc': 'Cc',
    'mail.bcc': 'Bcc',
    'mail.from': '差出人',
    'mail.date': '日時',
    'mail.subject': '件名',
    'mail.toPrefix': '宛先: {names}',
    'mail.select': 'メールを選択してください',
    'mail.back': '一覧に戻る',
    'mail.reply': '返信',
    'mail.replyAll': '全員に返信',
    'mail.forward': '転送',
    'mail.flag': 'フラグを付ける',
    'mail.unflag': 'フラグを外す',
    'mail.flagged': 'フラグ付き',
    'mail.markUnread': '未読にする',
    'mail.markedUnread': '未読にしました',
    'mail.moveTo': '移動先…',
    'mail.moved': '「{name}」に移動しました',
    'mail.delete': '削除',
    'mail.deleted': 'ゴミ箱に移動しました',
    'mail.deleteForever': '完全に削除',
    'mail.deleteForeverConfirm': 'このメールを完全に削除しますか？元に戻せません。',
    'mail.deletedForever': '完全に削除しました',
    'mail.emptyTrash': 'ゴミ箱を空にする',
    'mail.emptyJunk': '迷惑メールを空にする',
    'mail.emptyConfirm': '「{name}」のメールをすべて完全に削除しますか？元に戻せません。',
    'mail.emptied': '空にしました',
    'mail.raw': '元のメッセージ',
    'mail.imagesBlocked': 'プライバシー保護のため、外部の画像を表示していません。',
    'mail.showImages': '画像を表示',
    'mail.showText': 'テキストで表示',
    'mail.showHtml': 'HTMLで表示',
    'mail.attachments': '添付ファイル',
    'mail.download': 'ダウンロード',
    'mail.saveToDrive': 'ドライブに保存',
    'mail.savedToDrive': '「{name}」をマイドライブに保存しました',
    'mail.saveToDriveFailed': 'ドライブに保存できませんでした',
    'mail.auth': '送信元の認証',
    'mail.authPass': '認証済み',
    'mail.authFail': '認証に失敗',
    'mail.authNone': '未認証',
    'mail.thread': 'この会話のメール（{n} 件）',
    'mail.frameTitle': 'メール本文',
    'mail.send': '送信',
    'mail.sent': '送信しました',
    'mail.discard': '破棄',
    'mail.discarded': '下書きを破棄しました',
    'mail.discardConfirm': 'このメールを破棄しますか？保存された下書きも削除されます。',
    'mail.closeCompose': '閉じる',
    'mail.draftSaving': '下書きを保存中…',
    'mail.draftSaved': '下書きを保存しました（{time}）',
    'mail.draftFailed': '下書きを保存できませんでした',
    'mail.keptDraft': '下書きに保存しました',
    'mail.attach': 'ファイルを添付',
    'mail.removeAttachment': '「{name}」を外す',
    'mail.uploadFailed': '添付できませんでした',
    'mail.richText': 'リッチテキスト',
    'mail.plainText': 'プレーンテキスト',
    'mail.bold': '太字',
    'mail.italic': '斜体',
    'mail.link': 'リンク',
    'mail.linkUrl': 'リンク先のURL',
    'mail.bullets': '箇条書き',
    'mail.numbers': '番号付きリスト',
    'mail.body': '本文',
    'mail.removeAddress': '{address} を削除',
    'mail.badAddress': '「{text}」はメールアドレスとして正しくありません',
    'mail.needRecipient': '宛先を1つ以上入力してください',
    'mail.addCcBcc': 'Cc/Bcc',
    'mail.fromLabel': '差出人: {address}',
    'mail.wrote': '{date}、{name} さんは書きました:',
    'mail.forwarded': '---------- 転送メッセージ ----------',
    'mail.displayName': '表示名',
    'mail.displayNameHint': '送信するメールの差出人名',
    'mail.signature': '署名',
    'mail.signatureHint': '新しいメールの末尾に自動で入ります',
    'mail.settingsSaved': 'メールの設定を保存しました',
    'mail.identities': '送信に使えるアドレス',
    'mail.primary': '主アドレス',
  },
  en: {
    'mail.title': 'Mail',
    'mail.compose': 'Compose',
    'mail.folders': 'Folders',
    'mail.folder.inbox': 'Inbox',
    'mail.folder.drafts': 'Drafts',
    'mail.folder.sent': 'Sent',
    'mail.folder.archive': 'Archive',
    'mail.folder.junk': 'Junk',
    'mail.folder.trash': 'Trash',
    'mail.unread': '{n} unread',
    'mail.newFolder': 'New folder',
    'mail.renameFolder': 'Rename folder',
    'mail.deleteFolder': 'Delete folder',
    'mail.deleteFolderConfirm': 'Delete the folder “{name}”?',
    'mail.folderNotEmpty': 'The folder is not empty. Move its messages first.',
    'mail.folderName': 'Folder name',
    'mail.folderTaken': 'A folder with this name exists.',
    'mail.settings': 'Mail settings',
    'mail.search': 'Search sender, recipients, subject, body and attachment names',
    'mail.indexing': '{n} messages are still being indexed; results may be incomplete.',
    'mail.more': 'Show more',
    'mail.top': 'Back to top',
    'mail.paging': 'Message list pages',
    'mail.allFolders': 'All folders',
    'mail.sort': 'Sort',
    'mail.sortNewest': 'Newest first',
    'mail.sortOldest': 'Oldest first',
    'mail.sortFrom': 'Sender',
    'mail.sortSubject': 'Subject',
    'mail.sortSize': 'Largest first',
    'mail.threads': 'Group conversations',
    'mail.empty': 'No messages',
    'mail.noResults': 'No messages match',
    'mail.noSubject': '(no subject)',
    'mail.to': 'To',
    'mail.cc': 'Cc',
    'mail.bcc': 'Bcc',
    'mail.from': 'From',
    'mail.date': 'Date',
    'mail.subject': 'Subject',
    'mail.toPrefix': 'To: {names}',
    'mail.select': 'Select a message',
    'mail.back': 'Back to the list',
    'mail.reply': 'Reply',
    'mail.replyAll': 'Reply all',
    'mail.forward': 'Forward',
    'mail.flag': 'Flag',
    'mail.unflag': 'Unflag',
    'mail.flagged': 'Flagged',
    'mail.markUnread': 'Mark unread',
    'mail.markedUnread': 'Marked unread',
    'mail.moveTo': 'Move to…',
    'mail.moved': 'Moved to “{name}”',
    'mail.delete': 'Delete',
    'mail.deleted': 'Moved to the trash',
    'mail.deleteForever': 'Delete forever',
    'mail.deleteForeverConfirm': 'Delete this message forever? This cannot be undone.',
    'mail.deletedForever': 'Deleted forever',
    'mail.emptyTrash': 'Empty trash',
    'mail.emptyJunk': 'Empty junk',
    'mail.emptyConfirm': 'Delete every message in “{name}” forever? This cannot be undone.',
    'mail.emptied': 'Emptied',
    'mail.raw': 'Original message',
    'mail.imagesBlocked': 'Remote images are hidden to protect your privacy.',
    'mail.showImages': 'Show images',
    'mail.showText': 'Show as text',
    'mail.showHtml': 'Show as HTML',
    'mail.attachments': 'Attachments',
    'mail.download': 'Download',
    'mail.saveToDrive': 'Save to Drive',
    'mail.savedToDrive': 'Saved “{name}” to My drive',
    'mail.saveToDriveFailed': 'Could not save to Drive',
    'mail.auth': 'Sender authentication',
    'mail.authPass': 'Verified',
    'mail.authFail': 'Failed',
    'mail.authNone': 'Not verified',
    'mail.thread': 'In this conversation ({n})',
    'mail.frameTitle': 'Message body',
    'mail.send': 'Send',
    'mail.sent': 'Sent',
    'mail.discard': 'Discard',
    'mail.discarded': 'Draft discarded',
    'mail.discardConfirm': 'Discard this message? The saved draft is deleted too.',
    'mail.closeCompose': 'Close',
    'mail.draftSaving': 'Saving draft…',
    'mail.draftSaved': 'Draft saved ({time})',
    'mail.draftFailed': 'The draft could not be saved',
    'mail.keptDraft': 'Kept in Drafts',
    'mail.attach': 'Attach files',
    'mail.removeAttachment': 'Remove “{name}”',
    'mail.uploadFailed': 'Could not attach',
    'mail.richText': 'Rich text',
    'mail.plainText': 'Plain text',
    'mail.bold': 'Bold',
    'mail.italic': 'Italic',
    'mail.link': 'Link',
    'mail.linkUrl': 'Link address (URL)',
    'mail.bullets': 'Bulleted list',
    'mail.numbers': 'Numbered list',
    'mail.body': 'Message',
    'mail.removeAddress': 'Remove {address}',
    'mail.badAddress': '“{text}” is not a valid email address',
    'mail.needRecipient': 'Enter at least one recipient',
    'mail.addCcBcc': 'Cc/Bcc',
    'mail.fromLabel': 'From: {address}',
    'mail.wrote': 'On {date}, {name} wrote:',
    'mail.forwarded': '---------- Forwarded message ----------',
    'mail.displayName': 'Display name',
    'mail.displayNameHint': 'The sender name on the mail you send',
    'mail.signature': 'Signature',
    'mail.signatureHint': 'Added at the end of new messages',
    'mail.settingsSaved': 'Mail settings saved',
    'mail.identities': 'Addresses you can send from',
    'mail.primary': 'Primary',
  },
});

const ROLE_ORDER = ['inbox', 'drafts', 'sent', 'archive', 'junk', 'trash'];
const PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200; // the API's largest page
const DRAFT_DELAY_MS = 3000;
const REFRESH_MS = 30000;
const ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

export function folderName(f) {
  return f.role ? t('mail.folder.' + f.role) : f.name;
}

function sortFolders(list) {
  return [...list].sort((a, b) => {
    const ra = a.role ? ROLE_ORDER.indexOf(a.role) : 99;
    const rb = b.role ? ROLE_ORDER.indexOf(b.role) : 99;
    return ra !== rb ? ra - rb : String(a.name).localeCompare(String(b.name), lang());
  });
}

function addrText(a) {
  if (!a) return '';
  if (typeof a === 'string') return a;
  return a.name ? `${a.name} <${a.address}>` : a.address;
}

function addrName(a) {
  if (!a) return '';
  if (typeof a === 'string') return a;
  return a.name || a.address;
}

/** "Name <a@b>" or "a@b" → {name, address}, or null when it is not an address. */
export function parseAddress(text) {
  const s = String(text || '').trim();
  if (!s) return null;
  const m = s.match(/^"?([^"<]*?)"?\s*<([^>]+)>$/);
  const address = (m ? m[2] : s).trim();
  if (!ADDRESS.test(address)) return null;
  const name = m ? m[1].trim() : '';
  return { name: name || null, address };
}

function sameAddress(a, b) {
  return String(a?.address || '').toLowerCase() === String(b?.address || '').toLowerCase();
}

function shortDate(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const now = new Date();
  const locale = lang() === 'ja' ? 'ja-JP' : 'en';
  if (d.toDateString() === now.toDateString()) {
    return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(d);
  }
  const opts = d.getFullYear() === now.getFullYear() ? { month: 'short', day: 'numeric' } : { dateStyle: 'medium' };
  return new Intl.DateTimeFormat(locale, opts).format(d);
}

function useDebounced(value, ms = 250) {
  const [v, setV] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setV(value), ms);
    return () => clearTimeout(timer);
  }, [value]);
  return v;
}

function mailHref(folderId, messageId) {
  return '#/mail/' + folderId + (messageId ? '/' + messageId : '');
}

// --- the page ----------------------------------------------------------------------------------

export function MailPage({ me, route }) {
  const [folders, setFolders] = useState(null);
  const [error, setError] = useState(null);
  const [gen, setGen] = useState(0); // bumps when messages change, so the list reloads
  const [compose, setCompose] = useState(null); // null | {mode, source?, draft?}
  const [settings, setSettings] = useState(null);
  const [identities, setIdentities] = useState([]);
  // Saving a draft replaces it with a new message (a new ID). A composer that closes while its last
  // save is still running, or a list loaded before that save committed, still names the old ID:
  // opening a draft waits for the saves in flight and follows the replacements.
  const drafts = useRef(null);
  if (!drafts.current) {
    const successor = new Map(); // replaced draft ID -> the ID of the draft that replaced it
    let pending = Promise.resolve();
    drafts.current = {
      track: (p) => {
        pending = Promise.all([pending, p]).then(
          () => {},
          () => {},
        );
      },
      replaced: (oldId, newId) => {
        if (oldId && newId && oldId !== newId) successor.set(oldId, newId);
      },
      latest: async (id) => {
        await pending;
        for (let hops = 0; successor.has(id) && hops < 1000; hops++) id = successor.get(id);
        return id;
      },
    };
  }

  const loadFolders = () =>
    api.get('/api/v1/mail/folders').then(
      (list) => {
        setFolders(sortFolders(list));
        setError(null);
      },
      (e) => setError(e),
    );
  const changed = () => {
    setGen((g) => g + 1);
    loadFolders();
  };

  // New mail shows up without a reload: the folders and the open list refresh while the page is visible.
  useEffect(() => {
    const timer = setInterval(() => document.visibilityState === 'visible' && changed(), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    loadFolders();
    api.get('/api/v1/mail/settings').then(setSettings, () => setSettings({ displayName: '', signature: '' }));
    api.get('/api/v1/mail/identities').then((l) => setIdentities(l || []), () => {});
  }, []);

  // #/mail?to=…&name=… (a profile card's "write a mail") opens the composer with the address filled in.
  const composeTo = route.params.get('to');
  const composeName = route.params.get('name');
  useEffect(() => {
    if (composeTo) setCompose({ key: Date.now(), mode: 'new', to: [{ name: composeName || null, address: composeTo }] });
  }, [composeTo, composeName]);

  const view = route.path[1] || '';
  const inbox = folders?.find((f) => f.role === 'inbox');
  useEffect(() => {
    // Replace, not push: the back button must not land on #/mail and bounce here again.
    if (folders && !view && inbox) location.replace(mailHref(inbox.id));
  }, [folders, view]);

  if (error && !folders) return html`<div class="page"><${Alert}>${errorText(error)}<//></div>`;
  if (!folders) return html`<div class="page"><${Spinner} /></div>`;

  const isSettings = view === 'settings';
  const folder = folders.find((f) => f.id === view) || (isSettings ? null : inbox);
  const messageId = isSettings ? null : route.path[2] || null;
  const startCompose = (c) => {
    setCompose({ key: Date.now(), ...c });
    // The compose pane lives beside the list: leave the settings for the folder.
    if (isSettings && inbox) navigate(mailHref(inbox.id));
  };
  const readerOpen = !!(messageId || compose);

  return html`<div class=${cx('page', 'mail', readerOpen && 'mail-reading', isSettings && 'mail-settings-open')} data-testid="mail">
    <aside class="mail-folders" aria-label=${t('mail.folders')}>
      <${Button} class="mail-compose-btn" onClick=${() => startCompose({ mode: 'new' })} data-testid="mail-compose"
        ><${Icon} name="plus" /> ${t('mail.compose')}<//
      >
      <${FolderList} folders=${folders} current=${isSettings ? null : folder?.id} onChanged=${loadFolders} onRefresh=${changed} />
      <a class=${cx('mail-folder', 'mail-settings-link', isSettings && 'active')} href="#/mail/settings" data-testid="mail-settings-link"
        ><${Icon} name="user" /><span class="mail-folder-name">${t('mail.settings')}</span></a
      >
    </aside>
    ${isSettings
      ? html`<${SettingsView} settings=${settings} identities=${identities} onSaved=${setSettings} />`
      : html`<section class="mail-list-pane" aria-label=${folder ? folderName(folder) : ''}>
            ${folder &&
            html`<${MessageList}
              key=${folder.id}
              folder=${folder}
              folders=${folders}
              gen=${gen}
              activeId=${messageId}
              onChanged=${changed}
              onOpenDraft=${(id) => startCompose({ mode: 'draft', draftId: id })}
            />`}
          </section>
          <section class="mail-reader-pane" aria-label=${t('mail.body')}>
            ${compose
              ? html`<${Compose}
                  key=${compose.key}
                  spec=${compose}
                  me=${me}
                  settings=${settings}
                  identities=${identities}
                  drafts=${drafts.current}
                  onClose=${(why) => {
                    // A composer closing late (its draft was still saving) must not close a newer one.
                    setCompose((c) => (c && c.key === compose.key ? null : c));
                    if (why) changed();
                  }}
                />`
              : messageId
                ? html`<${Reader}
                    key=${messageId}
                    id=${messageId}
                    folder=${folder}
                    folders=${folders}
                    identities=${identities}
                    onChanged=${changed}
                    onCompose=${startCompose}
                  />`
                : html`<div class="mail-placeholder"><${EmptyState} icon="mail" title=${t('mail.select')} /></div>`}
          </section>`}
  </div>`;
}

// --- folders -----------------------------------------------------------------------------------

function FolderList({ folders, current, onChanged, onRefresh }) {
  const [dialog, setDialog] = useState(null); // {kind:'new'|'rename'|'delete', folder?}
  const active = folders.find((f) => f.id === current);
  return html`<nav class="mail-folder-nav">
    <ul class="mail-folder-list" data-testid="mail-folders">
      ${folders.map(
        (f) => html`<li key=${f.id}>
          <a
            class=${cx('mail-folder', f.id === current && 'active', f.unread > 0 && 'mail-folder-unread')}
            href=${mailHref(f.id)}
            aria-current=${f.id === current ? 'page' : undefined}
            onClick=${() => f.id === current && onRefresh()}
            data-folder=${f.role || f.name}
          >
            <${Icon} name=${f.role === 'inbox' ? 'inbox' : f.role === 'trash' ? 'close' : 'mail'} />
            <span class="mail-folder-name">${folderName(f)}</span>
            ${f.unread > 0 &&
            html`<span class="mail-unread-count" data-testid="mail-unread" aria-label=${t('mail.unread', { n: f.unread })}>${f.unread}</span>`}
          </a>
        </li>`,
      )}
    </ul>
    <div class="mail-folder-actions">
      <button type="button" class="link-btn" onClick=${() => setDialog({ kind: 'new' })} data-testid="mail-new-folder">${t('mail.newFolder')}</button>
      ${active &&
      !active.role &&
      html`<button type="button" class="link-btn" onClick=${() => setDialog({ kind: 'rename', folder: active })} data-testid="mail-rename-folder">${t('mail.renameFolder')}</button>
        <button type="button" class="link-btn text-danger" onClick=${() => setDialog({ kind: 'delete', folder: active })} data-testid="mail-delete-folder">${t('mail.deleteFolder')}</button>`}
    </div>
    <${FolderNameDialog}
      open=${dialog?.kind === 'new' || dialog?.kind === 'rename'}
      title=${dialog?.kind === 'rename' ? t('mail.renameFolder') : t('mail.newFolder')}
      initial=${dialog?.folder?.name || ''}
      onClose=${() => setDialog(null)}
      onSave=${async (name) => {
        if (dialog.kind === 'rename') {
          await api.patch('/api/v1/mail/folders/' + dialog.folder.id, { name });
          setDialog(null);
          onChanged();
        } else {
          const created = await api.post('/api/v1/mail/folders', { name });
          setDialog(null);
          await onChanged();
          if (created?.id) navigate(mailHref(created.id));
        }
      }}
    />
    <${ConfirmDialog}
      open=${dialog?.kind === 'delete'}
      title=${t('mail.deleteFolder')}
      message=${t('mail.deleteFolderConfirm', { name: dialog?.folder?.name || '' })}
      confirmLabel=${t('mail.deleteFolder')}
      danger
      onClose=${() => setDialog(null)}
      onConfirm=${async () => {
        try {
          await api.del('/api/v1/mail/folders/' + dialog.folder.id);
          setDialog(null);
          const inbox = folders.find((f) => f.role === 'inbox');
          await onChanged();
          if (inbox) navigate(mailHref(inbox.id));
        } catch (e) {
          toast(e.status === 409 ? t('mail.folderNotEmpty') : errorText(e), 'error');
          setDialog(null);
        }
      }}
    />
  </nav>`;
}

function FolderNameDialog({ open, title, initial, onClose, onSave }) {
  const [name, setName] = useState(initial);
  const [err, setErr] = useState(null);
  const [busy, setBusy] = useState(false);
  // A layout effect: it runs before anyone can type into the opened dialog, so it never
  // resets what was already entered.
  useLayoutEffect(() => {
    setName(initial);
    setErr(null);
  }, [open, initial]);
  const save = async (e) => {
    e?.preventDefault();
    setBusy(true);
    try {
      await onSave(name.trim());
    } catch (x) {
      const named = (x.errors || []).find((e) => e.field === 'name');
      setErr(named?.code === 'taken' ? t('mail.folderTaken') : named ? x.fieldErrors().name : errorText(x));
    } finally {
      setBusy(false);
    }
  };
  return html`<${Dialog}
    open=${open}
    title=${title}
    onClose=${onClose}
    footer=${html`<${Button} kind="secondary" onClick=${onClose}>${t('common.cancel')}<//>
      <${Button} busy=${busy} disabled=${!name.trim()} onClick=${save} data-testid="mail-folder-save">${t('common.save')}<//>`}
  >
    <form onSubmit=${save}>
      <${TextField} label=${t('mail.folderName')} value=${name} onValue=${setName} error=${err} name="name" maxlength="100" autofocus />
    </form>
  <//>`;
}

// --- the message list --------------------------------------------------------------------------

/**
 * The messages of a folder from the top of its order down to the first `count`, in keyset pages
 * (each after the last message of the one before), so a deep page costs what the first does.
 */
async function folderSpan(folderId, sort, count) {
  const base = `/api/v1/mail/folders/${folderId}/messages`;
  let r = await api.get(base + query({ sort, size: Math.min(MAX_PAGE_SIZE, count) }));
  let items = r.items;
  while (r.items.length > 0 && items.length < count && items.length < r.total) {
    const after = items[items.length - 1].id;
    r = await api.get(base + query({ sort, size: Math.min(MAX_PAGE_SIZE, count - items.length), after }));
    items = items.concat(r.items);
  }
  return { items, total: r.total, keyset: true };
}

function MessageList({ folder, folders, gen, activeId, onChanged, onOpenDraft }) {
  const [q, setQ] = useState('');
  const [everywhere, setEverywhere] = useState(false);
  const [sort, setSort] = useState('-date');
  const [threads, setThreads] = useState(false);
  const [page, setPage] = useState(0); // search results only: the API pages them by number
  const [data, setData] = useState(null); // {items, total, pending?, page?, size?, keyset?}
  const [error, setError] = useState(null);
  const [emptying, setEmptying] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const span = useRef(PAGE_SIZE); // how many of the folder's messages the list shows (keyset paging)
  const seq = useRef(0); // the latest load; an older answer (or "more") arriving late is dropped
  const top = useRef(null);
  const dq = useDebounced(q.trim());

  useEffect(() => {
    setPage(0);
    span.current = PAGE_SIZE;
  }, [dq, everywhere, sort]);

  const load = () => {
    const mine = ++seq.current;
    const request = dq
      ? api.get(
          everywhere
            ? '/api/v1/mail/search' + query({ q: dq, page, size: PAGE_SIZE })
            : `/api/v1/mail/folders/${folder.id}/messages` + query({ q: dq, page, size: PAGE_SIZE }),
        )
      : // A refresh (new mail, a move) reloads as many messages as were shown, not only the first page.
        folderSpan(folder.id, sort, span.current);
    request.then(
      (r) => {
        if (mine !== seq.current) return;
        setData(r);
        setError(null);
      },
      (e) => mine === seq.current && setError(e),
    );
  };
  useEffect(() => {
    load();
    return () => seq.current++;
  }, [folder.id, dq, everywhere, sort, page, gen]);

  const more = () => {
    const shown = data.items;
    const mine = seq.current;
    setLoadingMore(true);
    api
      .get(`/api/v1/mail/folders/${folder.id}/messages` + query({ sort, size: PAGE_SIZE, after: shown[shown.length - 1].id }))
      .then(
        (r) => {
          if (mine !== seq.current) return;
          const have = new Set(shown.map((m) => m.id));
          const items = shown.concat(r.items.filter((m) => !have.has(m.id)));
          span.current = Math.max(PAGE_SIZE, items.length);
          setData({ ...data, items, total: r.total });
        },
        (e) => {
          if (mine !== seq.current) return;
          // 422: the last message shown has moved or gone meanwhile; reload what is shown, then go on
          if (e.status === 422) load();
          else toast(errorText(e), 'error');
        },
      )
      .finally(() => setLoadingMore(false));
  };
  const backToTop = () => {
    span.current = PAGE_SIZE;
    seq.current++; // a "more" still on its way must not add to the first page again
    setData({ ...data, items: data.items.slice(0, PAGE_SIZE) });
    setLoadingMore(false);
    top.current?.scrollIntoView({ block: 'start' });
  };

  const outgoing = folder.role === 'sent' || folder.role === 'drafts';
  const items = data?.items || [];
  const rows = threads ? groupThreads(items) : items.map((m) => ({ ...m, count: 1 }));
  const canEmpty = folder.role === 'trash' || folder.role === 'junk';

  return html`<div class="mail-list" data-testid="mail-list" ref=${top}>
    <div class="mail-list-head">
      <h1 class="mail-list-title">${folderName(folder)}</h1>
      ${canEmpty &&
      folder.total > 0 &&
      html`<${Button} kind="danger" size="small" onClick=${() => setEmptying(true)} data-testid="mail-empty-folder"
        >${folder.role === 'trash' ? t('mail.emptyTrash') : t('mail.emptyJunk')}<//
      >`}
    </div>
    <div class="mail-list-tools" role="search">
      <label class="search mail-search">
        <${Icon} name="search" />
        <span class="sr-only">${t('common.search')}</span>
        <input class="input" type="search" name="q" placeholder=${t('mail.search')} value=${q} onInput=${(e) => setQ(e.currentTarget.value)} data-testid="mail-search" />
      </label>
      <div class="mail-list-options">
        <label class="check"><input type="checkbox" checked=${everywhere} onChange=${(e) => setEverywhere(e.currentTarget.checked)} /><span>${t('mail.allFolders')}</span></label>
        <label class="check"><input type="checkbox" checked=${threads} onChange=${(e) => setThreads(e.currentTarget.checked)} data-testid="mail-threads" /><span>${t('mail.threads')}</span></label>
        <select class="input select mail-sort" aria-label=${t('mail.sort')} value=${sort} onChange=${(e) => setSort(e.currentTarget.value)} disabled=${everywhere && !!dq}>
          <option value="-date">${t('mail.sortNewest')}</option>
          <option value="date">${t('mail.sortOldest')}</option>
          <option value="from">${t('mail.sortFrom')}</option>
          <option value="subject">${t('mail.sortSubject')}</option>
          <option value="-size">${t('mail.sortSize')}</option>
        </select>
      </div>
    </div>
    ${error && html`<${Alert}>${errorText(error)}<//>`}
    ${dq &&
    data?.pending > 0 &&
    html`<div data-testid="mail-indexing"><${Alert} tone="info">${t('mail.indexing', { n: data.pending })}<//></div>`}
    ${!data && !error
      ? html`<${Spinner} />`
      : data &&
        (rows.length === 0
          ? html`<${EmptyState} icon="mail" title=${dq ? t('mail.noResults') : t('mail.empty')} />`
          : html`<ul class="mail-items">
              ${rows.map((m) => {
                const inFolder = m.folderId || folder.id;
                const isDraft = m.draft || (folders.find((f) => f.id === inFolder)?.role === 'drafts');
                const who = outgoing ? t('mail.toPrefix', { names: (m.to || []).map(addrName).join(', ') }) : addrName(m.from);
                const open = (e) => {
                  if (isDraft) {
                    e.preventDefault();
                    onOpenDraft(m.id);
                  }
                };
                return html`<li key=${m.id}>
                  <a
                    class=${cx('mail-item', !m.seen && 'mail-item-unread', m.id === activeId && 'active')}
                    href=${mailHref(inFolder, m.id)}
                    onClick=${open}
                    aria-current=${m.id === activeId ? 'true' : undefined}
                    data-testid="mail-item"
                    data-message=${m.id}
                  >
                    <span class="mail-item-top">
                      <span class="mail-item-from">${who}</span>
                      ${m.count > 1 && html`<span class="mail-thread-count">${m.count}</span>`}
                      <span class="mail-item-date">${shortDate(m.date)}</span>
                    </span>
                    <span class="mail-item-subject">
                      ${!m.seen && html`<span class="mail-dot" aria-hidden="true"></span>`}
                      ${m.flagged && html`<span class="mail-flag"><${Glyph} name="flag" label=${t('mail.flagged')} /></span>`}
                      ${m.hasAttachments && html`<span class="mail-clip"><${Glyph} name="clip" label=${t('mail.attachments')} /></span>`}
                      <span>${m.subject || t('mail.noSubject')}</span>
                    </span>
                    <span class="mail-item-preview">${m.preview || ''}</span>
                  </a>
                </li>`;
              })}
            </ul>`)}
    ${data &&
    (data.keyset
      ? data.total > 0 &&
        html`<nav class="pager mail-more" aria-label=${t('mail.paging')} style=${{ flexWrap: 'wrap' }} data-testid="mail-paging">
          <span class="pager-text" data-testid="mail-shown">${t('common.pageOf', { from: 1, to: items.length, total: data.total })}</span>
          ${items.length > PAGE_SIZE &&
          html`<${Button} kind="secondary" size="small" onClick=${backToTop} data-testid="mail-top">${t('mail.top')}<//>`}
          ${items.length < data.total &&
          html`<${Button} kind="secondary" size="small" disabled=${loadingMore} onClick=${more} data-testid="mail-more">${t('mail.more')}<//>`}
        </nav>`
      : html`<${Pager} page=${data.page} size=${data.size} total=${data.total} onPage=${setPage} />`)}
    <${ConfirmDialog}
      open=${emptying}
      title=${folder.role === 'trash' ? t('mail.emptyTrash') : t('mail.emptyJunk')}
      message=${t('mail.emptyConfirm', { name: folderName(folder) })}
      confirmLabel=${t('mail.deleteForever')}
      danger
      onClose=${() => setEmptying(false)}
      onConfirm=${async () => {
        try {
          await api.post(`/api/v1/mail/folders/${folder.id}/empty`);
          toast(t('mail.emptied'));
        } catch (e) {
          toast(errorText(e), 'error');
        }
        setEmptying(false);
        onChanged();
      }}
    />
  </div>`;
}

/** The newest message of every conversation on the page, with how many messages it holds. */
function groupThreads(items) {
  const byThread = new Map();
  for (const m of items) {
    const key = m.threadId || m.id;
    const seen = byThread.get(key);
    if (!seen) byThread.set(key, { ...m, count: 1 });
    else {
      seen.count += 1;
      if (!m.seen) seen.seen = false;
    }
  }
  return [...byThread.values()];
}

// --- reading -----------------------------------------------------------------------------------

function authSummary(auth) {
  if (!auth) return null;
  const values = [auth.spf, auth.dkim, auth.dmarc].map((v) => String(v || 'none').toLowerCase());
  if (values.every((v) => v === 'none')) return null;
  const tone = values.some((v) => v === 'fail' || v === 'permerror') ? 'danger' : values.every((v) => v === 'pass') ? 'success' : 'warning';
  const word = tone === 'success' ? t('mail.authPass') : tone === 'danger' ? t('mail.authFail') : t('mail.authNone');
  return { tone, text: `${word} · SPF ${values[0]} · DKIM ${values[1]} · DMARC ${values[2]}` };
}

/**
 * The document for the sandboxed frame: the server's sanitised HTML (jsoup allowlist, remote images
 * removed unless asked for) in a page that loads only our stylesheet. The frame runs no scripts
 * (sandbox without allow-scripts, and the page's CSP is inherited); links open in a new tab. The HTML
 * is not parsed into a DOM here: parsing hostile markup in this page would already trip its CSP.
 */
export function frameDocument(body) {
  // Inline styles would only be refused by the inherited CSP (and reported); drop them instead.
  const links = String(body || '')
    .replace(/<[a-z][^<>]*>/gi, (tag) => tag.replace(/\sstyle\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, ''))
    .replace(/<a(?=[\s>])/gi, '<a target="_blank" rel="noopener noreferrer"');
  return '<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/app/app.css"></head><body class="mail-frame">' + links + '</body></html>';
}

const GLYPHS = {
  clip: 'M20 11l-8 8a5 5 0 0 1-7-7l9-9a3.5 3.5 0 0 1 5 5l-9 9a2 2 0 0 1-3-3l8-8',
  flag: 'M5 21V4h12l-2 4 2 4H5',
  link: 'M10 14a4 4 0 0 0 6 0l3-3a4 4 0 0 0-6-6l-1 1 M14 10a4 4 0 0 0-6 0l-3 3a4 4 0 0 0 6 6l1-1',
};

function Glyph({ name, label }) {
  return html`<svg class="icon mail-glyph" viewBox="0 0 24 24" role=${label ? 'img' : undefined} aria-label=${label} aria-hidden=${label ? undefined : 'true'} focusable="false">
    <path d=${GLYPHS[name]} />
  </svg>`;
}

/** Copies an attachment into the member's own drive (its top folder), through the Drive API. */
async function saveToDrive(messageId, a) {
  try {
    const drives = await api.get('/api/v1/drive/drives');
    const mine = (drives || []).find((d) => d.kind === 'personal');
    if (!mine) throw new Error(t('mail.saveToDriveFailed'));
    const res = await fetch(`/api/v1/mail/messages/${messageId}/attachments/${encodeURIComponent(a.part)}`, { credentials: 'same-origin' });
    if (!res.ok) throw { status: res.status };
    const blob = await res.blob();
    const form = new FormData();
    form.append('file', new File([blob], a.name || 'attachment', { type: a.contentType || 'application/octet-stream' }));
    const up = await fetch(`/api/v1/drive/folders/${mine.rootFolderId}/files`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json', ...csrfHeaders() },
      body: form,
    });
    if (!up.ok) {
      const body = await up.json().catch(() => null);
      throw { status: up.status, detail: body?.detail, title: body?.title };
    }
    toast(t('mail.savedToDrive', { name: a.name || 'attachment' }));
  } catch (e) {
    toast(e?.status !== undefined ? errorText(e) : e?.message || t('mail.saveToDriveFailed'), 'error');
  }
}

function Reader({ id, folder, folders, identities, onChanged, onCompose }) {
  const [msg, setMsg] = useState(null);
  const [error, setError] = useState(null);
  const [images, setImages] = useState(false);
  const [asText, setAsText] = useState(false);
  const [thread, setThread] = useState([]);
  const [confirm, setConfirm] = useState(false);

  useEffect(() => {
    let cancelled = false;
    api.get(`/api/v1/mail/messages/${id}` + query({ images: images ? 'show' : '' })).then(
      async (m) => {
        if (cancelled) return;
        setMsg(m);
        setError(null);
        if (!m.seen) {
          try {
            await api.patch(`/api/v1/mail/messages/${id}`, { seen: true });
            if (!cancelled) setMsg((x) => (x ? { ...x, seen: true } : x));
            onChanged();
          } catch (e) {
            toast(errorText(e), 'error');
          }
        }
      },
      (e) => !cancelled && setError(e),
    );
    return () => (cancelled = true);
  }, [id, images]);

  useEffect(() => {
    api.get(`/api/v1/mail/messages/${id}/thread`).then((l) => setThread(l || []), () => setThread([]));
  }, [id]);

  const back = mailHref(folder?.id || msg?.folderId || '');
  const inTrash = folders.find((f) => f.id === msg?.folderId)?.role === 'trash';
  const patch = async (body, done) => {
    try {
      await api.patch(`/api/v1/mail/messages/${id}`, body);
      done && done();
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };
  const remove = async () => {
    try {
      await api.del(`/api/v1/mail/messages/${id}`);
      toast(inTrash ? t('mail.deletedForever') : t('mail.deleted'));
      setConfirm(false);
      navigate(back);
      onChanged();
    } catch (e) {
      toast(errorText(e), 'error');
    }
  };

  if (error) return html`<div class="mail-reader"><a class="btn btn-secondary btn-small mail-back" href=${back}><${Icon} name="back" /> ${t('mail.back')}</a><${Alert}>${errorText(error)}<//></div>`;
  if (!msg) return html`<div class="mail-reader"><${Spinner} /></div>`;

  const auth = authSummary(msg.auth);
  const showHtml = !!msg.html && !asText;
  const others = thread.filter((m) => m.id !== msg.id);
  const mine = (a) => identities.some((i) => sameAddress(i, a));

  return html`<article class="mail-reader" data-testid="mail-reader">
    <div class="mail-actions" role="toolbar" aria-label=${t('mail.title')}>
      <a class="btn btn-secondary btn-small mail-back" href=${back} aria-label=${t('mail.back')} data-testid="mail-back"><${Icon} name="back" /> <span class="mail-back-text">${t('mail.back')}</span></a>
      <${Button} size="small" onClick=${() => onCompose({ mode: 'reply', source: msg })} data-testid="mail-reply">${t('mail.reply')}<//>
      <${Button} kind="secondary" size="small" onClick=${() => onCompose({ mode: 'replyAll', source: msg, mine })} data-testid="mail-reply-all">${t('mail.replyAll')}<//>
      <${Button} kind="secondary" size="small" onClick=${() => onCompose({ mode: 'forward', source: msg })} data-testid="mail-forward">${t('mail.forward')}<//>
      <${Button}
        kind="secondary"
        size="small"
        aria-pressed=${msg.flagged ? 'true' : 'false'}
        onClick=${() => patch({ flagged: !msg.flagged }, () => { setMsg({ ...msg, flagged: !msg.flagged }); onChanged(); })}
        data-testid="mail-flag"
        >${msg.flagged ? t('mail.unflag') : t('mail.flag')}<//
      >
      <${Button} kind="secondary" size="small" onClick=${() => patch({ seen: false }, () => { toast(t('mail.markedUnread')); navigate(back); onChanged(); })} data-testid="mail-mark-unread"
        >${t('mail.markUnread')}<//
      >
      <select
        class="input select mail-move"
        aria-label=${t('mail.moveTo')}
        data-testid="mail-move"
        onChange=${(e) => {
          const target = folders.find((f) => f.id === e.currentTarget.value);
          e.currentTarget.value = '';
          if (target) patch({ folderId: target.id }, () => { toast(t('mail.moved', { name: folderName(target) })); navigate(back); onChanged(); });
        }}
      >
        <option value="">${t('mail.moveTo')}</option>
        ${folders.filter((f) => f.id !== msg.folderId && f.role !== 'drafts').map((f) => html`<option value=${f.id}>${folderName(f)}</option>`)}
      </select>
      <${Button} kind="danger" size="small" onClick=${() => (inTrash ? setConfirm(true) : remove())} data-testid="mail-delete">${inTrash ? t('mail.deleteForever') : t('mail.delete')}<//>
    </div>
    <header class="mail-head">
      <h2 class="mail-subject" data-testid="mail-subject">${msg.subject || t('mail.noSubject')}</h2>
      <dl class="mail-meta">
        <dt>${t('mail.from')}</dt><dd data-testid="mail-from">${addrText(msg.from)}</dd>
        ${msg.to?.length > 0 && html`<dt>${t('mail.to')}</dt><dd>${msg.to.map(addrText).join(', ')}</dd>`}
        ${msg.cc?.length > 0 && html`<dt>${t('mail.cc')}</dt><dd>${msg.cc.map(addrText).join(', ')}</dd>`}
        ${msg.bcc?.length > 0 && html`<dt>${t('mail.bcc')}</dt><dd>${msg.bcc.map(addrText).join(', ')}</dd>`}
        <dt>${t('mail.date')}</dt><dd>${formatDateTime(msg.date)}</dd>
      </dl>
      ${auth && html`<div class="mail-auth" title=${t('mail.auth')} data-testid="mail-auth"><${Badge} tone=${auth.tone}>${auth.text}<//></div>`}
    </header>
    ${msg.remoteImagesBlocked &&
    !images &&
    showHtml &&
    html`<div class="mail-images-note" role="status" data-testid="mail-images-blocked">
      <span>${t('mail.imagesBlocked')}</span>
      <${Button} kind="secondary" size="small" onClick=${() => setImages(true)} data-testid="mail-show-images">${t('mail.showImages')}<//>
    </div>`}
    ${msg.html &&
    msg.text &&
    html`<div class="mail-view-switch"><button type="button" class="link-btn" onClick=${() => setAsText(!asText)}>${asText ? t('mail.showHtml') : t('mail.showText')}</button></div>`}
    ${showHtml
      ? html`<iframe
          class="mail-frame-view"
          title=${t('mail.frameTitle')}
          sandbox="allow-popups allow-popups-to-escape-sandbox"
          referrerpolicy="no-referrer"
          srcdoc=${frameDocument(msg.html)}
          data-testid="mail-frame"
        ></iframe>`
      : html`<div class="mail-text" data-testid="mail-text">${msg.text || ''}</div>`}
    ${msg.attachments?.length > 0 &&
    html`<section class="mail-attachments" aria-label=${t('mail.attachments')}>
      <h3 class="mail-h3">${t('mail.attachments')}</h3>
      <ul data-testid="mail-attachments">
        ${msg.attachments.map(
          (a) => html`<li key=${a.part} class="mail-attachment-item">
            <a class="mail-attachment" href=${`/api/v1/mail/messages/${msg.id}/attachments/${encodeURIComponent(a.part)}`} download=${a.name || 'attachment'} title=${t('mail.download')}>
              <${Glyph} name="clip" /><span class="mail-attachment-name">${a.name || a.contentType}</span><span class="mail-attachment-size">${formatBytes(a.size)}</span>
            </a>
            <button type="button" class="link-btn mail-save-drive" onClick=${() => saveToDrive(msg.id, a)} data-testid="mail-save-drive">${t('mail.saveToDrive')}</button>
          </li>`,
        )}
      </ul>
    </section>`}
    ${others.length > 0 &&
    html`<section class="mail-thread" aria-label=${t('mail.thread', { n: thread.length })}>
      <h3 class="mail-h3">${t('mail.thread', { n: thread.length })}</h3>
      <ul data-testid="mail-thread">
        ${thread.map(
          (m) => html`<li key=${m.id}>
            ${m.id === msg.id
              ? html`<span class="mail-thread-item active"><span>${addrName(m.from)}</span><span class="mail-item-date">${shortDate(m.date)}</span></span>`
              : html`<a class="mail-thread-item" href=${mailHref(m.folderId || msg.folderId, m.id)}
                  ><span>${addrName(m.from)}</span><span class="mail-thread-preview">${m.preview || m.subject || ''}</span><span class="mail-item-date">${shortDate(m.date)}</span></a
                >`}
          </li>`,
        )}
      </ul>
    </section>`}
    <p class="mail-raw"><a href=${`/api/v1/mail/messages/${msg.id}/raw`} download=${(msg.subject || 'message') + '.eml'}>${t('mail.raw')}</a></p>
    <${ConfirmDialog}
      open=${confirm}
      title=${t('mail.deleteForever')}
      message=${t('mail.deleteForeverConfirm')}
      confirmLabel=${t('mail.deleteForever')}
      danger
      onClose=${() => setConfirm(false)}
      onConfirm=${remove}
    />
  </article>`;
}

// --- compose -----------------------------------------------------------------------------------

function prefixed(prefix, subject) {
  const s = subject || '';
  return new RegExp('^' + prefix + ':', 'i').test(s) ? s : `${prefix}: ${s}`;
}

function quoteLines(text) {
  return String(text || '')
    .split(/\r?\n/)
    .map((l) => '> ' + l)
    .join('\n');
}

function signatureBlock(settings) {
  const sig = (settings?.signature || '').trim();
  return sig ? '\n\n-- \n' + sig : '';
}

/** The fields a new message starts with, from what the reader chose (new, reply, forward, draft). */
function initialMessage(spec, settings) {
  const src = spec.source;
  const sig = signatureBlock(settings);
  if (!src) return { to: spec.to || [], cc: [], bcc: [], subject: '', text: sig ? '\n' + sig : '', quote: null };
  const header = t('mail.wrote', { date: formatDateTime(src.date), name: addrName(src.from) });
  if (spec.mode === 'forward') {
    const fwd = [
      t('mail.forwarded'),
      `${t('mail.from')}: ${addrText(src.from)}`,
      `${t('mail.date')}: ${formatDateTime(src.date)}`,
      `${t('mail.subject')}: ${src.subject || ''}`,
      `${t('mail.to')}: ${(src.to || []).map(addrText).join(', ')}`,
      '',
      src.text || '',
    ].join('\n');
    return { to: [], cc: [], bcc: [], subject: prefixed('Fwd', src.subject), text: '\n' + sig + '\n\n' + fwd, quote: { header: t('mail.forwarded'), text: fwd } };
  }
  const first = src.replyTo?.length ? src.replyTo : [src.from].filter(Boolean);
  let cc = [];
  let to = first;
  if (spec.mode === 'replyAll') {
    const mine = spec.mine || (() => false);
    const seen = [...first];
    const more = [...(src.to || [])].filter((a) => !mine(a) && !seen.some((s) => sameAddress(s, a)));
    to = [...first, ...more];
    cc = (src.cc || []).filter((a) => !mine(a) && !to.some((s) => sameAddress(s, a)));
  }
  return {
    to: to.map((a) => ({ name: a.name || null, address: a.address })),
    cc: cc.map((a) => ({ name: a.name || null, address: a.address })),
    bcc: [],
    subject: prefixed('Re', src.subject),
    text: '\n' + sig + '\n\n' + header + '\n' + quoteLines(src.text),
    quote: { header, text: src.text || '' },
  };
}

/** Uploads one file as an attachment with XMLHttpRequest, which reports progress. */
function uploadAttachment(file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/mail/attachments');
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    for (const [k, v] of Object.entries(csrfHeaders())) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject({ status: xhr.status, type: body?.type, title: body?.title, detail: body?.detail, errors: body?.errors });
    };
    xhr.onerror = () => reject({ status: 0, detail: t('mail.uploadFailed') });
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

/** Fills the rich editor with the text and a quoted block, built from DOM nodes (never parsed HTML). */
function fillEditor(el, text, quote) {
  el.replaceChildren();
  const lines = (node, s) =>
    String(s || '')
      .split(/\r?\n/)
      .forEach((line, i) => {
        if (i > 0) node.appendChild(document.createElement('br'));
        node.appendChild(document.createTextNode(line));
      });
  const main = document.createElement('div');
  lines(main, text);
  el.appendChild(main);
  if (quote) {
    const p = document.createElement('div');
    p.textContent = quote.header;
    const bq = document.createElement('blockquote');
    lines(bq, quote.text);
    el.appendChild(p);
    el.appendChild(bq);
  }
}

function Compose({ spec, me, settings, identities, drafts, onClose }) {
  const [form, setForm] = useState(null); // {to, cc, bcc, subject, text}
  const [rich, setRich] = useState(false);
  const [showCc, setShowCc] = useState(false);
  const [files, setFiles] = useState([]); // {key, name, size, progress, id?, error?}
  const [draftId, setDraftId] = useState(spec.draftId || null);
  const [draftState, setDraftState] = useState(null); // null | 'saving' | {savedAt} | 'failed'
  const [dirty, setDirty] = useState(0);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const [linking, setLinking] = useState(null); // {range, url}
  const [from, setFrom] = useState('');
  const editor = useRef(null);
  const fileInput = useRef(null);
  const saving = useRef(Promise.resolve());
  const sending = useRef(false); // once the message is being sent, no autosave may replace its draft
  const draftRef = useRef(draftId);
  const quote = useRef(null);
  draftRef.current = draftId;

  useEffect(() => {
    if (spec.mode === 'draft') {
      drafts.latest(spec.draftId).then((id) => {
        draftRef.current = id;
        setDraftId(id);
        return api.get(`/api/v1/mail/messages/${id}`);
      }).then(
        (d) => {
          setForm({ to: d.to || [], cc: d.cc || [], bcc: d.bcc || [], subject: d.subject || '', text: d.text || '' });
          if ((d.cc || []).length || (d.bcc || []).length) setShowCc(true);
        },
        (e) => {
          setError(e);
          setForm({ to: [], cc: [], bcc: [], subject: '', text: '' });
        },
      );
    } else {
      const init = initialMessage(spec, settings);
      quote.current = init.quote;
      setForm(init);
      if (init.cc.length) setShowCc(true);
    }
  }, []);

  const body = () => {
    const uploads = files.filter((f) => f.id).map((f) => f.id);
    const out = {
      to: form.to,
      cc: form.cc,
      bcc: form.bcc,
      subject: form.subject,
      text: rich && editor.current ? editor.current.innerText : form.text,
      html: rich && editor.current ? editor.current.innerHTML : null,
      attachments: uploads,
    };
    if (from && identities.length > 1) out.from = from;
    if (spec.source && spec.mode !== 'forward') out.inReplyTo = spec.source.id;
    if (spec.source && spec.mode === 'forward') out.forwardOf = spec.source.id;
    return out;
  };

  const saveDraft = () => {
    saving.current = saving.current.then(async () => {
      // A save after the send started would replace the draft the send is about to remove.
      if (sending.current) return;
      setDraftState('saving');
      try {
        // Each save replaces the draft with a new message: keep the ID it answers with.
        const old = draftRef.current;
        const r = old ? await api.put(`/api/v1/mail/drafts/${old}`, body()) : await api.post('/api/v1/mail/drafts', body());
        draftRef.current = r.id;
        setDraftId(r.id);
        drafts.replaced(old, r.id);
        setDraftState({ savedAt: new Date().toISOString() });
      } catch {
        setDraftState('failed');
      }
    });
    drafts.track(saving.current);
    return saving.current;
  };

  // Saves a draft a few seconds after the last change while the member types.
  useEffect(() => {
    if (!dirty) return undefined;
    const timer = setTimeout(saveDraft, DRAFT_DELAY_MS);
    return () => clearTimeout(timer);
  }, [dirty]);

  const touch = () => setDirty((d) => d + 1);
  const set = (k) => (v) => {
    setForm((f) => ({ ...f, [k]: v }));
    touch();
  };

  const toggleRich = () => {
    if (!rich) {
      setRich(true);
      // The editor mounts on the next render; fill it then.
      setTimeout(() => {
        const el = editor.current;
        if (!el) return;
        fillEditor(el, form.text, null);
        el.focus();
        const range = document.createRange();
        range.setStart(el.firstChild || el, 0);
        range.collapse(true);
        document.getSelection().removeAllRanges();
        document.getSelection().addRange(range);
      }, 0);
    } else {
      setForm((f) => ({ ...f, text: editor.current ? editor.current.innerText : f.text }));
      setRich(false);
    }
    touch();
  };

  const addFiles = async (list) => {
    for (const file of list) {
      const key = Math.random().toString(36).slice(2);
      setFiles((fs) => [...fs, { key, name: file.name, size: file.size, progress: 0 }]);
      try {
        const up = await uploadAttachment(file, (p) => setFiles((fs) => fs.map((x) => (x.key === key ? { ...x, progress: p } : x))));
        setFiles((fs) => fs.map((x) => (x.key === key ? { ...x, id: up.id, size: up.size ?? x.size, progress: 1 } : x)));
        touch();
      } catch (e) {
        setFiles((fs) => fs.map((x) => (x.key === key ? { ...x, error: errorText(e) || t('mail.uploadFailed') } : x)));
      }
    }
  };

  const send = async (e) => {
    e?.preventDefault();
    if (!form.to.length && !form.cc.length && !form.bcc.length) {
      setError(new Error(t('mail.needRecipient')));
      return;
    }
    setBusy(true);
    setError(null);
    sending.current = true;
    try {
      await saving.current;
      await api.post('/api/v1/mail/messages', { ...body(), draftId: draftRef.current || undefined });
      toast(t('mail.sent'));
      onClose('sent');
    } catch (err) {
      sending.current = false;
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const close = async () => {
    if (dirty) {
      await saveDraft();
      toast(t('mail.keptDraft'));
    }
    onClose(dirty ? 'draft' : null);
  };

  const discard = async () => {
    await saving.current;
    if (draftRef.current) {
      try {
        await api.del(`/api/v1/mail/messages/${draftRef.current}`);
      } catch (e) {
        toast(errorText(e), 'error');
      }
    }
    toast(t('mail.discarded'));
    setConfirmDiscard(false);
    onClose('discarded');
  };

  if (!form) return html`<div class="mail-compose"><${Spinner} /></div>`;
  const primary = identities.find((i) => i.primary) || identities[0];
  const mailDomain = String(primary?.address || '').split('@')[1] || '';
  const fe = error?.fieldErrors ? error.fieldErrors() : {};
  const uploading = files.some((f) => !f.id && !f.error);
  const title = spec.mode === 'reply' || spec.mode === 'replyAll' ? t(spec.mode === 'reply' ? 'mail.reply' : 'mail.replyAll') : spec.mode === 'forward' ? t('mail.forward') : t('mail.compose');

  return html`<form class="mail-compose" onSubmit=${send} data-testid="mail-compose-form">
    <div class="mail-compose-head">
      <h2 class="mail-subject">${title}</h2>
      <button type="button" class="icon-btn" aria-label=${t('mail.closeCompose')} onClick=${close} data-testid="mail-compose-close"><${Icon} name="close" /></button>
    </div>
    ${error && html`<${Alert}>${error.status !== undefined ? errorText(error) : error.message}${otherFieldErrors(error, ['to', 'cc', 'bcc', 'subject']).map((x) => html`<div>${x}</div>`)}<//>`}
    ${identities.length > 1
      ? html`<label class="mail-from-line mail-from-pick">
          <span>${t('mail.from')}</span>
          <select class="input select" value=${from || primary.address} onChange=${(e) => { setFrom(e.currentTarget.value); touch(); }} data-testid="mail-from">
            ${identities.map((i) => html`<option value=${i.address}>${addrText({ name: settings?.displayName || i.name, address: i.address })}</option>`)}
          </select>
        </label>`
      : primary && html`<p class="mail-from-line">${t('mail.fromLabel', { address: addrText({ name: settings?.displayName || me?.displayName, address: primary.address }) })}</p>`}
    <${AddressField} label=${t('mail.to')} value=${form.to} onValue=${set('to')} error=${fe.to} testid="mail-to" mailDomain=${mailDomain} />
    ${showCc
      ? html`<${AddressField} label=${t('mail.cc')} value=${form.cc} onValue=${set('cc')} error=${fe.cc} testid="mail-cc" mailDomain=${mailDomain} />
          <${AddressField} label=${t('mail.bcc')} value=${form.bcc} onValue=${set('bcc')} error=${fe.bcc} testid="mail-bcc" mailDomain=${mailDomain} />`
      : html`<div><button type="button" class="link-btn" onClick=${() => setShowCc(true)} data-testid="mail-show-cc">${t('mail.addCcBcc')}</button></div>`}
    <${TextField} label=${t('mail.subject')} value=${form.subject} onValue=${set('subject')} error=${fe.subject} name="subject" maxlength="998" data-testid="mail-subject-input" />
    <div class="field">
      <div class="mail-editor-bar">
        <span class="field-label" id="mail-body-label">${t('mail.body')}</span>
        <span class="toolbar-spacer"></span>
        ${rich &&
        html`<span class="mail-format" role="toolbar" aria-label=${t('mail.richText')}>
          <${FormatButton} label=${t('mail.bold')} cmd="bold" text="B" />
          <${FormatButton} label=${t('mail.italic')} cmd="italic" text="I" />
          <${FormatButton} label=${t('mail.bullets')} cmd="insertUnorderedList" text="•" />
          <${FormatButton} label=${t('mail.numbers')} cmd="insertOrderedList" text="1." />
          <button
            type="button"
            class="btn btn-secondary btn-small"
            title=${t('mail.link')}
            aria-label=${t('mail.link')}
            onMouseDown=${(e) => e.preventDefault()}
            onClick=${() => {
              const sel = document.getSelection();
              const range = sel && sel.rangeCount ? sel.getRangeAt(0).cloneRange() : null;
              setLinking({ range, url: linkFromSelection(range) || 'https://' });
            }}
            data-testid="mail-link"
          ><${Glyph} name="link" /></button>
        </span>`}
        <button type="button" class="link-btn" onClick=${toggleRich} data-testid="mail-rich-toggle">${rich ? t('mail.plainText') : t('mail.richText')}</button>
      </div>
      ${rich &&
      linking &&
      html`<div class="mail-link-row" data-testid="mail-link-row">
        <label class="sr-only" for="mail-link-url">${t('mail.linkUrl')}</label>
        <input
          id="mail-link-url"
          class="input"
          type="url"
          placeholder=${t('mail.linkUrl')}
          value=${linking.url}
          onInput=${(e) => setLinking({ ...linking, url: e.currentTarget.value })}
          onKeyDown=${(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              insertLink(editor.current, linking, touch, setLinking);
            } else if (e.key === 'Escape') {
              e.preventDefault();
              setLinking(null);
            }
          }}
          ref=${(el) => el && !el.dataset.focused && ((el.dataset.focused = '1'), el.focus())}
          data-testid="mail-link-url"
        />
        <${Button} size="small" disabled=${!safeLink(linking.url)} onClick=${() => insertLink(editor.current, linking, touch, setLinking)} data-testid="mail-link-save">${t('mail.link')}<//>
        <${Button} kind="secondary" size="small" onClick=${() => setLinking(null)}>${t('common.cancel')}<//>
      </div>`}
      ${rich
        ? html`<div
            class="input mail-rich"
            contenteditable="true"
            role="textbox"
            aria-multiline="true"
            aria-labelledby="mail-body-label"
            ref=${editor}
            onInput=${touch}
            data-testid="mail-rich"
          ></div>`
        : html`<textarea class="input mail-body" rows="14" aria-labelledby="mail-body-label" value=${form.text} onInput=${(e) => set('text')(e.currentTarget.value)} data-testid="mail-body"></textarea>`}
    </div>
    ${files.length > 0 &&
    html`<ul class="mail-uploads" aria-live="polite" data-testid="mail-uploads">
      ${files.map(
        (f) => html`<li key=${f.key} class=${cx('mail-upload', f.error && 'mail-upload-error')}>
          <span class="mail-attachment-name">${f.name}</span>
          ${f.error
            ? html`<span role="alert">${f.error}</span>`
            : f.id
              ? html`<span class="mail-attachment-size">${formatBytes(f.size)}</span>`
              : html`<progress max="100" value=${Math.round(f.progress * 100)}></progress>`}
          <button type="button" class="icon-btn" aria-label=${t('mail.removeAttachment', { name: f.name })} onClick=${() => { setFiles((fs) => fs.filter((x) => x.key !== f.key)); touch(); }}>
            <${Icon} name="close" />
          </button>
        </li>`,
      )}
    </ul>`}
    <div class="mail-compose-foot">
      <${Button} type="submit" busy=${busy} disabled=${uploading} data-testid="mail-send">${t('mail.send')}<//>
      <${Button} kind="secondary" onClick=${() => fileInput.current?.click()} data-testid="mail-attach"><${Icon} name="plus" /> ${t('mail.attach')}<//>
      <input
        ref=${fileInput}
        type="file"
        multiple
        class="sr-only"
        tabindex="-1"
        data-testid="mail-file-input"
        onChange=${(e) => {
          const list = [...e.currentTarget.files];
          e.currentTarget.value = '';
          addFiles(list);
        }}
      />
      <span class="mail-draft-state" role="status" data-testid="mail-draft-state">
        ${draftState === 'saving'
          ? t('mail.draftSaving')
          : draftState === 'failed'
            ? t('mail.draftFailed')
            : draftState?.savedAt
              ? t('mail.draftSaved', { time: shortDate(draftState.savedAt) })
              : ''}
      </span>
      <span class="toolbar-spacer"></span>
      <${Button} kind="ghost" onClick=${() => setConfirmDiscard(true)} data-testid="mail-discard">${t('mail.discard')}<//>
    </div>
    <${ConfirmDialog}
      open=${confirmDiscard}
      title=${t('mail.discard')}
      message=${t('mail.discardConfirm')}
      confirmLabel=${t('mail.discard')}
      danger
      onClose=${() => setConfirmDiscard(false)}
      onConfirm=${discard}
    />
  </form>`;
}

function safeLink(url) {
  return /^(https?:\/\/[^\s]+|mailto:[^\s]+)$/i.test(String(url || '').trim());
}

/** Turns the remembered selection into a link (or inserts the address as a link when nothing was selected). */
function insertLink(el, linking, touch, setLinking) {
  const url = String(linking.url).trim();
  if (!el || !safeLink(url)) return;
  el.focus();
  const sel = document.getSelection();
  if (linking.range && el.contains(linking.range.commonAncestorContainer)) {
    sel.removeAllRanges();
    sel.addRange(linking.range);
  }
  if (sel.rangeCount && !sel.getRangeAt(0).collapsed) document.execCommand('createLink', false, url);
  else {
    const a = document.createElement('a');
    a.href = url;
    a.textContent = url;
    if (sel.rangeCount && el.contains(sel.getRangeAt(0).commonAncestorContainer)) sel.getRangeAt(0).insertNode(a);
    else el.appendChild(a);
  }
  setLinking(null);
  touch();
}

/** The URL to link the selected text to: the selection itself when it is a URL. */
function linkFromSelection(range) {
  const text = range ? String(range.toString()).trim() : '';
  if (/^https?:\/\/\S+$/i.test(text)) return text;
  if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)) return 'mailto:' + text;
  return null;
}

function FormatButton({ label, cmd, text }) {
  return html`<button
    type="button"
    class="btn btn-secondary btn-small"
    title=${label}
    aria-label=${label}
    onMouseDown=${(e) => e.preventDefault()}
    onClick=${() => document.execCommand(cmd, false, null)}
  >${text}</button>`;
}

/** Recipients as chips, with completion from the company directory. */
/**
 * A colleague's mailbox: the local part of their login ID at the company's mail domain (the domain
 * of the reader's own primary address), else the contact address in their profile.
 */
function memberAddress(m, mailDomain) {
  const local = String(m.loginId || '').split('@')[0];
  if (local && mailDomain) return (local + '@' + mailDomain).toLowerCase();
  return m.email || null;
}

function AddressField({ label, value, onValue, error, testid, mailDomain }) {
  const [text, setText] = useState('');
  const [options, setOptions] = useState([]);
  const [active, setActive] = useState(0);
  const [bad, setBad] = useState(null);
  const listId = useRef('mail-ac-' + Math.random().toString(36).slice(2)).current;
  const inputId = listId + '-input';
  const dq = useDebounced(text.trim(), 200);

  useEffect(() => {
    if (!dq || dq.includes(',')) {
      setOptions([]);
      return undefined;
    }
    let cancelled = false;
    api.get('/api/v1/directory/members' + query({ q: dq, size: 8 })).then(
      (r) => {
        if (cancelled) return;
        const found = (r?.items || []).map((m) => ({ name: m.displayName || null, address: memberAddress(m, mailDomain) })).filter((o) => o.address);
        setOptions(found.filter((o) => !value.some((v) => sameAddress(v, o))));
        setActive(0);
      },
      () => !cancelled && setOptions([]),
    );
    return () => (cancelled = true);
  }, [dq]);

  const add = (a) => {
    if (!value.some((v) => sameAddress(v, a))) onValue([...value, a]);
    setText('');
    setOptions([]);
    setBad(null);
  };
  const commit = () => {
    const parts = text.split(/[,;、]/).map((s) => s.trim()).filter(Boolean);
    if (!parts.length) return true;
    const parsed = parts.map(parseAddress);
    const wrong = parts.find((p, i) => !parsed[i]);
    if (wrong) {
      setBad(t('mail.badAddress', { text: wrong }));
      return false;
    }
    const next = [...value];
    for (const a of parsed) if (!next.some((v) => sameAddress(v, a))) next.push(a);
    onValue(next);
    setText('');
    setOptions([]);
    setBad(null);
    return true;
  };
  const onKey = (e) => {
    if (e.key === 'ArrowDown' && options.length) {
      e.preventDefault();
      setActive((active + 1) % options.length);
    } else if (e.key === 'ArrowUp' && options.length) {
      e.preventDefault();
      setActive((active - 1 + options.length) % options.length);
    } else if (e.key === 'Enter' || e.key === ',' || e.key === ';' || (e.key === 'Tab' && text.trim())) {
      if (e.isComposing) return;
      if (options.length && e.key !== ',' && e.key !== ';' && !parseAddress(text)) {
        e.preventDefault();
        add(options[active] || options[0]);
      } else if (text.trim()) {
        if (commit() || e.key !== 'Tab') e.preventDefault();
      } else if (e.key === 'Enter') {
        e.preventDefault();
      }
    } else if (e.key === 'Backspace' && !text && value.length) {
      onValue(value.slice(0, -1));
    } else if (e.key === 'Escape' && options.length) {
      e.stopPropagation();
      setOptions([]);
    }
  };
  const shown = error || bad;
  return html`<div class=${cx('field', shown && 'field-invalid')}>
    <label class="field-label" for=${inputId}>${label}</label>
    <div class="input mail-chips" data-testid=${testid}>
      ${value.map(
        (a) => html`<span class="mail-chip" key=${a.address} title=${a.address} data-testid="mail-chip">
          <span class="mail-chip-text">${a.name || a.address}</span>
          <button type="button" class="mail-chip-x" aria-label=${t('mail.removeAddress', { address: a.address })} onClick=${() => onValue(value.filter((v) => v !== a))}>×</button>
        </span>`,
      )}
      <input
        id=${inputId}
        class="mail-chip-input"
        type="text"
        autocomplete="off"
        role="combobox"
        aria-expanded=${options.length ? 'true' : 'false'}
        aria-controls=${listId}
        aria-autocomplete="list"
        aria-activedescendant=${options.length ? `${listId}-${active}` : undefined}
        value=${text}
        onInput=${(e) => {
          setText(e.currentTarget.value);
          setBad(null);
        }}
        onKeyDown=${onKey}
        onBlur=${() => setTimeout(() => text.trim() && !options.length && commit(), 150)}
      />
    </div>
    ${options.length > 0 &&
    html`<ul class="mail-suggest" role="listbox" id=${listId} data-testid="mail-suggest">
      ${options.map(
        (o, i) => html`<li
          key=${o.address}
          id=${`${listId}-${i}`}
          role="option"
          aria-selected=${i === active ? 'true' : 'false'}
          class=${cx('mail-suggest-item', i === active && 'active')}
          onMouseDown=${(e) => {
            e.preventDefault();
            add(o);
          }}
        >
          <span class="person-name">${o.name || o.address}</span>
          <span class="person-sub">${o.address}</span>
        </li>`,
      )}
    </ul>`}
    ${shown && html`<p class="field-error" role="alert">${shown}</p>`}
  </div>`;
}

// --- settings ----------------------------------------------------------------------------------

function SettingsView({ settings, identities, onSaved }) {
  const [form, setForm] = useState({ displayName: '', signature: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (settings) setForm({ displayName: settings.displayName || '', signature: settings.signature || '' });
  }, [settings]);
  const fe = error?.fieldErrors ? error.fieldErrors() : {};
  const save = async (e) => {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = await api.put('/api/v1/mail/settings', form);
      onSaved(saved || form);
      toast(t('mail.settingsSaved'));
    } catch (x) {
      setError(x);
    } finally {
      setBusy(false);
    }
  };
  return html`<section class="mail-settings" data-testid="mail-settings">
    <h1 class="mail-list-title">${t('mail.settings')}</h1>
    ${!settings
      ? html`<${Spinner} />`
      : html`<form class="stack" onSubmit=${save}>
          ${error && html`<${Alert}>${errorText(error)}${otherFieldErrors(error, ['displayName', 'signature']).map((x) => html`<div>${x}</div>`)}<//>`}
          <${TextField} label=${t('mail.displayName')} hint=${t('mail.displayNameHint')} value=${form.displayName} onValue=${(v) => setForm({ ...form, displayName: v })} error=${fe.displayName} name="displayName" maxlength="200" />
          <div class=${cx('field', fe.signature && 'field-invalid')}>
            <label class="field-label" for="mail-signature">${t('mail.signature')}</label>
            <textarea id="mail-signature" class="input" rows="6" value=${form.signature} onInput=${(e) => setForm({ ...form, signature: e.currentTarget.value })} data-testid="mail-signature"></textarea>
            ${fe.signature ? html`<p class="field-error" role="alert">${fe.signature}</p>` : html`<p class="field-hint">${t('mail.signatureHint')}</p>`}
          </div>
          <div><${Button} type="submit" busy=${busy} data-testid="mail-settings-save">${t('common.save')}<//></div>
        </form>`}
    ${identities.length > 0 &&
    html`<h2 class="mail-h3">${t('mail.identities')}</h2>
      <ul class="mail-identities">
        ${identities.map((i) => html`<li key=${i.address}><span>${addrText(i)}</span> ${i.primary && html`<${Badge} tone="info">${t('mail.primary')}<//>`}</li>`)}
      </ul>`}
  </section>`;
}
