@NullMarked
package dev.musubi.messaging.web;

import org.jspecify.annotations.NullMarked;
