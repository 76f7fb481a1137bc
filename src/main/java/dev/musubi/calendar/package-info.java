/**
 * Calendar: personal, company, department and holiday calendars with sharing levels and
 * subscriptions; events with RFC 5545 recurrence (ical4j), overridden occurrences, attendees and
 * their answers; free/busy and "find a time"; facilities with race-free bookings; .ics import,
 * export and secret feed URLs; invitations by e-mail to outside attendees (iMIP, their REPLYs read
 * from the organiser's inbox), e-mail reminders and attachments from Drive (opened through {@link
 * dev.musubi.drive.Drives}). Other modules call {@link dev.musubi.calendar.Calendars}, {@link
 * dev.musubi.calendar.Events} and {@link dev.musubi.calendar.Facilities}.
 */
@NullMarked
@org.springframework.modulith.ApplicationModule(
    allowedDependencies = {"platform", "identity", "audit", "mail", "drive"})
package dev.musubi.calendar;

import org.jspecify.annotations.NullMarked;
