/** Calendar HTTP endpoints under {@code /api/v1} and the secret feed under {@code /ical}. */
@NullMarked
package dev.musubi.calendar.web;

import org.jspecify.annotations.NullMarked;
