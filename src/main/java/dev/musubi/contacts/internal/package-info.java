@NullMarked
package dev.musubi.contacts.internal;

import org.jspecify.annotations.NullMarked;
