@NullMarked
package dev.musubi.mail.internal;

import org.jspecify.annotations.NullMarked;
