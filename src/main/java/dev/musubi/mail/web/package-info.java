@NullMarked
package dev.musubi.mail.web;

import org.jspecify.annotations.NullMarked;
