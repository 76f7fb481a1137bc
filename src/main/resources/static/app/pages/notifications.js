// My account › Profile: how Musubi may notify me (the e-mail digest of unread Talk mentions).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { addMessages, t } from '../i18n.js';
import { html, Alert, Card, Checkbox, Spinner, errorText, toast } from '../ui.js';

addMessages({
  ja: {
    'notify.title': '通知',
    'notify.mentionDigest': '不在のあいだに届いた未読のメンションをメールで知らせる',
    'notify.mentionDigestHint': '1時間読まれなかったメンションを、トーク名と送信者だけメールで知らせます（本文は送りません）。',
    'notify.saved': '通知の設定を保存しました',
  },
  en: {
    'notify.title': 'Notifications',
    'notify.mentionDigest': 'Email me unread mentions while I am away',
    'notify.mentionDigestHint': 'Mentions left unread for an hour are mailed with the talk and sender only, never the text.',
    'notify.saved': 'Notification settings saved',
  },
});

export function NotificationsCard() {
  const [prefs, setPrefs] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api.get('/api/v1/me/talk-preferences').then(setPrefs, setError);
  }, []);
  const change = async (on) => {
    const before = prefs;
    setPrefs({ ...prefs, mentionDigest: on }); // the box follows the click; undone if refused
    setBusy(true);
    setError(null);
    try {
      setPrefs(await api.put('/api/v1/me/talk-preferences', { mentionDigest: on }));
      toast(t('notify.saved'));
    } catch (err) {
      setPrefs(before);
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<${Card} title=${t('notify.title')}>
    <div class="stack" data-testid="notifications">
      ${error && html`<${Alert}>${errorText(error)}<//>`}
      ${!prefs && !error && html`<${Spinner} />`}
      ${prefs &&
      html`<${Checkbox}
          label=${t('notify.mentionDigest')}
          checked=${prefs.mentionDigest}
          disabled=${busy}
          onValue=${change}
          data-testid="mention-digest"
        />
        <p class="muted">${t('notify.mentionDigestHint')}</p>`}
    </div>
  <//>`;
}
