// The password prompt for changes that need recent re-authentication (company policies): any
// request that answers 403 reauthentication-required waits here, and is sent again once the
// member entered their password (POST /api/v1/me/reauthenticate).
import { useEffect, useState } from 'preact/hooks';
import { api, onReauthenticationRequired } from './api.js';
import { addMessages, t } from './i18n.js';
import { html, Alert, Button, Dialog, TextField, errorText } from './ui.js';

addMessages({
  ja: {
    'reauth.title': 'パスワードの再入力',
    'reauth.text': 'セキュリティに関わる設定を変更するには、パスワードをもう一度入力してください。',
    'reauth.password': 'パスワード',
    'reauth.confirm': '確認',
  },
  en: {
    'reauth.title': 'Enter your password',
    'reauth.text': 'Enter your password again to change security-related settings.',
    'reauth.password': 'Password',
    'reauth.confirm': 'Confirm',
  },
});

export function ReauthPrompt() {
  const [pending, setPending] = useState(null); // { promise, resolve } while the dialog is open
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let open = null;
    return onReauthenticationRequired(() => {
      // Several changes refused at once share one prompt.
      if (!open) {
        let resolve;
        const promise = new Promise((r) => (resolve = r)).finally(() => (open = null));
        open = { promise, resolve };
        setPassword('');
        setError(null);
        setPending(open);
      }
      return open.promise;
    });
  }, []);
  const finish = (ok) => {
    pending?.resolve(ok);
    setPending(null);
  };
  const confirm = async (e) => {
    e.preventDefault();
    setBusy(true);
    try {
      await api.post('/api/v1/me/reauthenticate', { password }, { noReauth: true });
      finish(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const fe = error?.fieldErrors ? error.fieldErrors() : {};
  return html`<${Dialog} open=${!!pending} title=${t('reauth.title')} onClose=${() => finish(false)}>
    <form class="stack" onSubmit=${confirm} novalidate data-testid="reauth-form">
      <p>${t('reauth.text')}</p>
      ${error && !fe.password && html`<${Alert}>${errorText(error)}<//>`}
      <${TextField} label=${t('reauth.password')} name="password" type="password" autocomplete="current-password" value=${password} onValue=${setPassword} error=${fe.password} required />
      <div class="row row-end">
        <${Button} kind="secondary" onClick=${() => finish(false)}>${t('common.cancel')}<//>
        <${Button} type="submit" busy=${busy}>${t('reauth.confirm')}<//>
      </div>
    </form>
  <//>`;
}
