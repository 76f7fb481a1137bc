/** Calendar internals: storage, access levels, recurrence expansion, holidays, iCalendar. */
@NullMarked
package dev.musubi.calendar.internal;

import org.jspecify.annotations.NullMarked;
