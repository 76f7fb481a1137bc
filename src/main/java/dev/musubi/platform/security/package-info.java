@NullMarked
package dev.musubi.platform.security;

import org.jspecify.annotations.NullMarked;
