@NullMarked
package dev.musubi.contacts.web;

import org.jspecify.annotations.NullMarked;
