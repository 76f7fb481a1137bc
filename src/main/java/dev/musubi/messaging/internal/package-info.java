@NullMarked
package dev.musubi.messaging.internal;

import org.jspecify.annotations.NullMarked;
