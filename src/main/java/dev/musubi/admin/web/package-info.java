@NullMarked
package dev.musubi.admin.web;

import org.jspecify.annotations.NullMarked;
