// Drive: my drive and shared drives, a file browser with breadcrumbs, sort and search, uploads with
// a progress bar per file (drag and drop too), folders, rename, move, trash, versions and quota,
// previews (images, PDFs, text), links for people outside, shared drives and their members, and the
// public page such a link opens.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api, csrfHeaders, query } from '../api.js';
import { addMessages, formatBytes, formatDateTime, t } from '../i18n.js';
import {
  html,
  cx,
  Alert,
  Button,
  ConfirmDialog,
  Dialog,
  EmptyState,
  Icon,
  Pager,
  Select,
  Spinner,
  TextField,
  CopyButton,
  errorText,
  toast,
} from '../ui.js';

addMessages({
  ja: {
    'drive.title': 'ドライブ',
    'drive.mine': 'マイドライブ',
    'drive.upload': 'アップロード',
    'drive.newFolder': '新しいフォルダ',
    'drive.folderName': 'フォルダ名',
    'drive.name': '名前',
    'drive.size': 'サイズ',
    'drive.updated': '更新日時',
    'drive.actions': '操作',
    'drive.empty': 'このフォルダは空です',
    'drive.emptyHint': 'ファイルをここにドラッグ＆ドロップするか、「アップロード」を押してください。',
    'drive.drop': 'ここにドロップしてアップロード',
    'drive.search': 'ドライブ内を名前で検索',
    'drive.sortName': '名前順',
    'drive.sortSize': 'サイズ順',
    'drive.sortUpdated': '更新日時順',
    'drive.sort': '並べ替え',
    'drive.rename': '名前を変更',
    'drive.move': '移動',
    'drive.moveHere': 'ここに移動',
    'drive.delete': 'ゴミ箱へ移動',
    'drive.deleteConfirm': '「{name}」をゴミ箱へ移動しますか？',
    'drive.download': 'ダウンロード',
    'drive.downloadBlockedNetwork': '会社のポリシーにより、管理されたネットワークの外からはダウンロードできません。プレビューは表示できます。',
    'drive.downloadBlockedRole': '会社のポリシーにより、あなたのロールではダウンロードできません。プレビューは表示できます。',
    'drive.versions': '版の履歴',
    'drive.version': '第{n}版',
    'drive.current': '現在の版',
    'drive.restoreVersion': 'この版に戻す',
    'drive.trash': 'ゴミ箱',
    'drive.trashEmpty': 'ゴミ箱は空です',
    'drive.restore': '元に戻す',
    'drive.purge': '完全に削除',
    'drive.purgeConfirm': '「{name}」を完全に削除しますか？元に戻せません。',
    'drive.back': 'ドライブに戻る',
    'drive.quota': '{used} / {limit} 使用中',
    'drive.uploaded': 'アップロードしました',
    'drive.uploadFailed': 'アップロードできませんでした',
    'drive.tooLarge': 'ファイルが大きすぎます',
    'drive.quotaExceeded': '容量の上限を超えます',
    'drive.nameTaken': '同じ名前の項目がすでにあります（大文字と小文字は区別しません）',
    'drive.results': '検索結果',
    'drive.folder': 'フォルダ',
    'drive.saved': '保存しました',
    'drive.preview': 'プレビュー',
    'drive.noPreview': 'この種類のファイルはプレビューできません',
    'drive.truncated': '先頭の 64 KB だけを表示しています',
    'drive.share': '共有リンク',
    'drive.shareTitle': '社外共有リンク — {name}',
    'drive.shareCreate': 'リンクを作成',
    'drive.shareExpires': '有効期限（日）',
    'drive.sharePassword': 'パスワード（任意）',
    'drive.shareMax': 'ダウンロード回数の上限（任意）',
    'drive.shareNew': 'リンクを作成しました。この URL はいま一度だけ表示されます。',
    'drive.shareNone': '有効なリンクはありません',
    'drive.shareRevoke': '無効にする',
    'drive.shareRevoked': '無効',
    'drive.shareExpired': '期限切れ',
    'drive.shareUntil': '{date} まで',
    'drive.shareNoExpiry': '期限なし',
    'drive.shareDownloads': 'ダウンロード {n} 回',
    'drive.shareDownloadsOf': 'ダウンロード {n} / {max} 回',
    'drive.shareProtected': 'パスワード付き',
    'drive.publicTitle': '共有されたファイル',
    'drive.publicPassword': 'パスワード',
    'drive.publicGone': 'このリンクは無効か、期限が切れています。',
    'drive.publicWrong': 'パスワードが違います。',
    'drive.publicThrottled': '間違いが続いたため、しばらく受け付けません。{n} 秒後にもう一度お試しください。',
    'drive.newDrive': '共有ドライブを作成',
    'drive.driveName': '共有ドライブ名',
    'drive.members': 'メンバー',
    'drive.membersTitle': 'メンバー — {name}',
    'drive.addMember': '追加',
    'drive.findMember': 'メンバーを名前で検索',
    'drive.role': '権限',
    'drive.role.viewer': '閲覧者',
    'drive.role.editor': '編集者',
    'drive.role.manager': '管理者',
    'drive.remove': '外す',
    'drive.uploadFolder': 'フォルダをアップロード',
    'drive.layout': '表示',
    'drive.layoutList': 'リスト',
    'drive.layoutGrid': 'グリッド',
    'drive.more': 'その他の操作',
    'drive.paused': '接続が切れました。再接続したら続きから再開します',
    'drive.resuming': '続きから再開しています',
  },
  en: {
    'drive.title': 'Drive',
    'drive.mine': 'My drive',
    'drive.upload': 'Upload',
    'drive.newFolder': 'New folder',
    'drive.folderName': 'Folder name',
    'drive.name': 'Name',
    'drive.size': 'Size',
    'drive.updated': 'Updated',
    'drive.actions': 'Actions',
    'drive.empty': 'This folder is empty',
    'drive.emptyHint': 'Drop files here or press Upload.',
    'drive.drop': 'Drop to upload',
    'drive.search': 'Search this drive by name',
    'drive.sortName': 'Name',
    'drive.sortSize': 'Size',
    'drive.sortUpdated': 'Updated',
    'drive.sort': 'Sort',
    'drive.rename': 'Rename',
    'drive.move': 'Move',
    'drive.moveHere': 'Move here',
    'drive.delete': 'Move to trash',
    'drive.deleteConfirm': 'Move “{name}” to the trash?',
    'drive.download': 'Download',
    'drive.downloadBlockedNetwork': 'Your company allows downloads only from its managed networks, and you are outside them. You can still preview files.',
    'drive.downloadBlockedRole': 'Your company does not allow your role to download files. You can still preview them.',
    'drive.versions': 'Versions',
    'drive.version': 'Version {n}',
    'drive.current': 'Current',
    'drive.restoreVersion': 'Restore this version',
    'drive.trash': 'Trash',
    'drive.trashEmpty': 'The trash is empty',
    'drive.restore': 'Restore',
    'drive.purge': 'Delete forever',
    'drive.purgeConfirm': 'Delete “{name}” forever? This cannot be undone.',
    'drive.back': 'Back to the drive',
    'drive.quota': '{used} of {limit} used',
    'drive.uploaded': 'Uploaded',
    'drive.uploadFailed': 'Upload failed',
    'drive.tooLarge': 'The file is too large',
    'drive.quotaExceeded': 'This would exceed the storage quota',
    'drive.nameTaken': 'An item with this name already exists here (case is ignored)',
    'drive.results': 'Search results',
    'drive.folder': 'Folder',
    'drive.saved': 'Saved',
    'drive.preview': 'Preview',
    'drive.noPreview': 'There is no preview for this kind of file',
    'drive.truncated': 'Only the first 64 KB is shown',
    'drive.share': 'Share link',
    'drive.shareTitle': 'Link for people outside — {name}',
    'drive.shareCreate': 'Create link',
    'drive.shareExpires': 'Expires after (days)',
    'drive.sharePassword': 'Password (optional)',
    'drive.shareMax': 'Maximum downloads (optional)',
    'drive.shareNew': 'Link created. This address is shown only now.',
    'drive.shareNone': 'No active links',
    'drive.shareRevoke': 'Revoke',
    'drive.shareRevoked': 'Revoked',
    'drive.shareExpired': 'Expired',
    'drive.shareUntil': 'until {date}',
    'drive.shareNoExpiry': 'no expiry',
    'drive.shareDownloads': '{n} downloads',
    'drive.shareDownloadsOf': '{n} of {max} downloads',
    'drive.shareProtected': 'password',
    'drive.publicTitle': 'Shared file',
    'drive.publicPassword': 'Password',
    'drive.publicGone': 'This link is not valid or has expired.',
    'drive.publicWrong': 'The password is wrong.',
    'drive.publicThrottled': 'Too many wrong tries. Try again in {n} seconds.',
    'drive.newDrive': 'New shared drive',
    'drive.driveName': 'Shared drive name',
    'drive.members': 'Members',
    'drive.membersTitle': 'Members — {name}',
    'drive.addMember': 'Add',
    'drive.findMember': 'Find a member by name',
    'drive.role': 'Role',
    'drive.role.viewer': 'Viewer',
    'drive.role.editor': 'Editor',
    'drive.role.manager': 'Manager',
    'drive.remove': 'Remove',
    'drive.uploadFolder': 'Upload folder',
    'drive.layout': 'View',
    'drive.layoutList': 'List',
    'drive.layoutGrid': 'Grid',
    'drive.more': 'More actions',
    'drive.paused': 'Connection lost. The upload resumes where it stopped once you are back online',
    'drive.resuming': 'Resuming where it stopped',
  },
});

const PAGE = 100;
const LAYOUT_KEY = 'musubi.drive.layout';


function problemText(err) {
  const type = (err?.type || '').split(':').pop();
  if (type === 'file-too-large') return t('drive.tooLarge');
  if (type === 'quota-exceeded') return t('drive.quotaExceeded');
  if (type === 'name-taken') return t('drive.nameTaken');
  return err?.detail || errorText(err);
}

/** Uploads one file with XMLHttpRequest (fetch cannot report upload progress). */
function uploadFile(folderId, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/drive/folders/${folderId}/files`);
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
      else reject({ status: xhr.status, type: body?.type, detail: body?.detail, errors: body?.errors });
    };
    xhr.onerror = () => reject({ status: 0, detail: t('drive.uploadFailed') });
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

/** Files above this size go through the resumable (tus 1.0) endpoints, in chunks. */
export const RESUMABLE_THRESHOLD = 8 * 1024 * 1024;
/** Bytes per PATCH: what a network drop can cost at most, besides what the server already kept. */
const CHUNK = 4 * 1024 * 1024;
const TUS = '1.0.0';

function base64Utf8(text) {
  let binary = '';
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** One request by XMLHttpRequest; resolves with the XHR whatever its status, rejects on a network error. */
function send(method, url, headers, body, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Tus-Resumable', TUS);
    for (const [k, v] of Object.entries({ ...csrfHeaders(), ...headers })) xhr.setRequestHeader(k, v);
    if (onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => resolve(xhr);
    xhr.onerror = () => reject({ status: 0, network: true });
    xhr.onabort = () => reject({ status: 0, network: true });
    xhr.send(body ?? null);
  });
}

function problemOf(xhr) {
  let body = null;
  try {
    body = JSON.parse(xhr.responseText);
  } catch {
    body = null;
  }
  return { status: xhr.status, type: body?.type, detail: body?.detail || t('drive.uploadFailed'), errors: body?.errors };
}

/**
 * Waits before the next try after a failure: until the browser says it is back online, or the
 * backoff (1 s doubling up to 30 s) has passed, whichever comes first.
 */
function backoff(attempt) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      window.removeEventListener('online', done);
      resolve();
    };
    const timer = setTimeout(done, Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5)));
    window.addEventListener('online', done);
  });
}

/** Where an unfinished upload of this file into this folder lives, kept across page loads. */
function resumeKey(folderId, file, path) {
  return `musubi.drive.upload:${folderId}:${path || file.name}:${file.size}:${file.lastModified}`;
}

/**
 * Uploads a large file through the tus endpoints in chunks. A network drop pauses it (onState
 * 'paused'); it resumes from the server's Upload-Offset when the browser is back online, and after
 * a page reload when the same file is picked again for the same folder (the upload's address is
 * kept in localStorage). Resolves with the new file's ID.
 */
async function resumableUpload(folderId, file, path, onProgress, onState) {
  const key = resumeKey(folderId, file, path);
  let url = localStorage.getItem(key);
  let offset = -1;
  let attempt = 0;
  for (;;) {
    try {
      if (url && offset < 0) {
        const head = await send('HEAD', url, { 'Cache-Control': 'no-store' });
        if (head.status === 200) {
          offset = Number(head.getResponseHeader('Upload-Offset'));
          if (offset > 0) onState('resuming');
        } else if (head.status === 404 || head.status === 410) {
          localStorage.removeItem(key);
          url = null;
        } else if (head.status >= 500 || head.status === 423) {
          throw { status: head.status, retry: true };
        } else {
          throw problemOf(head);
        }
      }
      if (!url) {
        const created = await send('POST', '/api/v1/drive/uploads', {
          'Upload-Length': String(file.size),
          'Upload-Metadata': `filename ${base64Utf8(file.name)},folder ${base64Utf8(folderId)}`,
        });
        if (created.status !== 201) throw problemOf(created);
        url = created.getResponseHeader('Location');
        localStorage.setItem(key, url);
        offset = 0;
      }
      onProgress(offset / file.size);
      while (offset < file.size) {
        const chunk = file.slice(offset, Math.min(file.size, offset + CHUNK));
        const start = offset;
        const patched = await send(
          'PATCH',
          url,
          { 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
          chunk,
          (loaded) => onProgress((start + loaded) / file.size),
        );
        if (patched.status === 409 || patched.status === 423) {
          // Another request (one the network dropped) is still finishing: ask where to go on.
          offset = -1;
          throw { status: patched.status, retry: true };
        }
        if (patched.status !== 204) throw problemOf(patched);
        offset = Number(patched.getResponseHeader('Upload-Offset'));
        attempt = 0;
        onState('uploading');
        onProgress(offset / file.size);
        const fileId = patched.getResponseHeader('Drive-File-Id');
        if (fileId) {
          localStorage.removeItem(key);
          return fileId;
        }
      }
      offset = -1;
    } catch (e) {
      if (!e?.network && !e?.retry) {
        if (e?.status >= 400 && e.status < 500) localStorage.removeItem(key);
        throw e;
      }
      if (e.network) onState('paused');
      offset = -1;
      await backoff(attempt++);
    }
  }
}

/** Reads every entry of a dropped folder (readEntries answers in batches until it answers none). */
async function readFolder(entry) {
  const reader = entry.createReader();
  const all = [];
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

/**
 * What a drop holds: files and folders, walked to the leaves, as {file, dirs} with the folder path
 * below the drop target; empty folders as {dirs} alone.
 */
async function droppedEntries(dataTransfer) {
  const roots = [...(dataTransfer.items || [])]
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry?.())
    .filter(Boolean);
  if (roots.length === 0) return [...dataTransfer.files].map((file) => ({ file, dirs: [] }));
  const out = [];
  const walk = async (entry, dirs) => {
    if (entry.isFile) {
      const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
      out.push({ file, dirs });
    } else if (entry.isDirectory) {
      const here = [...dirs, entry.name];
      const children = await readFolder(entry);
      if (children.length === 0) out.push({ dirs: here });
      for (const child of children) await walk(child, here);
    }
  };
  for (const entry of roots) await walk(entry, []);
  return out;
}

/** Files chosen with <input webkitdirectory>: their folders come from webkitRelativePath. */
function pickedEntries(files) {
  return files.map((file) => {
    const parts = (file.webkitRelativePath || file.name).split('/');
    return { file, dirs: parts.slice(0, -1) };
  });
}

/**
 * The folder for a path below a parent, made when missing. A name already taken by a folder reuses
 * that folder (uploading a folder again merges into it; its files then clash by name as single
 * uploads do); taken by a file, the server's name-taken problem stands.
 */
async function ensureFolder(parentId, dirs, cache) {
  let id = parentId;
  for (let i = 0; i < dirs.length; i++) {
    const path = dirs.slice(0, i + 1).join('/');
    if (cache.has(path)) {
      id = await cache.get(path);
      continue;
    }
    const parent = id;
    const name = dirs[i];
    const made = (async () => {
      try {
        return (await api.post(`/api/v1/drive/folders/${parent}/folders`, { name })).id;
      } catch (e) {
        if ((e?.type || '').split(':').pop() !== 'name-taken') throw e;
        const wanted = name.normalize('NFC').toLowerCase();
        for (let page = 0; ; page++) {
          const listing = await api.get(`/api/v1/drive/folders/${parent}` + query({ page, size: 500 }));
          const same = listing.items.find((x) => x.name.normalize('NFC').toLowerCase() === wanted);
          if (same) {
            if (same.type === 'folder') return same.id;
            throw e;
          }
          if (listing.items.length === 0 || (page + 1) * listing.size >= listing.total) throw e;
        }
      }
    })();
    cache.set(path, made);
    id = await made;
  }
  return id;
}

export function DrivePage({ me, route }) {
  const [drives, setDrives] = useState(null);
  const [error, setError] = useState(null);
  const view = route.path[1] || '';
  const id = route.path[2] || '';

  useEffect(() => {
    api.get('/api/v1/drive/drives').then(setDrives, setError);
  }, []);

  if (error) return html`<div class="page"><${Alert}>${errorText(error)}<//></div>`;
  if (!drives) return html`<div class="page"><${Spinner} /></div>`;
  const mine = drives.find((d) => d.kind === 'personal');
  if (view === 'trash') {
    const drive = drives.find((d) => d.id === id) || mine;
    return html`<${TrashView} drive=${drive} />`;
  }
  const folderId = view === 'folder' && id ? id : mine.rootFolderId;
  return html`<${Browser} drives=${drives} folderId=${folderId} canCreateDrive=${(me?.roles || []).includes('super_admin')} />`;
}

function DriveTabs({ drives, current }) {
  return html`<nav class="drive-tabs" aria-label=${t('drive.title')}>
    ${drives.map(
      (d) => html`<a
        class=${cx('drive-tab', d.id === current && 'drive-tab-active')}
        href=${'#/drive/folder/' + d.rootFolderId}
        aria-current=${d.id === current ? 'page' : undefined}
        ><${Icon} name="drive" /> ${d.kind === 'personal' ? t('drive.mine') : d.name}</a
      >`,
    )}
  </nav>`;
}

/** The caller's quota and whether they may download here (the company's drive policy). */
function useQuota(key) {
  const [q, setQ] = useState(null);
  useEffect(() => {
    api.get('/api/v1/drive/quota').then(setQ, () => {});
  }, [key]);
  return q;
}

function QuotaBar({ q }) {
  if (!q) return null;
  const pct = q.limit > 0 ? Math.min(100, Math.round((q.used / q.limit) * 100)) : 0;
  return html`<div class="drive-quota" data-testid="drive-quota">
    <progress max="100" value=${pct} aria-label=${t('drive.quota', { used: formatBytes(q.used), limit: formatBytes(q.limit) })}></progress>
    <span>${t('drive.quota', { used: formatBytes(q.used), limit: formatBytes(q.limit) })}</span>
  </div>`;
}

function Browser({ drives, folderId, canCreateDrive }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [sort, setSort] = useState('name');
  const [page, setPage] = useState(0);
  const [q, setQ] = useState('');
  const [results, setResults] = useState(null);
  const [uploads, setUploads] = useState([]);
  const [dragging, setDragging] = useState(false);
  const [dialog, setDialog] = useState(null);
  const [quotaKey, setQuotaKey] = useState(0);
  const quota = useQuota(quotaKey);
  // Previews stay allowed when the policy refuses downloads; only the download actions go.
  const canDownload = quota?.download !== false;
  const [layout, setLayout] = useState(() => (localStorage.getItem(LAYOUT_KEY) === 'grid' ? 'grid' : 'list'));
  const fileInput = useRef(null);
  const folderInput = useRef(null);

  const chooseLayout = (value) => {
    localStorage.setItem(LAYOUT_KEY, value);
    setLayout(value);
  };

  const load = () =>
    api
      .get(`/api/v1/drive/folders/${folderId}` + query({ sort, order: sort === 'updated' ? 'desc' : 'asc', page, size: PAGE }))
      .then((d) => {
        setData(d);
        setError(null);
      }, setError);

  useEffect(() => {
    setData(null);
    load();
  }, [folderId, sort, page]);

  const drive = data ? drives.find((d) => d.id === data.folder.driveId) : null;
  const canEdit = drive && drive.role !== 'viewer';

  useEffect(() => {
    if (!drive || !q.trim()) {
      setResults(null);
      return undefined;
    }
    const timer = setTimeout(() => {
      api.get(`/api/v1/drive/drives/${drive.id}/search` + query({ q: q.trim() })).then(setResults, setError);
    }, 250);
    return () => clearTimeout(timer);
  }, [q, drive?.id]);

  // Uploads files (each {file, dirs}: the folder path below this folder), one after the other, each
  // with its own progress bar; folders are made first as a file needs them.
  const upload = async (entries) => {
    const target = folderId;
    const queued = entries.map((entry) => ({
      ...entry,
      key: Math.random().toString(36).slice(2),
      label: [...entry.dirs, entry.file?.name].filter(Boolean).join('/'),
    }));
    const set = (key, patch) => setUploads((u) => u.map((x) => (x.key === key ? { ...x, ...patch } : x)));
    setUploads((u) => [...u, ...queued.filter((q) => q.file).map((q) => ({ key: q.key, name: q.label, progress: 0 }))]);
    const folders = new Map();
    for (const entry of queued) {
      try {
        const parent = await ensureFolder(target, entry.dirs, folders);
        if (!entry.file) continue;
        const onProgress = (p) => set(entry.key, { progress: p });
        if (entry.file.size > RESUMABLE_THRESHOLD) {
          await resumableUpload(parent, entry.file, entry.label, onProgress, (state) => set(entry.key, { state }));
        } else {
          await uploadFile(parent, entry.file, onProgress);
        }
        setUploads((u) => u.filter((x) => x.key !== entry.key));
        toast(t('drive.uploaded') + ': ' + entry.label);
      } catch (e) {
        if (entry.file) set(entry.key, { error: problemText(e) });
        else toast(problemText(e), 'error');
      }
    }
    load();
    setQuotaKey((k) => k + 1);
  };

  const onDrop = async (e) => {
    e.preventDefault();
    setDragging(false);
    if (!canEdit || !e.dataTransfer) return;
    // Entries must be taken from the DataTransfer before the drop handler returns.
    const entries = await droppedEntries(e.dataTransfer);
    if (entries.length) upload(entries);
  };

  const rows = results ?? data?.items ?? [];

  return html`<div
    class=${cx('page', 'drive', dragging && 'drive-dragging')}
    onDragOver=${(e) => {
      e.preventDefault();
      if (canEdit) setDragging(true);
    }}
    onDragLeave=${(e) => {
      if (e.currentTarget === e.target) setDragging(false);
    }}
    onDrop=${onDrop}
    data-testid="drive"
  >
    <div class="drive-head">
      <h1 class="page-title">${t('drive.title')}</h1>
      <${QuotaBar} q=${quota} />
    </div>
    ${!canDownload &&
    html`<div data-testid="drive-download-blocked"><${Alert} tone="info">${t(quota.downloadRefusal === 'role' ? 'drive.downloadBlockedRole' : 'drive.downloadBlockedNetwork')}<//></div>`}
    <${DriveTabs} drives=${drives} current=${data?.folder.driveId} />
    ${data &&
    html`<nav class="drive-crumbs" aria-label="breadcrumbs">
      ${data.path.map(
        (p, i) => html`${i > 0 && html`<span class="drive-crumb-sep" aria-hidden="true">/</span>`}
          <a href=${'#/drive/folder/' + p.id} aria-current=${i === data.path.length - 1 ? 'page' : undefined}
            >${i === 0 ? (drive?.kind === 'personal' ? t('drive.mine') : drive?.name) : p.name}</a
          >`,
      )}
    </nav>`}
    <div class="toolbar drive-toolbar">
      <label class="search">
        <${Icon} name="search" />
        <span class="sr-only">${t('drive.search')}</span>
        <input class="input" type="search" name="q" placeholder=${t('drive.search')} value=${q} onInput=${(e) => setQ(e.currentTarget.value)} />
      </label>
      <select class="input select drive-sort" aria-label=${t('drive.sort')} value=${sort} onChange=${(e) => { setSort(e.currentTarget.value); setPage(0); }}>
        <option value="name">${t('drive.sortName')}</option>
        <option value="size">${t('drive.sortSize')}</option>
        <option value="updated">${t('drive.sortUpdated')}</option>
      </select>
      ${canEdit &&
      html`<${Button} kind="secondary" onClick=${() => setDialog({ kind: 'folder' })} data-testid="drive-new-folder"
          ><${Icon} name="plus" /> ${t('drive.newFolder')}<//
        >
        <${Button} onClick=${() => fileInput.current?.click()} data-testid="drive-upload"><${Icon} name="plus" /> ${t('drive.upload')}<//>
        <input
          ref=${fileInput}
          type="file"
          multiple
          class="sr-only"
          data-testid="drive-file-input"
          onChange=${(e) => {
            const files = [...e.currentTarget.files];
            e.currentTarget.value = '';
            upload(files.map((file) => ({ file, dirs: [] })));
          }}
        />
        <${Button} kind="secondary" onClick=${() => folderInput.current?.click()} data-testid="drive-upload-folder"
          ><${Icon} name="drive" /> ${t('drive.uploadFolder')}<//
        >
        <input
          ref=${folderInput}
          type="file"
          webkitdirectory
          multiple
          class="sr-only"
          data-testid="drive-folder-input"
          onChange=${(e) => {
            const files = [...e.currentTarget.files];
            e.currentTarget.value = '';
            upload(pickedEntries(files));
          }}
        />`}
      <div class="drive-layout" role="group" aria-label=${t('drive.layout')}>
        ${['list', 'grid'].map(
          (value) => html`<button
            type="button"
            class=${cx('btn', 'btn-small', layout === value ? 'btn-primary' : 'btn-secondary')}
            aria-pressed=${layout === value ? 'true' : 'false'}
            onClick=${() => chooseLayout(value)}
            data-testid=${'drive-layout-' + value}
          >
            ${t(value === 'list' ? 'drive.layoutList' : 'drive.layoutGrid')}
          </button>`,
        )}
      </div>
      ${drive && html`<a class="btn btn-secondary" href=${'#/drive/trash/' + drive.id}>${t('drive.trash')}</a>`}
      ${drive?.kind !== 'personal' && drive?.role === 'manager' &&
      html`<${Button} kind="secondary" onClick=${() => setDialog({ kind: 'members' })} data-testid="drive-members">${t('drive.members')}<//>`}
      ${canCreateDrive &&
      html`<${Button} kind="secondary" onClick=${() => setDialog({ kind: 'drive' })} data-testid="drive-new-drive"><${Icon} name="plus" /> ${t('drive.newDrive')}<//>`}
    </div>
    ${uploads.length > 0 &&
    html`<ul class="drive-uploads" aria-live="polite">
      ${uploads.map(
        (u) => html`<li class=${cx('drive-upload', u.error && 'drive-upload-error', u.state === 'paused' && 'drive-upload-paused')} data-testid="drive-upload-item">
          <span class="drive-upload-name">${u.name}</span>
          ${u.state === 'paused' && !u.error && html`<span class="drive-upload-state" data-testid="drive-upload-paused">${t('drive.paused')}</span>`}
          ${u.state === 'resuming' && !u.error && html`<span class="drive-upload-state">${t('drive.resuming')}</span>`}
          ${u.error
            ? html`<span role="alert">${u.error}</span>
                <button type="button" class="icon-btn" aria-label=${t('common.close')} onClick=${() => setUploads((x) => x.filter((y) => y.key !== u.key))}><${Icon} name="close" /></button>`
            : html`<progress max="100" value=${Math.round(u.progress * 100)} aria-label=${u.name}></progress>`}
        </li>`,
      )}
    </ul>`}
    ${dragging && html`<div class="drive-dropzone" aria-hidden="true">${t('drive.drop')}</div>`}
    ${error && html`<${Alert}>${problemText(error)}<//>`}
    ${!data && !error
      ? html`<${Spinner} />`
      : data &&
        html`${results && html`<h2 class="drive-results">${t('drive.results')}</h2>`}
          ${rows.length === 0
            ? html`<${EmptyState} icon="drive" title=${t('drive.empty')}>${canEdit ? t('drive.emptyHint') : ''}<//>`
            : layout === 'grid'
              ? html`<ul class="drive-grid" data-testid="drive-grid">
                  ${rows.map((item) => html`<${Card} key=${item.id} item=${item} canEdit=${canEdit} canDownload=${canDownload} onAction=${(kind) => setDialog({ kind, item })} />`)}
                </ul>`
              : html`<ul class="drive-list" data-testid="drive-list">
                  ${rows.map((item) => html`<${Row} key=${item.id} item=${item} canEdit=${canEdit} canDownload=${canDownload} onAction=${(kind) => setDialog({ kind, item })} />`)}
                </ul>`}
          ${!results && html`<${Pager} page=${data.page} size=${data.size} total=${data.total} onPage=${setPage} />`}`}
    <${NameDialog}
      open=${dialog?.kind === 'folder' || dialog?.kind === 'rename'}
      title=${dialog?.kind === 'rename' ? t('drive.rename') : t('drive.newFolder')}
      initial=${dialog?.item?.name || ''}
      onClose=${() => setDialog(null)}
      onSave=${async (name) => {
        if (dialog.kind === 'rename') await api.patch(`/api/v1/drive/items/${dialog.item.id}`, { name });
        else await api.post(`/api/v1/drive/folders/${folderId}/folders`, { name });
        setDialog(null);
        load();
      }}
    />
    <${ConfirmDialog}
      open=${dialog?.kind === 'delete'}
      title=${t('drive.delete')}
      message=${t('drive.deleteConfirm', { name: dialog?.item?.name || '' })}
      confirmLabel=${t('drive.delete')}
      danger
      onClose=${() => setDialog(null)}
      onConfirm=${async () => {
        try {
          await api.del(`/api/v1/drive/items/${dialog.item.id}`);
        } catch (e) {
          toast(problemText(e), 'error');
        }
        setDialog(null);
        load();
      }}
    />
    ${dialog?.kind === 'versions' && html`<${VersionsDialog} item=${dialog.item} canDownload=${canDownload} onClose=${() => { setDialog(null); load(); }} />`}
    ${dialog?.kind === 'preview' && html`<${PreviewDialog} item=${dialog.item} canDownload=${canDownload} onClose=${() => setDialog(null)} />`}
    ${dialog?.kind === 'share' && html`<${ShareDialog} item=${dialog.item} onClose=${() => setDialog(null)} />`}
    ${dialog?.kind === 'members' && drive && html`<${MembersDialog} drive=${drive} onClose=${() => setDialog(null)} />`}
    ${dialog?.kind === 'drive' &&
    html`<${NameDialog}
      open=${true}
      title=${t('drive.newDrive')}
      initial=""
      onClose=${() => setDialog(null)}
      onSave=${async (name) => {
        const d = await api.post('/api/v1/drive/drives', { name });
        setDialog(null);
        location.hash = '#/drive/folder/' + d.rootFolderId;
        location.reload();
      }}
    />`}
    ${dialog?.kind === 'move' &&
    html`<${MoveDialog} item=${dialog.item} start=${data.path[0].id} onClose=${() => { setDialog(null); load(); }} />`}
  </div>`;
}

function Row({ item, canEdit, canDownload, onAction }) {
  const folder = item.type === 'folder';
  return html`<li class="drive-row" data-testid="drive-row">
    <span class="drive-row-icon" aria-hidden="true"><${Icon} name=${folder ? 'drive' : 'copy'} /></span>
    <span class="drive-row-name">
      ${folder
        ? html`<a href=${'#/drive/folder/' + item.id}>${item.name}</a>`
        : html`<button type="button" class="link-btn drive-open" onClick=${() => onAction('preview')} title=${t('drive.preview')}>${item.name}</button>`}
      <span class="drive-row-meta">${folder ? t('drive.folder') : formatBytes(item.size)} · ${formatDateTime(item.updatedAt)}</span>
    </span>
    <span class="drive-row-actions">
      <${ItemActions} item=${item} canEdit=${canEdit} canDownload=${canDownload} onAction=${onAction} />
    </span>
  </li>`;
}

/** What one can do with an item, the same in the list and the grid. */
function ItemActions({ item, canEdit, canDownload, onAction }) {
  const folder = item.type === 'folder';
  return html`
      ${!folder &&
      html`${canDownload && html`<a class="btn btn-secondary btn-small" href=${`/api/v1/drive/files/${item.id}/content`} download=${item.name} data-testid="drive-download">${t('drive.download')}</a>`}
        <button type="button" class="btn btn-secondary btn-small" onClick=${() => onAction('versions')}>${t('drive.versions')}</button>`}
      ${!folder && canEdit && html`<button type="button" class="btn btn-secondary btn-small" onClick=${() => onAction('share')} data-testid="drive-share">${t('drive.share')}</button>`}
      ${canEdit &&
      html`<button type="button" class="btn btn-secondary btn-small" onClick=${() => onAction('rename')}>${t('drive.rename')}</button>
        <button type="button" class="btn btn-secondary btn-small" onClick=${() => onAction('move')}>${t('drive.move')}</button>
        <button type="button" class="btn btn-danger btn-small" onClick=${() => onAction('delete')}>${t('drive.delete')}</button>`}`;
}

/**
 * An item as a card in the grid: a thumbnail drawn by the server for images and PDFs (an icon when
 * there is none or it fails), the name that opens it, and the list's actions behind a menu.
 */
function Card({ item, canEdit, canDownload, onAction }) {
  const folder = item.type === 'folder';
  const [thumb, setThumb] = useState(!folder && previewKind(item) === 'image');
  const open = () => (folder ? (location.hash = '#/drive/folder/' + item.id) : onAction('preview'));
  return html`<li class="drive-card" data-testid="drive-row">
    <button type="button" class="drive-card-visual" onClick=${open} tabindex="-1" aria-hidden="true">
      ${thumb
        ? html`<img
            src=${`/api/v1/drive/files/${item.id}/thumbnail?size=256`}
            alt=""
            loading="lazy"
            onError=${() => setThumb(false)}
            data-testid="drive-thumbnail"
          />`
        : html`<span class="drive-card-icon"><${Icon} name=${folder ? 'drive' : 'copy'} /></span>`}
    </button>
    <span class="drive-card-name">
      ${folder
        ? html`<a href=${'#/drive/folder/' + item.id}>${item.name}</a>`
        : html`<button type="button" class="link-btn drive-open" onClick=${() => onAction('preview')} title=${t('drive.preview')}>${item.name}</button>`}
      <span class="drive-row-meta">${folder ? t('drive.folder') : formatBytes(item.size)}</span>
    </span>
    <details class="drive-card-menu">
      <summary class="btn btn-secondary btn-small" aria-label=${t('drive.more') + ': ' + item.name} title=${t('drive.more')}>…</summary>
      <div class="drive-card-actions" onClick=${(e) => e.target.closest('button') && e.currentTarget.parentElement.removeAttribute('open')}>
        <${ItemActions} item=${item} canEdit=${canEdit} canDownload=${canDownload} onAction=${onAction} />
      </div>
    </details>
  </li>`;
}

function NameDialog({ open, title, initial, onClose, onSave }) {
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
      await onSave(name);
    } catch (x) {
      setErr(x.fieldErrors?.().name || problemText(x));
    } finally {
      setBusy(false);
    }
  };
  return html`<${Dialog}
    open=${open}
    title=${title}
    onClose=${onClose}
    footer=${html`<${Button} kind="secondary" onClick=${onClose}>${t('common.cancel')}<//>
      <${Button} busy=${busy} onClick=${save} data-testid="drive-name-save">${t('common.save')}<//>`}
  >
    <form onSubmit=${save}>
      <${TextField} label=${t('drive.name')} value=${name} onValue=${setName} error=${err} autofocus name="name" maxlength="255" />
    </form>
  <//>`;
}

function VersionsDialog({ item, canDownload, onClose }) {
  const [versions, setVersions] = useState(null);
  const [error, setError] = useState(null);
  const load = () => api.get(`/api/v1/drive/files/${item.id}/versions`).then(setVersions, setError);
  useEffect(() => {
    load();
  }, [item.id]);
  return html`<${Dialog} open=${true} title=${t('drive.versions') + ' — ' + item.name} onClose=${onClose}>
    ${error && html`<${Alert}>${problemText(error)}<//>`}
    ${!versions
      ? html`<${Spinner} />`
      : html`<ul class="drive-versions">
          ${versions.map(
            (v) => html`<li>
              <span>${t('drive.version', { n: v.number })} · ${formatBytes(v.size)} · ${formatDateTime(v.createdAt)}</span>
              ${v.current
                ? html`<span class="badge badge-success">${t('drive.current')}</span>`
                : html`<span>
                    ${canDownload && html`<a class="btn btn-secondary btn-small" href=${`/api/v1/drive/files/${item.id}/content?version=${v.id}`} download=${item.name}>${t('drive.download')}</a>`}
                    <button type="button" class="btn btn-secondary btn-small" onClick=${async () => {
                      try {
                        await api.post(`/api/v1/drive/files/${item.id}/versions/${v.id}/restore`);
                        toast(t('drive.saved'));
                        load();
                      } catch (e) {
                        setError(e);
                      }
                    }}>${t('drive.restoreVersion')}</button>
                  </span>`}
            </li>`,
          )}
        </ul>`}
  <//>`;
}

function MoveDialog({ item, start, onClose }) {
  const [folder, setFolder] = useState(start);
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api.get(`/api/v1/drive/folders/${folder}` + query({ size: 500 })).then(setData, setError);
  }, [folder]);
  const move = async () => {
    try {
      await api.patch(`/api/v1/drive/items/${item.id}`, { parentId: folder });
      toast(t('drive.saved'));
      onClose();
    } catch (e) {
      setError(e);
    }
  };
  return html`<${Dialog}
    open=${true}
    title=${t('drive.move') + ' — ' + item.name}
    onClose=${onClose}
    footer=${html`<${Button} kind="secondary" onClick=${onClose}>${t('common.cancel')}<//><${Button} onClick=${move}>${t('drive.moveHere')}<//>`}
  >
    ${error && html`<${Alert}>${problemText(error)}<//>`}
    ${!data
      ? html`<${Spinner} />`
      : html`<nav class="drive-crumbs">
            ${data.path.map(
              (p, i) => html`${i > 0 && html`<span class="drive-crumb-sep">/</span>`}<button type="button" class="link-btn" onClick=${() => setFolder(p.id)}>${i === 0 ? t('drive.mine') : p.name}</button>`,
            )}
          </nav>
          <ul class="drive-versions">
            ${data.items
              .filter((x) => x.type === 'folder' && x.id !== item.id)
              .map((x) => html`<li><button type="button" class="link-btn" onClick=${() => setFolder(x.id)}><${Icon} name="drive" /> ${x.name}</button></li>`)}
          </ul>`}
  <//>`;
}

function TrashView({ drive }) {
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  const [purging, setPurging] = useState(null);
  const load = () => api.get(`/api/v1/drive/drives/${drive.id}/trash`).then(setItems, setError);
  useEffect(() => {
    load();
  }, [drive.id]);
  return html`<div class="page drive">
    <div class="drive-head">
      <h1 class="page-title">${t('drive.trash')}</h1>
      <a class="btn btn-secondary" href=${'#/drive/folder/' + drive.rootFolderId}><${Icon} name="back" /> ${t('drive.back')}</a>
    </div>
    ${error && html`<${Alert}>${problemText(error)}<//>`}
    ${!items
      ? html`<${Spinner} />`
      : items.length === 0
        ? html`<${EmptyState} icon="inbox" title=${t('drive.trashEmpty')} />`
        : html`<ul class="drive-list">
            ${items.map(
              (item) => html`<li class="drive-row">
                <span class="drive-row-icon" aria-hidden="true"><${Icon} name=${item.type === 'folder' ? 'drive' : 'copy'} /></span>
                <span class="drive-row-name">${item.name}<span class="drive-row-meta">${formatDateTime(item.trashedAt)}</span></span>
                <span class="drive-row-actions">
                  <button type="button" class="btn btn-secondary btn-small" onClick=${async () => {
                    try {
                      await api.post(`/api/v1/drive/items/${item.id}/restore`);
                      toast(t('drive.saved'));
                    } catch (e) {
                      setError(e);
                    }
                    load();
                  }}>${t('drive.restore')}</button>
                  <button type="button" class="btn btn-danger btn-small" onClick=${() => setPurging(item)}>${t('drive.purge')}</button>
                </span>
              </li>`,
            )}
          </ul>`}
    <${ConfirmDialog}
      open=${!!purging}
      title=${t('drive.purge')}
      message=${t('drive.purgeConfirm', { name: purging?.name || '' })}
      confirmLabel=${t('drive.purge')}
      danger
      onClose=${() => setPurging(null)}
      onConfirm=${async () => {
        await api.del(`/api/v1/drive/trash/${purging.id}`).catch(setError);
        setPurging(null);
        load();
      }}
    />
  </div>`;
}


// --- previews, links and members ----------------------------------------------------------------

const THUMBNAIL_EXTENSIONS = ['png', 'jpg', 'jpeg', 'gif', 'bmp', 'pdf'];
const TEXT_EXTENSIONS = ['txt', 'md', 'csv', 'tsv', 'log', 'json', 'xml', 'yaml', 'yml', 'ini', 'properties'];

/** What the server can preview for an item: 'image' (a drawn thumbnail), 'text' or 'none'. */
function previewKind(item) {
  const ext = (item.name.split('.').pop() || '').toLowerCase();
  const type = item.contentType || '';
  if (THUMBNAIL_EXTENSIONS.includes(ext) || type === 'application/pdf' || /^image\/(png|jpeg|gif|bmp)$/.test(type)) return 'image';
  if (TEXT_EXTENSIONS.includes(ext) || type.startsWith('text/')) return 'text';
  return 'none';
}

function PreviewDialog({ item, canDownload, onClose }) {
  const [kind, setKind] = useState(() => previewKind(item));
  const [text, setText] = useState(null);
  useEffect(() => {
    if (kind === 'text') api.get(`/api/v1/drive/files/${item.id}/preview`).then(setText, () => setKind('none'));
  }, [item.id]);
  return html`<${Dialog}
    open=${true}
    wide
    title=${item.name}
    onClose=${onClose}
    footer=${canDownload ? html`<a class="btn btn-primary" href=${`/api/v1/drive/files/${item.id}/content`} download=${item.name}>${t('drive.download')}</a>` : null}
  >
    <div class="drive-preview" data-testid="drive-preview">
      ${kind === 'image' &&
      html`<img
        src=${`/api/v1/drive/files/${item.id}/thumbnail?size=1024`}
        alt=${item.name}
        onError=${() => setKind('none')}
        data-testid="drive-preview-image"
      />`}
      ${kind === 'text' &&
      (text
        ? html`<pre class="drive-preview-text" data-testid="drive-preview-text">${text.text}</pre>
            ${text.truncated && html`<p class="drive-row-meta">${t('drive.truncated')}</p>`}`
        : html`<${Spinner} />`)}
      ${kind === 'none' && html`<${EmptyState} icon="copy" title=${t('drive.noPreview')}>${formatBytes(item.size)}<//>`}
    </div>
  <//>`;
}

function shareUrl(token) {
  return `${location.origin}/#/share/${token}`;
}

function ShareDialog({ item, onClose }) {
  const [links, setLinks] = useState(null);
  const [days, setDays] = useState('7');
  const [password, setPassword] = useState('');
  const [max, setMax] = useState('');
  const [created, setCreated] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const load = () => api.get(`/api/v1/drive/files/${item.id}/links`).then(setLinks, setError);
  useEffect(() => {
    load();
  }, [item.id]);
  const create = async (e) => {
    e?.preventDefault();
    setBusy(true);
    try {
      const link = await api.post(`/api/v1/drive/files/${item.id}/links`, {
        expiresInDays: days ? Number(days) : null,
        password: password || null,
        maxDownloads: max ? Number(max) : null,
      });
      setCreated(link);
      setPassword('');
      setError(null);
      load();
    } catch (x) {
      setError(x);
    } finally {
      setBusy(false);
    }
  };
  const now = Date.now();
  return html`<${Dialog} open=${true} wide title=${t('drive.shareTitle', { name: item.name })} onClose=${onClose}>
    ${error && html`<${Alert}>${problemText(error)}<//>`}
    ${created?.token &&
    html`<div class="drive-share-new" data-testid="drive-share-new">
      <p>${t('drive.shareNew')}</p>
      <div class="drive-share-url"><input class="input" readonly value=${shareUrl(created.token)} data-testid="drive-share-url" /><${CopyButton} text=${shareUrl(created.token)} /></div>
    </div>`}
    <form class="drive-share-form" onSubmit=${create}>
      <${TextField} label=${t('drive.shareExpires')} type="number" min="1" max="365" value=${days} onValue=${setDays} name="expires" />
      <${TextField} label=${t('drive.sharePassword')} type="password" autocomplete="new-password" value=${password} onValue=${setPassword} name="link-password" />
      <${TextField} label=${t('drive.shareMax')} type="number" min="1" value=${max} onValue=${setMax} name="max-downloads" />
      <${Button} type="submit" busy=${busy} data-testid="drive-share-create">${t('drive.shareCreate')}<//>
    </form>
    ${!links
      ? html`<${Spinner} />`
      : links.length === 0
        ? html`<p class="drive-row-meta">${t('drive.shareNone')}</p>`
        : html`<ul class="drive-versions" data-testid="drive-links">
            ${links.map((l) => {
              const expired = l.expiresAt && Date.parse(l.expiresAt) < now;
              return html`<li>
                <span>
                  ${formatDateTime(l.createdAt)} ·
                  ${l.expiresAt ? t('drive.shareUntil', { date: formatDateTime(l.expiresAt) }) : t('drive.shareNoExpiry')} ·
                  ${l.maxDownloads ? t('drive.shareDownloadsOf', { n: l.downloads, max: l.maxDownloads }) : t('drive.shareDownloads', { n: l.downloads })}
                  ${l.passwordRequired && html` · ${t('drive.shareProtected')}`}
                </span>
                ${l.revokedAt
                  ? html`<span class="badge">${t('drive.shareRevoked')}</span>`
                  : expired
                    ? html`<span class="badge">${t('drive.shareExpired')}</span>`
                    : html`<button type="button" class="btn btn-danger btn-small" onClick=${async () => {
                        await api.del(`/api/v1/drive/links/${l.id}`).catch(setError);
                        load();
                      }}>${t('drive.shareRevoke')}</button>`}
              </li>`;
            })}
          </ul>`}
  <//>`;
}

function MembersDialog({ drive, onClose }) {
  const [grants, setGrants] = useState(null);
  const [names, setNames] = useState({});
  const [q, setQ] = useState('');
  const [found, setFound] = useState([]);
  const [role, setRole] = useState('editor');
  const [error, setError] = useState(null);
  const load = () =>
    api.get(`/api/v1/drive/drives/${drive.id}/members`).then((list) => {
      setGrants(list);
      for (const g of list) {
        if (g.principalType === 'member' && !names[g.principalId]) {
          api.get(`/api/v1/directory/members/${g.principalId}`).then(
            (card) => setNames((n) => ({ ...n, [g.principalId]: card.member.displayName })),
            () => {},
          );
        }
      }
    }, setError);
  useEffect(() => {
    load();
  }, [drive.id]);
  useEffect(() => {
    if (!q.trim()) {
      setFound([]);
      return undefined;
    }
    const timer = setTimeout(() => {
      api.get('/api/v1/directory/members' + query({ q: q.trim(), size: 8 })).then((r) => setFound(r.items || []), () => {});
    }, 200);
    return () => clearTimeout(timer);
  }, [q]);
  const add = async (m) => {
    try {
      await api.post(`/api/v1/drive/drives/${drive.id}/members`, { type: 'member', id: m.id, role });
      setNames((n) => ({ ...n, [m.id]: m.displayName }));
      setQ('');
      setError(null);
      load();
    } catch (x) {
      setError(x);
    }
  };
  const roles = ['viewer', 'editor', 'manager'].map((r) => ({ value: r, label: t('drive.role.' + r) }));
  return html`<${Dialog} open=${true} wide title=${t('drive.membersTitle', { name: drive.name })} onClose=${onClose}>
    ${error && html`<${Alert}>${problemText(error)}<//>`}
    <div class="drive-member-add">
      <${TextField} label=${t('drive.findMember')} type="search" value=${q} onValue=${setQ} name="member-q" />
      <${Select} label=${t('drive.role')} value=${role} onValue=${setRole} options=${roles} />
    </div>
    ${found.length > 0 &&
    html`<ul class="drive-versions" data-testid="drive-member-results">
      ${found.map(
        (m) => html`<li><span>${m.displayName}</span><button type="button" class="btn btn-secondary btn-small" onClick=${() => add(m)}>${t('drive.addMember')}</button></li>`,
      )}
    </ul>`}
    ${!grants
      ? html`<${Spinner} />`
      : html`<ul class="drive-versions" data-testid="drive-grants">
          ${grants.map(
            (g) => html`<li>
              <span>${names[g.principalId] || g.principalType}</span>
              <span>
                <span class="badge">${t('drive.role.' + g.role)}</span>
                <button type="button" class="btn btn-secondary btn-small" onClick=${async () => {
                  await api.del(`/api/v1/drive/drives/${drive.id}/members/${g.principalId}`).catch(setError);
                  load();
                }}>${t('drive.remove')}</button>
              </span>
            </li>`,
          )}
        </ul>`}
  <//>`;
}

/** The page a link for people outside opens: no sign-in, a password when the link has one. */
export function SharePage({ token }) {
  const [info, setInfo] = useState(undefined);
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    fetch(`/s/${encodeURIComponent(token)}`, { credentials: 'omit' })
      .then((r) => (r.ok ? r.json() : null))
      .then(setInfo, () => setInfo(null));
  }, [token]);
  const download = async (e) => {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const headers = info.passwordRequired ? { 'X-Link-Password': password } : {};
      const r = await fetch(`/s/${encodeURIComponent(token)}/content`, { headers, credentials: 'omit' });
      if (r.status === 429) {
        setError(t('drive.publicThrottled', { n: r.headers.get('Retry-After') || '60' }));
        return;
      }
      if (r.status === 401 || r.status === 403) {
        setError(t('drive.publicWrong'));
        return;
      }
      if (!r.ok) {
        setError(t('drive.publicGone'));
        return;
      }
      const url = URL.createObjectURL(await r.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = info.name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } finally {
      setBusy(false);
    }
  };
  return html`<div class="center-page">
    <div class="card drive-public" data-testid="drive-public">
      <h1 class="page-title">${t('drive.publicTitle')}</h1>
      ${info === undefined
        ? html`<${Spinner} />`
        : info === null
          ? html`<${Alert}>${t('drive.publicGone')}<//>`
          : html`<form onSubmit=${download}>
              <p class="drive-public-name"><${Icon} name="copy" /> ${info.name} <span class="drive-row-meta">${formatBytes(info.size)}</span></p>
              ${info.passwordRequired &&
              html`<${TextField} label=${t('drive.publicPassword')} type="password" value=${password} onValue=${setPassword} name="password" required />`}
              ${error && html`<${Alert}>${error}<//>`}
              <${Button} type="submit" busy=${busy} data-testid="drive-public-download">${t('drive.download')}<//>
            </form>`}
    </div>
  </div>`;
}
