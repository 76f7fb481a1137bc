// Password reset with a one-time link an admin handed over: #/reset?token=…
// The token stays in the URL fragment, so it never reaches the server's access logs.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { addMessages, t } from '../i18n.js';
import { html, Alert, Button, TextField, errorText, navigate } from '../ui.js';

addMessages({
  ja: {
    'reset.title': 'パスワードの再設定',
    'reset.intro': '管理者から受け取ったリンクで新しいパスワードを設定します。リンクは一度だけ使えます。',
    'reset.password': '新しいパスワード',
    'reset.confirm': '新しいパスワード（確認）',
    'reset.mismatch': '確認用のパスワードが一致しません。',
    'reset.submit': 'パスワードを設定',
    'reset.done': 'パスワードを設定しました。新しいパスワードでログインしてください。',
    'reset.signin': 'ログイン画面へ',
    'reset.noToken': 'リンクが正しくありません。管理者に新しいリンクを依頼してください。',
  },
  en: {
    'reset.title': 'Reset your password',
    'reset.intro': 'Set a new password with the link your admin gave you. The link works once.',
    'reset.password': 'New password',
    'reset.confirm': 'New password (again)',
    'reset.mismatch': 'The passwords do not match.',
    'reset.submit': 'Set password',
    'reset.done': 'Your password is set. Sign in with the new password.',
    'reset.signin': 'Go to sign-in',
    'reset.noToken': 'This link is not valid. Ask your admin for a new one.',
  },
});

export function ResetPage({ token }) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState(null);
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const fe = error?.fieldErrors ? error.fieldErrors() : {};

  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    if (password !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setBusy(true);
    try {
      await api.post('/api/v1/auth/password-reset', { token, password }, { quiet401: true });
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return html`<div class="center-page">
    <div class="card auth-card reset-card">
      <h1 class="page-title">${t('reset.title')}</h1>
      ${!token
        ? html`<${Alert}>${t('reset.noToken')}<//>`
        : done
          ? html`<div class="stack">
              <${Alert} tone="success">${t('reset.done')}<//>
              <${Button} onClick=${() => navigate('#/signin')}>${t('reset.signin')}<//>
            </div>`
          : html`<form class="stack" onSubmit=${submit} novalidate data-testid="reset-form">
              <p class="muted">${t('reset.intro')}</p>
              ${error && !fe.password && html`<${Alert}>${errorText(error)}<//>`}
              <${TextField}
                label=${t('reset.password')}
                name="password"
                type="password"
                autocomplete="new-password"
                hint=${t('setup.passwordHint')}
                value=${password}
                onValue=${setPassword}
                error=${fe.password}
                required
              />
              <${TextField}
                label=${t('reset.confirm')}
                name="confirm"
                type="password"
                autocomplete="new-password"
                value=${confirm}
                onValue=${setConfirm}
                error=${mismatch ? t('reset.mismatch') : undefined}
                required
              />
              <${Button} type="submit" busy=${busy}>${t('reset.submit')}<//>
            </form>`}
    </div>
  </div>`;
}
