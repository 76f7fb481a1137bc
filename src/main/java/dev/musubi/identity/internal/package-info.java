/** Identity internals: stores, sign-in, sessions, the security filter chain. */
@NullMarked
package dev.musubi.identity.internal;

import org.jspecify.annotations.NullMarked;
