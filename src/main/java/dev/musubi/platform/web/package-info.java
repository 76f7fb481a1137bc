@NullMarked
package dev.musubi.platform.web;

import org.jspecify.annotations.NullMarked;
