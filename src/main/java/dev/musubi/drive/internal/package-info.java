@NullMarked
package dev.musubi.drive.internal;

import org.jspecify.annotations.NullMarked;
