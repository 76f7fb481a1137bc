// First-time setup: the link the server prints when its store is empty carries a one-time token.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { t } from '../i18n.js';
import { html, Alert, Button, TextField, errorText, navigate, otherFieldErrors } from '../ui.js';
import { AuthShell } from './signin.js';

const FIELDS = ['companyName', 'domain', 'adminLoginId', 'adminPassword', 'operatorPassword'];

export function SetupPage({ token }) {
  const [form, setForm] = useState({ companyName: '', domain: '', adminLoginId: '', adminPassword: '', operatorPassword: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(false);
  const set = (k) => (v) => setForm({ ...form, [k]: v });
  const fe = error?.fieldErrors ? error.fieldErrors() : {};
  const domain = form.domain.trim().toLowerCase();

  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const local = form.adminLoginId.trim().replace(/@.*$/, '');
      await api.post(
        '/api/v1/setup',
        {
          token,
          companyName: form.companyName.trim(),
          domain,
          adminLoginId: domain ? `${local}@${domain}` : local,
          adminPassword: form.adminPassword,
          operatorPassword: form.operatorPassword,
        },
        { quiet401: true },
      );
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (!token) {
    return html`<${AuthShell} title=${t('setup.title')}><${Alert}>${t('setup.noToken')}<//><//>`;
  }
  if (done) {
    return html`<${AuthShell} title=${t('setup.title')}>
      <${Alert} tone="success">${t('setup.done')}<//>
      <${Button}
        class="btn-block"
        onClick=${() => {
          history.replaceState(null, '', '/#/talk');
          location.reload();
        }}
        >${t('signin.submit')}<//
      >
    <//>`;
  }
  const others = otherFieldErrors(error, FIELDS);
  return html`<${AuthShell} title=${t('setup.title')} lead=${t('setup.lead')}>
    <form class="stack" onSubmit=${submit} novalidate>
      ${error && html`<${Alert}>${errorText(error)}${others.map((m) => html`<br />${m}`)}<//>`}
      <${TextField} label=${t('setup.companyName')} name="companyName" value=${form.companyName} onValue=${set('companyName')} error=${fe.companyName} required autofocus />
      <${TextField}
        label=${t('setup.domain')}
        name="domain"
        hint=${t('setup.domainHint')}
        value=${form.domain}
        onValue=${set('domain')}
        error=${fe.domain}
        autocapitalize="off"
        spellcheck="false"
        required
      />
      <${TextField}
        label=${t('setup.adminLoginId')}
        name="adminLoginId"
        value=${form.adminLoginId}
        onValue=${set('adminLoginId')}
        suffix=${'@' + (domain || '…')}
        error=${fe.adminLoginId}
        autocapitalize="off"
        spellcheck="false"
        required
      />
      <${TextField}
        label=${t('setup.adminPassword')}
        name="adminPassword"
        type="password"
        hint=${t('setup.passwordHint')}
        value=${form.adminPassword}
        onValue=${set('adminPassword')}
        error=${fe.adminPassword}
        autocomplete="new-password"
        required
      />
      <${TextField}
        label=${t('setup.operatorPassword')}
        name="operatorPassword"
        type="password"
        hint=${t('setup.operatorHint')}
        value=${form.operatorPassword}
        onValue=${set('operatorPassword')}
        error=${fe.operatorPassword}
        autocomplete="new-password"
        required
      />
      <${Button} type="submit" busy=${busy} class="btn-block">${t('setup.submit')}<//>
    </form>
  <//>`;
}
