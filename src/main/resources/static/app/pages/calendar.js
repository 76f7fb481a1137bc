// Calendar: not built yet; the page says so plainly.
import { t } from '../i18n.js';
import { html } from '../ui.js';
import { ComingSoonPage } from './soon.js';

export function CalendarPage() {
  return html`<${ComingSoonPage} name=${t('nav.calendar')} icon="calendar" />`;
}
