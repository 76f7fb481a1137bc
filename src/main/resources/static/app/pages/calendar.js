// Calendar: month, week, day and agenda views of the calendars the member shows, an event dialog
// with recurrence, attendees (with their free/busy) and a facility, and invitation answers.
// Times show in the browser's zone; events are created in it too. Every title and name is text.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, csrfHeaders, query } from '../api.js';
import { addMessages, lang, t } from '../i18n.js';
import { html, cx, Alert, Button, Checkbox, ConfirmDialog, Dialog, Icon, Select, Spinner, TextField, errorText, otherFieldErrors, toast } from '../ui.js';

addMessages({
  ja: {
    'cal.today': '今日',
    'cal.prev': '前へ',
    'cal.next': '次へ',
    'cal.month': '月',
    'cal.week': '週',
    'cal.day': '日',
    'cal.agenda': '予定リスト',
    'cal.new': '新しい予定',
    'cal.calendars': 'カレンダー',
    'cal.allDay': '終日',
    'cal.more': '他 {n} 件',
    'cal.noEvents': 'この期間に予定はありません。',
    'cal.busy': '予定あり',
    'cal.title': '件名',
    'cal.start': '開始',
    'cal.end': '終了',
    'cal.location': '場所',
    'cal.description': '説明',
    'cal.repeat': '繰り返し',
    'cal.repeat.none': 'なし',
    'cal.repeat.daily': '毎日',
    'cal.repeat.weekly': '毎週',
    'cal.repeat.weekdays': '平日（月〜金）',
    'cal.repeat.monthly': '毎月',
    'cal.repeat.yearly': '毎年',
    'cal.repeat.custom': 'カスタム（RRULE）',
    'cal.rrule': 'RRULE',
    'cal.visibility': '公開範囲',
    'cal.visibility.public': '公開',
    'cal.visibility.private': '非公開',
    'cal.visibility.busy': '予定ありとだけ表示',
    'cal.showAs': '空き時間の扱い',
    'cal.showAs.OPAQUE': '予定あり',
    'cal.showAs.TRANSPARENT': '空き時間',
    'cal.eventStatus': '状態',
    'cal.eventStatus.CONFIRMED': '確定',
    'cal.eventStatus.TENTATIVE': '仮',
    'cal.eventStatus.CANCELLED': '中止',
    'cal.attendees': '参加者',
    'cal.addAttendee': '名前やメールアドレスで追加',
    'cal.facility': '設備',
    'cal.facility.none': '予約しない',
    'cal.reminder': '通知',
    'cal.reminder.none': 'なし',
    'cal.reminder.n': '{n} 分前',
    'cal.reminderMethod': '通知方法',
    'cal.reminderMethod.app': 'アプリ',
    'cal.reminderMethod.email': 'メール',
    'cal.reply.accepted': '承諾',
    'cal.reply.tentative': '仮承諾',
    'cal.reply.declined': '辞退',
    'cal.reply.needs-action': '回答待ち',
    'cal.outside': '社外（メールで招待）',
    'cal.reminderNow': '{time} から「{title}」（{n} 分後）',
    'cal.reminderAllDay': '「{title}」（終日）',
    'cal.calendar': 'カレンダー',
    'cal.save': '保存',
    'cal.edit': '編集',
    'cal.delete': '削除',
    'cal.scope': '変更の対象',
    'cal.scope.this': 'この予定',
    'cal.scope.following': 'これ以降の予定',
    'cal.scope.all': 'すべての予定',
    'cal.answer': '出欠',
    'cal.status.accepted': '参加',
    'cal.status.tentative': '未定',
    'cal.status.declined': '不参加',
    'cal.status.needs-action': '未回答',
    'cal.freebusy': '参加者の空き状況',
    'cal.free': '空き',
    'cal.saved': '予定を保存しました。',
    'cal.deleted': '予定を削除しました。',
    'cal.answered': '回答しました。',
    'cal.deleteConfirm': 'この予定を削除しますか？',
    'cal.invitation': '招待',
    'cal.booking.pending': '設備は承認待ちです',
    'cal.answerFor': '回答の対象',
    'cal.moveScope': 'どの予定を変更しますか？',
    'cal.resizeHandle': '終了時刻を変更',
    'cal.attachments': '添付ファイル',
    'cal.attachFromDrive': 'ドライブから選ぶ',
    'cal.attachUpload': 'アップロード',
    'cal.attachFolder': 'カレンダーの添付ファイル',
    'cal.attachPick': 'ドライブのファイルを選ぶ',
    'cal.attachDone': '完了',
    'cal.attachEmpty': 'このフォルダは空です。',
    'cal.attachUploading': 'アップロード中…',
    'cal.attachRemove': '{name} を外す',
    'cal.attachMax': '添付できるのは 20 件までです。',
    'cal.drives': 'ドライブ',
    'cal.myDrive': 'マイドライブ',
  },
  en: {
    'cal.today': 'Today',
    'cal.prev': 'Previous',
    'cal.next': 'Next',
    'cal.month': 'Month',
    'cal.week': 'Week',
    'cal.day': 'Day',
    'cal.agenda': 'Agenda',
    'cal.new': 'New event',
    'cal.calendars': 'Calendars',
    'cal.allDay': 'All day',
    'cal.more': '{n} more',
    'cal.noEvents': 'No events in this period.',
    'cal.busy': 'Busy',
    'cal.title': 'Title',
    'cal.start': 'Start',
    'cal.end': 'End',
    'cal.location': 'Location',
    'cal.description': 'Description',
    'cal.repeat': 'Repeat',
    'cal.repeat.none': 'Does not repeat',
    'cal.repeat.daily': 'Daily',
    'cal.repeat.weekly': 'Weekly',
    'cal.repeat.weekdays': 'Weekdays (Mon–Fri)',
    'cal.repeat.monthly': 'Monthly',
    'cal.repeat.yearly': 'Yearly',
    'cal.repeat.custom': 'Custom (RRULE)',
    'cal.rrule': 'RRULE',
    'cal.visibility': 'Visibility',
    'cal.visibility.public': 'Public',
    'cal.visibility.private': 'Private',
    'cal.visibility.busy': 'Show as busy',
    'cal.showAs': 'Show as',
    'cal.showAs.OPAQUE': 'Busy',
    'cal.showAs.TRANSPARENT': 'Free',
    'cal.eventStatus': 'Status',
    'cal.eventStatus.CONFIRMED': 'Confirmed',
    'cal.eventStatus.TENTATIVE': 'Tentative',
    'cal.eventStatus.CANCELLED': 'Cancelled',
    'cal.attendees': 'Attendees',
    'cal.addAttendee': 'Add by name or e-mail',
    'cal.facility': 'Facility',
    'cal.facility.none': 'No booking',
    'cal.reminder': 'Reminder',
    'cal.reminder.none': 'None',
    'cal.reminder.n': '{n} min before',
    'cal.reminderMethod': 'Remind by',
    'cal.reminderMethod.app': 'App',
    'cal.reminderMethod.email': 'E-mail',
    'cal.reply.accepted': 'Accepted',
    'cal.reply.tentative': 'Tentative',
    'cal.reply.declined': 'Declined',
    'cal.reply.needs-action': 'Pending',
    'cal.outside': 'Outside (invited by e-mail)',
    'cal.reminderNow': '“{title}” at {time} (in {n} min)',
    'cal.reminderAllDay': '“{title}” (all day)',
    'cal.calendar': 'Calendar',
    'cal.save': 'Save',
    'cal.edit': 'Edit',
    'cal.delete': 'Delete',
    'cal.scope': 'Apply to',
    'cal.scope.this': 'This event',
    'cal.scope.following': 'This and following events',
    'cal.scope.all': 'All events',
    'cal.answer': 'Your answer',
    'cal.status.accepted': 'Accept',
    'cal.status.tentative': 'Maybe',
    'cal.status.declined': 'Decline',
    'cal.status.needs-action': 'No answer',
    'cal.freebusy': 'Attendees’ availability',
    'cal.free': 'Free',
    'cal.saved': 'Event saved.',
    'cal.deleted': 'Event deleted.',
    'cal.answered': 'Answer sent.',
    'cal.deleteConfirm': 'Delete this event?',
    'cal.invitation': 'Invitation',
    'cal.booking.pending': 'The facility booking awaits approval',
    'cal.answerFor': 'Answer for',
    'cal.moveScope': 'Which events do you want to change?',
    'cal.resizeHandle': 'Change the end time',
    'cal.attachments': 'Attachments',
    'cal.attachFromDrive': 'Choose from Drive',
    'cal.attachUpload': 'Upload',
    'cal.attachFolder': 'Calendar attachments',
    'cal.attachPick': 'Choose files from your drives',
    'cal.attachDone': 'Done',
    'cal.attachEmpty': 'This folder is empty.',
    'cal.attachUploading': 'Uploading…',
    'cal.attachRemove': 'Remove {name}',
    'cal.attachMax': 'At most 20 attachments.',
    'cal.drives': 'Drives',
    'cal.myDrive': 'My drive',
  },
});

const VIEWS = ['month', 'week', 'day', 'agenda'];
const HOUR_PX = 40;
const SNAP_MS = 15 * 60000; // drag and resize snap to 15 minutes
const DRAG_THRESHOLD = 4; // pixels a press must move before it is a drag, not a click
const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone || 'Asia/Tokyo';

const pad = (n) => String(n).padStart(2, '0');
const dayKey = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const localInput = (d) => `${dayKey(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
const startOfDay = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate());
const addDays = (d, n) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n, d.getHours(), d.getMinutes());
const locale = () => (lang() === 'ja' ? 'ja-JP' : 'en');
const fmt = (d, opts) => new Intl.DateTimeFormat(locale(), opts).format(d);
const timeOf = (d) => fmt(d, { hour: '2-digit', minute: '2-digit' });

/** The wall-clock time of an instant in a zone, as milliseconds of a naive (UTC-read) date-time. */
function wallClock(date, zone) {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(date)
      .map((x) => [x.type, x.value]),
  );
  return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour) % 24, Number(p.minute), Number(p.second));
}
/** A local date-time text of the API ("2026-03-02T09:00") as naive milliseconds, and back. */
const naiveMs = (text) => Date.parse(text.length > 10 ? text + 'Z' : text + 'T00:00Z');
const naiveText = (ms) => new Date(ms).toISOString().slice(0, 19);

function startOfWeek(d) {
  const s = startOfDay(d);
  return addDays(s, -s.getDay());
}

/** The visible range [from, to) for a view around an anchor date. */
function range(view, anchor) {
  if (view === 'month') {
    const first = new Date(anchor.getFullYear(), anchor.getMonth(), 1);
    const from = startOfWeek(first);
    return [from, addDays(from, 42)];
  }
  if (view === 'week') {
    const from = startOfWeek(anchor);
    return [from, addDays(from, 7)];
  }
  if (view === 'day') {
    const from = startOfDay(anchor);
    return [from, addDays(from, 1)];
  }
  const from = startOfDay(anchor);
  return [from, addDays(from, 30)];
}

function step(view, anchor, n) {
  if (view === 'month') return new Date(anchor.getFullYear(), anchor.getMonth() + n, 1);
  if (view === 'week') return addDays(anchor, 7 * n);
  if (view === 'agenda') return addDays(anchor, 30 * n);
  return addDays(anchor, n);
}

function heading(view, anchor) {
  if (view === 'month') return fmt(anchor, { year: 'numeric', month: 'long' });
  if (view === 'day') return fmt(anchor, { year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' });
  const [from, to] = range(view, anchor);
  return `${fmt(from, { month: 'short', day: 'numeric' })} – ${fmt(addDays(to, -1), { month: 'short', day: 'numeric' })}`;
}

/** Occurrences with Date objects; all-day ones use their local dates. */
function prepare(list) {
  return list.map((o) => {
    const start = o.allDay ? new Date(o.startDate + 'T00:00') : new Date(o.start);
    const end = o.allDay ? new Date(o.endDate + 'T00:00') : new Date(o.end);
    return { ...o, s: start, e: end, key: `${o.eventId || o.calendarId}-${o.recurrenceId || o.start}` };
  });
}

const onDay = (o, day) => o.s < addDays(day, 1) && o.e > day;

// RFC 5545 STATUS: a tentative event is drawn dashed, a cancelled one struck through.
const statusClass = (o) => (o.status === 'TENTATIVE' ? 'cal-tentative' : o.status === 'CANCELLED' ? 'cal-cancelled' : null);

function EventChip({ o, color, onOpen }) {
  const label = o.busyOnly ? t('cal.busy') : o.title;
  return html`<button
    type="button"
    class=${cx('cal-chip', o.allDay && 'cal-chip-allday', o.invitation && 'cal-chip-invite', o.myStatus === 'declined' && 'cal-chip-declined', statusClass(o))}
    style=${{ '--cal-color': color }}
    onClick=${(e) => {
      e.stopPropagation();
      onOpen(o);
    }}
  >
    ${!o.allDay && html`<span class="cal-chip-time">${timeOf(o.s)}</span>`}
    <span class="cal-chip-title">${label}</span>
  </button>`;
}

function MonthView({ anchor, items, colors, onOpen, onNew }) {
  const [from] = range('month', anchor);
  const days = Array.from({ length: 42 }, (_, i) => addDays(from, i));
  const today = dayKey(new Date());
  const names = Array.from({ length: 7 }, (_, i) => fmt(addDays(from, i), { weekday: 'short' }));
  return html`<div class="cal-month" role="grid">
    ${names.map((n) => html`<div class="cal-month-head" role="columnheader">${n}</div>`)}
    ${days.map((d) => {
      const list = items.filter((o) => onDay(o, d));
      const holiday = list.find((o) => !o.eventId);
      return html`<div
        class=${cx('cal-month-day', d.getMonth() !== anchor.getMonth() && 'cal-out', dayKey(d) === today && 'cal-today', (d.getDay() === 0 || holiday) && 'cal-sunday', d.getDay() === 6 && 'cal-saturday')}
        role="gridcell"
        onClick=${() => onNew(new Date(d.getFullYear(), d.getMonth(), d.getDate(), 9))}
      >
        <span class="cal-daynum">${d.getDate()}</span>
        ${list.slice(0, 3).map((o) => html`<${EventChip} key=${o.key} o=${o} color=${colors[o.calendarId]} onOpen=${onOpen} />`)}
        ${list.length > 3 && html`<span class="cal-more">${t('cal.more', { n: list.length - 3 })}</span>`}
      </div>`;
    })}
  </div>`;
}

const snap = (d) => new Date(Math.round(d.getTime() / SNAP_MS) * SNAP_MS);

/** Where a drag puts an occurrence: moved by minutes (and days), or with its end moved. */
function dragged(o, d) {
  const ms = d.minutes * 60000;
  if (d.mode === 'resize') {
    const e = snap(new Date(o.e.getTime() + ms));
    return { s: o.s, e: e - o.s < SNAP_MS ? new Date(o.s.getTime() + SNAP_MS) : e };
  }
  const s = snap(addDays(new Date(o.s.getTime() + ms), d.days));
  return { s, e: new Date(s.getTime() + (o.e - o.s)) };
}

/**
 * Day and week columns. A timed event the member may edit is dragged to another time or day, or
 * its bottom edge to another end, snapping to 15 minutes; `onMove` saves and resolves when done
 * (the block shows at its new place meanwhile and snaps back when the save fails). The editor
 * stays the keyboard way to change times.
 */
function TimeGrid({ days, items, colors, onOpen, onNew, onMove }) {
  const today = dayKey(new Date());
  const hours = Array.from({ length: 24 }, (_, i) => i);
  const [drag, setDrag] = useState(null);
  const [pending, setPending] = useState(null);
  const grid = useRef(null);
  const justDragged = useRef(false);
  const begin = (ev, o, mode) => {
    if (ev.button !== 0 || !onMove || !o.canMove) return;
    ev.stopPropagation();
    ev.preventDefault(); // no text selection while dragging; the click still follows
    const x0 = ev.clientX;
    const y0 = ev.clientY;
    const rects = Array.from(grid.current.querySelectorAll('.cal-col')).map((c) => c.getBoundingClientRect());
    const colAt = (x) => rects.findIndex((r) => x >= r.left && x < r.right);
    const col0 = colAt(x0);
    let state = null;
    const move = (e) => {
      if (!state && Math.abs(e.clientX - x0) < DRAG_THRESHOLD && Math.abs(e.clientY - y0) < DRAG_THRESHOLD) return;
      e.preventDefault();
      const col = colAt(e.clientX);
      state = {
        key: o.key,
        mode,
        minutes: Math.round(((e.clientY - y0) / HOUR_PX) * 60),
        days: mode === 'move' && col >= 0 && col0 >= 0 ? col - col0 : 0,
      };
      setDrag(state);
    };
    const up = async () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
      if (!state) return; // a click: the block's onClick opens it
      justDragged.current = true;
      setTimeout(() => (justDragged.current = false), 0);
      const to = dragged(o, state);
      setDrag(null);
      if (to.s.getTime() === o.s.getTime() && to.e.getTime() === o.e.getTime()) return;
      setPending({ key: o.key, ...to });
      try {
        await onMove(o, to.s, to.e);
      } finally {
        setPending(null);
      }
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };
  const shown = items.map((o) => {
    if (drag && drag.key === o.key) return { ...o, ...dragged(o, drag), moving: true };
    if (pending && pending.key === o.key) return { ...o, s: pending.s, e: pending.e, moving: true };
    return o;
  });
  return html`<div class="cal-grid-wrap">
    <div class=${cx('cal-grid', days.length === 1 && 'cal-grid-day', drag && 'cal-dragging')} ref=${grid}>
      <div class="cal-grid-corner"></div>
      ${days.map(
        (d) => html`<div class=${cx('cal-grid-head', dayKey(d) === today && 'cal-today')}>
          ${fmt(d, { weekday: 'short', day: 'numeric' })}
          <div class="cal-grid-allday">
            ${items.filter((o) => o.allDay && onDay(o, d)).map((o) => html`<${EventChip} key=${o.key} o=${o} color=${colors[o.calendarId]} onOpen=${onOpen} />`)}
          </div>
        </div>`,
      )}
      <div class="cal-hours">${hours.map((h) => html`<div class="cal-hour-label">${pad(h)}:00</div>`)}</div>
      ${days.map(
        (d) => html`<div class="cal-col" data-day=${dayKey(d)} onClick=${(e) => {
          if (justDragged.current) return;
          const y = e.offsetY;
          const h = Math.max(0, Math.min(23, Math.floor(y / HOUR_PX)));
          onNew(new Date(d.getFullYear(), d.getMonth(), d.getDate(), h));
        }}>
          ${hours.map(() => html`<div class="cal-slot"></div>`)}
          ${shown
            .filter((o) => !o.allDay && onDay(o, d))
            .map((o) => {
              const s = o.s < d ? d : o.s;
              const e = o.e > addDays(d, 1) ? addDays(d, 1) : o.e;
              const top = ((s - d) / 3600000) * HOUR_PX;
              const height = Math.max(18, ((e - s) / 3600000) * HOUR_PX - 2);
              const movable = onMove && o.canMove;
              return html`<button
                type="button"
                key=${o.key}
                data-event=${o.eventId || ''}
                class=${cx('cal-block', o.invitation && 'cal-chip-invite', o.myStatus === 'declined' && 'cal-chip-declined', statusClass(o), movable && 'cal-block-movable', o.moving && 'cal-block-moving')}
                style=${{ top: `${top}px`, height: `${height}px`, '--cal-color': colors[o.calendarId] }}
                onPointerDown=${(ev) => begin(ev, o, 'move')}
                onClick=${(ev) => {
                  ev.stopPropagation();
                  if (justDragged.current) return;
                  onOpen(o);
                }}
              >
                <span class="cal-chip-time">${timeOf(o.s)}–${timeOf(o.e)}</span>
                <span class="cal-chip-title">${o.busyOnly ? t('cal.busy') : o.title}</span>
                ${o.location && html`<span class="cal-block-loc">${o.location}</span>`}
                ${movable && e.getTime() === o.e.getTime() && html`<span class="cal-resize" title=${t('cal.resizeHandle')} onPointerDown=${(ev) => begin(ev, o, 'resize')}></span>`}
              </button>`;
            })}
        </div>`,
      )}
    </div>
  </div>`;
}

function AgendaView({ anchor, items, colors, onOpen }) {
  const [from] = range('agenda', anchor);
  const days = Array.from({ length: 30 }, (_, i) => addDays(from, i)).map((d) => [d, items.filter((o) => onDay(o, d))]).filter(([, l]) => l.length);
  if (!days.length) return html`<p class="cal-empty">${t('cal.noEvents')}</p>`;
  return html`<ol class="cal-agenda">
    ${days.map(
      ([d, list]) => html`<li class="cal-agenda-day">
        <h3 class="cal-agenda-date">${fmt(d, { month: 'long', day: 'numeric', weekday: 'short' })}</h3>
        <ul>
          ${list.map(
            (o) => html`<li key=${o.key}>
              <button type="button" class=${cx('cal-agenda-item', statusClass(o))} style=${{ '--cal-color': colors[o.calendarId] }} onClick=${() => onOpen(o)}>
                <span class="cal-agenda-time">${o.allDay ? t('cal.allDay') : `${timeOf(o.s)}–${timeOf(o.e)}`}</span>
                <span class="cal-chip-title">${o.busyOnly ? t('cal.busy') : o.title}</span>
                ${o.location && html`<span class="cal-block-loc">${o.location}</span>`}
                ${o.invitation && html`<span class="badge badge-info">${t('cal.invitation')}</span>`}
              </button>
            </li>`,
          )}
        </ul>
      </li>`,
    )}
  </ol>`;
}

const REPEATS = {
  none: '',
  daily: 'FREQ=DAILY',
  weekly: 'FREQ=WEEKLY',
  weekdays: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
  monthly: 'FREQ=MONTHLY',
  yearly: 'FREQ=YEARLY',
};

function repeatOf(rrule) {
  if (!rrule) return 'none';
  const hit = Object.entries(REPEATS).find(([, v]) => v && v === rrule);
  return hit ? hit[0] : 'custom';
}

/** Busy bars of the attendees on the event's day, so a free time is easy to see. */
function FreeBusy({ members, day }) {
  const [data, setData] = useState(null);
  const ids = members.map((m) => m.memberId).filter(Boolean);
  useEffect(() => {
    if (!ids.length || !day) return;
    const from = startOfDay(day);
    api
      .get('/api/v1/freebusy' + query({ members: ids.join(','), from: from.toISOString(), to: addDays(from, 1).toISOString() }))
      .then(setData)
      .catch(() => setData(null));
  }, [ids.join(','), day && dayKey(day)]);
  if (!ids.length || !data) return null;
  return html`<div class="cal-fb" aria-label=${t('cal.freebusy')}>
    <p class="field-label">${t('cal.freebusy')}</p>
    ${members
      .filter((m) => m.memberId)
      .map(
        (m) => html`<div class="cal-fb-row">
          <span class="cal-fb-name">${m.name}</span>
          <span class="cal-fb-bar">
            ${(data[m.memberId] || []).map((b) => {
              const from = startOfDay(day);
              const left = Math.max(0, (new Date(b.start) - from) / 864000);
              const width = Math.max(0.5, (Math.min(new Date(b.end), addDays(from, 1)) - Math.max(new Date(b.start), from)) / 864000);
              return html`<span class=${cx('cal-fb-busy', b.status === 'tentative' && 'cal-fb-tentative')} style=${{ left: `${left}%`, width: `${width}%` }}></span>`;
            })}
          </span>
        </div>`,
      )}
  </div>`;
}

function AttendeePicker({ value, onValue }) {
  const [q, setQ] = useState('');
  const [hits, setHits] = useState([]);
  useEffect(() => {
    const term = q.trim();
    if (term.length < 1 || term.includes('@')) {
      setHits([]);
      return;
    }
    const timer = setTimeout(() => {
      api
        .get('/api/v1/directory/members' + query({ q: term, size: 8 }))
        .then((b) => setHits(Array.isArray(b) ? b : b?.items || []))
        .catch(() => setHits([]));
    }, 200);
    return () => clearTimeout(timer);
  }, [q]);
  const add = (a) => {
    if (value.some((x) => (a.memberId ? x.memberId === a.memberId : x.email === a.email))) return;
    onValue([...value, a]);
    setQ('');
    setHits([]);
  };
  return html`<div class="cal-attendees">
    <${TextField}
      label=${t('cal.attendees')}
      placeholder=${t('cal.addAttendee')}
      value=${q}
      onValue=${setQ}
      onKeyDown=${(e) => {
        if (e.key === 'Enter' && q.includes('@')) {
          e.preventDefault();
          add({ email: q.trim(), name: q.trim() });
        }
      }}
    />
    ${hits.length > 0 &&
    html`<ul class="cal-hits" role="listbox">
      ${hits.map((m) => html`<li><button type="button" class="cal-hit" onClick=${() => add({ memberId: m.id, name: m.displayName })}>${m.displayName}</button></li>`)}
    </ul>`}
    <ul class="cal-attendee-list">
      ${value.map(
        (a, i) => html`<li class=${cx('cal-attendee', !a.memberId && 'cal-attendee-outside')}>
          <span>${a.name || a.email}</span>
          ${!a.memberId && a.email && a.name && a.name !== a.email && html`<span class="cal-attendee-email">${a.email}</span>`}
          ${!a.memberId && html`<span class="sr-only">${t('cal.outside')}</span>`}
          ${a.status &&
          (a.memberId
            ? html`<span class=${cx('badge', a.status === 'accepted' ? 'badge-success' : a.status === 'declined' ? 'badge-danger' : '')}>${t('cal.status.' + a.status)}</span>`
            : html`<span class=${cx('badge', 'cal-reply', a.status === 'accepted' ? 'badge-success' : a.status === 'declined' ? 'badge-danger' : a.status === 'tentative' ? 'badge-warning' : '')} title=${t('cal.outside')}>${t('cal.reply.' + a.status)}</span>`)}
          <button type="button" class="icon-btn" aria-label=${t('common.close')} onClick=${() => onValue(value.filter((_, j) => j !== i))}><${Icon} name="close" /></button>
        </li>`,
      )}
    </ul>
  </div>`;
}

const MAX_ATTACHMENTS = 20;

function fileSize(n) {
  if (!n) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** The folder for uploaded attachments in the member's own drive, made on first use. */
async function attachmentFolder() {
  const drives = await api.get('/api/v1/drive/drives');
  const mine = (drives || []).find((d) => d.kind === 'personal');
  const res = await fetch(`/api/v1/drive/folders/${mine.rootFolderId}/folders`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json', ...csrfHeaders() },
    body: JSON.stringify({ name: t('cal.attachFolder') }),
  });
  // Made now, or there already (the drive names the existing folder).
  if (res.status === 409 && res.headers.get('X-Existing-Id')) return res.headers.get('X-Existing-Id');
  const body = await res.json().catch(() => null);
  if (!res.ok) throw { status: res.status, type: body?.type, title: body?.title, detail: body?.detail };
  return body.id;
}

/** Uploads a file into that folder through the Drive API; resolves to the new drive item. */
async function uploadAttachment(file) {
  const folder = await attachmentFolder();
  const form = new FormData();
  form.append('file', file, file.name);
  const res = await fetch(`/api/v1/drive/folders/${folder}/files`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { Accept: 'application/json', ...csrfHeaders() },
    body: form,
  });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw { status: res.status, type: body?.type, title: body?.title, detail: body?.detail, errors: body?.errors };
  return body;
}

/** Browses the member's drives and folders; a click on a file attaches it (or takes it off). */
function DrivePicker({ chosen, onToggle, onClose }) {
  const [drives, setDrives] = useState(null);
  const [page, setPage] = useState(null);
  const [err, setErr] = useState(null);
  useEffect(() => {
    api.get('/api/v1/drive/drives').then(setDrives).catch(setErr);
  }, []);
  const open = (id) =>
    api
      .get(`/api/v1/drive/folders/${id}` + query({ size: 200 }))
      .then((p) => (setPage(p), setErr(null)))
      .catch(setErr);
  const driveName = (d) => (d.kind === 'personal' ? t('cal.myDrive') : d.name);
  return html`<${Dialog}
    open=${true}
    title=${t('cal.attachPick')}
    onClose=${onClose}
    footer=${html`<${Button} onClick=${onClose}>${t('cal.attachDone')}<//>`}
  >
    ${err && html`<${Alert}>${errorText(err)}<//>`}
    <nav class="cal-pick-path" aria-label=${t('cal.drives')}>
      <button type="button" class="cal-pick-crumb" onClick=${() => setPage(null)}>${t('cal.drives')}</button>
      ${page &&
      page.path.map(
        (f, i) => html`<span aria-hidden="true">/</span>
          <button type="button" class="cal-pick-crumb" onClick=${() => open(f.id)}>
            ${i === 0 ? driveName((drives || []).find((d) => d.id === f.driveId) || { kind: 'personal' }) : f.name}
          </button>`,
      )}
    </nav>
    ${!page && !drives && !err && html`<${Spinner} />`}
    <ul class="cal-pick-list">
      ${!page &&
      (drives || []).map(
        (d) => html`<li><button type="button" class="cal-pick-item" onClick=${() => open(d.rootFolderId)}><${Icon} name="drive" /> ${driveName(d)}</button></li>`,
      )}
      ${page &&
      page.items.map((it) =>
        it.type === 'folder'
          ? html`<li><button type="button" class="cal-pick-item" onClick=${() => open(it.id)}><${Icon} name="drive" /> ${it.name}</button></li>`
          : html`<li>
              <button type="button" class=${cx('cal-pick-item', 'cal-pick-file', chosen.has(it.id) && 'cal-pick-on')} aria-pressed=${chosen.has(it.id) ? 'true' : 'false'} onClick=${() => onToggle(it)}>
                ${chosen.has(it.id) && html`<${Icon} name="check" />`}
                <span class="cal-pick-name">${it.name}</span>
                <span class="cal-pick-size">${fileSize(it.size)}</span>
              </button>
            </li>`,
      )}
    </ul>
    ${page && page.items.length === 0 && html`<p class="cal-pick-empty">${t('cal.attachEmpty')}</p>`}
  <//>`;
}

/** The attachments of the event being edited: from the drives, uploaded, or links kept from CalDAV. */
function AttachmentField({ value, onValue, error }) {
  const [picking, setPicking] = useState(false);
  const [uploading, setUploading] = useState(false);
  const chosen = new Set(value.filter((a) => a.fileId).map((a) => a.fileId));
  const add = (items) => {
    const next = [...value];
    for (const it of items) {
      if (!next.some((a) => a.fileId === it.id)) next.push({ fileId: it.id, name: it.name, size: it.size, contentType: it.contentType || '' });
    }
    if (next.length > MAX_ATTACHMENTS) {
      toast(t('cal.attachMax'), 'error');
      return;
    }
    onValue(next);
  };
  const toggle = (it) => (chosen.has(it.id) ? onValue(value.filter((a) => a.fileId !== it.id)) : add([it]));
  const upload = async (e) => {
    const files = [...(e.currentTarget.files || [])];
    e.currentTarget.value = '';
    if (!files.length) return;
    setUploading(true);
    try {
      const done = [];
      for (const f of files) done.push(await uploadAttachment(f));
      add(done);
    } catch (x) {
      toast(errorText(x), 'error');
    } finally {
      setUploading(false);
    }
  };
  return html`<div class="field cal-attach">
    <p class="field-label">${t('cal.attachments')}</p>
    <ul class="cal-attach-list">
      ${value.map(
        (a, i) => html`<li class="cal-attach-item">
          <span class="cal-attach-name">${a.name}</span>
          ${a.size > 0 && html`<span class="cal-attach-size">${fileSize(a.size)}</span>`}
          <button type="button" class="icon-btn" aria-label=${t('cal.attachRemove', { name: a.name })} onClick=${() => onValue(value.filter((_, j) => j !== i))}><${Icon} name="close" /></button>
        </li>`,
      )}
    </ul>
    <div class="cal-attach-actions">
      <${Button} kind="secondary" size="small" onClick=${() => setPicking(true)}>${t('cal.attachFromDrive')}<//>
      <label class="btn btn-secondary btn-small cal-attach-upload">
        ${uploading ? t('cal.attachUploading') : t('cal.attachUpload')}
        <input type="file" multiple class="sr-only" disabled=${uploading} onChange=${upload} />
      </label>
    </div>
    ${error && html`<p class="field-error" role="alert">${error}</p>`}
    ${picking && html`<${DrivePicker} chosen=${chosen} onToggle=${toggle} onClose=${() => setPicking(false)} />`}
  </div>`;
}

function EditDialog({ initial, calendars, facilities, onClose, onSaved }) {
  const editing = !!initial.id;
  const [f, setF] = useState(initial);
  const [scope, setScope] = useState(initial.recurrenceId ? 'this' : 'all');
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const set = (k) => (v) => setF((x) => ({ ...x, [k]: v }));
  const fieldError = (name) => err?.errors?.find((e) => e.field === name || e.field.startsWith(name + '['))?.message;
  const writable = calendars.filter((c) => !c.readOnly);
  const save = async (e) => {
    e.preventDefault();
    setBusy(true);
    setErr(null);
    const body = {
      title: f.title,
      allDay: f.allDay,
      timeZone: f.timeZone || ZONE,
      start: f.allDay ? f.start.slice(0, 10) : f.start,
      end: f.allDay ? f.end.slice(0, 10) : f.end,
      location: f.location,
      description: f.description,
      visibility: f.visibility,
      transparency: f.transparency || 'OPAQUE',
      status: f.status || 'CONFIRMED',
      reminders: f.reminder && f.reminderMethod !== 'email' ? [Number(f.reminder)] : [],
      emailReminders: f.reminder && f.reminderMethod === 'email' ? [Number(f.reminder)] : [],
      attendees: f.attendees.map((a) => (a.memberId ? { memberId: a.memberId } : { email: a.email, name: a.name })),
      facilityId: f.facilityId || '',
      attachments: (f.attachments || []).map((a) => (a.fileId ? { fileId: a.fileId } : { url: a.url, name: a.name })),
    };
    if (!(editing && scope === 'this')) body.rrule = f.repeat === 'custom' ? f.rrule : REPEATS[f.repeat];
    try {
      if (editing) {
        const q = initial.recurrenceId && scope !== 'all' ? query({ scope, occurrence: initial.recurrenceId }) : query({ scope: 'all' });
        await api.patch(`/api/v1/events/${initial.id}${q}`, body);
      } else {
        await api.post(`/api/v1/calendars/${f.calendarId}/events`, body);
      }
      toast(t('cal.saved'));
      onSaved();
    } catch (x) {
      setErr(x);
    } finally {
      setBusy(false);
    }
  };
  const other = otherFieldErrors(err, ['title', 'start', 'end', 'rrule', 'location', 'description', 'attendees', 'facilityId', 'timeZone', 'attachments', 'transparency', 'status']);
  return html`<${Dialog}
    open=${true}
    wide=${true}
    title=${editing ? t('cal.edit') : t('cal.new')}
    onClose=${onClose}
    footer=${html`<${Button} kind="secondary" onClick=${onClose}>${t('common.cancel')}<//>
      <${Button} type="submit" form="cal-edit" busy=${busy}>${t('cal.save')}<//>`}
  >
    <form id="cal-edit" class="cal-form" onSubmit=${save}>
      ${err && !err.errors?.length && html`<${Alert}>${errorText(err)}<//>`}
      ${other.length > 0 && html`<${Alert}>${other.join(' / ')}<//>`}
      <${TextField} label=${t('cal.title')} value=${f.title} onValue=${set('title')} required maxlength="300" error=${fieldError('title')} name="title" />
      ${!editing &&
      html`<${Select} label=${t('cal.calendar')} value=${f.calendarId} onValue=${set('calendarId')} options=${writable.map((c) => ({ value: c.id, label: c.name }))} />`}
      ${editing && initial.recurring &&
      html`<${Select}
        label=${t('cal.scope')}
        value=${scope}
        onValue=${setScope}
        options=${['this', 'following', 'all'].map((s) => ({ value: s, label: t('cal.scope.' + s) }))}
      />`}
      <${Checkbox} label=${t('cal.allDay')} checked=${f.allDay} onValue=${set('allDay')} />
      <div class="cal-form-row">
        <${TextField} label=${t('cal.start')} type=${f.allDay ? 'date' : 'datetime-local'} value=${f.allDay ? f.start.slice(0, 10) : f.start} onValue=${set('start')} error=${fieldError('start')} name="start" />
        <${TextField} label=${t('cal.end')} type=${f.allDay ? 'date' : 'datetime-local'} value=${f.allDay ? f.end.slice(0, 10) : f.end} onValue=${set('end')} error=${fieldError('end')} name="end" />
      </div>
      ${!(editing && scope === 'this') &&
      html`<${Select}
        label=${t('cal.repeat')}
        value=${f.repeat}
        onValue=${set('repeat')}
        options=${['none', 'daily', 'weekly', 'weekdays', 'monthly', 'yearly', 'custom'].map((r) => ({ value: r, label: t('cal.repeat.' + r) }))}
      />`}
      ${f.repeat === 'custom' && !(editing && scope === 'this') &&
      html`<${TextField} label=${t('cal.rrule')} value=${f.rrule} onValue=${set('rrule')} placeholder="FREQ=WEEKLY;BYDAY=MO;COUNT=10" error=${fieldError('rrule')} name="rrule" />`}
      <${TextField} label=${t('cal.location')} value=${f.location} onValue=${set('location')} error=${fieldError('location')} />
      <div class="field">
        <label class="field-label" for="cal-desc">${t('cal.description')}</label>
        <textarea id="cal-desc" class="input cal-textarea" value=${f.description} onInput=${(e) => set('description')(e.currentTarget.value)} maxlength="10000"></textarea>
        ${fieldError('description') && html`<p class="field-error" role="alert">${fieldError('description')}</p>`}
      </div>
      <${AttachmentField} value=${f.attachments || []} onValue=${set('attachments')} error=${fieldError('attachments')} />
      <div class="cal-form-row">
        <${Select}
          label=${t('cal.visibility')}
          value=${f.visibility}
          onValue=${set('visibility')}
          options=${['public', 'private', 'busy'].map((v) => ({ value: v, label: t('cal.visibility.' + v) }))}
        />
        <${Select}
          label=${t('cal.showAs')}
          value=${f.transparency || 'OPAQUE'}
          onValue=${set('transparency')}
          name="transparency"
          error=${fieldError('transparency')}
          options=${['OPAQUE', 'TRANSPARENT'].map((v) => ({ value: v, label: t('cal.showAs.' + v) }))}
        />
        <${Select}
          label=${t('cal.eventStatus')}
          value=${f.status || 'CONFIRMED'}
          onValue=${set('status')}
          name="status"
          error=${fieldError('status')}
          options=${['CONFIRMED', 'TENTATIVE', 'CANCELLED'].map((v) => ({ value: v, label: t('cal.eventStatus.' + v) }))}
        />
        <${Select}
          label=${t('cal.reminder')}
          value=${String(f.reminder || '')}
          onValue=${set('reminder')}
          options=${[{ value: '', label: t('cal.reminder.none') }, ...[5, 10, 30, 60, 1440].map((n) => ({ value: String(n), label: t('cal.reminder.n', { n }) }))]}
        />
        <${Select}
          label=${t('cal.reminderMethod')}
          value=${f.reminderMethod || 'app'}
          onValue=${set('reminderMethod')}
          error=${fieldError('emailReminders') || fieldError('reminders')}
          options=${['app', 'email'].map((m) => ({ value: m, label: t('cal.reminderMethod.' + m) }))}
        />
      </div>
      ${!(editing && scope === 'this') &&
      html`<${AttendeePicker} value=${f.attendees} onValue=${set('attendees')} />
        ${fieldError('attendees') && html`<p class="field-error" role="alert">${fieldError('attendees')}</p>`}
        <${FreeBusy} members=${f.attendees} day=${f.start ? new Date(f.start.length > 10 ? f.start : f.start + 'T00:00') : null} />
        <${Select}
          label=${t('cal.facility')}
          value=${f.facilityId || ''}
          onValue=${set('facilityId')}
          error=${fieldError('facilityId')}
          options=${[{ value: '', label: t('cal.facility.none') }, ...facilities.map((x) => ({ value: x.id, label: `${x.name}${x.capacity ? ` (${x.capacity})` : ''}` }))]}
        />`}
    </form>
  <//>`;
}

function DetailDialog({ occurrence, colors, onClose, onEdit, onChanged }) {
  const [ev, setEv] = useState(null);
  const [err, setErr] = useState(null);
  const [confirm, setConfirm] = useState(false);
  const [scope, setScope] = useState(occurrence.recurring ? 'this' : 'all');
  const [answerScope, setAnswerScope] = useState(occurrence.recurring ? 'this' : 'all');
  useEffect(() => {
    if (!occurrence.eventId) return;
    // For one occurrence of a series, the answers shown are those for that occurrence.
    const q = occurrence.recurring && occurrence.recurrenceId ? query({ occurrence: occurrence.recurrenceId }) : '';
    api.get(`/api/v1/events/${occurrence.eventId}${q}`).then(setEv).catch(setErr);
  }, [occurrence.eventId, occurrence.recurrenceId]);
  const answer = async (status) => {
    try {
      const body = occurrence.recurring && answerScope === 'this' ? { status, occurrence: occurrence.recurrenceId } : { status };
      await api.post(`/api/v1/events/${occurrence.eventId}/reply`, body);
      toast(t('cal.answered'));
      onChanged();
    } catch (x) {
      toast(errorText(x), 'error');
    }
  };
  const remove = async () => {
    const q = occurrence.recurring && scope !== 'all' ? query({ scope, occurrence: occurrence.recurrenceId }) : query({ scope: 'all' });
    try {
      await api.del(`/api/v1/events/${occurrence.eventId}${q}`);
      toast(t('cal.deleted'));
      onChanged();
    } catch (x) {
      toast(errorText(x), 'error');
    }
  };
  const o = occurrence;
  const when = o.allDay
    ? `${fmt(o.s, { month: 'long', day: 'numeric', weekday: 'short' })}${addDays(o.s, 1) < o.e ? ' – ' + fmt(addDays(o.e, -1), { month: 'long', day: 'numeric' }) : ''}`
    : `${fmt(o.s, { month: 'long', day: 'numeric', weekday: 'short' })} ${timeOf(o.s)}–${timeOf(o.e)}`;
  return html`<${Dialog}
    open=${true}
    title=${o.busyOnly ? t('cal.busy') : o.title}
    onClose=${onClose}
    footer=${ev?.canEdit &&
    html`<${Button} kind="danger" onClick=${() => setConfirm(true)}>${t('cal.delete')}<//>
      <${Button} onClick=${() => onEdit(ev, o)}>${t('cal.edit')}<//>`}
  >
    <div class="cal-detail" style=${{ '--cal-color': colors[o.calendarId] }}>
      <p class="cal-detail-when"><${Icon} name="clock" /> ${when}</p>
      ${err && html`<${Alert}>${errorText(err)}<//>`}
      ${ev &&
      html`
        ${ev.location && html`<p>${t('cal.location')}: ${ev.location}</p>`}
        ${ev.rrule && html`<p>${t('cal.repeat')}: <code>${ev.rrule}</code></p>`}
        ${ev.description && html`<p class="cal-detail-desc">${ev.description}</p>`}
        ${ev.bookingStatus === 'pending' && html`<${Alert} tone="warning">${t('cal.booking.pending')}<//>`}
        ${ev.attachments?.length > 0 &&
        html`<h3 class="cal-detail-h">${t('cal.attachments')}</h3>
          <ul class="cal-attach-list">
            ${ev.attachments.map(
              (a) => html`<li class="cal-attach-item">
                ${a.fileId
                  ? html`<a class="cal-attach-name" href=${`/api/v1/events/${ev.id}/attachments/${a.fileId}`} download=${a.name}>${a.name}</a>`
                  : html`<a class="cal-attach-name" href=${a.url} target="_blank" rel="noopener noreferrer">${a.name}</a>`}
                ${a.size > 0 && html`<span class="cal-attach-size">${fileSize(a.size)}</span>`}
              </li>`,
            )}
          </ul>`}
        ${ev.attendees.length > 0 &&
        html`<h3 class="cal-detail-h">${t('cal.attendees')}</h3>
          <ul class="cal-attendee-list">
            ${ev.attendees.map(
              (a) => html`<li class="cal-attendee">
                <span>${a.name || a.email}</span>
                <span class=${cx('badge', a.status === 'accepted' ? 'badge-success' : a.status === 'declined' ? 'badge-danger' : '')}>${t((a.memberId ? 'cal.status.' : 'cal.reply.') + a.status)}</span>
              </li>`,
            )}
          </ul>`}
        ${ev.myStatus &&
        html`<h3 class="cal-detail-h">${t('cal.answer')}</h3>
          ${o.recurring &&
          html`<${Select}
            label=${t('cal.answerFor')}
            value=${answerScope}
            onValue=${setAnswerScope}
            options=${['this', 'all'].map((s) => ({ value: s, label: t('cal.scope.' + s) }))}
          />`}
          <div class="cal-answers" role="group" aria-label=${t('cal.answer')}>
            ${['accepted', 'tentative', 'declined'].map(
              (s) => html`<${Button} kind=${ev.myStatus === s ? 'primary' : 'secondary'} size="small" onClick=${() => answer(s)}>${t('cal.status.' + s)}<//>`,
            )}
          </div>`}
        ${ev.canEdit && o.recurring &&
        html`<${Select} label=${t('cal.scope')} value=${scope} onValue=${setScope} options=${['this', 'following', 'all'].map((s) => ({ value: s, label: t('cal.scope.' + s) }))} />`}
      `}
    </div>
    <${ConfirmDialog} open=${confirm} title=${t('cal.delete')} message=${t('cal.deleteConfirm')} confirmLabel=${t('cal.delete')} danger=${true} onConfirm=${remove} onClose=${() => setConfirm(false)} />
  <//>`;
}

function blankEvent(calendarId, start) {
  const s = start || new Date(new Date().setMinutes(0, 0, 0) + 3600000);
  return {
    calendarId,
    title: '',
    allDay: false,
    start: localInput(s),
    end: localInput(new Date(s.getTime() + 3600000)),
    timeZone: ZONE,
    repeat: 'none',
    rrule: '',
    location: '',
    description: '',
    visibility: 'public',
    transparency: 'OPAQUE',
    status: 'CONFIRMED',
    reminder: '',
    reminderMethod: 'app',
    attendees: [],
    facilityId: '',
    attachments: [],
  };
}

addMessages({
  ja: {
    'cal.share': '共有',
    'cal.shareTitle': '「{name}」の共有',
    'cal.shareGroup': 'グループ',
    'cal.shareLevel': '権限',
    'cal.shareAdd': '追加',
    'cal.shareRemove': '外す',
    'cal.shareNone': 'まだ共有していません。',
    'cal.shareHint': 'グループのメンバーは閲覧するときの所属で決まります。後からグループに加わった人にも見えます。',
    'cal.shareSaved': '共有を保存しました',
    'cal.grantee.member': 'メンバー',
    'cal.grantee.department': '部署',
    'cal.grantee.group': 'グループ',
    'cal.level.freebusy': '空き時間のみ',
    'cal.level.details': '詳細を表示',
    'cal.level.edit': '編集',
  },
  en: {
    'cal.share': 'Share',
    'cal.shareTitle': 'Sharing “{name}”',
    'cal.shareGroup': 'Group',
    'cal.shareLevel': 'Access',
    'cal.shareAdd': 'Add',
    'cal.shareRemove': 'Remove',
    'cal.shareNone': 'Not shared yet.',
    'cal.shareHint': 'Group members are looked up whenever they read: people who join the group later see it too.',
    'cal.shareSaved': 'Sharing saved',
    'cal.grantee.member': 'Member',
    'cal.grantee.department': 'Department',
    'cal.grantee.group': 'Group',
    'cal.level.freebusy': 'Free/busy only',
    'cal.level.details': 'See details',
    'cal.level.edit': 'Edit',
  },
});

const SHARE_LEVELS = ['freebusy', 'details', 'edit'];

/** Shares of one calendar: add a custom group at a level, change levels, remove grants. */
function ShareDialog({ calendar, onClose, onSaved }) {
  const [shares, setShares] = useState(calendar.shares || []);
  const [groups, setGroups] = useState([]);
  const [group, setGroup] = useState('');
  const [level, setLevel] = useState('details');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  useEffect(() => {
    api.get('/api/v1/directory/groups').then(setGroups, () => setGroups([]));
  }, []);
  const groupName = (id) => groups.find((g) => g.id === id)?.name || id;
  const add = () => {
    if (!group) return;
    setShares((list) => [...list.filter((s) => !(s.granteeType === 'group' && s.granteeId === group)), { granteeType: 'group', granteeId: group, level }]);
    setGroup('');
  };
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const saved = await api.put(`/api/v1/calendars/${calendar.id}/shares`, { shares });
      toast(t('cal.shareSaved'));
      onSaved(saved);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const levels = SHARE_LEVELS.map((l) => ({ value: l, label: t('cal.level.' + l) }));
  return html`<${Dialog}
    open=${true}
    title=${t('cal.shareTitle', { name: calendar.name })}
    onClose=${onClose}
    footer=${html`<${Button} kind="secondary" onClick=${onClose}>${t('common.cancel')}<//>
      <${Button} busy=${busy} onClick=${save} data-testid="save-shares">${t('common.save')}<//>`}
  >
    <div class="stack cal-share" data-testid="share-dialog">
      ${error && html`<${Alert}>${errorText(error)}<//>`}
      ${shares.length === 0
        ? html`<p class="muted">${t('cal.shareNone')}</p>`
        : html`<ul class="cal-share-list">
            ${shares.map(
              (s, i) => html`<li key=${s.granteeType + s.granteeId}>
                <span><span class="muted">${t('cal.grantee.' + s.granteeType)}</span> ${s.granteeType === 'group' ? groupName(s.granteeId) : s.granteeId}</span>
                <select class="input select" aria-label=${t('cal.shareLevel')} value=${s.level} onChange=${(e) => {
                  const v = e.currentTarget.value;
                  setShares((list) => list.map((x, j) => (j === i ? { ...x, level: v } : x)));
                }}>
                  ${levels.map((o) => html`<option value=${o.value} selected=${o.value === s.level}>${o.label}</option>`)}
                </select>
                <${Button} kind="ghost" size="small" onClick=${() => setShares((list) => list.filter((_, j) => j !== i))}>${t('cal.shareRemove')}<//>
              </li>`,
            )}
          </ul>`}
      <div class="cal-share-add">
        <${Select}
          label=${t('cal.shareGroup')}
          value=${group}
          onValue=${setGroup}
          name="shareGroup"
          options=${[{ value: '', label: '—' }, ...groups.map((g) => ({ value: g.id, label: g.name }))]}
        />
        <${Select} label=${t('cal.shareLevel')} value=${level} onValue=${setLevel} name="shareLevel" options=${levels} />
        <${Button} kind="secondary" disabled=${!group} onClick=${add} data-testid="add-share">${t('cal.shareAdd')}<//>
      </div>
      <p class="muted">${t('cal.shareHint')}</p>
    </div>
  <//>`;
}

export function CalendarPage() {
  const narrow = typeof window !== 'undefined' && window.matchMedia && window.matchMedia('(max-width: 720px)').matches;
  const [view, setView] = useState(narrow ? 'agenda' : 'month');
  const [anchor, setAnchor] = useState(() => startOfDay(new Date()));
  const [calendars, setCalendars] = useState(null);
  const [hidden, setHidden] = useState(() => new Set());
  const [items, setItems] = useState([]);
  const [loading, setLoading] = useState(false);
  const [err, setErr] = useState(null);
  const [facilities, setFacilities] = useState([]);
  const [open, setOpen] = useState(null);
  const [editing, setEditing] = useState(null);
  const [tick, setTick] = useState(0);
  const [moveAsk, setMoveAsk] = useState(null);
  const [sharing, setSharing] = useState(null);

  useEffect(() => {
    api.get('/api/v1/calendars').then(setCalendars).catch(setErr);
    api.get('/api/v1/facilities').then(setFacilities).catch(() => setFacilities([]));
  }, []);
  const [from, to] = range(view, anchor);
  useEffect(() => {
    if (!calendars) return;
    setLoading(true);
    api
      .get('/api/v1/agenda' + query({ from: from.toISOString(), to: to.toISOString() }))
      .then((list) => {
        setItems(prepare(list));
        setErr(null);
      })
      .catch(setErr)
      .finally(() => setLoading(false));
  }, [calendars, view, from.getTime(), tick]);

  const colors = useMemo(() => Object.fromEntries((calendars || []).map((c) => [c.id, c.color])), [calendars]);
  const writable = useMemo(() => new Set((calendars || []).filter((c) => !c.readOnly).map((c) => c.id)), [calendars]);
  const shown = items
    .filter((o) => !hidden.has(o.calendarId))
    .map((o) => ({ ...o, canMove: !!o.eventId && !o.allDay && !o.busyOnly && !o.invitation && writable.has(o.calendarId) }));
  const mine = calendars?.find((c) => c.isDefault);
  const reload = () => {
    setOpen(null);
    setEditing(null);
    setTick((x) => x + 1);
  };
  const openNew = (start) => mine && setEditing(blankEvent(mine.id, start));
  // A dragged event: saved at once, or for a series after asking which events change.
  const saveMove = async (o, s, e, scope) => {
    try {
      let start = s;
      let end = e;
      let q = query({ scope: 'all' });
      let body = null;
      if (o.recurring && scope === 'all') {
        // The whole series moves by as much as this occurrence did on the clock of the series' own
        // zone (not by elapsed time: across a daylight-saving change that lands an hour off), so
        // the dragged occurrence ends up where it was dropped and every occurrence keeps one time.
        const ev = await api.get(`/api/v1/events/${o.eventId}`);
        const zone = ev.timeZone;
        body = {
          timeZone: zone,
          start: naiveText(naiveMs(ev.start) + (wallClock(s, zone) - wallClock(o.s, zone))),
          end: naiveText(naiveMs(ev.end) + (wallClock(e, zone) - wallClock(o.e, zone))),
        };
      } else if (o.recurring) {
        q = query({ scope, occurrence: o.recurrenceId });
      }
      await api.patch(`/api/v1/events/${o.eventId}${q}`, body || { start: start.toISOString(), end: end.toISOString() });
      setItems((list) => list.map((x) => (x.key === o.key ? { ...x, s, e, start: s.toISOString(), end: e.toISOString() } : x)));
      toast(t('cal.saved'));
      reload();
    } catch (x) {
      toast(errorText(x), 'error');
    }
  };
  const move = (o, s, e) => (o.recurring ? new Promise((done) => setMoveAsk({ o, s, e, done })) : saveMove(o, s, e, 'all'));
  const answerMove = async (scope) => {
    const ask = moveAsk;
    setMoveAsk(null);
    if (scope) await saveMove(ask.o, ask.s, ask.e, scope);
    ask.done();
  };
  const edit = (ev, o) => {
    const zoneStart = ev.allDay ? ev.start : o && o.recurring ? localInput(o.s) : localInput(new Date(ev.startAt));
    const zoneEnd = ev.allDay ? ev.end : o && o.recurring ? localInput(o.e) : localInput(new Date(ev.endAt));
    setOpen(null);
    setEditing({
      id: ev.id,
      recurrenceId: o && o.recurring ? o.recurrenceId : null,
      recurring: !!(o && o.recurring),
      calendarId: ev.calendarId,
      title: ev.title,
      allDay: ev.allDay,
      start: zoneStart,
      end: zoneEnd,
      timeZone: ev.allDay ? ev.timeZone : ZONE,
      repeat: repeatOf(ev.rrule),
      rrule: ev.rrule || '',
      location: ev.location,
      description: ev.description,
      visibility: ev.visibility,
      transparency: ev.transparency || 'OPAQUE',
      status: ev.status || 'CONFIRMED',
      reminder: ev.reminders[0] ? String(ev.reminders[0]) : ev.emailReminders?.[0] !== undefined ? String(ev.emailReminders[0]) : '',
      reminderMethod: !ev.reminders[0] && ev.emailReminders?.length ? 'email' : 'app',
      attendees: ev.attendees,
      facilityId: ev.facilityId || '',
      attachments: ev.attachments || [],
    });
  };

  if (!calendars && !err) return html`<${Spinner} />`;
  const weekDays = view === 'week' ? Array.from({ length: 7 }, (_, i) => addDays(from, i)) : [from];
  return html`<section class="cal">
    <aside class="cal-side">
      <${Button} class="cal-new" onClick=${() => openNew()}><${Icon} name="plus" />${t('cal.new')}<//>
      <h2 class="cal-side-title">${t('cal.calendars')}</h2>
      <ul class="cal-list">
        ${(calendars || []).map(
          (c) => html`<li class="cal-list-item" style=${{ '--cal-color': c.color }}>
            <${Checkbox}
              label=${c.name}
              checked=${!hidden.has(c.id)}
              onValue=${(v) =>
                setHidden((h) => {
                  const n = new Set(h);
                  if (v) n.delete(c.id);
                  else n.add(c.id);
                  return n;
                })}
            />
            ${c.shares &&
            html`<button type="button" class="icon-btn cal-share-btn" aria-label=${t('cal.share') + ': ' + c.name} title=${t('cal.share')} onClick=${() => setSharing(c)} data-share=${c.name}>
              <${Icon} name="user" />
            </button>`}
          </li>`,
        )}
      </ul>
    </aside>
    <div class="cal-main">
      <header class="cal-toolbar">
        <div class="cal-nav">
          <${Button} kind="secondary" size="small" onClick=${() => setAnchor(startOfDay(new Date()))}>${t('cal.today')}<//>
          <button type="button" class="icon-btn cal-prev" aria-label=${t('cal.prev')} onClick=${() => setAnchor(step(view, anchor, -1))}><${Icon} name="back" /></button>
          <button type="button" class="icon-btn cal-next" aria-label=${t('cal.next')} onClick=${() => setAnchor(step(view, anchor, 1))}><${Icon} name="back" /></button>
          <h1 class="cal-heading">${heading(view, anchor)}</h1>
          ${loading && html`<${Spinner} inline />`}
        </div>
        <div class="cal-views" role="tablist">
          ${VIEWS.map(
            (v) => html`<button type="button" role="tab" aria-selected=${view === v ? 'true' : 'false'} class=${cx('cal-view-btn', view === v && 'cal-view-on')} onClick=${() => setView(v)}>${t('cal.' + v)}</button>`,
          )}
          <button type="button" class="icon-btn cal-fab" aria-label=${t('cal.new')} onClick=${() => openNew()}><${Icon} name="plus" /></button>
        </div>
      </header>
      ${err && html`<${Alert}>${errorText(err)}<//>`}
      ${view === 'month' && html`<${MonthView} anchor=${anchor} items=${shown} colors=${colors} onOpen=${setOpen} onNew=${openNew} />`}
      ${(view === 'week' || view === 'day') && html`<${TimeGrid} days=${weekDays} items=${shown} colors=${colors} onOpen=${setOpen} onNew=${openNew} onMove=${move} />`}
      ${view === 'agenda' && html`<${AgendaView} anchor=${anchor} items=${shown} colors=${colors} onOpen=${setOpen} />`}
    </div>
    ${open && open.eventId && html`<${DetailDialog} occurrence=${open} colors=${colors} onClose=${() => setOpen(null)} onEdit=${edit} onChanged=${reload} />`}
    ${editing && html`<${EditDialog} initial=${editing} calendars=${calendars || []} facilities=${facilities} onClose=${() => setEditing(null)} onSaved=${reload} />`}
    ${sharing &&
    html`<${ShareDialog}
      calendar=${sharing}
      onClose=${() => setSharing(null)}
      onSaved=${(saved) => {
        setSharing(null);
        setCalendars((list) => list.map((c) => (c.id === saved.id ? saved : c)));
      }}
    />`}
    ${moveAsk &&
    html`<${Dialog}
      open=${true}
      title=${t('cal.moveScope')}
      onClose=${() => answerMove(null)}
      footer=${html`<${Button} kind="secondary" onClick=${() => answerMove(null)}>${t('common.cancel')}<//>`}
    >
      <div class="cal-move-scope" role="group" aria-label=${t('cal.scope')}>
        ${['this', 'following', 'all'].map((sc) => html`<${Button} kind=${sc === 'this' ? 'primary' : 'secondary'} onClick=${() => answerMove(sc)}>${t('cal.scope.' + sc)}<//>`)}
      </div>
    <//>`}
  </section>`;
}

// --- in-app reminders ----------------------------------------------------------------------------

const REMINDER_LOOKAHEAD = 25 * 60 * 60 * 1000; // the longest reminder choice is a day before
const REMINDER_GRACE = 2 * 60 * 1000; // a reminder missed by a sleeping tab still shows this late
let reminderTimer = null;
const remindersShown = new Set();

function remind(o, minutes) {
  const time = new Date(o.start).toLocaleTimeString(lang(), { hour: '2-digit', minute: '2-digit' });
  const text = o.allDay ? t('cal.reminderAllDay', { title: o.title || '' }) : t('cal.reminderNow', { time, title: o.title || '', n: minutes });
  toast(text, 'info');
  if (typeof Notification !== 'undefined' && Notification.permission === 'granted') {
    try {
      new Notification(t('app.name'), { body: text, tag: 'musubi-reminder-' + o.eventId + o.start });
    } catch {
      // Some browsers only allow notifications from a service worker; the toast is enough.
    }
  }
}

async function checkReminders() {
  const now = Date.now();
  let items;
  try {
    items = await api.get('/api/v1/agenda' + query({ from: new Date(now - REMINDER_GRACE).toISOString(), to: new Date(now + REMINDER_LOOKAHEAD).toISOString() }), { quiet401: true });
  } catch {
    return; // signed out or offline: try again at the next tick
  }
  for (const o of items || []) {
    for (const minutes of o.reminders || []) {
      const at = Date.parse(o.start) - minutes * 60_000;
      const key = `${o.eventId}|${o.start}|${minutes}`;
      if (at <= now && now - at < REMINDER_GRACE && !remindersShown.has(key)) {
        remindersShown.add(key);
        remind(o, minutes);
      }
    }
  }
}

/** Shows the signed-in member's event reminders while the app is open; returns the stop function. */
export function startReminders() {
  if (!reminderTimer) {
    checkReminders();
    reminderTimer = setInterval(checkReminders, 30_000);
  }
  return () => {
    clearInterval(reminderTimer);
    reminderTimer = null;
  };
}
