// Placeholder for the parts of Musubi that do not exist yet. Says so plainly.
import { t } from '../i18n.js';
import { html, EmptyState } from '../ui.js';

export function ComingSoonPage({ name, icon }) {
  return html`<div class="page">
    <h1 class="page-title">${name}</h1>
    <${EmptyState} icon=${icon} title=${t('soon.title', { name })}>
      <p>${t('soon.body')}</p>
    <//>
  </div>`;
}
