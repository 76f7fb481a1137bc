/** Musubi root package: the application class and the command-line entry. */
@NullMarked
package dev.musubi;

import org.jspecify.annotations.NullMarked;
