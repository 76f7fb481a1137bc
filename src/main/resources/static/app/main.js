// Musubi web client: boot, hash router and the app frame.
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, onBlocked, onUnauthorized, refreshCsrf } from './api.js';
import { adoptMemberLocale, lang, onLangChange, t } from './i18n.js';
import { html, cx, Icon, LanguageSwitch, navigate, Spinner, Toaster, toast, errorText } from './ui.js';
import { SignInPage } from './pages/signin.js';
import { SetupPage } from './pages/setup.js';
import { AccountPage, requiredTab } from './pages/account.js';
import { AdminPage } from './pages/admin.js';
import { ReauthPrompt } from './reauth.js';
import { ContactsPage } from './pages/contacts.js';
import { TalkPage } from './pages/talk.js';
import { DrivePage, SharePage } from './pages/drive.js';
import { CalendarPage, startReminders } from './pages/calendar.js';
import { MailPage } from './pages/mail.js';
import { ResetPage } from './pages/reset.js';
import { PrivacyNoticePage } from './pages/privacy.js';
import { OperatorPage } from './pages/operator.js';

export const ADMIN_ROLES = ['super_admin', 'member_admin', 'security_admin', 'auditor'];

/** The current hash route: `#/admin/members?q=x` → {path:['admin','members'], params}. */
function parseRoute() {
  // The server may also serve the app at /setup?token=… (the link it prints at first start).
  if (location.pathname === '/setup' && !location.hash) {
    return { path: ['setup'], params: new URLSearchParams(location.search) };
  }
  const raw = location.hash.replace(/^#/, '') || '/talk';
  const [p, q] = raw.split('?');
  return { path: p.split('/').filter(Boolean), params: new URLSearchParams(q || '') };
}

function useRoute() {
  const [route, setRoute] = useState(parseRoute);
  useEffect(() => {
    const on = () => setRoute(parseRoute());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

function isAdmin(me) {
  return (me?.roles || []).some((r) => ADMIN_ROLES.includes(r));
}

function App() {
  const route = useRoute();
  const [, setLangTick] = useState(lang());
  const [me, setMe] = useState(undefined); // undefined: loading, null: signed out
  const [bootError, setBootError] = useState(null);

  useEffect(() => onLangChange(setLangTick), []);
  useEffect(() => onUnauthorized(() => setMe(null)), []);
  // A 403 password-expired / mfa-setup-required from any call: reload the member, which routes.
  useEffect(() => onBlocked(() => loadMe()), []);

  const loadMe = async () => {
    try {
      const m = await api.get('/api/v1/me', { quiet401: true });
      adoptMemberLocale(m.locale);
      setMe(m);
      setBootError(null);
      return m;
    } catch (e) {
      if (e.status === 401 || e.status === 403) setMe(null);
      else setBootError(e);
      return null;
    }
  };

  useEffect(() => {
    (async () => {
      await refreshCsrf();
      if (route.path[0] === 'setup') setMe(null);
      else await loadMe();
    })();
  }, []);

  useEffect(() => {
    document.title = me ? `${t('app.name')}${me.company?.name ? ' – ' + me.company.name : ''}` : t('app.name');
  });

  // An expired password, then company policy demanding two-step verification, come before anything else.
  useEffect(() => {
    const must = requiredTab(me);
    if (must && !(route.path[0] === 'account' && route.path[1] === must)) {
      navigate('#/account/' + must);
    }
  }, [me, route]);

  if (route.path[0] === 'setup') {
    return html`<${SetupPage} token=${route.params.get('token') || ''} />`;
  }
  if (route.path[0] === 'share') {
    return html`<${SharePage} token=${route.path[1] || ''} />`;
  }
  if (route.path[0] === 'reset') {
    return html`<${ResetPage} token=${route.params.get('token') || ''} />`;
  }
  if (bootError) {
    return html`<div class="center-page"><p class="alert alert-error" role="alert">${errorText(bootError)}</p></div>`;
  }
  if (me === undefined) {
    return html`<div class="center-page"><${Spinner} /></div>`;
  }
  if (me === null) {
    return html`<${SignInPage}
      onSignedIn=${async () => {
        await refreshCsrf();
        const m = await loadMe();
        if (m && (route.path[0] === 'signin' || route.path.length === 0)) navigate(isOperator(m) ? '#/operator' : '#/talk');
      }}
    />`;
  }
  return html`<${Frame} me=${me} route=${route} reloadMe=${loadMe} onSignedOut=${() => setMe(null)} />`;
}

const NAV = [
  { id: 'talk', icon: 'talk' },
  { id: 'mail', icon: 'mail' },
  { id: 'drive', icon: 'drive' },
  { id: 'calendar', icon: 'calendar' },
  { id: 'contacts', icon: 'contacts' },
];

function isOperator(me) {
  return (me?.roles || []).includes('operator');
}

function Frame({ me, route, reloadMe, onSignedOut }) {
  // The hosting operator belongs to no company: the operator console and My account only.
  const operator = isOperator(me);
  const section = operator && route.path[0] !== 'account' ? 'operator' : route.path[0] || 'talk';
  const items = operator ? [{ id: 'operator', icon: 'admin' }] : isAdmin(me) ? [...NAV, { id: 'admin', icon: 'admin' }] : NAV;
  const mainRef = useRef(null);
  useEffect(() => (operator ? undefined : startReminders()), [me.id]);

  const signOut = async () => {
    try {
      await api.post('/api/v1/auth/logout', {}, { quiet401: true });
    } catch (e) {
      if (e.status !== 401) toast(errorText(e), 'error');
    }
    await refreshCsrf();
    navigate('#/talk');
    onSignedOut();
  };

  let page;
  switch (section) {
    case 'operator':
      page = operator ? html`<${OperatorPage} />` : html`<p class="alert alert-error">${t('error.forbidden')}</p>`;
      break;
    case 'talk':
      page = html`<${TalkPage} me=${me} roomId=${route.path[1] || null} focusSeq=${Number(route.params.get('seq')) || null} />`;
      break;
    case 'mail':
      page = html`<${MailPage} me=${me} route=${route} />`;
      break;
    case 'drive':
      page = html`<${DrivePage} me=${me} route=${route} />`;
      break;
    case 'calendar':
      page = html`<${CalendarPage} me=${me} route=${route} />`;
      break;
    case 'contacts':
      page = html`<${ContactsPage} me=${me} route=${route} />`;
      break;
    case 'account':
      page = html`<${AccountPage} me=${me} tab=${route.path[1] || 'profile'} reloadMe=${reloadMe} />`;
      break;
    case 'privacy':
      page = html`<${PrivacyNoticePage} />`;
      break;
    case 'admin':
      page = isAdmin(me)
        ? html`<${AdminPage} me=${me} tab=${route.path[1] || 'members'} />`
        : html`<p class="alert alert-error">${t('error.forbidden')}</p>`;
      break;
    default:
      page = html`<p class="alert alert-error">${t('error.notFound')}</p>`;
  }

  return html`<div class="frame">
    <a
      class="skip-link"
      href="#main"
      onClick=${(e) => {
        e.preventDefault();
        mainRef.current?.focus();
      }}
      >${t('app.skip')}</a
    >
    <header class="topbar">
      <a class="brand" href="#/talk">
        <img class="brand-mark" src="/app/icon.svg" alt="" width="28" height="28" />
        <span class="brand-name">${t('app.name')}</span>
      </a>
      ${me.company?.name && html`<span class="company-name" data-testid="company-name">${me.company.name}</span>`}
      <span class="topbar-spacer"></span>
      <${LanguageSwitch} />
      <${AccountMenu} me=${me} onSignOut=${signOut} />
    </header>
    <div class="layout">
      <nav class="sidenav" aria-label=${t('nav.main')}>
        <ul>
          ${items.map(
            (it) => html`<li key=${it.id}>
              <a
                href=${'#/' + it.id}
                class=${cx('nav-link', section === it.id && 'active')}
                aria-current=${section === it.id ? 'page' : undefined}
                data-nav=${it.id}
              >
                <${Icon} name=${it.icon} />
                <span class="nav-label">${t('nav.' + it.id)}</span>
              </a>
            </li>`,
          )}
        </ul>
      </nav>
      <main id="main" class=${cx('main', section === 'talk' && 'main-talk')} tabindex="-1" ref=${mainRef}>
        ${me.passwordExpired &&
        html`<div class="banner" role="alert" data-testid="password-expired">
          <${Icon} name="shield" />
          <span>${t('banner.passwordExpired')}</span>
          ${!(section === 'account' && route.path[1] === 'password') &&
          html`<a class="banner-link" href="#/account/password">${t('banner.passwordGo')}</a>`}
        </div>`}
        ${!me.passwordExpired && me.mfa?.setupRequired &&
        html`<div class="banner" role="alert">
          <${Icon} name="shield" />
          <span>${t('banner.mfaRequired')}</span>
          ${!(section === 'account' && route.path[1] === 'mfa') &&
          html`<a class="banner-link" href="#/account/mfa">${t('banner.mfaGo')}</a>`}
        </div>`}
        ${page}
      </main>
    </div>
    <${Toaster} />
    <${ReauthPrompt} />
  </div>`;
}

function AccountMenu({ me, onSignOut }) {
  const [open, setOpen] = useState(false);
  const ref = useRef(null);
  useEffect(() => {
    if (!open) return;
    const onDoc = (e) => {
      if (ref.current && !ref.current.contains(e.target)) setOpen(false);
    };
    const onKey = (e) => {
      if (e.key === 'Escape') {
        setOpen(false);
        ref.current?.querySelector('button')?.focus();
      }
    };
    document.addEventListener('click', onDoc);
    document.addEventListener('keydown', onKey);
    // Move focus into the menu so the keyboard can reach it at once.
    ref.current?.querySelector('.menu [role=menuitem]')?.focus();
    return () => {
      document.removeEventListener('click', onDoc);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  const initial = (me.displayName || me.loginId || '?').slice(0, 1);
  return html`<div class="account-menu" ref=${ref}>
    <button
      type="button"
      class="account-button"
      aria-haspopup="menu"
      aria-expanded=${open ? 'true' : 'false'}
      aria-label=${t('menu.account')}
      onClick=${() => setOpen(!open)}
      data-testid="account-menu"
    >
      <span class="avatar" aria-hidden="true">${initial}</span>
      <span class="account-name">${me.displayName || me.loginId}</span>
      <${Icon} name="chevron" />
    </button>
    ${open &&
    html`<div class="menu" role="menu">
      <a role="menuitem" class="menu-item" href="#/account" onClick=${() => setOpen(false)}>${t('menu.myAccount')}</a>
      <button
        role="menuitem"
        type="button"
        class="menu-item"
        onClick=${() => {
          setOpen(false);
          onSignOut();
        }}
      >
        ${t('menu.signOut')}
      </button>
    </div>`}
  </div>`;
}

render(html`<${App} />`, document.getElementById('app'));
